"""The webhook route: only Telegram (with the secret header) gets in, answers come fast (the
turn only; sending is the outbox's), and an outage asks Telegram to deliver again."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.stores.base import StoreUnavailableError
from tests.bot.channels.telegram.conftest import RunningBot
from tests.bot.channels.telegram.standin import SECRET_HEADER

pytestmark = pytest.mark.anyio


@pytest.fixture
def mode() -> str:
    return "webhook"


def update(update_id: int, chat_id: int, text: str = "/menu") -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_only_the_secret_header_gets_in(bot: RunningBot) -> None:
    async with httpx.AsyncClient() as client:
        missing = await client.post(bot.webhook_url, json=update(9001, 750000001))
        wrong = await client.post(
            bot.webhook_url, json=update(9002, 750000001), headers={SECRET_HEADER: "guess"}
        )
        garbage = await client.post(
            bot.webhook_url, content=b"{not json", headers={SECRET_HEADER: bot.ch.webhook_secret}
        )
    assert (missing.status_code, wrong.status_code, garbage.status_code) == (401, 401, 400)
    await bot.ch.sender.wait_idle()
    assert bot.standin.sent == []


async def test_the_route_answers_before_anything_is_sent(bot: RunningBot) -> None:
    bot.standin.meet(750000002)
    bot.standin.fail("sendMessage", "429", times=1, retry_after=4)
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        response = await client.post(
            bot.webhook_url,
            json=update(9100, 750000002),
            headers={SECRET_HEADER: bot.ch.webhook_secret},
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    # The 429's four seconds are the outbox's to wait, not Telegram's; the margin is for a
    # loaded CI machine (the turn itself runs before the answer).
    assert elapsed < 2.5
    messages = await bot.standin.wait_for_messages(750000002, 1, timeout=10)
    assert len(messages) == 1


async def test_an_outage_asks_telegram_to_deliver_again(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def store_down(*_args: object, **_kwargs: object) -> None:
        raise StoreUnavailableError("redis is down")

    monkeypatch.setattr(bot.runtime.kv, "get", store_down)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            bot.webhook_url,
            json=update(9200, 750000003),
            headers={SECRET_HEADER: bot.ch.webhook_secret},
        )
    assert response.status_code == 503
    monkeypatch.undo()


async def test_the_route_is_off_in_polling_mode(
    tg_runtime: object, standin: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from bot.web.app import create_app
    from tests.bot.channels.telegram.standin import TOKEN

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    runtime = tg_runtime
    settings = runtime.settings  # type: ignore[attr-defined]
    assert settings.config.telegram.mode == "polling"
    with TestClient(create_app(settings, runtime)) as client:  # type: ignore[arg-type]
        response = client.post("/telegram/webhook", json=update(1, 2))
        channel = client.app.state.telegram_channel  # type: ignore[attr-defined]
        assert channel is not None and not channel.sends  # queues for the poller
    assert response.status_code == 404
