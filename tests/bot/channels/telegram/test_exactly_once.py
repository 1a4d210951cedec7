"""Each update is handled once: across a restart in the middle of a stream, when Telegram
delivers it twice, when two processes receive it at once; and 200 chats at once each get their
own answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.prompts import load_prompts
from nlu.types import NluBackend
from tests.bot.channels.telegram.conftest import (
    RunningBot,
    TgChat,
    fast_settings,
    open_runtime,
)
from tests.bot.channels.telegram.standin import SECRET_HEADER, StandIn
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.anyio

CORE = load_prompts("core")
# 200 chats' turns: a few seconds here, over 20 in a CI run with Rasa training beside it.
LOADED_MACHINE_SECONDS = 90.0
COMMANDS = ["/menu", "/help", "/start", "/menu", "/help", "/start"]


def expected_first_lines() -> list[str]:
    by_command = {
        "/menu": CORE.text("menu_text"),
        "/help": CORE.text("help"),
        "/start": CORE.text("greeting"),
    }
    return [by_command[c].split("\n", 1)[0] for c in COMMANDS]


def first_lines(standin: StandIn, chat_id: int) -> list[str]:
    return [m.text.split("\n", 1)[0] for m in standin.messages(chat_id)]


async def test_a_restart_mid_stream_handles_no_update_twice(
    tmp_path: Path,
    nlu_backend: NluBackend,
    store: str | None,
    standin: StandIn,
    mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    chats = [720000000 + i for i in range(30)]
    first = RunningBot(open_runtime(tmp_path, nlu_backend, store), standin, mode, fast_settings())
    await first.start()
    for command in COMMANDS:
        for chat_id in chats:
            standin.command(chat_id, command)
    while len(standin.sent) < 40:  # the stream is well under way
        await asyncio.sleep(0.005)
    await first.stop(crash=True)
    await first.runtime.close()
    # The restarted process: a fresh in-process store on the embedded default (what a real
    # restart leaves), the same database, and Redis (when set) as it was.
    second = RunningBot(open_runtime(tmp_path, nlu_backend, store), standin, mode, fast_settings())
    await second.start()
    try:
        await second.quiet()
        await standin.settle(quiet_seconds=0.3)
        for chat_id in chats:
            assert first_lines(standin, chat_id) == expected_first_lines()
    finally:
        await second.stop()
        await second.runtime.close()


async def test_an_update_delivered_twice_is_answered_once(bot: RunningBot) -> None:
    chat = TgChat(bot, 720001000)
    await chat.command("/start")
    update_id = bot.standin.command(chat.chat_id, "/menu")
    await bot.quiet()
    update = {
        "update_id": update_id,
        "message": {
            "message_id": 99,
            "date": 0,
            "chat": {"id": chat.chat_id, "type": "private"},
            "text": "/menu",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    bot.standin.raw(dict(update))  # Telegram sends it again (its confirmation was lost)
    await bot.quiet()
    await bot.standin.settle(quiet_seconds=0.2)
    assert len(bot.standin.messages(chat.chat_id)) == 2


async def test_two_processes_receiving_one_update_answer_it_once(
    tmp_path: Path,
    nlu_backend: NluBackend,
    store: str | None,
    standin: StandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", standin.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    bots = [
        RunningBot(open_runtime(tmp_path, nlu_backend, store), standin, "webhook", fast_settings())
        for _ in range(2)
    ]
    for running in bots:
        await running.start()  # the second setWebhook wins; both apps serve the route
    try:
        chat_id = 720002000
        standin.command(chat_id, "/start")
        await bots[1].quiet()
        for n in range(20):
            update = {
                "update_id": 5000 + n,
                "message": {
                    "message_id": 100 + n,
                    "date": 0,
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "/menu",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            async with httpx.AsyncClient() as client:
                await asyncio.gather(
                    *(
                        client.post(
                            running.webhook_url,
                            json=update,
                            headers={SECRET_HEADER: running.ch.webhook_secret},
                        )
                        for running in bots
                    )
                )
        for running in bots:
            assert await running.ch.sender.wait_idle()
        await standin.settle(quiet_seconds=0.3)
        assert len(standin.messages(chat_id)) == 1 + 20
    finally:
        for running in bots:
            await running.stop()
            await running.runtime.close()


def _one_store_per_mode() -> list[object]:
    """The 200-chat run is the slowest here: polling on the embedded store, webhook on Redis
    (each mode and each store once, not every mix)."""
    params: list[object] = [pytest.param("memory", "polling", id="memory-polling")]
    redis = "redis" if REDIS_URL else "memory"
    marks = [pytest.mark.redis] if REDIS_URL else []
    params.append(pytest.param(redis, "webhook", id=f"{redis}-webhook", marks=marks))
    return params


@pytest.mark.parametrize(("store", "mode"), _one_store_per_mode(), indirect=True)
async def test_two_hundred_chats_at_once_each_get_their_own_answers(bot: RunningBot) -> None:
    chats = {730000000 + i: 174 * (20 + i) for i in range(200)}  # hourly pay 20.00, 21.00, …
    for chat_id, wage in chats.items():
        bot.standin.message(chat_id, f"月薪{wage}，平时加班10小时，周末和节假日没加班，加班费多少")
    await bot.quiet(timeout=LOADED_MACHINE_SECONDS)
    taps = [TgChat(bot, chat_id) for chat_id in chats]
    for chat in taps:
        sent, data = await chat.button("/calc_ok")
        bot.standin.tap(chat.chat_id, sent, data)
    await bot.quiet(timeout=LOADED_MACHINE_SECONDS)
    for i, (chat_id, wage) in enumerate(chats.items()):
        messages = bot.standin.messages(chat_id)
        everything = "\n".join(m.text for m in messages)
        assert f"按月工资{wage}元" in everything
        assert f"= {20 + i}.00元/小时" in everything
        others = [w for c, w in chats.items() if c != chat_id and f"工资{w}元" in everything]
        assert others == []
    assert all(m.chat_id in chats for m in bot.standin.sent)
