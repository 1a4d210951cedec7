"""What caseworkers do to a case: claim, assign, unassign, change status, notes and tags.

Every change writes a :class:`CaseEvent` whose reason is sealed to the organisation (a reason
may name people). Notes and tags are sealed too. Who may do what:

- any member: claim an unassigned open case, write notes, set tags, mark an unassigned new
  case as spam (triage);
- the assignee: change the status of their case, give it up (unassign);
- a coordinator: all of that on any case, and assign a case to a member.

Every case id is looked up within the member's organisation: another organisation's case is
"not found", never "forbidden".
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.cases.models import OPEN_STATUSES, Case
from handoff.console.cases_queue import aware
from handoff.console.staff import Staff
from handoff.console_models import CaseEvent, CaseNote
from handoff.errors import NotFoundError
from handoff.keys.boxes import BoxOpenError, seal, unseal
from handoff.models import utcnow
from handoff.orgs.models import Member, Organisation

# Where a status may go by an explicit change. Claiming (new → claimed) and giving a case up
# (claimed → new) happen through claim/assign/unassign.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"spam", "closed"}),
    "claimed": frozenset({"in_progress", "waiting_for_worker", "resolved", "closed", "spam"}),
    "in_progress": frozenset({"waiting_for_worker", "resolved", "closed", "spam"}),
    "waiting_for_worker": frozenset({"in_progress", "resolved", "closed"}),
    "resolved": frozenset({"in_progress", "closed"}),
    "closed": frozenset({"in_progress"}),
    "spam": frozenset({"new"}),
}
FINISHED = frozenset({"closed", "spam"})
MAX_REASON_CHARS = 500
MAX_NOTE_CHARS = 5000
MAX_TAGS = 20
MAX_TAG_CHARS = 30


_id_lock = threading.Lock()
_last_ns = 0


def sortable_id() -> str:
    """32 hex characters: nanoseconds (strictly increasing in this process), then randomness,
    so events and notes written within one clock tick keep their order."""
    global _last_ns
    with _id_lock:
        _last_ns = max(_last_ns + 1, time.time_ns())
        stamp = _last_ns
    return f"{stamp:016x}{secrets.token_hex(8)}"


class WorkflowError(ValueError):
    """A change the case cannot take; ``code`` says which kind (for the reply)."""

    code = "invalid"


class NotAllowedError(WorkflowError):
    """This member's role or relation to the case does not allow the change (HTTP 403)."""

    code = "not_allowed"


class ConflictError(WorkflowError):
    """The case is not in a state for this change (claimed by someone else, closed …)."""

    code = "conflict"


class ReasonRequiredError(WorkflowError):
    """A status change needs a reason."""

    code = "reason_required"


@dataclass(frozen=True, slots=True)
class EventView:
    """One entry of a case's history, with its reason opened."""

    kind: str
    from_status: str | None
    to_status: str | None
    reason: str
    member_id: str | None
    target_member_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class NoteView:
    """An internal note, opened."""

    note_id: str
    text: str
    member_id: str | None
    at: datetime


def _clean_reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ReasonRequiredError("a status change needs a reason")
    if len(text) > MAX_REASON_CHARS:
        raise WorkflowError(f"a reason has at most {MAX_REASON_CHARS} characters")
    return text


def clean_tags(tags: list[str]) -> list[str]:
    """Trimmed, deduplicated tags; too many or too long ones are refused."""
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_TAGS or any(len(t) > MAX_TAG_CHARS for t in cleaned):
        raise WorkflowError(f"at most {MAX_TAGS} tags of {MAX_TAG_CHARS} characters")
    return cleaned


def find_case(session: Session, staff: Staff, case_id: str, *, lock: bool = False) -> Case:
    """The case if it belongs to the member's organisation, else NotFoundError."""
    query = select(Case).where(Case.id == case_id, Case.org_id == staff.org_id)
    if lock:
        query = query.with_for_update()
    case = session.scalar(query)
    if case is None:
        raise NotFoundError(case_id)
    return case


class CaseWorkflow:
    """Changes to one organisation's cases, each recorded with a sealed reason."""

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock

    # ---- assignment -----------------------------------------------------------------

    def claim(self, session: Session, staff: Staff, case_id: str) -> Case:
        """Take an unassigned open case; claiming one's own case again changes nothing."""
        case = find_case(session, staff, case_id, lock=True)
        if case.assignee_id == staff.member_id:
            return case
        if case.assignee_id is not None:
            raise ConflictError("someone else has this case")
        if case.status not in OPEN_STATUSES:
            raise ConflictError("only an open case can be claimed")
        self._assign(session, staff, case, staff.member_id, "claim", "")
        return case

    def assign(
        self, session: Session, staff: Staff, case_id: str, member_id: str, reason: str = ""
    ) -> Case:
        """A coordinator gives a case to a member of the organisation who holds its key."""
        if not staff.is_coordinator:
            raise NotAllowedError("only a coordinator assigns cases")
        case = find_case(session, staff, case_id, lock=True)
        if case.status not in OPEN_STATUSES:
            raise ConflictError("only an open case can be assigned")
        member = session.get(Member, member_id)
        if (
            member is None
            or member.org_id != staff.org_id
            or member.disabled_at is not None
            or member.org_key_sealed is None
        ):
            raise WorkflowError("no such member who can read this organisation's cases")
        self._assign(
            session, staff, case, member.id, "assign", _clean_reason(reason, required=False)
        )
        return case

    def unassign(self, session: Session, staff: Staff, case_id: str, reason: str = "") -> Case:
        """The assignee gives a case up, or a coordinator takes it off them."""
        case = find_case(session, staff, case_id, lock=True)
        if case.assignee_id is None:
            return case
        if not staff.is_coordinator and case.assignee_id != staff.member_id:
            raise NotAllowedError("only the assignee or a coordinator can unassign")
        text = _clean_reason(reason, required=False)
        before = case.status
        previous = case.assignee_id
        case.assignee_id = None
        if case.status == "claimed":
            case.status = "new"
        self._record(session, staff, case, "unassign", before, text, target=previous)
        return case

    def _assign(
        self, session: Session, staff: Staff, case: Case, member_id: str, kind: str, reason: str
    ) -> None:
        before = case.status
        case.assignee_id = member_id
        if case.status == "new":
            case.status = "claimed"
        self._record(session, staff, case, kind, before, reason, target=member_id)

    # ---- status ---------------------------------------------------------------------

    def set_status(
        self, session: Session, staff: Staff, case_id: str, status: str, reason: str
    ) -> Case:
        """Move a case along its life, with a reason; spam leaves the queue but stays until
        retention deletes it like a closed case."""
        case = find_case(session, staff, case_id, lock=True)
        text = _clean_reason(reason, required=True)
        if status not in TRANSITIONS.get(case.status, frozenset()):
            raise ConflictError(f"a {case.status} case cannot become {status}")
        self._check_may_change(staff, case, status)
        before = case.status
        case.status = status
        now = self._clock()
        if status in FINISHED:
            case.closed_at = now
        elif before in FINISHED:
            case.closed_at = None
        if status == "new":
            case.assignee_id = None
        self._record(session, staff, case, "status", before, text)
        return case

    @staticmethod
    def _check_may_change(staff: Staff, case: Case, status: str) -> None:
        if staff.is_coordinator or case.assignee_id == staff.member_id:
            return
        if case.assignee_id is None and case.status == "new" and status == "spam":
            return  # triage: anyone may take obvious spam out of the queue
        raise NotAllowedError("only the assignee or a coordinator changes this case's status")

    def _record(
        self,
        session: Session,
        staff: Staff,
        case: Case,
        kind: str,
        before: str,
        reason: str,
        *,
        target: str | None = None,
    ) -> None:
        now = self._clock()
        case.last_activity_at = now
        payload = {"reason": reason, "member": target}
        session.add(
            CaseEvent(
                id=sortable_id(),
                case_id=case.id,
                member_id=staff.member_id,
                kind=kind,
                from_status=before,
                to_status=case.status,
                reason_sealed=_seal_json(session, staff.org_id, payload),
                at=now,
            )
        )
        session.commit()

    # ---- notes and tags -------------------------------------------------------------

    def add_note(self, session: Session, staff: Staff, case_id: str, text: str) -> str:
        """An internal note, sealed to the organisation."""
        body = text.strip()
        if not body or len(body) > MAX_NOTE_CHARS:
            raise WorkflowError(f"a note has 1 to {MAX_NOTE_CHARS} characters")
        case = find_case(session, staff, case_id)
        note = CaseNote(
            id=sortable_id(),
            case_id=case.id,
            member_id=staff.member_id,
            body_sealed=seal(_org_public_key(session, staff.org_id), body.encode("utf-8")),
            at=self._clock(),
        )
        session.add(note)
        case.last_activity_at = note.at
        session.commit()
        return note.id

    def set_tags(self, session: Session, staff: Staff, case_id: str, tags: list[str]) -> list[str]:
        """Replace the case's tags (sealed to the organisation)."""
        cleaned = clean_tags(tags)
        case = find_case(session, staff, case_id)
        case.tags_sealed = _seal_json(session, staff.org_id, cleaned) if cleaned else None
        session.commit()
        return cleaned


def assignable_members(session: Session, org_id: str) -> dict[str, str]:
    """Member id → user name of active members who hold the organisation key."""
    rows = session.execute(
        select(Member.id, Member.username)
        .where(
            Member.org_id == org_id,
            Member.disabled_at.is_(None),
            Member.org_key_sealed.is_not(None),
        )
        .order_by(Member.username)
    )
    return {member_id: username for member_id, username in rows}


# ---- reading (with the organisation key) ------------------------------------------------


def _org_public_key(session: Session, org_id: str) -> bytes:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFoundError(org_id)
    return org.public_key


def _seal_json(session: Session, org_id: str, value: object) -> bytes:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return seal(_org_public_key(session, org_id), raw)


def _open_text(staff: Staff, sealed: bytes | None) -> str | None:
    if sealed is None:
        return None
    try:
        return unseal(staff.org_key, sealed).decode("utf-8")
    except BoxOpenError:
        return None


def read_tags(staff: Staff, case: Case) -> list[str]:
    """The case's tags, opened with the member's organisation key."""
    raw = _open_text(staff, case.tags_sealed)
    value = json.loads(raw) if raw else []
    return [str(tag) for tag in value] if isinstance(value, list) else []


def read_notes(session: Session, staff: Staff, case_id: str) -> list[NoteView]:
    """The case's notes, oldest first."""
    find_case(session, staff, case_id)
    rows = session.scalars(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.at, CaseNote.id)
    )
    notes = []
    for row in rows:
        text = _open_text(staff, row.body_sealed)
        if text is not None:
            notes.append(NoteView(row.id, text, row.member_id, aware(row.at)))
    return notes


def read_events(session: Session, staff: Staff, case_id: str) -> list[EventView]:
    """The case's history, oldest first."""
    find_case(session, staff, case_id)
    rows = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    )
    events = []
    for row in rows:
        raw = _open_text(staff, row.reason_sealed)
        payload = json.loads(raw) if raw else {}
        if not isinstance(payload, dict):
            payload = {}
        events.append(
            EventView(
                kind=row.kind,
                from_status=row.from_status,
                to_status=row.to_status,
                reason=str(payload.get("reason") or ""),
                member_id=row.member_id,
                target_member_id=payload.get("member"),
                at=aware(row.at),
            )
        )
    return events
