"""The ``handoff.live:`` and ``handoff.alerts:`` parts of config.yml.

The SMTP password is never in the file: it is read from the environment variable named by
``alerts.password_env``.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field


class LiveSettings(BaseModel):
    """Live takeover: how long a worker waits before being told honestly nobody is free."""

    pickup_timeout_minutes: float = Field(default=5, gt=0, le=24 * 60)
    # A request nobody took is closed after this many hours (the console stops showing it).
    queue_expiry_hours: float = Field(default=24, gt=0, le=24 * 14)
    # How often each process checks for requests nobody picked up.
    sweep_seconds: float = Field(default=15, gt=0, le=3600)
    # An ended chat and its (sealed) messages are deleted this many days after it ended.
    ended_chat_days: int = Field(default=30, ge=1)


class AlertSettings(BaseModel):
    """E-mail to on-duty caseworkers through the operator's SMTP server (no case content)."""

    enabled: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    # none: plain (a relay on localhost); starttls: upgrade on 587; ssl: implicit TLS on 465.
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str = ""
    password_env: str = "GONGYOU_SMTP_PASSWORD"  # noqa: S105 - the variable's name
    sender: str = "gongyou@localhost"
    # Where the console is, for the link in the e-mail (e.g. https://example.org/console).
    console_url: str = ""
    timeout_seconds: float = Field(default=10, gt=0, le=120)
    # At most one e-mail of a kind per organisation in this many seconds (a burst is one mail).
    min_interval_seconds: float = Field(default=60, ge=0, le=24 * 3600)

    def password(self) -> str:
        """The SMTP password from the environment (empty when not set)."""
        return os.environ.get(self.password_env, "")
