"""One-off calls that set the bot up: the command menu, the webhook. Each is retried (a 429
with retry_after, a network error) so that start-up never fails on a busy Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, InvalidToken, RetryAfter, TelegramError

from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.failures import backoff, retry_after_seconds
from bot.channels.telegram.settings import TelegramSecrets
from bot.channels.telegram.updates import COMMANDS
from bot.prompts import load_prompts
from handoff.crypto import Vault

ATTEMPTS = 6


def webhook_secret(secrets: TelegramSecrets, vault: Vault) -> str:
    """What Telegram sends in ``X-Telegram-Bot-Api-Secret-Token``: ``TELEGRAM_WEBHOOK_SECRET``,
    else derived from the server key and the token (so nothing more needs to be kept)."""
    return webhook_secrets(secrets, vault)[0]


def webhook_secrets(secrets: TelegramSecrets, vault: Vault) -> list[str]:
    """Every secret the webhook accepts: the current one first, then those derived from old
    server keys while a key rotation is under way (until set-webhook is run again)."""
    if secrets.webhook_secret:
        return [secrets.webhook_secret]
    return vault.blind_indexes("telegram-webhook", secrets.token or "")


async def with_retries(call: Callable[[], Awaitable[object]], attempts: int = ATTEMPTS) -> None:
    """Run ``call``, waiting out 429s and retrying network errors; a bad request or a
    rejected token is raised at once (retrying cannot fix it)."""
    for attempt in range(attempts):
        try:
            await call()
        except RetryAfter as exc:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(retry_after_seconds(exc))
        except (BadRequest, InvalidToken):
            raise
        except TelegramError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(backoff(attempt, base=1.0, cap=30.0).total_seconds())
        else:
            return


async def register_commands(api: TelegramApi) -> None:
    """setMyCommands: /start /help /menu /complaint /status /delete /human, described in
    ``bot/prompts/telegram.yml``."""
    described = load_prompts("telegram").mapping("commands")
    commands = [(name, described.get(name, name)) for name in COMMANDS]
    await with_retries(lambda: api.set_my_commands(commands))
