"""One case as its organisation sees it: the complaint, thread, notes, tags, history, related
cases, and whether replies can still reach the worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.cases.models import Case
from handoff.cases.service import CaseService, ThreadMessage
from handoff.console.cases_queue import aware, org_members, sla_flag
from handoff.console.cases_workflow import (
    EventView,
    NoteView,
    find_case,
    read_events,
    read_notes,
    read_tags,
)
from handoff.console.related import RelatedCase, ensure_indexed, related_cases
from handoff.console.staff import Staff
from handoff.console_models import OutboxMessage
from handoff.errors import AccessDeniedError
from handoff.keys.boxes import BoxOpenError, unseal
from handoff.models import Conversation
from handoff.settings import SlaSettings

# Whether a reply can reach the worker.
REACH_OK = "ok"
REACH_UNREACHABLE = "unreachable"  # the channel refused for good (e.g. the bot was blocked)
REACH_DELETED = "deleted"  # the conversation is gone (the worker deleted their data)


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """What the case page and ``GET /api/console/cases/{id}`` show.

    ``conversation_id`` is for delivering replies only; it is never shown or returned.
    """

    case: Case
    summary: list[tuple[str, str]]
    messages: list[ThreadMessage]
    notes: list[NoteView]
    tags: list[str]
    events: list[EventView]
    related: list[RelatedCase]
    members: dict[str, str]
    sla: str | None
    reach: str
    undelivered: int
    conversation_id: str
    indexed: int

    @property
    def assignee(self) -> str | None:
        """The assignee's user name."""
        return self.members.get(self.case.assignee_id) if self.case.assignee_id else None


def summary_lines(content: dict[str, Any]) -> list[tuple[str, str]]:
    """The complaint as the worker confirmed it: (label, value) lines, as text."""
    lines = content.get("summary") or []
    out = []
    for line in lines:
        if isinstance(line, (list, tuple)) and len(line) == 2:
            out.append((str(line[0]), str(line[1])))
    return out


def conversation_of(session: Session, staff: Staff, case_id: str) -> str:
    """The conversation that filed the case (opened with the organisation key)."""
    case = find_case(session, staff, case_id)
    try:
        return unseal(staff.org_key, case.origin_for_org).decode("ascii")
    except BoxOpenError as exc:
        raise AccessDeniedError("this key does not open the case") from exc


def reach_of(session: Session, conversation_id: str, case_id: str) -> tuple[str, int]:
    """Whether the worker's conversation still exists and takes messages, and how many
    messages to it are still waiting in the outbox (outbox rows never name the case: the
    conversation comes from the sealed origin, opened with the organisation key)."""
    conversation = session.get(Conversation, conversation_id)
    waiting = int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.conversation_id == conversation_id,
                OutboxMessage.state == "pending",
            )
        )
        or 0
    )
    if conversation is None:
        return REACH_DELETED, waiting
    if conversation.unreachable_at is not None:
        return REACH_UNREACHABLE, waiting
    return REACH_OK, waiting


def load_case(
    session: Session,
    cases: CaseService,
    staff: Staff,
    case_id: str,
    now: datetime,
    sla: SlaSettings,
) -> CaseDetail:
    """Open one of the organisation's cases (NotFoundError for any other id)."""
    find_case(session, staff, case_id)
    view = cases.read_for_org(case_id, staff.org_id, staff.org_key)
    indexed = ensure_indexed(session, staff, [case_id])
    case = find_case(session, staff, case_id)
    reach, undelivered = reach_of(session, view.conversation_id, case_id)
    return CaseDetail(
        case=case,
        summary=summary_lines(view.content),
        messages=view.messages,
        notes=read_notes(session, staff, case_id),
        tags=read_tags(staff, case),
        events=read_events(session, staff, case_id),
        related=related_cases(session, staff.org_id, case_id),
        members=org_members(session, staff.org_id),
        sla=sla_flag(case.status, case.assignee_id, case.urgent, aware(case.created_at), now, sla),
        reach=reach,
        undelivered=undelivered,
        conversation_id=view.conversation_id,
        indexed=indexed,
    )
