"""The command line: `gongyou run | chat | migrate | ask | law | train | parse | nlu-eval | …`."""

from __future__ import annotations

import asyncio
import sys

import typer

from bot.cli_kb import register as register_kb_commands
from bot.cli_nlu import register as register_nlu_commands
from bot.cli_nlu_eval import register as register_nlu_eval_command
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
    upgrade(make_engine(settings.database_url))
    # Train the NLU model once here (cached on disk) so server processes only load it.
    load_backend(settings=settings.config.nlu)
    bind_host = host or settings.config.web.host
    bind_port = port or settings.config.web.port
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
    uvicorn.run(
        "bot.web.server:app",
        host=bind_host,
        port=bind_port,
        workers=workers,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


def _show_prompt() -> None:
    sys.stdout.write("> ")
    sys.stdout.flush()


@app.command()
def chat() -> None:
    """Chat with the bot in this terminal (type a number to tap a button, /quit to leave)."""
    from bot.channels.terminal import TerminalChannel
    from bot.runtime import build_runtime

    runtime = build_runtime(_settings())

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


register_kb_commands(app)
register_nlu_commands(app)
register_nlu_eval_command(app)


if __name__ == "__main__":
    app()
