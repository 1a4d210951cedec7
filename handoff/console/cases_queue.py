"""The case queue: urgent first, then oldest; filters, counts and SLA flags.

Only clear routing fields are read here (status, category, province, urgency, dates,
assignee) plus the keyed employer/brand digests; nothing is decrypted except to fill in the
digests of cases listed for the first time (see :mod:`handoff.console.related`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from handoff.cases.models import OPEN_STATUSES, STATUSES, Case
from handoff.console.related import (
    BRAND,
    EMPLOYER,
    digest_filter,
    ensure_indexed,
    related_counts,
)
from handoff.console.staff import Staff
from handoff.console_models import CaseIndex
from handoff.errors import NotFoundError
from handoff.orgs.models import Member
from handoff.settings import SlaSettings

PAGE_SIZE = 50
# Flags, most pressing first.
SLA_URGENT = "urgent_unclaimed"
SLA_ANY = "unclaimed"
UNASSIGNED = "none"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the caseworker asked to see. ``status`` None means every open status;
    ``assignee`` is a member id or :data:`UNASSIGNED`; ``related_to`` is a case id whose
    employer the listed cases share."""

    status: str | None = None
    category: str | None = None
    province: str | None = None
    employer: str | None = None
    brand: str | None = None
    assignee: str | None = None
    related_to: str | None = None
    sla: bool = False
    page: int = 1


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One row of the queue."""

    case_id: str
    status: str
    category: str
    categories: tuple[str, ...]
    province: str | None
    urgent: bool
    created_at: datetime
    last_activity_at: datetime
    assignee_id: str | None
    assignee: str | None
    sla: str | None
    related: int


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Counts over the whole organisation (not the filter): what a coordinator watches."""

    by_status: dict[str, int]
    open: int
    urgent_open: int
    sla_flagged: int
    sla_urgent: int
    # Employers named by at least two open cases: collective problems.
    shared_employers: int


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A page of the queue, how many cases match the filter, and the counts."""

    items: list[QueueItem]
    count: int
    counts: QueueCounts
    page: int
    pages: int
    indexed: int = 0
    members: dict[str, str] = field(default_factory=dict)


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sla_flag(
    status: str,
    assignee_id: str | None,
    urgent: bool,
    created_at: datetime,
    now: datetime,
    sla: SlaSettings,
) -> str | None:
    """The SLA flag of one case: urgent and unclaimed too long, any unclaimed too long."""
    if assignee_id is not None or status not in OPEN_STATUSES:
        return None
    age = now - aware(created_at)
    if urgent and age > timedelta(hours=sla.urgent_unclaimed_hours):
        return SLA_URGENT
    if age > timedelta(hours=sla.unclaimed_hours):
        return SLA_ANY
    return None


def _sla_condition(now: datetime, sla: SlaSettings) -> ColumnElement[bool]:
    urgent_cutoff = now - timedelta(hours=sla.urgent_unclaimed_hours)
    any_cutoff = now - timedelta(hours=sla.unclaimed_hours)
    return and_(
        Case.assignee_id.is_(None),
        Case.status.in_(OPEN_STATUSES),
        or_(
            and_(Case.urgent.is_(True), Case.created_at < urgent_cutoff),
            Case.created_at < any_cutoff,
        ),
    )


def _digest_condition(kind: str, digest: str | None, org_id: str) -> ColumnElement[bool]:
    if digest is None:
        return Case.id.is_(None)  # a name that normalises to nothing matches nothing
    return Case.id.in_(
        select(CaseIndex.case_id).where(
            CaseIndex.org_id == org_id, CaseIndex.kind == kind, CaseIndex.digest == digest
        )
    )


def _conditions(
    session: Session, staff: Staff, wanted: QueueFilter, now: datetime, sla: SlaSettings
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Case.org_id == staff.org_id]
    if wanted.status in STATUSES:
        where.append(Case.status == wanted.status)
    elif wanted.status == "all":
        pass
    else:
        where.append(Case.status.in_(OPEN_STATUSES))
    if wanted.category:
        # ``categories`` is a comma-joined list; match whole keys only.
        where.append(
            ("," + Case.categories + ",").contains("," + wanted.category + ",", autoescape=True)
        )
    if wanted.province:
        where.append(Case.province == wanted.province)
    if wanted.assignee == UNASSIGNED:
        where.append(Case.assignee_id.is_(None))
    elif wanted.assignee:
        where.append(Case.assignee_id == wanted.assignee)
    if wanted.sla:
        where.append(_sla_condition(now, sla))
    if wanted.employer:
        digest = digest_filter(session, staff, EMPLOYER, wanted.employer)
        where.append(_digest_condition(EMPLOYER, digest, staff.org_id))
    if wanted.brand:
        digest = digest_filter(session, staff, BRAND, wanted.brand)
        where.append(_digest_condition(BRAND, digest, staff.org_id))
    if wanted.related_to:
        where.append(_related_condition(staff.org_id, wanted.related_to))
    return where


def _related_condition(org_id: str, case_id: str) -> ColumnElement[bool]:
    digests = select(CaseIndex.digest).where(
        CaseIndex.case_id == case_id, CaseIndex.org_id == org_id, CaseIndex.kind == EMPLOYER
    )
    return Case.id.in_(
        select(CaseIndex.case_id).where(
            CaseIndex.org_id == org_id,
            CaseIndex.kind == EMPLOYER,
            CaseIndex.digest.in_(digests),
        )
    )


def queue_counts(session: Session, org_id: str, now: datetime, sla: SlaSettings) -> QueueCounts:
    """Counts per status, urgent open cases, SLA flags and shared employers."""
    by_status = {status: 0 for status in STATUSES}
    for status, count in session.execute(
        select(Case.status, func.count()).where(Case.org_id == org_id).group_by(Case.status)
    ):
        by_status[status] = int(count)
    open_where = (Case.org_id == org_id, Case.status.in_(OPEN_STATUSES))
    urgent_open = session.scalar(
        select(func.count()).select_from(Case).where(*open_where, Case.urgent.is_(True))
    )
    flagged = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.org_id == org_id, _sla_condition(now, sla))
    )
    urgent_cutoff = now - timedelta(hours=sla.urgent_unclaimed_hours)
    sla_urgent = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            *open_where,
            Case.assignee_id.is_(None),
            Case.urgent.is_(True),
            Case.created_at < urgent_cutoff,
        )
    )
    shared = (
        select(CaseIndex.digest)
        .join(Case, Case.id == CaseIndex.case_id)
        .where(CaseIndex.org_id == org_id, CaseIndex.kind == EMPLOYER, *open_where)
        .group_by(CaseIndex.digest)
        .having(func.count(func.distinct(CaseIndex.case_id)) > 1)
        .subquery()
    )
    shared_employers = session.scalar(select(func.count()).select_from(shared))
    return QueueCounts(
        by_status=by_status,
        open=sum(by_status[s] for s in OPEN_STATUSES),
        urgent_open=int(urgent_open or 0),
        sla_flagged=int(flagged or 0),
        sla_urgent=int(sla_urgent or 0),
        shared_employers=int(shared_employers or 0),
    )


def org_members(session: Session, org_id: str) -> dict[str, str]:
    """Member id → user name, for assignee names and the assignee filter."""
    rows = session.execute(
        select(Member.id, Member.username).where(Member.org_id == org_id).order_by(Member.username)
    )
    return {member_id: username for member_id, username in rows}


def _items(
    session: Session,
    staff: Staff,
    rows: list[Case],
    members: dict[str, str],
    now: datetime,
    sla: SlaSettings,
) -> list[QueueItem]:
    related = related_counts(session, staff.org_id, [case.id for case in rows])
    return [
        QueueItem(
            case_id=case.id,
            status=case.status,
            category=case.category,
            categories=tuple(c for c in case.categories.split(",") if c),
            province=case.province,
            urgent=case.urgent,
            created_at=aware(case.created_at),
            last_activity_at=aware(case.last_activity_at),
            assignee_id=case.assignee_id,
            assignee=members.get(case.assignee_id) if case.assignee_id else None,
            sla=sla_flag(case.status, case.assignee_id, case.urgent, case.created_at, now, sla),
            related=related.get(case.id, 0),
        )
        for case in rows
    ]


def case_summary(
    session: Session, staff: Staff, case_id: str, now: datetime, sla: SlaSettings
) -> QueueItem:
    """One case of the organisation as a queue row (NotFoundError for any other id)."""
    case = session.scalar(select(Case).where(Case.id == case_id, Case.org_id == staff.org_id))
    if case is None:
        raise NotFoundError(case_id)
    return _items(session, staff, [case], org_members(session, staff.org_id), now, sla)[0]


def org_provinces(session: Session, org_id: str) -> list[str]:
    """Provinces the organisation's cases came from (for the province filter)."""
    rows = session.scalars(
        select(Case.province)
        .where(Case.org_id == org_id, Case.province.is_not(None))
        .distinct()
        .order_by(Case.province)
    )
    return [province for province in rows if province]


def list_queue(
    session: Session, staff: Staff, wanted: QueueFilter, now: datetime, sla: SlaSettings
) -> QueuePage:
    """One page of the organisation's queue; digests are filled in for cases without them."""
    # Every unindexed case of the organisation, not only this page: employer filters and
    # related counts must see them all.
    indexed = ensure_indexed(session, staff)
    where = _conditions(session, staff, wanted, now, sla)
    count = int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    rows = list(
        session.scalars(
            select(Case)
            .where(*where)
            .order_by(Case.urgent.desc(), Case.created_at, Case.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    members = org_members(session, staff.org_id)
    items = _items(session, staff, rows, members, now, sla)
    return QueuePage(
        items=items,
        count=count,
        counts=queue_counts(session, staff.org_id, now, sla),
        page=page,
        pages=pages,
        indexed=indexed,
        members=members,
    )
