"""`gongyou telegram set-webhook` and `delete-webhook` against the stand-in: a 429 at set-up is
waited out, the webhook gets the secret the web app checks, the command menu is registered."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.channels.telegram.registration import webhook_secret
from bot.channels.telegram.settings import TelegramSecrets
from bot.cli import app
from bot.config import load_settings
from handoff.crypto import Vault
from tests.bot.channels.telegram.standin import TOKEN, StandIn


@pytest.fixture
def standin_thread() -> Iterator[StandIn]:
    """The stand-in in a loop of its own (the command runs its own loop)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    standin = StandIn()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(standin.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield standin
    asyncio.run_coroutine_threadsafe(standin.stop(), loop).result(timeout=30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


@pytest.fixture
def env(tmp_path: Path, standin_thread: StandIn, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GONGYOU_SECRET_KEY", "cli-test-" + "k" * 40)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin_thread.base_url)
    return standin_thread


def test_set_webhook_waits_out_a_429_and_registers_the_commands(env: StandIn) -> None:
    env.fail("setWebhook", "429", times=1, retry_after=1)
    url = "https://example.org/telegram/webhook"
    result = CliRunner().invoke(app, ["telegram", "set-webhook", url])
    assert result.exit_code == 0, result.output
    assert env.webhook is not None and env.webhook.url == url
    secret = webhook_secret(
        TelegramSecrets.from_env(), Vault(load_settings().secrets.secret_key.get_secret_value())
    )
    assert env.webhook.secret == secret
    assert len(env.commands) == 7


def test_delete_webhook(env: StandIn) -> None:
    assert (
        CliRunner()
        .invoke(app, ["telegram", "set-webhook", "https://example.org/telegram/webhook"])
        .exit_code
        == 0
    )
    result = CliRunner().invoke(app, ["telegram", "delete-webhook"])
    assert result.exit_code == 0, result.output
    assert env.webhook is None


def test_without_a_token_the_command_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["telegram", "--polling"])
    assert result.exit_code == 2
    assert "BotFather" in result.output
