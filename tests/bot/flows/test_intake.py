"""The complaint intake through the core, with the real embedded NLU and a real database."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from bot.session import ConversationState
from handoff.cases.models import Case
from tests.bot.conftest import COORDINATOR, PASSWORD
from tests.helpers import Chat, answer_all, payloads, receipt_in, said

pytestmark = pytest.mark.anyio


def case_count(runtime: Runtime) -> int:
    from sqlalchemy import func, select

    from handoff.db import session_factory

    with session_factory(runtime.engine)() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def step_of(state: ConversationState | None, name: str = "intake") -> str | None:
    if state is None:
        return None
    flow = state.flow if state.flow and state.flow.name == name else state.paused_flow(name)
    return flow.step if flow else None


async def test_file_check_reply_and_delete_on_every_backend(real_org_runtime: Runtime) -> None:
    runtime = real_org_runtime
    chat = Chat(runtime)
    receipt = await answer_all(chat)
    assert case_count(runtime) == 1
    assert step_of(await chat.state()) == "receipt"
    await chat.tap("/saved")
    assert step_of(await chat.state()) is None

    # Staff write (as the command line or the console would), the worker reads and answers.
    case_id = runtime.cases.find_by_receipt(receipt)
    assert case_id is not None
    runtime.cases.add_message(case_id, "staff", "你好，我们收到了，请问工资条还在吗？")
    await chat.tap("/check_case_status")
    replies = await chat.say(receipt)
    assert "工资条还在吗" in said(replies)
    assert "/pick{case:reply}" in payloads(replies)
    await chat.tap("/pick{case:reply}")
    await chat.say("还在，我拍了照片")
    unlocked = runtime.organisations.unlock(COORDINATOR, PASSWORD)
    view = runtime.cases.read_for_org(case_id, unlocked.org_id, unlocked.org_key)
    assert [m.author for m in view.messages] == ["staff", "worker"]
    assert view.messages[1].text == "还在，我拍了照片"
    assert view.content["answers"]["employer"] == "宏达电子厂"
    assert view.content["answers"]["place"]["province"] == "广东省"

    await chat.tap("/pick{case:delete}")
    replies = await chat.tap("/pick{delete:yes}")
    assert case_count(runtime) == 0
    assert runtime.cases.find_by_receipt(receipt) is None


async def test_double_submit_makes_one_case_and_shows_the_same_receipt(
    org_runtime: Runtime,
) -> None:
    chat = Chat(org_runtime)
    receipt = await answer_all(chat)
    again = await chat.tap("/submit")
    assert receipt_in(again) == receipt
    assert receipt_in(await chat.say("继续")) == receipt
    assert case_count(org_runtime) == 1


async def test_receipt_is_never_shown_after_it_was_saved(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await answer_all(chat)
    await chat.tap("/saved")
    for message in ("继续", "/submit", "查询码"):
        replies = await (chat.tap(message) if message.startswith("/") else chat.say(message))
        assert receipt_in(replies) is None


async def test_summary_answer_can_be_changed(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for _ in range(12):
        replies = await chat.tap("/skip")
        if "/submit" in payloads(replies):
            break
    assert "/edit{place}" in payloads(replies)
    await chat.tap("/edit{place}")
    replies = await chat.say("江苏苏州昆山")
    assert "/submit" in payloads(replies)
    assert "苏州市" in said(replies)


async def test_cancel_asks_first_and_then_keeps_nothing(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    replies = await chat.tap("/cancel")
    assert "/pick{cancel:yes}" in payloads(replies)
    assert step_of(await chat.state()) == "categories"
    await chat.tap("/pick{cancel:no}")
    assert step_of(await chat.state()) == "categories"
    await chat.tap("/cancel")
    await chat.tap("/pick{cancel:yes}")
    state = await chat.state()
    assert state is not None and not state.open_flows()
    assert org_runtime.sessions._snapshots is not None
    assert org_runtime.sessions._snapshots.load(state.conversation_id) is None


async def test_draft_survives_any_number_of_interruptions(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    await chat.tap("/done")
    await chat.say("宏达电子厂")
    assert step_of(await chat.state()) == "brands"
    await chat.tap("/menu")
    await chat.say("试用期最长多久")
    await chat.say("我真的不想活了")
    await chat.tap("/delete_my_data")
    await chat.tap("/deny")
    await chat.tap("/menu")
    state = await chat.state()
    assert step_of(state) == "brands"
    assert state is not None and state.flow is None
    replies = await chat.tap("/file_complaint")  # 继续投诉 from the menu or 我要投诉 again
    assert step_of(await chat.state()) == "brands"
    assert "品牌" in said(replies)


async def test_resume_button_names_the_complaint(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    replies = await chat.tap("/menu")
    assert "/resume{intake}" in payloads(replies)
    replies = await chat.tap("/resume{intake}")
    assert step_of(await chat.state()) == "categories"


async def test_question_at_a_button_step_is_answered_and_the_step_asked_again(
    org_runtime: Runtime,
) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for payload in ("/done", "/skip", "/skip", "/skip", "/skip", "/skip"):
        if payload == "/done":
            await chat.tap("/pick{categories:wages}")
        await chat.tap(payload)
    assert step_of(await chat.state()) == "affected"
    replies = await chat.say("老板一直不发工资怎么办")
    assert "第三十条" in said(replies) or "第五十条" in said(replies) or "依据" in said(replies)
    assert "/resume" in payloads(replies)
    assert "/pick{affected:me}" in payloads(replies)
    assert step_of(await chat.state()) == "affected"


async def test_words_in_a_free_text_step_are_kept_and_may_be_asked(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    await chat.tap("/done")
    replies = await chat.say("老板一直不发工资怎么办")  # typed at the employer step
    assert "/ask_kept" in payloads(replies)
    assert step_of(await chat.state()) == "brands"
    replies = await chat.tap("/ask_kept")
    assert "依据" in said(replies)
    assert step_of(await chat.state()) == "brands"


async def test_danger_at_a_button_step_helps_keeps_the_draft_and_marks_urgent(
    org_runtime: Runtime,
) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for _ in range(3):
        await chat.tap("/skip")
    assert step_of(await chat.state()) == "place"
    replies = await chat.say("车间着火了好多烟")
    assert "119" in said(replies)
    state = await chat.state()
    assert step_of(state) == "place"
    paused = state.paused_flow("intake") if state else None
    assert paused is not None and paused.data["urgent"] is True


async def test_danger_in_the_description_is_the_complaint(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for payload in ("/skip",) * 7:
        await chat.tap(payload)
    assert step_of(await chat.state()) == "description"
    replies = await chat.say("主管把我们锁在宿舍里还打人")
    assert "110" in said(replies)
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.step == "evidence"
    assert state.flow.data["answers"]["description"] == "主管把我们锁在宿舍里还打人"
    assert state.flow.data["urgent"] is True


async def test_identifying_data_in_the_description_is_offered_for_masking(
    org_runtime: Runtime,
) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for _ in range(7):
        await chat.tap("/skip")
    replies = await chat.say("组长刘强扣了我工资，我电话13812345678")
    assert "/pick{pii:remove}" in payloads(replies)
    await chat.tap("/pick{pii:remove}")
    state = await chat.state()
    assert state is not None and state.flow is not None
    description = state.flow.data["answers"]["description"]
    assert "13812345678" not in description and "刘强" not in description


@pytest.mark.parametrize(
    "bad",
    [
        "😭😭😭",
        "x" * 5000,
        "\x00\x07\x1b",
        "[图片]",
        "[语音]",
        "hello, my boss",
        "唔該幫手",
        "asdfgh",
    ],
)
async def test_bad_input_at_every_step_keeps_the_draft(org_runtime: Runtime, bad: str) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    steps_seen = set()
    for advance in ["/pick{consent:yes}", *["/skip"] * 12]:
        replies = await chat.say(bad)
        assert replies and all(r.text for r in replies)
        state = await chat.state()
        step = step_of(state)
        if step is not None:
            steps_seen.add(step)
        await chat.tap(advance)
    assert step_of(await chat.state()) == "summary"
    assert len(steps_seen) >= 8


async def test_two_failures_offer_a_way_on(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for payload in ("/skip",) * 3:
        await chat.tap(payload)
    assert step_of(await chat.state()) == "place"
    await chat.say("啊啊啊")
    replies = await chat.say("嗯嗯嗯")
    assert "/skip" in payloads(replies)
    assert step_of(await chat.state()) == "place"


async def test_ambiguous_place_offers_the_candidates(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    for _ in range(3):
        await chat.tap("/skip")
    replies = await chat.say("朝阳")
    picks = [p for p in payloads(replies) if p.startswith("/pick{place:")]
    assert len(picks) >= 2
    await chat.tap(picks[0])
    assert step_of(await chat.state()) in ("district", "started")


async def test_stale_button_does_not_act_on_the_current_step(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/done")
    await chat.tap("/pick{categories:wages}")  # a button of the earlier step
    state = await chat.state()
    assert step_of(state) == "categories"
    assert state is not None and state.flow is not None
    assert "wages" in state.flow.data.get("selecting", {}).get("categories", [])


async def test_declining_consent_keeps_nothing(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:no}")
    state = await chat.state()
    assert state is not None and not state.open_flows()


async def test_daily_limit_per_conversation(org_runtime: Runtime) -> None:
    org_runtime.settings.config.handoff.intake.max_cases_per_day = 1
    chat = Chat(org_runtime)
    await answer_all(chat)
    await chat.tap("/saved")
    with pytest.raises(AssertionError):
        await answer_all(chat, description="第二次投诉")
    assert case_count(org_runtime) == 1


async def test_no_organisation_means_no_complaints_and_the_hotlines(runtime: Runtime) -> None:
    replies = await Chat(runtime).say("我要投诉")
    assert "12333" in said(replies)
    assert "/pick{consent:yes}" not in payloads(replies)


async def test_wrong_receipts_are_limited_and_reveal_nothing(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.tap("/check_case_status")
    answers = []
    for attempt in range(7):
        replies = await chat.say(f"1234 5678 9012 34{attempt:02d}")
        answers.append(said(replies))
    assert answers[0] == answers[1]  # the same words whatever the code
    assert answers[-1] != answers[0]  # then the limit


async def test_question_in_the_middle_of_a_calculator_is_answered(org_runtime: Runtime) -> None:
    chat = Chat(org_runtime)
    await chat.say("月薪4500 加班费怎么算")
    state = await chat.state()
    assert state is not None and state.flow is not None and state.flow.name == "calculator"
    replies = await chat.say("试用期最长可以多久")
    assert "/resume" in payloads(replies)
    state = await chat.state()
    assert state is not None and state.flow is not None and state.flow.name == "calculator"
