"""The webhook route (``POST /telegram/webhook`` by default) and the channel's place in the web
app's life: built at start-up when ``TELEGRAM_BOT_TOKEN`` is set, stopped at shutdown.

The route checks Telegram's secret-token header, runs the update's turn and queues its replies,
and answers: sending happens afterwards from the outbox, so Telegram never waits for it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response

from bot.channels.telegram.settings import TelegramSecrets, TelegramSettings
from bot.config import Settings
from bot.log import get_logger
from bot.runtime import Runtime
from bot.stores.base import StoreUnavailableError
from handoff.errors import DatabaseUnavailableError

log = get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


def build_router(
    settings: Settings,
    runtime: Callable[[], Runtime],
    secrets: TelegramSecrets | None = None,
) -> APIRouter:
    """The webhook route, plus a lifespan that puts a ``TelegramChannel`` (or None) on
    ``app.state.telegram_channel`` for the console to deliver through."""
    config: TelegramSettings = settings.config.telegram
    tg_secrets = secrets or TelegramSecrets.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        channel = None
        if tg_secrets.token:
            from bot.channels.telegram.channel import TelegramChannel

            channel = TelegramChannel(runtime(), config, tg_secrets, sends=config.mode == "webhook")
            await channel.start()
            log.info("telegram_channel_ready", mode=config.mode)
        app.state.telegram_channel = channel
        try:
            yield
        finally:
            if channel is not None:
                await channel.stop()

    router = APIRouter(lifespan=lifespan)

    @router.post(config.webhook_path, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        channel = getattr(request.app.state, "telegram_channel", None)
        if channel is None or config.mode != "webhook":
            return Response(status_code=404)
        if not channel.accepts_secret(request.headers.get(SECRET_HEADER, "")):
            log.warning("telegram_webhook_bad_secret")
            return Response(status_code=401)
        try:
            data: Any = json.loads(await request.body())
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return Response(status_code=400)
        try:
            await channel.process(data)
        except (StoreUnavailableError, DatabaseUnavailableError, TimeoutError):
            # Nothing was done: Telegram delivers the update again later.
            return Response(status_code=503)
        return Response(status_code=200)

    return router
