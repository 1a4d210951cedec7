"""The ``handoff:`` part of config.yml: intake limits, retention, routing, key costs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from handoff.keys.argon import RECEIPT_PROFILE, Argon2Profile
from handoff.live.settings import AlertSettings, LiveSettings


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


class SlaSettings(BaseModel):
    """When the console flags a case nobody has claimed (hours since it was filed)."""

    urgent_unclaimed_hours: float = Field(default=2, gt=0)
    unclaimed_hours: float = Field(default=48, gt=0)


class RetentionSettings(BaseModel):
    """What `gongyou purge` deletes, and how often `gongyou run` runs it."""

    closed_case_days: int = Field(default=90, ge=1)
    purge_interval_minutes: int = Field(default=60, ge=1)


class ConsoleSettings(BaseModel):
    """The caseworker console: how long a login lasts and how hard guessing is."""

    # A login ends this many hours after it began, or after this many idle minutes.
    session_hours: int = Field(default=12, ge=1, le=24 * 14)
    idle_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Failed logins allowed per account and per IP address in a window of minutes.
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_ip: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    # What authenticator apps show beside the account name.
    totp_issuer: str = "Gongyou"


class HandoffSettings(BaseModel):
    """The ``handoff:`` section of config.yml's ``gongyou:`` part."""

    intake: IntakeSettings = IntakeSettings()
    retention: RetentionSettings = RetentionSettings()
    sla: SlaSettings = SlaSettings()
    routing: list[RoutingRule] = Field(default_factory=list)
    # Organisation for cases no rule matches; empty means the one marked default.
    default_organisation: str = ""
    argon2: Argon2Profile = Argon2Profile()
    receipt_argon2: Argon2Profile = RECEIPT_PROFILE
    console: ConsoleSettings = ConsoleSettings()
    live: LiveSettings = LiveSettings()
    alerts: AlertSettings = AlertSettings()

    def route(self, province: str | None, categories: tuple[str, ...]) -> str | None:
        """The organisation named by the first matching rule, else the default (may be None)."""
        for rule in self.routing:
            if rule.matches(province, categories):
                return rule.organisation
        return self.default_organisation or None
