"""The ``handoff:`` part of config.yml: intake limits, retention, routing, key costs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from handoff.keys.argon import Argon2Profile


class RoutingRule(BaseModel):
    """Send cases from these provinces and/or of these categories to one organisation."""

    organisation: str
    provinces: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)

    def matches(self, province: str | None, categories: tuple[str, ...]) -> bool:
        """True when every list given here matches the case (an empty list matches all)."""
        province_ok = not self.provinces or (province is not None and province in self.provinces)
        category_ok = not self.categories or any(c in self.categories for c in categories)
        return province_ok and category_ok


class IntakeSettings(BaseModel):
    """How the complaint conversation behaves."""

    draft_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)
    max_cases_per_day: int = Field(default=3, ge=1, le=100)
    # Wrong receipts allowed per conversation per hour, and across the service per minute.
    receipt_attempts_per_hour: int = Field(default=5, ge=1)
    receipt_attempts_per_minute_global: int = Field(default=120, ge=1)
    first_reply: str = ""


class RetentionSettings(BaseModel):
    """What `gongyou purge` deletes, and how often `gongyou run` runs it."""

    closed_case_days: int = Field(default=90, ge=1)
    purge_interval_minutes: int = Field(default=60, ge=1)


class HandoffSettings(BaseModel):
    """The ``handoff:`` section of config.yml's ``gongyou:`` part."""

    intake: IntakeSettings = IntakeSettings()
    retention: RetentionSettings = RetentionSettings()
    routing: list[RoutingRule] = Field(default_factory=list)
    # Organisation for cases no rule matches; empty means the one marked default.
    default_organisation: str = ""
    argon2: Argon2Profile = Argon2Profile()

    def route(self, province: str | None, categories: tuple[str, ...]) -> str | None:
        """The organisation named by the first matching rule, else the default (may be None)."""
        for rule in self.routing:
            if rule.matches(province, categories):
                return rule.organisation
        return self.default_organisation or None
