"""The audit log for coordinators: a page with filters, and the same as JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from handoff.console.accounts import Accounts
from handoff.console.audit import ACTIONS, AuditFilter, AuditLog
from handoff.console.deps import CoordinatorStaff, audit, render
from handoff.console.services import ConsoleServices
from handoff.console.texts import console_texts

# Dates typed by coordinators are days in China.
_CHINA = timezone(timedelta(hours=8))


class AuditOut(BaseModel):
    """One audit entry."""

    at: datetime
    username: str
    member_id: str | None
    action: str
    case_id: str | None
    detail: str


class AuditList(BaseModel):
    """Entries, newest first."""

    data: list[AuditOut]
    count: int


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), _CHINA).astimezone(UTC) if day else None


def action_label(action: str) -> str:
    """The Chinese name of an action, or the action itself when it has none."""
    return console_texts().get(f"audit.actions.{action}", action)


def _filter(
    member: str | None, action: str | None, since: str | None, until: str | None
) -> AuditFilter:
    last = _day(until)
    return AuditFilter(
        member_id=member or None,
        action=action or None,
        since=_start_of(_day(since)),
        until=_start_of(last + timedelta(days=1)) if last else None,
    )


def build_audit_router(services: ConsoleServices) -> APIRouter:
    """The audit log's page and API (coordinators only)."""
    router = APIRouter()
    log = AuditLog(services.db)
    accounts = Accounts(services)

    @router.get("/console/audit", include_in_schema=False)
    def audit_page(
        request: Request,
        staff: CoordinatorStaff,
        member: str | None = Query(None, max_length=32),
        action: str | None = Query(None, max_length=40),
        since: str | None = Query(None, max_length=10),
        until: str | None = Query(None, max_length=10),
    ) -> Response:
        entries = log.entries(staff.org_id, _filter(member, action, since, until))
        audit(services, staff, "audit_view")
        return render(
            request,
            "audit.html",
            entries=entries,
            members=accounts.members(staff),
            actions=ACTIONS,
            action_label=action_label,
            chosen={
                "member": member or "",
                "action": action or "",
                "since": since or "",
                "until": until or "",
            },
        )

    @router.get("/api/console/audit", response_model=AuditList, tags=["console"])
    def audit_api(
        staff: CoordinatorStaff,
        member: str | None = Query(None, max_length=32),
        action: str | None = Query(None, max_length=40),
        since: str | None = Query(None, max_length=10, description="YYYY-MM-DD, China time"),
        until: str | None = Query(None, max_length=10, description="YYYY-MM-DD, inclusive"),
    ) -> AuditList:
        """The organisation's audit log, newest first (at most 200 entries)."""
        entries = log.entries(staff.org_id, _filter(member, action, since, until))
        audit(services, staff, "audit_view")
        rows = [
            AuditOut(
                at=e.at,
                username=e.username,
                member_id=e.member_id,
                action=e.action,
                case_id=e.case_id,
                detail=e.detail,
            )
            for e in entries
        ]
        return AuditList(data=rows, count=len(rows))

    return router
