"""The outbox on SQLite and (when configured) PostgreSQL: order per conversation, leases that
two senders cannot share, retries that keep their place, unreachable conversations, and rows
that forget their content once finished."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.models import utcnow
from handoff.outbox import FAILED, PENDING, SENT, UNREACHABLE, OutboxRepository
from handoff.ports import OutgoingMessage

VAULT = Vault("test-key" * 5)


@pytest.fixture
def parts(engine: Engine) -> tuple[OutboxRepository, str]:
    conversations = ConversationRepository(session_factory(engine), VAULT)
    conversation_id = conversations.ensure("telegram", "987654321")
    return OutboxRepository(session_factory(engine), VAULT), conversation_id


def messages(*texts: str) -> list[OutgoingMessage]:
    return [OutgoingMessage(t, (("好的", "/affirm"),)) for t in texts]


def test_rows_come_out_in_order_with_their_address(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    outbox.enqueue(cid, "telegram", messages("一", "二"))
    outbox.enqueue(cid, "telegram", messages("三"))
    items = outbox.claim(cid, lease_seconds=30)
    assert [i.message.text for i in items] == ["一", "二", "三"]
    assert items[0].message.buttons == (("好的", "/affirm"),)
    assert items[0].address.key == "987654321"
    assert outbox.claim(cid, lease_seconds=30) == []  # leased: nobody else gets them


def test_a_retry_keeps_its_place(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    outbox.enqueue(cid, "telegram", messages("一", "二"))
    first, second = outbox.claim(cid, lease_seconds=30)
    outbox.retry_later(first.id, utcnow() - timedelta(seconds=1), "429", release=[second.id])
    outbox.enqueue(cid, "telegram", messages("三"))
    assert [i.message.text for i in outbox.claim(cid, lease_seconds=30)] == ["一", "二", "三"]


def test_a_row_waiting_for_a_retry_holds_back_the_later_ones(
    parts: tuple[OutboxRepository, str],
) -> None:
    outbox, cid = parts
    outbox.enqueue(cid, "telegram", messages("一"))
    (first,) = outbox.claim(cid, lease_seconds=30)
    outbox.retry_later(first.id, utcnow() + timedelta(minutes=5), "429")
    outbox.enqueue(cid, "telegram", messages("二"))
    assert outbox.claim(cid, lease_seconds=30) == []
    assert (
        cid not in outbox.due_conversations("telegram") or outbox.claim(cid, lease_seconds=30) == []
    )


def test_an_expired_lease_is_taken_over(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    outbox.enqueue(cid, "telegram", messages("一"))
    assert outbox.claim(cid, lease_seconds=-1)  # its sender died at once
    assert [i.message.text for i in outbox.claim(cid, lease_seconds=30)] == ["一"]


def test_finished_rows_forget_their_content(
    parts: tuple[OutboxRepository, str], engine: Engine
) -> None:
    outbox, cid = parts
    sent, failed = outbox.enqueue(cid, "telegram", messages("秘密一", "秘密二"))
    outbox.mark_sent(sent)
    outbox.mark_failed(failed, "BadRequest: wrong parameter")
    assert outbox.states([sent, failed]) == {sent: SENT, failed: FAILED}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT payload_ciphertext, created_at FROM outbox")).all()
    assert [bytes(payload) for payload, _at in rows] == [b"", b""]
    assert all(str(at).split(":", 1)[1].startswith("00:00") for _p, at in rows)  # the hour only
    assert outbox.exists(sent)


def test_idempotent_ids_queue_once(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    ids = ["u1-0", "u1-1"]
    assert outbox.enqueue(cid, "telegram", messages("一", "二"), ids=ids) == ids
    assert outbox.enqueue(cid, "telegram", messages("一", "二"), ids=ids) == []
    assert len(outbox.claim(cid, lease_seconds=30)) == 2


def test_leased_on_queueing_only_when_nothing_waits(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    _first, leased = outbox.enqueue_leased(cid, "telegram", messages("一"), lease_seconds=30)
    assert leased and outbox.claim(cid, lease_seconds=30) == []
    second, leased = outbox.enqueue_leased(cid, "telegram", messages("二"), lease_seconds=30)
    assert not leased  # "一" is still pending: "二" waits its turn
    assert outbox.states(second) == {second[0]: PENDING}


def test_unreachable_stops_every_pending_row(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    ids = outbox.enqueue(cid, "telegram", messages("一", "二"))
    outbox.mark_unreachable(cid, "Forbidden: bot was blocked by the user")
    assert outbox.is_unreachable(cid) is True
    assert set(outbox.states(ids).values()) == {UNREACHABLE}
    assert outbox.claim(cid, lease_seconds=30) == []
    assert outbox.mark_reachable(cid) is True
    assert outbox.is_unreachable(cid) is False
    assert outbox.is_unreachable("no-such-conversation") is None


def test_old_rows_are_given_up_and_finished_ones_purged(
    parts: tuple[OutboxRepository, str],
) -> None:
    outbox, cid = parts
    old, done = outbox.enqueue(cid, "telegram", messages("一", "二"))
    outbox.mark_sent(done)
    later = utcnow() + timedelta(hours=1)
    assert outbox.expire(pending_before=later) == 1
    assert outbox.states([old]) == {old: FAILED}
    assert outbox.purge(sent_before=later, failed_before=later) == 2
    assert outbox.states([old, done]) == {}


def test_due_conversations_are_per_channel(parts: tuple[OutboxRepository, str]) -> None:
    outbox, cid = parts
    outbox.enqueue(cid, "telegram", messages("一"))
    assert outbox.due_conversations("telegram") == [cid]
    assert outbox.due_conversations("web") == []
