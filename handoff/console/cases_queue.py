"""The case queue: urgent first, then oldest; filters, counts and SLA flags.

Only clear routing fields are read here (status, category, province, urgency, dates,
assignee) plus the keyed employer/brand digests; nothing is decrypted except to fill in the
digests of cases listed for the first time (see :mod:`handoff.console.related`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from handoff.cases.models import OPEN_STATUSES, STATUSES, Case, CaseCount
from handoff.cases.service import UNKNOWN_PROVINCE
from handoff.console.related import (
    BRAND,
    EMPLOYER,
    digest_case_counts,
    digest_counts,
    digest_filter,
    ensure_indexed,
    org_shape,
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
    # Employers named by at least two of the organisation's cases (spam aside): collective
    # problems.
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


def queue_counts(
    session: Session,
    org_id: str,
    now: datetime,
    sla: SlaSettings,
    employer_counts: dict[str, int] | None = None,
) -> QueueCounts:
    """Counts per status, urgent open cases, SLA flags and shared employers (a scan of a
    covering index each, rather than one scan of the cases per number)."""
    unclaimed = Case.assignee_id.is_(None).label("unclaimed")
    past_urgent = (Case.created_at < now - timedelta(hours=sla.urgent_unclaimed_hours)).label(
        "past_urgent"
    )
    past_any = (Case.created_at < now - timedelta(hours=sla.unclaimed_hours)).label("past_any")
    groups = session.execute(
        select(Case.status, Case.urgent, unclaimed, past_urgent, past_any, func.count())
        .where(Case.org_id == org_id)
        .group_by(Case.status, Case.urgent, unclaimed, past_urgent, past_any)
    ).all()
    by_status = {status: 0 for status in STATUSES}
    urgent_open = flagged = sla_urgent = 0
    for status, urgent, is_unclaimed, is_past_urgent, is_past_any, count in groups:
        by_status[status] = by_status.get(status, 0) + int(count)
        if status not in OPEN_STATUSES:
            continue
        urgent_open += int(count) if urgent else 0
        late_urgent = bool(is_unclaimed and urgent and is_past_urgent)
        sla_urgent += int(count) if late_urgent else 0
        flagged += int(count) if late_urgent or (is_unclaimed and is_past_any) else 0
    if employer_counts is None:
        employer_counts = digest_case_counts(session, org_id, EMPLOYER)
    shared_employers = sum(1 for count in employer_counts.values() if count > 1)
    return QueueCounts(
        by_status=by_status,
        open=sum(by_status[s] for s in OPEN_STATUSES),
        urgent_open=urgent_open,
        sla_flagged=flagged,
        sla_urgent=sla_urgent,
        shared_employers=shared_employers,
    )


def org_members(session: Session, org_id: str) -> dict[str, str]:
    """Member id → user name, for assignee names and the assignee filter."""
    rows = session.execute(
        select(Member.id, Member.username).where(Member.org_id == org_id).order_by(Member.username)
    )
    return {member_id: username for member_id, username in rows}


# What a queue row needs: never the sealed columns, which make a case row wide.
_ROW_COLUMNS = (
    Case.id,
    Case.status,
    Case.category,
    Case.categories,
    Case.province,
    Case.urgent,
    Case.created_at,
    Case.last_activity_at,
    Case.assignee_id,
)


def _items(
    session: Session,
    staff: Staff,
    rows: Sequence[Any],  # rows of _ROW_COLUMNS
    members: dict[str, str],
    now: datetime,
    sla: SlaSettings,
    employer_counts: dict[str, int],
) -> list[QueueItem]:
    statuses = {case.id: case.status for case in rows}
    related = related_counts(session, staff.org_id, statuses, employer_counts)
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
    row = session.execute(
        select(*_ROW_COLUMNS).where(Case.id == case_id, Case.org_id == staff.org_id)
    ).first()
    if row is None:
        raise NotFoundError(case_id)
    employers = digest_counts.get(session, staff.org_id, EMPLOYER, org_shape(session, staff.org_id))
    members = org_members(session, staff.org_id)
    return _items(session, staff, [row], members, now, sla, employers)[0]


def org_provinces(session: Session, org_id: str) -> list[str]:
    """Provinces the organisation's cases came from (for the province filter), from the small
    table of monthly counts rather than a scan of the cases."""
    rows = session.scalars(
        select(CaseCount.province)
        .where(CaseCount.org_id == org_id, CaseCount.province != UNKNOWN_PROVINCE)
        .distinct()
        .order_by(CaseCount.province)
    )
    return [province for province in rows if province]


def list_queue(
    session: Session, staff: Staff, wanted: QueueFilter, now: datetime, sla: SlaSettings
) -> QueuePage:
    """One page of the organisation's queue; digests are filled in for cases without them."""
    # Every unindexed case of the organisation, not only this page: employer filters and
    # related counts must see them all.
    shape = org_shape(session, staff.org_id)
    indexed = ensure_indexed(session, staff, shape=shape)
    employers = digest_counts.get(session, staff.org_id, EMPLOYER, shape)
    where = _conditions(session, staff, wanted, now, sla)
    count = int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    rows = session.execute(
        select(*_ROW_COLUMNS)
        .where(*where)
        .order_by(Case.urgent.desc(), Case.created_at, Case.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    members = org_members(session, staff.org_id)
    items = _items(session, staff, rows, members, now, sla, employers)
    return QueuePage(
        items=items,
        count=count,
        counts=queue_counts(session, staff.org_id, now, sla, employers),
        page=page,
        pages=pages,
        indexed=indexed,
        members=members,
    )
