"""`gongyou chat`: the terminal channel numbers buttons and maps a typed number to a tap."""

from __future__ import annotations

import io

import pytest

from bot.channels.collecting import CollectingChannel
from bot.channels.terminal import TerminalChannel
from bot.messages import Button, Reply
from bot.runtime import Runtime

pytestmark = pytest.mark.anyio


async def test_terminal_chat_session(runtime: Runtime) -> None:
    stdin = io.StringIO("4\n你好\n/quit\n")
    stdout = io.StringIO()
    await TerminalChannel(runtime.core, stdin=stdin, stdout=stdout).run()
    out = stdout.getvalue()
    assert "1. 问法律问题" in out  # greeting buttons, numbered
    assert "查询进度功能还在建设中" in out  # "4" tapped the fourth button
    assert out.count("不需要告诉我真名") >= 2  # greeting again for 你好


async def test_terminal_stops_at_end_of_input(runtime: Runtime) -> None:
    stdout = io.StringIO()
    await TerminalChannel(runtime.core, stdin=io.StringIO(""), stdout=stdout).run()
    assert "工友助手" in stdout.getvalue()


async def test_collecting_channel_keeps_order() -> None:
    channel = CollectingChannel()
    await channel.send("c1", [Reply("一"), Reply("二", (Button("好", "/affirm"),))])
    assert [r.text for r in channel.sent["c1"]] == ["一", "二"]
    latest = channel.latest("c1")
    assert latest is not None and latest.as_plain_text() == "二\n1. 好"
    assert channel.latest("nobody") is None
