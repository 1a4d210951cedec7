"""Live takeover and relay through the core: queue, take over (bot silent), safety while live,
hand back, nobody picks up, leaving, deleting; a caseworker's case message answered from the
chat. On the embedded default and on the configured database and Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.runtime import Runtime
from bot.stores.base import MailboxEvent
from handoff.console_models import LiveChat
from handoff.live import alerts
from handoff.live import feed as events
from handoff.live.chats import QUEUED
from handoff.models import utcnow
from handoff.orgs.service import Unlocked
from handoff.ports import OutgoingMessage
from tests.bot.conftest import COORDINATOR, PASSWORD
from tests.helpers import Chat, answer_all, payloads, said

pytestmark = pytest.mark.anyio

DANGER_NOW = "我们被锁在宿舍里出不去"


class WebWorker(Chat):
    """A worker in the web chat, with the page's view of pushed messages."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime, channel="web")
        self.cursor: str | None = None

    async def conversation_id(self) -> str:
        state = await self.state()
        assert state is not None
        return state.conversation_id

    async def pushed(self) -> list[MailboxEvent]:
        """Messages pushed since the last look (as the open page receives them)."""
        key = self.runtime.core.session_key("web", self.key)
        found = await self.runtime.mailbox.read(key, self.cursor, timeout_seconds=0)
        if found:
            self.cursor = found[-1].id
        return found


def texts(events_: list[MailboxEvent]) -> list[tuple[str, str]]:
    return [(e.data["from"], r["text"]) for e in events_ for r in e.data["replies"]]


def coordinator(runtime: Runtime) -> Unlocked:
    return runtime.organisations.unlock(COORDINATOR, PASSWORD)


def kinds(runtime: Runtime) -> list[str]:
    return [e.kind for e in runtime.console.live.feed.read_after(0)]


async def ask_for_a_person(worker: WebWorker) -> str:
    await worker.say("你好")
    replies = await worker.tap("/talk_to_human")
    assert "/end_human" in payloads(replies)
    (chat,) = worker.runtime.console.live.chats.list_for_org(coordinator(worker.runtime).org_id)
    return chat.chat_id


async def test_asking_for_a_person_queues_and_tells_the_hours(any_org_runtime: Runtime) -> None:
    runtime = any_org_runtime
    staff = coordinator(runtime)
    worker = WebWorker(runtime)
    await worker.say("你好")
    replies = await worker.say("我要找人工")
    (chat,) = runtime.console.live.chats.list_for_org(staff.org_id)
    assert chat.state == QUEUED and not chat.urgent
    assert "/end_human" in payloads(replies)
    assert kinds(runtime) == [events.LIVE_REQUESTED]
    # Asking again does not queue twice.
    await worker.tap("/talk_to_human")
    assert len(runtime.console.live.chats.list_for_org(staff.org_id)) == 1


async def test_a_danger_mentioned_earlier_makes_the_request_urgent(org_runtime: Runtime) -> None:
    worker = WebWorker(org_runtime)
    await worker.say(DANGER_NOW)
    await worker.tap("/talk_to_human")
    (chat,) = org_runtime.console.live.chats.list_for_org(coordinator(org_runtime).org_id)
    assert chat.urgent


async def test_takeover_silences_the_bot_and_hand_back_restores_it(
    any_org_runtime: Runtime,
) -> None:
    runtime = any_org_runtime
    staff = coordinator(runtime)
    chats = runtime.console.live.chats
    worker = WebWorker(runtime)
    chat_id = await ask_for_a_person(worker)
    await worker.pushed()

    await chats.take_over(chat_id, staff.org_id, staff.member_id)
    assert [who for who, _ in texts(await worker.pushed())] == ["bot"]  # 工作人员已经接入

    assert await worker.say("老板三个月没发工资了怎么办") == []  # the bot says nothing
    assert await worker.say("加班费怎么算") == []
    await chats.staff_message(chat_id, staff.org_id, staff.member_id, "你好，我是工作人员")
    assert texts(await worker.pushed()) == [("staff", "你好，我是工作人员")]
    lines = chats.read(chat_id, staff.org_id, staff.org_key).lines
    assert [(line.author, line.text) for line in lines] == [
        ("worker", "老板三个月没发工资了怎么办"),
        ("worker", "加班费怎么算"),
        ("staff", "你好，我是工作人员"),
    ]
    assert events.LIVE_MESSAGE in kinds(runtime)

    await chats.hand_back(chat_id, staff.org_id)
    assert [who for who, _ in texts(await worker.pushed())] == ["bot"]  # back to the bot
    assert await worker.say("加班费怎么算") != []


async def test_safety_keeps_running_while_a_person_has_the_chat(org_runtime: Runtime) -> None:
    staff = coordinator(org_runtime)
    chats = org_runtime.console.live.chats
    worker = WebWorker(org_runtime)
    chat_id = await ask_for_a_person(worker)
    await chats.take_over(chat_id, staff.org_id, staff.member_id)

    replies = await worker.say(DANGER_NOW)
    assert "110" in said(replies)  # the worker still gets the emergency line
    assert kinds(org_runtime)[-1] == events.LIVE_SAFETY  # the caseworker is alerted
    view = chats.read(chat_id, staff.org_id, staff.org_key)
    assert view.status.urgent
    assert view.lines[-1].text == DANGER_NOW and view.lines[-1].safety_kinds


async def test_a_tapped_button_while_live_is_not_acted_on(org_runtime: Runtime) -> None:
    staff = coordinator(org_runtime)
    worker = WebWorker(org_runtime)
    chat_id = await ask_for_a_person(worker)
    await org_runtime.console.live.chats.take_over(chat_id, staff.org_id, staff.member_id)
    replies = await worker.tap("/file_complaint")
    assert payloads(replies) == ["/end_human"]
    state = await worker.state()
    assert state is not None and state.flow is None


async def test_worker_can_leave_the_chat(org_runtime: Runtime) -> None:
    staff = coordinator(org_runtime)
    chats = org_runtime.console.live.chats
    worker = WebWorker(org_runtime)
    chat_id = await ask_for_a_person(worker)
    await chats.take_over(chat_id, staff.org_id, staff.member_id)
    await worker.tap("/end_human")
    assert chats.status(await worker.conversation_id()) is None
    assert await worker.say("加班费怎么算") != []
    assert kinds(org_runtime)[-1] == events.LIVE_ENDED


async def test_nobody_picks_up_the_worker_is_told_honestly(any_org_runtime: Runtime) -> None:
    runtime = any_org_runtime
    worker = WebWorker(runtime)
    await ask_for_a_person(worker)
    await worker.pushed()
    await runtime.live.tick()
    assert await worker.pushed() == []  # not yet
    with runtime.console.db() as session:
        session.execute(update(LiveChat).values(requested_at=utcnow() - timedelta(minutes=6)))
        session.commit()
    await runtime.live.tick()
    told = await worker.pushed()
    assert [e.data["from"] for e in told] == ["bot"]
    buttons = [b["payload"] for e in told for r in e.data["replies"] for b in r["buttons"]]
    assert "/file_complaint" in buttons
    await runtime.live.tick()
    assert await worker.pushed() == []  # told once


async def test_deleting_my_data_purges_the_mailbox_and_ends_the_chat(
    any_org_runtime: Runtime,
) -> None:
    runtime = any_org_runtime
    staff = coordinator(runtime)
    chats = runtime.console.live.chats
    worker = WebWorker(runtime)
    chat_id = await ask_for_a_person(worker)
    await chats.take_over(chat_id, staff.org_id, staff.member_id)
    await chats.staff_message(chat_id, staff.org_id, staff.member_id, "请问你在哪个厂")
    conversation_id = await worker.conversation_id()
    key = runtime.core.session_key("web", worker.key)
    assert await runtime.mailbox.read(key, None, timeout_seconds=0) != []

    await worker.say("删除我的数据")  # still works while a person has the chat
    await worker.tap("/affirm")
    assert await runtime.mailbox.read(key, None, timeout_seconds=0) == []
    assert chats.status(conversation_id) is None
    assert chats.list_for_org(staff.org_id) == []


async def test_no_organisation_says_so(runtime: Runtime) -> None:
    worker = WebWorker(runtime)
    await worker.say("你好")
    replies = await worker.tap("/talk_to_human")
    assert "/file_complaint" in payloads(replies)


async def test_a_case_message_is_answered_from_the_chat(any_org_runtime: Runtime) -> None:
    runtime = any_org_runtime
    staff = coordinator(runtime)
    worker = WebWorker(runtime)
    await answer_all(worker)
    (case,) = runtime.cases.list_for_org(staff.org_id)
    view = runtime.cases.read_for_org(case.id, staff.org_id, staff.org_key)
    conversation_id = view.conversation_id
    assert conversation_id == await worker.conversation_id()
    assert kinds(runtime) == [events.CASE_NEW]
    await worker.pushed()

    runtime.cases.add_message(case.id, "staff", "请问一共欠了多少钱？", staff.member_id)
    await runtime.console.delivery.deliver(
        conversation_id, [OutgoingMessage("请问一共欠了多少钱？")], case_id=case.id
    )
    (pushed,) = await worker.pushed()
    assert pushed.data["from"] == "staff"
    (reply_button,) = [b["payload"] for r in pushed.data["replies"] for b in r["buttons"]]
    assert reply_button.startswith("/reply_staff{")

    await worker.tap(reply_button)
    confirmation = await worker.say("大概两万块")
    assert reply_button in payloads(confirmation)  # 再写一条
    thread = runtime.cases.read_for_org(case.id, staff.org_id, staff.org_key).messages
    assert [(m.author, m.text) for m in thread] == [
        ("staff", "请问一共欠了多少钱？"),
        ("worker", "大概两万块"),
    ]
    assert kinds(runtime)[-1] == events.CASE_MESSAGE
    assert runtime.console.live.feed.read_after(0)[-1].case_id == case.id


async def test_a_reply_button_works_only_in_its_own_conversation(org_runtime: Runtime) -> None:
    staff = coordinator(org_runtime)
    worker = WebWorker(org_runtime)
    await answer_all(worker)
    (case,) = org_runtime.cases.list_for_org(staff.org_id)
    await org_runtime.console.delivery.deliver(
        await worker.conversation_id(), [OutgoingMessage("在吗")], case_id=case.id
    )
    (pushed,) = [e for e in await worker.pushed() if e.data["from"] == "staff"]
    (button,) = [b["payload"] for r in pushed.data["replies"] for b in r["buttons"]]
    stranger = WebWorker(org_runtime)
    await stranger.say("你好")
    replies = await stranger.tap(button)
    assert "/check_case_status" in payloads(replies)  # expired or not yours: use the receipt
    await stranger.say("这不是我的投诉")
    messages = org_runtime.cases.read_for_org(case.id, staff.org_id, staff.org_key).messages
    assert messages == []


async def test_urgent_cases_and_requests_alert_whoever_is_on_duty(
    org_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        org_runtime.console.live.alerts, "notify", lambda org, kind: sent.append((org, kind))
    )
    staff = coordinator(org_runtime)
    await answer_all(WebWorker(org_runtime), description="工资没发，" + DANGER_NOW)
    (case,) = org_runtime.cases.list_for_org(staff.org_id)
    assert case.urgent
    assert sent == [(staff.org_id, alerts.URGENT_CASE)]
    await answer_all(WebWorker(org_runtime))  # not urgent: no e-mail
    assert len(sent) == 1
    await ask_for_a_person(WebWorker(org_runtime))
    assert sent[-1] == (staff.org_id, alerts.LIVE_REQUEST)
