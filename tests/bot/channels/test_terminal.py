"""`gongyou chat`: the terminal channel numbers buttons and maps a typed number to a tap."""

from __future__ import annotations

import io

import pytest

from bot.channels.collecting import CollectingChannel
from bot.channels.terminal import TerminalChannel
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.runtime import Runtime

pytestmark = pytest.mark.anyio


async def test_terminal_chat_session(runtime: Runtime) -> None:
    core_prompts = load_prompts("core")
    menu = core_prompts.buttons("menu_buttons")
    ask = next(i for i, b in enumerate(menu, start=1) if b.payload == "/ask_question")
    stdin = io.StringIO(f"{ask}\n你好\n/quit\n")
    stdout = io.StringIO()
    await TerminalChannel(runtime.core, stdin=stdin, stdout=stdout).run()
    out = stdout.getvalue()
    assert f"1. {menu[0].title}" in out  # greeting buttons, numbered
    assert core_prompts.text("ask_question_prompt") in out  # the number tapped that button
    assert out.count(core_prompts.text("greeting")) >= 2  # greeting again for 你好


async def test_terminal_stops_at_end_of_input(runtime: Runtime) -> None:
    stdout = io.StringIO()
    await TerminalChannel(runtime.core, stdin=io.StringIO(""), stdout=stdout).run()
    assert load_prompts("core").text("greeting") in stdout.getvalue()


async def test_collecting_channel_keeps_order() -> None:
    channel = CollectingChannel()
    await channel.send("c1", [Reply("一"), Reply("二", (Button("好", "/affirm"),))])
    assert [r.text for r in channel.sent["c1"]] == ["一", "二"]
    latest = channel.latest("c1")
    assert latest is not None and latest.as_plain_text() == "二\n1. 好"
    assert channel.latest("nobody") is None
