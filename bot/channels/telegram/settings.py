"""The ``telegram:`` part of config.yml's ``gongyou:`` section, and the Telegram secrets
that come from the environment only."""

from __future__ import annotations

import os
import re
from typing import Literal

from pydantic import BaseModel, Field

TELEGRAM_API = "https://api.telegram.org"
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramSettings(BaseModel):
    """How the Telegram channel behaves (the bot token is a secret: environment only)."""

    # polling: `gongyou telegram --polling` (a laptop; `make run` starts it with a token set).
    # webhook: `gongyou run` serves webhook_path; register it with `gongyou telegram set-webhook`.
    mode: Literal["polling", "webhook"] = "polling"
    webhook_path: str = Field(default="/telegram/webhook", pattern=r"^/[A-Za-z0-9/_-]+$")
    poll_timeout_seconds: int = Field(default=25, ge=0, le=50)
    # Updates handled at once (different chats; one chat's updates always one after another).
    max_concurrent_turns: int = Field(default=16, ge=1, le=256)
    # Any kind of update (text, stickers, taps) per chat per minute before the bot stops
    # answering for the rest of the minute. The core's own limit on text still applies.
    updates_per_minute_per_chat: int = Field(default=60, ge=1)
    # Messages sent per second by one process, all chats together (Telegram allows about 30).
    messages_per_second: float = Field(default=25.0, gt=0)
    max_concurrent_sends: int = Field(default=32, ge=1, le=256)
    # Backoff for network errors and Telegram's own failures: base × 2^attempts, capped.
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    # A message still not accepted after this long is given up (the console sees "failed").
    give_up_after_hours: int = Field(default=72, ge=1)
    # How often the outbox is checked for messages queued elsewhere or due for a retry.
    sweep_interval_seconds: float = Field(default=1.0, gt=0)
    # A row is leased this long while it is being sent; a crashed sender's rows wait this long.
    lease_seconds: float = Field(default=30.0, gt=1)
    # Buttons keep working this long after they were sent (taps on older ones are told kindly).
    button_ttl_hours: int = Field(default=168, ge=1)
    # Longest message part sent, in UTF-16 units (Telegram's limit is 4096; a tapped button's
    # note is added to the message later).
    max_message_chars: int = Field(default=4000, ge=100, le=4096)


class TelegramSecrets(BaseModel):
    """The bot token, the Bot API address and the webhook secret, from the environment."""

    token: str | None = None
    api_base_url: str = TELEGRAM_API
    webhook_secret: str | None = None

    @classmethod
    def from_env(cls) -> TelegramSecrets:
        """``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL``, ``TELEGRAM_WEBHOOK_SECRET``."""
        secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -")
        return cls(
            token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=os.environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API,
            webhook_secret=secret,
        )

    @property
    def bot_id(self) -> str:
        """The bot's numeric id (the token's first part), or an empty string."""
        return (self.token or "").split(":", 1)[0]
