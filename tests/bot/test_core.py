"""The conversation core, driven through its public API with the real embedded NLU."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.messages import Inbound
from bot.prompts import load_prompts
from bot.runtime import Runtime, build_runtime
from nlu.types import NluBackend, ParseResult
from tests.helpers import Chat, payloads, said

pytestmark = pytest.mark.anyio

MENU_TITLES = ["问法律问题", "投诉", "找工作人员", "查询进度"]


async def test_open_conversation_greets_with_menu(runtime: Runtime) -> None:
    replies = await runtime.core.open_conversation("test", "k" * 20)
    assert [b.title for b in replies[0].buttons] == MENU_TITLES
    assert "不需要告诉我真名" in replies[0].text


async def test_a_new_conversation_is_not_marked_seen_twice_on_its_first_day(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    touched: list[str] = []
    monkeypatch.setattr(runtime.conversations, "touch", touched.append)
    await runtime.core.open_conversation("test", "n" * 20)
    await runtime.core.handle(Inbound("test", "n" * 20, text="你好"))
    # A conversation reached first by a message (no opening) is marked seen once.
    await runtime.core.handle(Inbound("test", "m" * 20, text="你好"))
    await runtime.core.handle(Inbound("test", "m" * 20, text="你好"))

    assert len(touched) == 1


async def test_greeting_text_gets_menu(runtime: Runtime) -> None:
    replies = await Chat(runtime).say("你好")
    assert [b.title for b in replies[-1].buttons] == MENU_TITLES


async def test_menu_payload(runtime: Runtime) -> None:
    replies = await Chat(runtime).tap("/menu")
    assert payloads(replies)[:4] == [
        "/ask_question",
        "/file_complaint",
        "/talk_to_human",
        "/check_case_status",
    ]


async def test_unknown_payload_gets_honest_fallback(runtime: Runtime) -> None:
    replies = await Chat(runtime).tap("/no_such_thing")
    assert "没太明白" in said(replies)
    assert "/talk_to_human" in payloads(replies)


async def test_gibberish_is_not_guessed(runtime: Runtime) -> None:
    replies = await Chat(runtime).say(
        "qwpoeiruty zmxncb"
    )  # Latin letters: how to start, in English
    assert payloads(replies) == ["/menu"]
    assert not any(p.startswith("/ask_") or p.startswith("/calc_") for p in payloads(replies))


async def test_first_message_registers_conversation(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.say("你好")
    state = await chat.state()
    assert state is not None and state.conversation_id
    address = runtime.conversations.address(state.conversation_id)
    assert address is not None and address.key == chat.key


async def test_delete_flow_keeps_asking_until_clear_answer_then_deletes(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.say("你好")
    state = await chat.state()
    conversation_id = state.conversation_id
    assert "确定要删除" in said(await chat.tap("/delete_my_data"))
    reply = await chat.say("这个是干嘛的啊我也不知道")
    assert "确定删除" in said(reply) or "确定删除" in [b.title for r in reply for b in r.buttons]
    assert (await chat.state()).flow is not None
    assert "已经删除" in said(await chat.tap("/affirm"))
    assert await chat.state() is None
    assert runtime.conversations.address(conversation_id) is None


async def test_delete_flow_no_keeps_data(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    assert "没有删除" in said(await chat.tap("/deny"))
    state = await chat.state()
    assert state is not None and state.flow is None


async def test_cancel_and_back_inside_flow(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    assert "第一步" in said(await chat.tap("/back"))
    assert (await chat.state()).flow is not None
    assert "取消" in said(await chat.tap("/cancel"))
    assert (await chat.state()).flow is None


async def test_menu_pauses_flow_and_resume_continues(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    replies = await chat.tap("/menu")
    assert any(p.startswith("/resume") for p in payloads(replies))
    state = await chat.state()
    assert state.flow is None and state.paused_flow() is not None
    assert "确定要删除" in said(await chat.tap("/resume"))


@pytest.mark.parametrize(
    ("message", "expected"),
    [("我真的不想活了", "12356"), ("车间着火了好多烟", "119")],
)
async def test_safety_wins_over_active_flow(runtime: Runtime, message: str, expected: str) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    replies = await chat.say(message)
    assert expected in said(replies)
    state = await chat.state()
    assert state.flow is None and state.paused_flow() is not None
    assert any(p.startswith("/resume") for p in payloads(replies))


async def test_too_long_message_is_refused_kindly_and_keeps_state(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    replies = await chat.say("工" * 5000)
    assert "太长" in said(replies)
    assert (await chat.state()).flow is not None


async def test_state_is_encrypted_in_the_store(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.tap("/delete_my_data")
    raw = await runtime.kv.get("session:" + runtime.core.session_key("test", chat.key))
    assert raw is not None
    assert b"delete_data" not in raw and chat.key.encode() not in raw


async def test_concurrent_messages_of_one_conversation_do_not_lose_turns(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await asyncio.gather(*(chat.tap("/menu") for _ in range(20)))
    assert (await chat.state()).turns == 20


async def test_rate_limit_replies_kindly(runtime: Runtime) -> None:
    chat = Chat(runtime)
    replies = [await chat.tap("/menu") for _ in range(45)]
    assert "稍等" in said(replies[-1])


async def test_chat_turn_on_every_real_backend(real_runtime: Runtime) -> None:
    chat = Chat(real_runtime)
    replies = await chat.say("你好")
    assert [b.title for b in replies[-1].buttons] == MENU_TITLES
    state = await chat.state()
    assert state is not None and state.turns == 1
    with real_runtime.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM conversations")).scalar_one()
    assert count == 1


class _ThreadRecordingBackend:
    """The real backend, remembering on which thread each parse ran."""

    def __init__(self, backend: NluBackend, *, computes_only: bool) -> None:
        self.name = backend.name
        self.computes_only = computes_only
        self._backend = backend
        self.threads: list[int] = []

    def parse(self, text: str) -> ParseResult:
        self.threads.append(threading.get_ident())
        return self._backend.parse(text)


@pytest.mark.parametrize("computes_only", [True, False])
async def test_a_backend_that_only_computes_parses_on_the_event_loop_thread(
    settings, sqlite_url, nlu_backend, computes_only: bool
) -> None:
    from handoff.db import make_engine

    recording = _ThreadRecordingBackend(nlu_backend, computes_only=computes_only)
    rt = build_runtime(settings, nlu=recording, engine=make_engine(sqlite_url))
    try:
        await Chat(rt).say("加班费怎么算")
    finally:
        await rt.close()
    assert recording.threads
    on_loop = all(ident == threading.get_ident() for ident in recording.threads)
    assert on_loop == computes_only


@pytest.fixture
async def unsure_runtime(settings, sqlite_url, nlu_backend) -> AsyncIterator[Runtime]:
    """A runtime whose NLU threshold no reading reaches: every message is below it."""
    from handoff.db import make_engine

    strict = settings.model_copy(deep=True)
    strict.config.nlu = strict.config.nlu.model_copy(update={"confidence_threshold": 0.999})
    rt = build_runtime(strict, nlu=nlu_backend, engine=make_engine(sqlite_url))
    yield rt
    await rt.close()


async def test_below_threshold_the_bot_offers_menu_rephrase_and_human(
    unsure_runtime: Runtime,
) -> None:
    replies = await Chat(unsure_runtime).say("我在厂里干活有点事情想问一下")
    assert "不想乱猜" in said(replies)
    assert {"/menu", "/talk_to_human", "/ask_question"} <= set(payloads(replies))


async def test_below_threshold_a_story_the_knowledge_base_is_sure_of_is_answered(
    unsure_runtime: Runtime,
) -> None:
    chat = Chat(unsure_runtime)
    replies = await chat.say(
        "我在一家服装厂做了六年 最近厂里说订单少 让我们放假 只发最低工资的百分之八十 "
        "都两个月了 这样合法吗"
    )
    state = await chat.state()
    assert state is not None
    assert str(state.context.get("last_answer_id", "")).startswith("wages_arrears.")
    assert load_prompts("core").text("low_confidence") not in said(replies)
    # Short, but a question the knowledge base is sure of (legal aid).
    replies = await Chat(unsure_runtime).say("哪里可以免费问律师")
    assert "12348" in said(replies)


async def test_facts_told_after_an_answer_start_its_calculator_with_them(
    runtime: Runtime,
) -> None:
    chat = Chat(runtime)
    await chat.say("年假怎么算")
    await chat.say("我工作了8年")
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data["intent"] == "calc_annual_leave"
    assert "cumulative_years" in state.flow.data["answers"]


async def test_a_help_request_naming_a_legal_topic_gets_the_answer(runtime: Runtime) -> None:
    chat = Chat(runtime)
    replies = await chat.say("怎么找法律援助")
    state = await chat.state()
    assert state is not None and state.context.get("last_answer_id")
    assert "12348" in said(replies)
    # A plain request for help still gets the help text.
    assert load_prompts("core").text("help") in said(await Chat(runtime).say("帮助"))


@pytest.mark.parametrize(
    ("message", "intent"),
    [("我要算补偿", "calc_compensation"), ("算年假", "calc_annual_leave")],
)
async def test_a_short_request_to_compute_starts_the_named_calculator(
    runtime: Runtime, message: str, intent: str
) -> None:
    chat = Chat(runtime)
    await chat.say(message)
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data["intent"] == intent


async def test_stated_facts_start_the_calculator_even_when_the_intent_is_unsure(
    runtime: Runtime,
) -> None:
    replies = await Chat(runtime).say("一天250 国庆三天都上班了")
    assert "2,250" in said(replies) or "2250" in said(replies) or "250" in said(replies)
    assert "/ask_question" not in payloads(replies)[:1]


async def test_a_situation_question_with_a_length_of_service_is_answered_not_computed(
    runtime: Runtime,
) -> None:
    # The NLU may read the length of service as the annual-leave calculator (unsure); the
    # worker asks whether the lay-off is lawful (劳动合同法 第四十二条).
    chat = Chat(runtime)
    replies = await chat.say("我54岁了，在这个厂干了17年，现在说要裁员第一批就是我，他们能裁我吗")
    state = await chat.state()
    assert state is not None and state.flow is None
    assert "第四十二条" in said(replies)


async def test_a_message_naming_compensation_starts_that_calculator(runtime: Runtime) -> None:
    # The NLU reads this as overtime (pay words); the worker asked for dismissal compensation.
    chat = Chat(runtime)
    await chat.say("底薪2000加提成，一个月大概拿6000，辞退补偿按多少算")
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data["intent"] == "calc_compensation"
