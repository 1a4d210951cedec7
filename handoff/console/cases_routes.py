"""The queue, the case page and the case API (``/console/cases…``, ``/api/console/cases…``).

Routes stay thin: parse, call :mod:`cases_queue` / :mod:`cases_workflow` / :mod:`cases_detail`,
write the audit entry, render or answer. Every case id is looked up within the member's
organisation, so another organisation's id is a 404. HTML forms post back and are redirected
to the case page with a short status key (never free text) in the query string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.cases.categories import categories
from handoff.cases.models import STATUSES
from handoff.console.cases_detail import CaseDetail, load_case
from handoff.console.cases_messages import send_staff_message
from handoff.console.cases_queue import (
    SLA_ANY,
    SLA_URGENT,
    UNASSIGNED,
    QueueFilter,
    QueuePage,
    case_summary,
    list_queue,
    org_provinces,
)
from handoff.console.cases_schemas import (
    AssignRequest,
    CaseDetailPublic,
    CaseListPublic,
    CaseSummaryPublic,
    MessageCreate,
    MessageSentPublic,
    NoteCreate,
    NoteCreatedPublic,
    QueueCountsPublic,
    StatusChange,
    TagsPublic,
    TagsUpdate,
    UnassignRequest,
)
from handoff.console.cases_workflow import (
    TRANSITIONS,
    CaseWorkflow,
    ConflictError,
    NotAllowedError,
    WorkflowError,
    assignable_members,
)
from handoff.console.deps import CoordinatorStaff, CurrentStaff, audit, render
from handoff.console.services import ConsoleServices
from handoff.console.staff import Staff
from handoff.console.texts import text
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.models import utcnow
from handoff.orgs.models import Member
from handoff.settings import SlaSettings

API = "/api/console/cases"
PAGES = "/console/cases"
_TAG_SEPARATORS = str.maketrans({"，": ",", "、": ",", ";": ",", "；": ","})
Short = Annotated[str | None, Query(max_length=100)]
_DONE_KEYS = ("claimed", "assigned", "unassigned", "status", "note", "tags")


@contextmanager
def _http_errors() -> Iterator[None]:
    """Service errors as HTTP answers: unknown (or another organisation's) case → 404."""
    try:
        yield
    except NotFoundError as exc:
        raise HTTPException(404, "not found") from exc
    except NotAllowedError as exc:
        raise HTTPException(403, exc.code) from exc
    except ConflictError as exc:
        raise HTTPException(409, exc.code) from exc
    except WorkflowError as exc:
        raise HTTPException(422, exc.code) from exc
    except AccessDeniedError as exc:
        raise HTTPException(403, "key") from exc


def _form_outcome(case_id: str, done: str, act: Callable[[], None]) -> RedirectResponse:
    """Run a form's change; back to the case page with ``done`` or an error key."""
    try:
        with database_errors():
            act()
        query = {"done": done}
    except NotFoundError as exc:
        raise HTTPException(404, "not found") from exc
    except WorkflowError as exc:
        query = {"error": exc.code}
    except AccessDeniedError:
        query = {"error": "key"}
    return RedirectResponse(f"{PAGES}/{case_id}?{urlencode(query)}", status_code=303)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """The queue's query parameters as given (``assignee=me`` not yet resolved)."""

    status: str | None
    category: str | None
    province: str | None
    employer: str | None
    brand: str | None
    assignee: str | None
    related_to: str | None
    sla: str | None
    page: int

    def filter_for(self, staff: Staff) -> QueueFilter:
        """The filter for ``staff`` (``me`` is their member id; empty values mean any)."""
        return QueueFilter(
            status=self.status or None,
            category=self.category or None,
            province=self.province or None,
            employer=self.employer or None,
            brand=self.brand or None,
            assignee=staff.member_id if self.assignee == "me" else (self.assignee or None),
            related_to=self.related_to or None,
            sla=self.sla == "1",
            page=self.page,
        )

    def link_params(self) -> dict[str, str]:
        """The non-empty filters, for links to other pages of the same view."""
        values = {
            "status": self.status,
            "category": self.category,
            "province": self.province,
            "employer": self.employer,
            "brand": self.brand,
            "assignee": self.assignee,
            "related_to": self.related_to,
            "sla": self.sla,
        }
        return {key: value for key, value in values.items() if value}


def queue_query(
    status: Short = None,
    category: Short = None,
    province: Short = None,
    employer: Annotated[str | None, Query(max_length=200)] = None,
    brand: Annotated[str | None, Query(max_length=200)] = None,
    assignee: Short = None,
    related_to: Short = None,
    sla: Short = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> QueueQuery:
    """The queue's filters: ``status`` a status, ``all`` or empty (open cases); ``assignee`` a
    member id, ``me`` or ``none``; ``employer``/``brand`` a name as typed; ``related_to`` a
    case whose employer the cases share; ``sla=1`` flagged cases only."""
    return QueueQuery(status, category, province, employer, brand, assignee, related_to, sla, page)


Queued = Annotated[QueueQuery, Depends(queue_query)]


def _hours(value: float) -> str:
    return f"{value:g}"


def _sla_labels(sla: SlaSettings) -> dict[str, str]:
    """What each SLA flag says, with the configured hours."""
    return {
        SLA_URGENT: text("cases.sla.urgent_unclaimed", hours=_hours(sla.urgent_unclaimed_hours)),
        SLA_ANY: text("cases.sla.unclaimed", hours=_hours(sla.unclaimed_hours)),
    }


def _flash(request: Request) -> tuple[str, str]:
    """The message and error a redirect asked for, from fixed keys only."""
    params = request.query_params
    flash = error = ""
    if (sent := params.get("sent")) in ("delivered", "queued", "unreachable", "unknown"):
        flash = text(f"cases.delivery.{sent}")
    elif (done := params.get("done")) in _DONE_KEYS:
        flash = text(f"cases.done.{done}")
    if (code := params.get("error")) in (
        "conflict",
        "not_allowed",
        "reason_required",
        "invalid",
        "key",
    ):
        error = text(f"cases.error.{code}")
    return flash, error


def build_cases_router(services: ConsoleServices) -> APIRouter:
    """The case routes of the console and its API."""
    router = APIRouter()
    workflow = CaseWorkflow()
    sla_settings = services.settings.sla

    def queue(staff: Staff, wanted: QueueFilter) -> QueuePage:
        with database_errors(), services.db() as session:
            page = list_queue(session, staff, wanted, utcnow(), sla_settings)
        if page.indexed:
            audit(services, staff, "decrypt", purpose="related_index", cases=page.indexed)
        return page

    def open_case(staff: Staff, case_id: str) -> tuple[CaseDetail, int]:
        with _http_errors(), database_errors(), services.db() as session:
            detail = load_case(session, services.cases, staff, case_id, utcnow(), sla_settings)
            related = case_summary(session, staff, case_id, utcnow(), sla_settings).related
        audit(services, staff, "case_view", case_id, decrypted=True)
        return detail, related

    # ---- pages ----------------------------------------------------------------------

    def queue_context(request: Request, staff: Staff, query: QueueQuery) -> dict[str, Any]:
        wanted = query.filter_for(staff)
        return {
            "result": queue(staff, wanted),
            "wanted": wanted,
            "raw": request.query_params,
            "params": query.link_params(),
            "statuses": STATUSES,
            "category_labels": {key: c.label for key, c in categories().items()},
            "unassigned": UNASSIGNED,
            "sla_labels": _sla_labels(sla_settings),
        }

    @router.get(PAGES, response_class=HTMLResponse, include_in_schema=False)
    def queue_page(request: Request, staff: CurrentStaff, query: Queued) -> HTMLResponse:
        context = queue_context(request, staff, query)
        with database_errors(), services.db() as session:
            provinces = org_provinces(session, staff.org_id)
        flash, error = _flash(request)
        return render(
            request,
            "cases_queue.html",
            provinces=provinces,
            flash=flash,
            error=error,
            **context,
        )

    @router.get(PAGES + "/rows", response_class=HTMLResponse, include_in_schema=False)
    def queue_rows(request: Request, staff: CurrentStaff, query: Queued) -> HTMLResponse:
        """The queue's counts and rows alone (for live updates to swap in)."""
        return render(request, "cases_queue_rows.html", **queue_context(request, staff, query))

    @router.get(PAGES + "/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, staff: CurrentStaff, case_id: str) -> HTMLResponse:
        detail, related = open_case(staff, case_id)
        with database_errors(), services.db() as session:
            assignable = assignable_members(session, staff.org_id)
        flash, error = _flash(request)
        return render(
            request,
            "cases_detail.html",
            detail=detail,
            case=detail.case,
            related_count=related,
            next_statuses=sorted(
                TRANSITIONS.get(detail.case.status, frozenset()), key=STATUSES.index
            ),
            assignable=assignable,
            category_labels={key: c.label for key, c in categories().items()},
            sla_labels=_sla_labels(sla_settings),
            flash=flash,
            error=error,
        )

    @router.get(PAGES + "/{case_id}/thread", response_class=HTMLResponse, include_in_schema=False)
    def thread_part(request: Request, staff: CurrentStaff, case_id: str) -> HTMLResponse:
        """The thread alone (for live updates to swap in)."""
        detail, _related = open_case(staff, case_id)
        return render(request, "cases_thread.html", detail=detail)

    @router.post(PAGES + "/{case_id}/claim", include_in_schema=False)
    def claim_form(staff: CurrentStaff, case_id: str) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.claim(session, staff, case_id)
            audit(services, staff, "claim", case_id)

        return _form_outcome(case_id, "claimed", act)

    @router.post(PAGES + "/{case_id}/assign", include_in_schema=False)
    def assign_form(
        staff: CoordinatorStaff,
        case_id: str,
        member_id: Annotated[str, Form(max_length=64)],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.assign(session, staff, case_id, member_id, reason)
            audit(services, staff, "assign", case_id, member_id=member_id)

        return _form_outcome(case_id, "assigned", act)

    @router.post(PAGES + "/{case_id}/unassign", include_in_schema=False)
    def unassign_form(
        staff: CurrentStaff,
        case_id: str,
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.unassign(session, staff, case_id, reason)
            audit(services, staff, "unassign", case_id)

        return _form_outcome(case_id, "unassigned", act)

    @router.post(PAGES + "/{case_id}/status", include_in_schema=False)
    def status_form(
        staff: CurrentStaff,
        case_id: str,
        status: Annotated[str, Form(max_length=24)],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.set_status(session, staff, case_id, status, reason)
            audit(services, staff, "status_change", case_id, to=status)

        return _form_outcome(case_id, "status", act)

    @router.post(PAGES + "/{case_id}/notes", include_in_schema=False)
    def note_form(
        staff: CurrentStaff,
        case_id: str,
        note: Annotated[str, Form(max_length=5000)],
    ) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.add_note(session, staff, case_id, note)
            audit(services, staff, "note", case_id)

        return _form_outcome(case_id, "note", act)

    @router.post(PAGES + "/{case_id}/tags", include_in_schema=False)
    def tags_form(
        staff: CurrentStaff,
        case_id: str,
        tags: Annotated[str, Form(max_length=1000)] = "",
    ) -> RedirectResponse:
        def act() -> None:
            with services.db() as session:
                workflow.set_tags(
                    session, staff, case_id, tags.translate(_TAG_SEPARATORS).split(",")
                )
            audit(services, staff, "tag", case_id)

        return _form_outcome(case_id, "tags", act)

    @router.post(PAGES + "/{case_id}/messages", include_in_schema=False)
    async def message_form(
        staff: CurrentStaff,
        case_id: str,
        text_: Annotated[str, Form(alias="text", max_length=2000)],
    ) -> RedirectResponse:
        try:
            sent = await send_staff_message(
                services.db,
                services.cases,
                services.delivery,
                staff,
                case_id,
                text_,
                text("cases.staff_message"),
            )
        except NotFoundError as exc:
            raise HTTPException(404, "not found") from exc
        except WorkflowError as exc:
            return RedirectResponse(f"{PAGES}/{case_id}?error={exc.code}", status_code=303)
        audit(services, staff, "message", case_id, delivery=sent.delivery.value)
        return RedirectResponse(f"{PAGES}/{case_id}?sent={sent.delivery.value}", status_code=303)

    # ---- API ------------------------------------------------------------------------

    @router.get(API, response_model=CaseListPublic, tags=["cases"])
    def list_cases(staff: CurrentStaff, query: Queued) -> CaseListPublic:
        """The queue: urgent first, then oldest, 50 a page, with counts over the organisation."""
        wanted = query.filter_for(staff)
        result = queue(staff, wanted)
        return CaseListPublic(
            data=[CaseSummaryPublic.of(item) for item in result.items],
            count=result.count,
            page=result.page,
            pages=result.pages,
            counts=QueueCountsPublic.of(result.counts),
        )

    @router.get(API + "/{case_id}", response_model=CaseDetailPublic, tags=["cases"])
    def get_case(staff: CurrentStaff, case_id: str) -> CaseDetailPublic:
        """One case with its complaint, thread, notes, tags, history and related cases."""
        detail, related = open_case(staff, case_id)
        return CaseDetailPublic.of_detail(detail, related)

    def summary_of(staff: Staff, case_id: str) -> CaseSummaryPublic:
        with _http_errors(), database_errors(), services.db() as session:
            item = case_summary(session, staff, case_id, utcnow(), sla_settings)
        return CaseSummaryPublic.of(item)

    @router.post(API + "/{case_id}/claim", response_model=CaseSummaryPublic, tags=["cases"])
    def claim(staff: CurrentStaff, case_id: str) -> CaseSummaryPublic:
        """Take an unassigned open case (409 when someone else has it)."""
        with _http_errors(), database_errors(), services.db() as session:
            workflow.claim(session, staff, case_id)
        audit(services, staff, "claim", case_id)
        return summary_of(staff, case_id)

    @router.post(API + "/{case_id}/assign", response_model=CaseSummaryPublic, tags=["cases"])
    def assign(staff: CoordinatorStaff, case_id: str, body: AssignRequest) -> CaseSummaryPublic:
        """Coordinators: give the case to a member (by user name)."""
        with _http_errors(), database_errors(), services.db() as session:
            member_id = _member_id(session, staff, body.username)
            workflow.assign(session, staff, case_id, member_id, body.reason)
        audit(services, staff, "assign", case_id, member_id=member_id)
        return summary_of(staff, case_id)

    @router.post(API + "/{case_id}/unassign", response_model=CaseSummaryPublic, tags=["cases"])
    def unassign(staff: CurrentStaff, case_id: str, body: UnassignRequest) -> CaseSummaryPublic:
        """The assignee gives the case up, or a coordinator takes it off them."""
        with _http_errors(), database_errors(), services.db() as session:
            workflow.unassign(session, staff, case_id, body.reason)
        audit(services, staff, "unassign", case_id)
        return summary_of(staff, case_id)

    @router.post(API + "/{case_id}/status", response_model=CaseSummaryPublic, tags=["cases"])
    def change_status(staff: CurrentStaff, case_id: str, body: StatusChange) -> CaseSummaryPublic:
        """Move the case on, with a reason (sealed to the organisation)."""
        with _http_errors(), database_errors(), services.db() as session:
            workflow.set_status(session, staff, case_id, body.status, body.reason)
        audit(services, staff, "status_change", case_id, to=body.status)
        return summary_of(staff, case_id)

    @router.post(
        API + "/{case_id}/messages",
        response_model=MessageSentPublic,
        status_code=201,
        tags=["cases"],
    )
    async def post_message(
        staff: CurrentStaff, case_id: str, body: MessageCreate
    ) -> MessageSentPublic:
        """Send the worker a message; the worker sees 工作人员, never the account name."""
        with _http_errors():
            sent = await send_staff_message(
                services.db,
                services.cases,
                services.delivery,
                staff,
                case_id,
                body.text,
                text("cases.staff_message"),
            )
        audit(services, staff, "message", case_id, delivery=sent.delivery.value)
        return MessageSentPublic(id=sent.message_id, delivery=sent.delivery.value)

    @router.post(
        API + "/{case_id}/notes", response_model=NoteCreatedPublic, status_code=201, tags=["cases"]
    )
    def post_note(staff: CurrentStaff, case_id: str, body: NoteCreate) -> NoteCreatedPublic:
        """An internal note (sealed to the organisation)."""
        with _http_errors(), database_errors(), services.db() as session:
            note_id = workflow.add_note(session, staff, case_id, body.text)
        audit(services, staff, "note", case_id)
        return NoteCreatedPublic(id=note_id)

    @router.put(API + "/{case_id}/tags", response_model=TagsPublic, tags=["cases"])
    def put_tags(staff: CurrentStaff, case_id: str, body: TagsUpdate) -> TagsPublic:
        """Replace the case's tags."""
        with _http_errors(), database_errors(), services.db() as session:
            tags = workflow.set_tags(session, staff, case_id, body.tags)
        audit(services, staff, "tag", case_id)
        return TagsPublic(tags=tags)

    return router


def _member_id(session: Session, staff: Staff, username: str) -> str:
    """The id of a member of the caller's organisation, by user name."""
    member_id = session.scalar(
        select(Member.id).where(Member.username == username, Member.org_id == staff.org_id)
    )
    if member_id is None:
        raise WorkflowError("no such member")
    return str(member_id)
