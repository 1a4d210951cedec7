"""Calculator flow through the real core: asks only what it needs, survives bad input, reads
what the first message says (with its unit), confirms it, and can always be left."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.flows.calculator import CalculatorFlow
from bot.messages import Reply
from bot.runtime import Runtime
from knowledge_base.calculators import flow as calc
from knowledge_base.calculators import texts
from knowledge_base.calculators.base import Wage, WorkTime
from knowledge_base.calculators.registry import CALCULATORS
from tests.helpers import Chat, payloads, said

pytestmark = pytest.mark.anyio

OVERTIME = CALCULATORS["calc_overtime"]


async def answers_of(chat: Chat) -> dict[str, object]:
    state = await chat.state()
    assert state is not None and state.flow is not None
    return calc.load_answers(OVERTIME, state.flow.data["answers"])


async def start(chat: Chat, text: str) -> list[Reply]:
    """Start the overtime calculator with the facts of ``text`` (as the core does for
    calc_overtime), without depending on how confident the NLU is about the intent."""
    runtime = chat.runtime
    parse = runtime.nlu.parse(text)
    state = await chat.state()
    if state is None:
        await chat.tap("/menu")
        state = await chat.state()
    assert state is not None
    replies = CalculatorFlow().begin(state, "calc_overtime", parse.entities)
    await runtime.sessions.save(runtime.core.session_key(chat.channel, chat.key), state)
    return replies


async def test_overtime_calculation_with_bad_input_and_back(runtime: Runtime) -> None:
    chat = Chat(runtime)
    assert "工资" in said(await chat.tap("/calc_overtime"))
    rejected = said(await chat.say("不知道啊很多"))
    assert "月薪4500" in rejected  # asked again, with an example
    assert "上班日" in said(await chat.say("4350"))
    assert "正常工资" in said(await chat.tap("/back"))  # back forgets the last answer
    await chat.say("4350")
    await chat.say("10个小时")
    await chat.say("0")
    replies = await chat.say("0")
    result = said(replies)
    assert "25.00元/小时" in result
    assert "375.00元" in result
    assert "《劳动法》第四十四条" in result
    assert (await chat.state()).flow is None  # type: ignore[union-attr]


async def test_every_question_has_a_button_to_leave(runtime: Runtime) -> None:
    chat = Chat(runtime)
    for reply in ["4350", "每天3小时", "22"]:
        replies = await chat.tap("/calc_overtime") if reply == "4350" else None
        assert replies is None or "/cancel" in payloads(replies)
        assert "/cancel" in payloads(await chat.say(reply))
    assert "取消" in said(await chat.tap("/cancel"))
    assert (await chat.state()).flow is None  # type: ignore[union-attr]


async def test_daily_wage_and_holiday_days_in_the_first_message(runtime: Runtime) -> None:
    chat = Chat(runtime)
    replies = await start(chat, "一天250 国庆三天都上班了")
    text = said(replies)
    assert "按日工资250元计算" in text  # the unit is echoed back for confirmation
    assert "/calc_ok" in payloads(replies)
    assert "/calc_fix{wage}" in payloads(replies)
    assert "/cancel" in payloads(replies)
    answers = await answers_of(chat)
    assert answers["wage"] == Wage(Decimal(250), "day")
    assert answers["holiday_hours"] == WorkTime(Decimal(3), "d")
    result = said(await chat.tap("/calc_ok"))
    assert "2250.00元" in result
    assert "250.00 × 300% × 3天" in result
    assert "《劳动法》第四十四条" in result


async def test_weekend_hours_fill_rest_day_hours_not_weekday(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await start(chat, "一个钟22块 周末加了16个小时")
    answers = await answers_of(chat)
    assert answers["wage"] == Wage(Decimal(22), "hour")
    assert answers["rest_day_hours"] == WorkTime(Decimal(16))
    assert answers["weekday_hours"] == WorkTime(Decimal(0))  # not mentioned: shown as 0
    question = said(await chat.tap("/calc_ok"))
    assert "补休" in question  # only the compensatory-leave question is left
    result = said(await chat.say("0"))
    assert "704.00元" in result  # 22 × 200% × 16


async def test_weekend_hours_typed_at_the_weekday_question_are_rest_day_hours(
    runtime: Runtime,
) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    await chat.say("一个钟22块")
    again = await chat.say("周末加了16个小时")  # typed at the weekday question
    answers = await answers_of(chat)
    assert answers["rest_day_hours"] == WorkTime(Decimal(16))
    assert "weekday_hours" not in answers  # the weekday question is asked again
    assert "上班日" in said(again)
    await chat.say("0")  # weekdays
    await chat.say("0")  # no time off in return
    result = said(await chat.say("0"))  # holidays
    assert "704.00元" in result  # 22 × 200% × 16, not 22 × 150% × 16


async def test_a_bare_length_typed_at_the_kind_question_is_the_length_of_service(
    runtime: Runtime,
) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_compensation")
    again = await chat.say("3年半")  # typed at "which kind", not a question to answer
    state = await chat.state()
    assert state is not None and state.flow is not None
    compensation = CALCULATORS["calc_compensation"]
    answers = calc.load_answers(compensation, state.flow.data["answers"])
    assert "start_date" in answers
    assert "kind" not in answers
    assert payloads(again)  # the kind question is asked again, with its buttons


async def test_a_bare_number_at_a_choice_is_asked_again_not_answered_as_a_question(
    runtime: Runtime,
) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_double_wage")
    await chat.say("2025年3月")
    again = await chat.say("6000")  # typed at "did they sign a contract later?"
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data.get("field") == "contract_status"
    # The step's own "pick one of these" reply, not an answer from the knowledge base.
    assert again[0].text == texts.text("common.errors.not_a_choice")
    await chat.say("没签过")
    state = await chat.state()
    assert state is not None and state.flow is not None
    answers = calc.load_answers(CALCULATORS["calc_double_wage"], state.flow.data["answers"])
    assert answers["contract_status"] == "never"


async def test_one_reply_can_answer_two_questions(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    await chat.say("月薪4500")
    await chat.say("平时加了20小时，周末加了16小时")
    answers = await answers_of(chat)
    assert answers["weekday_hours"] == WorkTime(Decimal(20))
    assert answers["rest_day_hours"] == WorkTime(Decimal(16))


async def test_a_prefilled_fact_can_be_corrected(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await start(chat, "一天250 国庆三天都上班了")
    asked = said(await chat.tap("/calc_fix{holiday_hours}"))
    assert "法定节假日" in asked
    result = said(await chat.say("2天"))
    assert "1500.00元" in result  # 250 × 300% × 2


async def test_implausible_pay_is_confirmed_before_computing(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    replies = await chat.say("250")  # 250 a month is not a wage: a day? an hour?
    assert "/calc_pick{0}" in payloads(replies)
    assert "/calc_retype" in payloads(replies)
    shown = [b.title for r in replies for b in r.buttons]
    assert "按日工资250元计算" in shown
    assert "wage" not in await answers_of(chat)
    await chat.tap("/calc_pick{" + str(shown.index("按日工资250元计算")) + "}")
    assert (await answers_of(chat))["wage"] == Wage(Decimal(250), "day")


async def test_typing_a_new_figure_replaces_an_implausible_one(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    await chat.say("300000")
    assert "上班日" in said(await chat.say("月薪4500"))
    assert (await answers_of(chat))["wage"] == Wage(Decimal(4500), "month")


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
    assert "按月工资4500元计算" in replies
    assert "正常工资" not in replies


async def test_result_cites_few_articles_and_details_follow(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await start(chat, "一天250 国庆三天都上班了")
    replies = await chat.tap("/calc_ok")
    assert len(replies) == 2  # the result, then the notes and further articles
    basis = next(line for line in replies[0].text.splitlines() if line.startswith("法律依据"))
    assert basis.count("《") <= 4
    state = await chat.state()
    assert state is not None and ["劳动法", 44] in state.context["last_citations"]


async def test_cancel_leaves_the_calculator(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/calc_compensation")
    assert "取消" in said(await chat.tap("/cancel"))
    assert (await chat.state()).flow is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["一天250 国庆三天都上班了加班费多少", "一个钟22块 周末加了16个小时 加班费怎么算"]
)
async def test_the_core_starts_the_calculator_with_the_facts(runtime: Runtime, text: str) -> None:
    chat = Chat(runtime)
    replies = await chat.say(text)
    assert "/calc_ok" in payloads(replies), said(replies)


async def test_a_session_saved_by_the_previous_version_carries_on(runtime: Runtime) -> None:
    # flow.data exactly as the calculator flow wrote it before the form engines were merged:
    # answers in the stored shapes of that time (one from before units existed) and a pay
    # figure waiting to be confirmed.
    chat = Chat(runtime)
    await chat.tap("/calc_overtime")
    state = await chat.state()
    assert state is not None and state.flow is not None
    state.flow.data = {
        "intent": "calc_overtime",
        "answers": {
            "weekday_hours": "10",
            "rest_day_hours": {"amount": "16", "unit": "h", "per": None, "base": "overtime"},
        },
        "order": ["weekday_hours", "rest_day_hours"],
        "stated": [],
        "assumed": [],
        "confirming": False,
        "field": "wage",
        "pending": {
            "field": "wage",
            "message": "250",
            "readings": [{"amount": "250", "unit": "month"}, {"amount": "250", "unit": "day"}],
            "shown": ["a", "b"],
        },
    }
    await runtime.sessions.save(runtime.core.session_key(chat.channel, chat.key), state)
    await chat.tap("/calc_pick{1}")
    answers = await answers_of(chat)
    assert answers == {
        "wage": Wage(Decimal(250), "day"),
        "weekday_hours": WorkTime(Decimal(10)),
        "rest_day_hours": WorkTime(Decimal(16)),
    }
    await chat.say("0")  # no compensatory leave
    result = said(await chat.say("0"))  # no holiday work
    assert "1468.75元" in result  # 31.25 × 150% × 10 + 31.25 × 200% × 16 = 468.75 + 1000
