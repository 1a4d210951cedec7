"""What the console API says about cases: ``*Public`` models carry only what the case page
shows the member's organisation — never the filing conversation, the receipt lookup, the raw
answers or any key — and request models bound every field a client can send."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from handoff.console.cases_detail import CaseDetail
from handoff.console.cases_messages import MAX_MESSAGE_CHARS
from handoff.console.cases_queue import QueueCounts, QueueItem, aware
from handoff.console.cases_workflow import MAX_NOTE_CHARS, MAX_REASON_CHARS, MAX_TAG_CHARS

Status = Literal[
    "new", "claimed", "in_progress", "waiting_for_worker", "resolved", "closed", "spam"
]


class CaseSummaryPublic(BaseModel):
    """A row of the queue."""

    id: str
    status: str
    category: str
    categories: list[str]
    province: str | None
    urgent: bool
    created_at: datetime
    last_activity_at: datetime
    assignee: str | None = Field(description="user name of the member who has the case")
    sla: str | None = Field(description="urgent_unclaimed | unclaimed | null")
    related: int = Field(description="other cases naming the same employer")

    @classmethod
    def of(cls, item: QueueItem) -> CaseSummaryPublic:
        """From a queue row."""
        return cls(
            id=item.case_id,
            status=item.status,
            category=item.category,
            categories=list(item.categories),
            province=item.province,
            urgent=item.urgent,
            created_at=item.created_at,
            last_activity_at=item.last_activity_at,
            assignee=item.assignee,
            sla=item.sla,
            related=item.related,
        )


class QueueCountsPublic(BaseModel):
    """Counts over the organisation's cases."""

    by_status: dict[str, int]
    open: int
    urgent_open: int
    sla_flagged: int
    sla_urgent: int
    shared_employers: int

    @classmethod
    def of(cls, counts: QueueCounts) -> QueueCountsPublic:
        """From the queue's counts."""
        return cls(
            by_status=counts.by_status,
            open=counts.open,
            urgent_open=counts.urgent_open,
            sla_flagged=counts.sla_flagged,
            sla_urgent=counts.sla_urgent,
            shared_employers=counts.shared_employers,
        )


class CaseListPublic(BaseModel):
    """``GET /api/console/cases``: one page of cases and how many match."""

    data: list[CaseSummaryPublic]
    count: int
    page: int
    pages: int
    counts: QueueCountsPublic


class ComplaintLinePublic(BaseModel):
    """One line of the complaint as the worker confirmed it."""

    label: str
    value: str


class MessagePublic(BaseModel):
    """A message of the thread; ``staff`` names the member (only the organisation sees it)."""

    author: Literal["worker", "staff"]
    text: str
    at: datetime
    staff: str | None = None


class NotePublic(BaseModel):
    """An internal note."""

    text: str
    by: str | None
    at: datetime


class EventPublic(BaseModel):
    """A claim, assignment or status change with its reason."""

    kind: str
    from_status: str | None
    to_status: str | None
    reason: str
    by: str | None
    assignee: str | None
    at: datetime


class RelatedCasePublic(BaseModel):
    """Another case of the organisation naming the same employer (or brand)."""

    id: str
    kinds: list[Literal["employer", "brand"]]
    status: str
    category: str
    province: str | None
    urgent: bool
    created_at: datetime


class CaseDetailPublic(CaseSummaryPublic):
    """``GET /api/console/cases/{id}``: what the case page shows."""

    complaint: list[ComplaintLinePublic]
    messages: list[MessagePublic]
    notes: list[NotePublic]
    tags: list[str]
    events: list[EventPublic]
    related_cases: list[RelatedCasePublic]
    reach: Literal["ok", "unreachable", "deleted"]
    undelivered: int

    @classmethod
    def of_detail(cls, detail: CaseDetail, related_count: int) -> CaseDetailPublic:
        """From a loaded case (never its conversation id)."""
        case = detail.case
        names = detail.members
        return cls(
            id=case.id,
            status=case.status,
            category=case.category,
            categories=[c for c in case.categories.split(",") if c],
            province=case.province,
            urgent=case.urgent,
            created_at=aware(case.created_at),
            last_activity_at=aware(case.last_activity_at),
            assignee=detail.assignee,
            sla=detail.sla,
            related=related_count,
            complaint=[ComplaintLinePublic(label=k, value=v) for k, v in detail.summary],
            messages=[
                MessagePublic(
                    author="staff" if m.author == "staff" else "worker",
                    text=m.text,
                    at=aware(m.created_at),
                    staff=names.get(m.member_id) if m.member_id else None,
                )
                for m in detail.messages
            ],
            notes=[
                NotePublic(text=n.text, by=names.get(n.member_id or ""), at=n.at)
                for n in detail.notes
            ],
            tags=detail.tags,
            events=[
                EventPublic(
                    kind=e.kind,
                    from_status=e.from_status,
                    to_status=e.to_status,
                    reason=e.reason,
                    by=names.get(e.member_id or ""),
                    assignee=names.get(e.target_member_id or ""),
                    at=e.at,
                )
                for e in detail.events
            ],
            related_cases=[
                RelatedCasePublic(
                    id=r.case_id,
                    kinds=["brand" if k == "brand" else "employer" for k in r.kinds],
                    status=r.status,
                    category=r.category,
                    province=r.province,
                    urgent=r.urgent,
                    created_at=aware(r.created_at),
                )
                for r in detail.related
            ],
            reach=detail.reach,
            undelivered=detail.undelivered,
        )


class StatusChange(BaseModel):
    """``POST /api/console/cases/{id}/status``."""

    status: Status
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS)


class AssignRequest(BaseModel):
    """``POST /api/console/cases/{id}/assign`` (coordinators): a member's user name."""

    username: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=MAX_REASON_CHARS)


class UnassignRequest(BaseModel):
    """``POST /api/console/cases/{id}/unassign``."""

    reason: str = Field(default="", max_length=MAX_REASON_CHARS)


class MessageCreate(BaseModel):
    """``POST /api/console/cases/{id}/messages``."""

    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class MessageSentPublic(BaseModel):
    """The stored message and what the worker's channel did with it."""

    id: str
    delivery: Literal["delivered", "queued", "unreachable", "unknown"]


class NoteCreate(BaseModel):
    """``POST /api/console/cases/{id}/notes``."""

    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class NoteCreatedPublic(BaseModel):
    """The new note's id."""

    id: str


class TagsUpdate(BaseModel):
    """``PUT /api/console/cases/{id}/tags``: the whole list."""

    tags: list[str] = Field(max_length=20)


class TagsPublic(BaseModel):
    """The case's tags after the change."""

    tags: list[str] = Field(description=f"each at most {MAX_TAG_CHARS} characters")
