"""Calculator flow through the real core: asks only what it needs, survives bad input."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from tests.bot.test_core import Chat, payloads, said

pytestmark = pytest.mark.anyio


async def test_overtime_calculation_with_bad_input_and_back(runtime: Runtime) -> None:
    chat = Chat(runtime)
    assert "月" in said(await chat.tap("/calc_overtime"))
    rejected = said(await chat.say("不知道啊很多"))
    assert "正常工资" in rejected  # asked again, kindly
    assert "上班日" in said(await chat.say("4350"))
    assert "正常工资" in said(await chat.tap("/back"))  # back forgets the last answer
    await chat.say("4350")
    await chat.say("10个小时")
    await chat.say("0")
    result = said(await chat.say("0"))
    assert "25.00元/小时" in result
    assert "375.00元" in result
    assert "《劳动法》第四十四条" in result
    assert (await chat.state()).flow is None


async def test_answers_survive_a_crisis_interruption(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    await chat.say("5000")
    crisis = await chat.say("算了我真的不想活了")
    assert "12356" in said(crisis)
    assert "/resume" in payloads(crisis)
    resumed = said(await chat.tap("/resume"))
    assert "上班日" in resumed  # the wage answer is still there


async def test_entities_in_the_request_are_not_asked_again(runtime: Runtime) -> None:
    chat = Chat(runtime)
    replies = said(await chat.say("月薪4500帮我算一下加班费"))
    assert "4500" in replies
    assert "正常工资" not in replies.split("记下")[-1]


async def test_cancel_leaves_the_calculator(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_compensation")
    assert "取消" in said(await chat.tap("/cancel"))
    assert (await chat.state()).flow is None
