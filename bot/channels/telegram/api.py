"""The one place that talks to the Bot API, through python-telegram-bot's ``Bot``.

Everything goes over PTB's request seam (``HTTPXRequest``) to ``TELEGRAM_API_BASE_URL``, so
the bot runs against Telegram, a local Bot API server or the test stand-in alike. Errors stay
PTB's (``RetryAfter``, ``Forbidden``, ``BadRequest``, ``NetworkError`` …); what they mean for a
message is decided in :mod:`bot.channels.telegram.failures`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.request import HTTPXRequest

# Updates the bot asks for: messages, edits, channel posts, button taps, and being blocked or
# added to a group (my_chat_member). Nothing about other members, reactions or payments.
ALLOWED_UPDATES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "my_chat_member",
)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class _NoUpdateDumps(logging.Filter):
    """PTB logs a whole update when it cannot parse one: names and texts must not reach logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Received data was" not in str(record.msg)


# PTB 22 warns on every RetryAfter (and other durations) unless durations are timedeltas;
# opting in makes them timedeltas now, which failures.retry_after_seconds reads.
os.environ.setdefault("PTB_TIMEDELTA", "true")
logging.getLogger("telegram").addFilter(_NoUpdateDumps())
logging.getLogger("telegram").setLevel(logging.WARNING)


def api_root(base_url: str) -> str:
    """PTB's ``base_url`` for a Bot API address: ``https://api.telegram.org`` becomes
    ``https://api.telegram.org/bot`` (PTB appends the token); ``{token}`` templates pass."""
    base = base_url.rstrip("/")
    if "{token}" in base or base.endswith("/bot"):
        return base
    return base + "/bot"


Keyboard = Sequence[Sequence[tuple[str, str]]]


class TelegramApi:
    """The Bot API methods the channel uses, with simple arguments and results."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        connections: int = 64,
        poll_timeout_seconds: int = 25,
    ) -> None:
        self._requests = (
            HTTPXRequest(
                connection_pool_size=connections,
                connect_timeout=5.0,
                read_timeout=10.0,
                write_timeout=10.0,
                pool_timeout=5.0,
            ),
            HTTPXRequest(connection_pool_size=2, read_timeout=10.0 + poll_timeout_seconds),
        )
        self._bot = PtbBot(
            token,
            base_url=api_root(base_url),
            request=self._requests[0],
            get_updates_request=self._requests[1],
        )

    @property
    def bot(self) -> PtbBot:
        """The underlying PTB bot (to parse webhook updates with ``Update.de_json``)."""
        return self._bot

    async def close(self) -> None:
        """Close the HTTP connections (the bot is used without PTB's initialize, which would
        make a getMe call at start-up; so its requests are shut down here)."""
        for request in self._requests:
            await request.shutdown()

    async def get_me(self) -> str:
        """The bot's username (checks the token)."""
        me = await self._bot.get_me()
        return me.username or ""

    async def get_updates(
        self, offset: int | None, timeout: int, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Raw updates from ``offset`` on (confirming those before it), waiting up to
        ``timeout`` seconds. Raw, so that one update PTB cannot read spoils only itself
        (``updates.read_raw``), not the whole batch."""
        # "getupdates": the Bot API's method names are case-insensitive, and this spelling is
        # not one of PTB's own method names, which do_api_request would warn about.
        result = await self._bot.do_api_request(
            "getupdates",
            api_kwargs={
                "offset": offset,
                "limit": limit,
                "timeout": timeout,
                "allowed_updates": list(ALLOWED_UPDATES),
            },
            read_timeout=10.0 + timeout,
        )
        return [u for u in result if isinstance(u, dict)] if isinstance(result, list) else []

    async def send_message(
        self, chat_id: str, text: str, keyboard: Keyboard | None = None, *, html: bool = True
    ) -> int:
        """Send one message (HTML unless ``html`` is False); returns its message id."""
        message = await self._bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode=ParseMode.HTML if html else None,
            reply_markup=_markup(keyboard),
            link_preview_options=_NO_PREVIEW,
        )
        return message.message_id

    async def edit_message_text(self, chat_id: str, message_id: int, text: str) -> None:
        """Replace a message's text (HTML) and remove its buttons."""
        await self._bot.edit_message_text(
            text=text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
        )

    async def answer_callback_query(self, callback_query_id: str, text: str | None = None) -> None:
        """Stop the tapped button's spinner (with a short notice when ``text`` is given)."""
        await self._bot.answer_callback_query(callback_query_id, text=text)

    async def set_webhook(self, url: str, secret_token: str, max_connections: int = 40) -> None:
        """Have Telegram POST updates to ``url`` with ``secret_token`` in a header."""
        await self._bot.set_webhook(
            url=url,
            secret_token=secret_token,
            allowed_updates=list(ALLOWED_UPDATES),
            max_connections=max_connections,
        )

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (getUpdates only works without one); pending updates stay."""
        await self._bot.delete_webhook(drop_pending_updates=False)

    async def set_my_commands(self, commands: Sequence[tuple[str, str]]) -> None:
        """The command menu Telegram shows beside the text box."""
        await self._bot.set_my_commands([BotCommand(name, text) for name, text in commands])


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in keyboard]
    )
