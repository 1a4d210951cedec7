"""The Telegram channel against the local Bot API stand-in, in polling or webhook mode, on the
embedded default and (where REDIS_URL is set) on Redis: fixtures and a worker's chat helper."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from bot.channels.telegram.buttons import Keyboards
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.sender import CHANNEL
from bot.channels.telegram.settings import TelegramSecrets, TelegramSettings
from bot.runtime import Runtime, build_runtime
from handoff.db import make_engine
from nlu.types import NluBackend
from tests.bot.channels.telegram.standin import TOKEN, SentMessage, StandIn, serve, stop_server
from tests.bot.conftest import add_organisation, make_settings
from tests.conftest import store_params

# Fast clocks for tests: the same code paths, shorter waits.
FAST: dict[str, Any] = {
    "poll_timeout_seconds": 1,
    "sweep_interval_seconds": 0.05,
    "retry_base_seconds": 0.05,
    "retry_max_seconds": 0.5,
    "messages_per_second": 5000,
    "lease_seconds": 3,
}


def fast_settings(**overrides: Any) -> TelegramSettings:
    return TelegramSettings(**{**FAST, **overrides})


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    bot_api = StandIn()
    await bot_api.start()
    yield bot_api
    await bot_api.stop()


def open_runtime(tmp_path: Path, nlu: NluBackend, redis_url: str | None) -> Runtime:
    """A runtime on a SQLite file in ``tmp_path`` (the same file after a restart)."""
    settings = make_settings(tmp_path, redis_url=redis_url)
    return build_runtime(settings, nlu=nlu, engine=make_engine(f"sqlite:///{tmp_path / 'tg.db'}"))


@pytest.fixture(params=store_params())
def store(request: pytest.FixtureRequest) -> str | None:
    """None for the in-process store, else the Redis URL (emptied around the test)."""
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    return None


@pytest.fixture
async def tg_runtime(
    tmp_path: Path, nlu_backend: NluBackend, store: str | None
) -> AsyncIterator[Runtime]:
    """A runtime with an organisation that takes complaints."""
    runtime = open_runtime(tmp_path, nlu_backend, store)
    add_organisation(runtime)
    yield runtime
    await runtime.close()


class RunningBot:
    """The Telegram channel serving the stand-in in one mode."""

    def __init__(self, runtime: Runtime, standin: StandIn, mode: str, settings: TelegramSettings):
        self.runtime = runtime
        self.standin = standin
        self.mode = mode
        self.settings = settings.model_copy(update={"mode": mode})
        self.channel: TelegramChannel | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._server: Any = None
        self.app: FastAPI | None = None
        self.webhook_url = ""

    @property
    def ch(self) -> TelegramChannel:
        assert self.channel is not None
        return self.channel

    async def start(self) -> None:
        if self.mode == "polling":
            secrets = TelegramSecrets(token=TOKEN, api_base_url=self.standin.base_url)
            self.channel = TelegramChannel(self.runtime, self.settings, secrets)
            await self.channel.start()
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self.channel.poller().run(self._stop))
            return
        from bot.web.app import create_app

        app_settings = self.runtime.settings.model_copy(deep=True)
        app_settings.config.telegram = self.settings
        self.app = create_app(app_settings, self.runtime)
        server, task, url = await serve(self.app)
        self._server = (server, task)
        self.channel = self.app.state.telegram_channel
        self.webhook_url = url + self.settings.webhook_path
        await self.ch.api.set_webhook(self.webhook_url, self.ch.webhook_secret)

    async def stop(self, *, crash: bool = False) -> None:
        """Stop; with ``crash`` polling ends without confirming (the updates in hand finish)."""
        if self._task is not None:
            if crash:
                self._task.cancel()
            else:
                self._stop.set()
            with pytest.raises(asyncio.CancelledError) if crash else _nothing():
                await self._task
            await self.ch.stop()
        if self._server is not None:
            await self.ch.api.delete_webhook()
            await stop_server(*self._server)

    async def quiet(self, timeout: float = 20.0) -> None:
        """Until every queued update is handled and everything it answered is sent."""
        await self.standin.wait_until_delivered(timeout)
        assert await self.ch.sender.wait_idle(max(timeout, 30.0))


class _nothing:  # noqa: N801 - reads like contextlib.nullcontext at the call site
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def bot(
    tg_runtime: Runtime, standin: StandIn, mode: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningBot]:
    """The bot in ``mode`` with fast clocks, on every configured store."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", standin.base_url)
    running = RunningBot(tg_runtime, standin, mode, fast_settings())
    await running.start()
    yield running
    await running.stop()


class TgChat:
    """A worker in a private chat with the bot."""

    def __init__(self, bot: RunningBot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.seen = 0

    @property
    def key(self) -> str:
        return self.bot.runtime.core.session_key(CHANNEL, str(self.chat_id))

    async def _new(self) -> list[SentMessage]:
        await self.bot.quiet()
        messages = self.bot.standin.messages(self.chat_id)
        fresh = messages[self.seen :]
        self.seen = len(messages)
        return fresh

    async def say(self, text: str) -> list[SentMessage]:
        self.bot.standin.message(self.chat_id, text)
        return await self._new()

    async def command(self, command: str) -> list[SentMessage]:
        self.bot.standin.command(self.chat_id, command)
        return await self._new()

    async def send(self, **content: Any) -> list[SentMessage]:
        self.bot.standin.message(self.chat_id, **content)
        return await self._new()

    async def button(self, payload: str) -> tuple[SentMessage, str]:
        """The newest message with a button standing for ``payload``, and its data."""
        keyboards = Keyboards(self.bot.runtime.kv, self.bot.runtime.vault, 3600)
        for sent in reversed(self.bot.standin.messages(self.chat_id)):
            for data in sent.button_data():
                if await keyboards.resolve(self.key, data) == payload:
                    return sent, data
        raise AssertionError(f"no button for {payload}")

    async def tap(self, payload: str) -> list[SentMessage]:
        sent, data = await self.button(payload)
        self.bot.standin.tap(self.chat_id, sent, data)
        return await self._new()

    async def payloads(self, messages: list[SentMessage]) -> list[str]:
        keyboards = Keyboards(self.bot.runtime.kv, self.bot.runtime.vault, 3600)
        found = []
        for sent in messages:
            for data in sent.button_data():
                payload = await keyboards.resolve(self.key, data)
                if payload is not None:
                    found.append(payload)
        return found


def texts(messages: list[SentMessage]) -> str:
    return "\n".join(m.text for m in messages)


RECEIPT = re.compile(r"(\d{4} \d{4} \d{4} \d{4})")


async def file_complaint(chat: TgChat, employer: str = "宏达电子厂") -> str:
    """A whole intake with buttons and typed answers; returns the receipt's digits."""
    consent = await chat.command("/complaint")
    assert "/pick{consent:yes}" in await chat.payloads(consent)
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    await chat.tap("/done")
    await chat.say(employer)
    await chat.tap("/skip")
    await chat.say("广东东莞")
    await chat.tap("/skip")
    await chat.say("2024年3月")
    await chat.tap("/pick{ongoing:still}")
    await chat.tap("/pick{affected:many}")
    await chat.say("拖欠我们三个月工资，车间三十多人都没拿到")
    await chat.tap("/pick{evidence:payslips}")
    await chat.tap("/done")
    await chat.tap("/pick{wants:back_pay}")
    await chat.tap("/done")
    summary = await chat.tap("/pick{contact:chat}")
    assert employer in texts(summary)  # typed text comes back intact, whatever it holds
    done = await chat.tap("/submit")
    match = RECEIPT.search(texts(done))
    assert match is not None
    assert f"<code>{match.group(1)}</code>" in "".join(m.html for m in done)  # one tap copies
    return match.group(1).replace(" ", "")
