"""Nothing from the Telegram account is kept: after a conversation with a complaint, neither
the database files, nor Redis, nor the logs hold the chat id, the name, the username or the
language code that came with every update."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from bot.log import configure_logging
from tests.bot.channels.telegram.conftest import RunningBot, TgChat, file_complaint

pytestmark = pytest.mark.anyio


@pytest.fixture
def mode() -> str:
    return "polling"


async def test_the_account_leaves_no_trace(
    bot: RunningBot, store: str | None, tmp_path: Path
) -> None:
    log_file = tmp_path / "logs" / "telegram.log"
    configure_logging("DEBUG", log_file=log_file)
    chat = TgChat(bot, 760000123)
    await chat.command("/start")
    await chat.say("老板拖欠工资怎么办")
    await file_complaint(chat)
    await chat.command("/menu")
    configure_logging("WARNING")
    chat_id = str(chat.chat_id)
    account = {
        "chat id": chat_id,
        "name": "阿芳",
        "surname": "陈",
        "username": f"afang_{chat_id}",
        "language": "zh-hans",
    }
    bot.runtime.engine.dispose()
    database = b"".join(p.read_bytes() for p in bot.runtime.settings.var_dir.glob("tg.db*"))
    places = {"database": database, "logs": log_file.read_bytes()}
    assert b"telegram_update" in places["logs"]  # the logs were written, and searched
    if store is not None:
        client = redis.Redis.from_url(store)
        keys = client.keys("*")
        places["redis"] = b"\n".join([*keys, *(client.dump(k) or b"" for k in keys)])
        client.close()
    found = [
        f"{what} in {place}"
        for place, haystack in places.items()
        for what, value in account.items()
        if value.encode() in haystack
    ]
    assert found == []
