"""A caseworker's message to the worker: stored on the case (both sides can read it), then
handed to the worker's channel through the :class:`WorkerDelivery` port.

The worker sees the organisation's staff label (工作人员), never the account name: the text
handed to the channel is formatted by the caller from an editable template.
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.service import CaseService
from handoff.console.cases_detail import conversation_of
from handoff.console.cases_workflow import ConflictError, WorkflowError, find_case
from handoff.console.staff import Staff
from handoff.dbguard import database_errors
from handoff.ports import Delivery, OutgoingMessage, WorkerDelivery

MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class SentMessage:
    """The stored message and what the channel did with it."""

    message_id: str
    delivery: Delivery


def _store(
    sessions: sessionmaker[Session], cases: CaseService, staff: Staff, case_id: str, text: str
) -> tuple[str, str]:
    with database_errors(), sessions() as session:
        case = find_case(session, staff, case_id)
        if case.status == "spam":
            raise ConflictError("no replies on a case marked as spam")
        conversation_id = conversation_of(session, staff, case_id)
    message_id = cases.add_message(case_id, "staff", text, staff.member_id)
    return message_id, conversation_id


async def send_staff_message(
    sessions: sessionmaker[Session],
    cases: CaseService,
    delivery: WorkerDelivery,
    staff: Staff,
    case_id: str,
    text: str,
    shown_as: str,
) -> SentMessage:
    """Store ``text`` on the case and deliver it; ``shown_as`` is a template with ``{text}``
    (e.g. "工作人员：{text}"), what the worker's chat shows."""
    body = text.strip()
    if not body or len(body) > MAX_MESSAGE_CHARS:
        raise WorkflowError(f"a message has 1 to {MAX_MESSAGE_CHARS} characters")
    message_id, conversation_id = await to_thread.run_sync(
        _store, sessions, cases, staff, case_id, body
    )
    outcome = await delivery.deliver(
        conversation_id, [OutgoingMessage(shown_as.format(text=body))], case_id=case_id
    )
    return SentMessage(message_id, outcome)
