"""The command line: `gongyou run | chat | migrate | ask | law | train | parse | nlu-eval | …`."""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
import sys

import typer

from bot.cli_cases import register as register_case_commands
from bot.cli_kb import register as register_kb_commands
from bot.cli_nlu import register as register_nlu_commands
from bot.cli_nlu_eval import register as register_nlu_eval_command
from bot.cli_telegram import register as register_telegram_commands
from bot.config import ConfigError, Settings, load_settings
from bot.log import configure_logging

app = typer.Typer(
    help="工友 Gongyou: labour-law answers, anonymous complaints, caseworker handoff.",
    no_args_is_help=True,
    add_completion=False,
)


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


@app.command()
def run(
    host: str | None = typer.Option(None, help="Address to listen on (default from config.yml)"),
    port: int | None = typer.Option(None, envvar="PORT", help="Port (default from config.yml)"),
    workers: int = typer.Option(
        1, help="Worker processes (use Redis + PostgreSQL for more than 1)"
    ),
) -> None:
    """Migrate the database and serve the web chat, the chat API and the console."""
    import uvicorn

    from handoff.db import make_engine, upgrade
    from nlu import load_backend

    settings = _settings()
    bind_host = host or settings.config.web.host
    bind_port = port or settings.config.web.port
    _require_free_port(bind_host, bind_port)
    upgrade(make_engine(settings.database_url))
    _announce_organisation(settings)
    # Train the NLU model once here (cached on disk) so server processes only load it.
    load_backend(settings=settings.config.nlu)
    base = f"http://{bind_host}:{bind_port}"
    typer.echo(
        f"工友 Gongyou is running:\n  web chat  {base}/\n  chat API  {base}/api/chat\n"
        f"  console   {base}/console\n  health    {base}/healthz"
    )
    storage = "PostgreSQL" if settings.database_url.startswith("postgres") else "SQLite"
    store = "Redis" if settings.secrets.redis_url else "in-process store"
    typer.echo(f"  storage: {storage}, sessions: {store}, NLU: {settings.config.nlu.backend}")
    if workers > 1 and not settings.secrets.redis_url:
        typer.echo("More than one worker needs REDIS_URL (shared sessions).", err=True)
        raise typer.Exit(code=2)
    # uvicorn re-raises the signal that stopped it; as KeyboardInterrupt it ends quietly, so
    # Ctrl-C and a service manager's SIGTERM both exit 0 instead of "Error 143".
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    uvicorn.run(
        "bot.web.server:app",
        host=bind_host,
        port=bind_port,
        workers=workers,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


def _require_free_port(host: str, port: int) -> None:
    """Exit with a clear message when nothing can listen on ``host:port``."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # The same option uvicorn sets: a port in TIME_WAIT is free, one with a listener not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            problem = (
                f"Port {port} on {host} is already in use (another Gongyou, or another program, "
                "is listening there)."
            )
        else:
            problem = f"Cannot listen on {host} port {port}: {exc.strerror or exc}."
        typer.echo(
            f"{problem}\nChoose another port: PORT=8080 make run  (or: gongyou run --port 8080)",
            err=True,
        )
        raise typer.Exit(code=1) from exc


def _announce_organisation(settings: Settings) -> None:
    """Development: make a default organisation so the whole loop works out of the box.
    Production: say plainly that complaints are refused until one exists."""
    from bot.cli_cases import (
        DEV_COORDINATOR,
        DEV_ORGANISATION,
        ensure_development_organisation,
        organisations_exist,
    )

    password = ensure_development_organisation(settings)
    if password is not None:
        typer.echo(
            f"Created organisation {DEV_ORGANISATION!r} for development. Coordinator "
            f"{DEV_COORDINATOR!r}, one-time password (shown once, stored nowhere): {password}"
        )
    elif not organisations_exist(settings):
        typer.echo(
            "No organisation receives complaints yet: the bot will refuse complaints (and give "
            "the hotlines) until you run `gongyou org add NAME --coordinator USER --default`.",
            err=True,
        )


def _show_prompt() -> None:
    sys.stdout.write("> ")
    sys.stdout.flush()


@app.command()
def chat() -> None:
    """Chat with the bot in this terminal (type a number to tap a button, /quit to leave)."""
    from bot.channels.terminal import TerminalChannel
    from bot.runtime import build_runtime

    settings = _settings()
    # The terminal is the worker's screen here: logs go to a file, only warnings to stderr.
    configure_logging(
        settings.config.logging.level,
        json_output=settings.config.logging.json_output,
        log_file=settings.var_dir / "logs" / "chat.log",
        stderr_level="WARNING",
    )
    runtime = build_runtime(settings)

    async def session() -> None:
        try:
            await TerminalChannel(runtime.core).run(prompt=_show_prompt)
        finally:
            await runtime.close()

    asyncio.run(session())


@app.command()
def migrate() -> None:
    """Apply database migrations (SQLite by default, DATABASE_URL when set)."""
    from handoff.db import make_engine, upgrade

    settings = _settings()
    upgrade(make_engine(settings.database_url))
    typer.echo("database is up to date")


register_case_commands(app)
register_kb_commands(app)
register_nlu_commands(app)
register_nlu_eval_command(app)
register_telegram_commands(app)


if __name__ == "__main__":
    app()
