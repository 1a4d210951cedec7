"""`gongyou telegram --polling`, `gongyou telegram set-webhook URL`, `… delete-webhook`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Coroutine
from typing import Any

import typer

from bot.config import ConfigError, Settings, load_settings
from bot.log import configure_logging

telegram_app = typer.Typer(
    help="The Telegram bot: long polling (a laptop) or a webhook (production).",
    invoke_without_command=True,
)
_WEB_START_SECONDS = 600.0


def _settings() -> Settings:
    try:
        settings = load_settings()
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from exc
    configure_logging(
        settings.config.logging.level, json_output=settings.config.logging.json_output
    )
    return settings


def _token_or_exit() -> None:
    if not os.environ.get("TELEGRAM_BOT_TOKEN"):
        typer.echo(
            "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram and run:\n"
            "  TELEGRAM_BOT_TOKEN=123456:ABC… gongyou telegram --polling",
            err=True,
        )
        raise typer.Exit(code=2)


@telegram_app.callback()
def telegram(
    ctx: typer.Context,
    polling: bool = typer.Option(
        False, "--polling", help="Fetch updates with long polling until Ctrl-C."
    ),
    beside_web: int | None = typer.Option(
        None,
        "--beside-web",
        metavar="PID",
        help="Start once `gongyou run` (process PID) serves, and stop when it stops "
        "(what `make run` uses).",
    ),
) -> None:
    """Run the Telegram bot with long polling (`--polling`), or manage its webhook."""
    if ctx.invoked_subcommand is not None:
        return
    if not polling:
        typer.echo(ctx.get_help())
        raise typer.Exit(code=0)
    _token_or_exit()
    settings = _settings()
    if settings.config.telegram.mode != "polling":
        typer.echo(
            "config.yml sets gongyou.telegram.mode to webhook: `gongyou run` receives the "
            "updates. Polling would remove the webhook; set mode: polling to poll.",
            err=True,
        )
        raise typer.Exit(code=2)
    if beside_web is not None and not _wait_for_web(settings, beside_web):
        return
    _poll(settings, beside_web)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_for_web(settings: Settings, pid: int) -> bool:
    """Wait until the web process answers /healthz (it has migrated the database and trained
    the NLU model); False when it ended first."""
    import httpx

    port = int(os.environ.get("PORT") or settings.config.web.port)
    url = f"http://{settings.config.web.host}:{port}/healthz"
    deadline = time.monotonic() + _WEB_START_SECONDS
    while time.monotonic() < deadline:
        if not _alive(pid):
            return False
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=2.0)
            return True
        time.sleep(0.5)
    typer.echo("The web process did not start; Telegram polling is not started.", err=True)
    return False


def _poll(settings: Settings, beside_web: int | None) -> None:
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.telegram.registration import register_commands
    from bot.channels.telegram.settings import TelegramSecrets
    from bot.runtime import build_runtime

    runtime = build_runtime(settings)
    runtime.warm_up()
    secrets = TelegramSecrets.from_env()

    async def session() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        channel = TelegramChannel(runtime, settings.config.telegram, secrets)
        watcher = asyncio.create_task(_watch_parent(beside_web, stop)) if beside_web else None
        runtime.start_background()
        await channel.start()
        commands = asyncio.create_task(_quietly(register_commands(channel.api)))
        typer.echo(f"Telegram: polling {secrets.api_base_url} (Ctrl-C stops).")
        try:
            await channel.poller().run(stop)
        finally:
            commands.cancel()
            if watcher is not None:
                watcher.cancel()
            await channel.stop()
            await runtime.close()

    asyncio.run(session())


async def _quietly(work: Coroutine[Any, Any, None]) -> None:
    """Run a set-up call whose failure should be logged, not stop the bot."""
    from telegram.error import TelegramError

    from bot.log import get_logger

    with contextlib.suppress(TelegramError):
        await work
        return
    get_logger(__name__).warning("telegram_commands_not_registered")


async def _watch_parent(pid: int | None, stop: asyncio.Event) -> None:
    while pid is not None and _alive(pid) and not stop.is_set():
        await asyncio.sleep(1.0)
    stop.set()


@telegram_app.command("set-webhook")
def set_webhook(
    url: str = typer.Argument(..., help="Public HTTPS address of the webhook route"),
) -> None:
    """Have Telegram send updates to URL (with a secret header) and register the commands."""
    _token_or_exit()
    settings = _settings()
    path = settings.config.telegram.webhook_path
    if not url.rstrip("/").endswith(path):
        typer.echo(f"Note: the web app serves the webhook at {path}; URL should end with it.")
    asyncio.run(_registered(settings, url))
    typer.echo(f"Webhook set to {url}; commands registered.")
    if settings.config.telegram.mode != "webhook":
        typer.echo("Set gongyou.telegram.mode: webhook in config.yml, then run `gongyou run`.")


@telegram_app.command("delete-webhook")
def delete_webhook() -> None:
    """Stop webhook delivery (pending updates are kept for polling)."""
    _token_or_exit()
    _settings()
    asyncio.run(_registered(None, None))
    typer.echo("Webhook deleted.")


async def _registered(settings: Settings | None, url: str | None) -> None:
    from telegram.error import TelegramError

    from bot.channels.telegram.api import TelegramApi
    from bot.channels.telegram.registration import (
        register_commands,
        webhook_secret,
        with_retries,
    )
    from bot.channels.telegram.settings import TelegramSecrets
    from handoff.crypto import Vault

    secrets = TelegramSecrets.from_env()
    api = TelegramApi(secrets.token or "", secrets.api_base_url)
    try:
        if settings is None or url is None:
            await with_retries(api.delete_webhook)
            return
        secret = webhook_secret(secrets, Vault(settings.secrets.secret_key.get_secret_value()))
        await with_retries(lambda: api.set_webhook(url, secret))
        await register_commands(api)
    except TelegramError as exc:
        typer.echo(f"Telegram refused: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        await api.close()


def register(app: typer.Typer) -> None:
    """Add `gongyou telegram …` to the main command line."""
    app.add_typer(telegram_app, name="telegram")
