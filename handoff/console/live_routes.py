"""Live chats in the console: the queue of workers asking for a person, taking a chat over,
talking, handing it back to the bot (``/console/live…``, ``/api/console/live…``).

A chat id is looked up within the member's organisation (another organisation's id is a 404).
Who may act: any member takes a waiting chat; the member who has it — or a coordinator — talks
and hands it back. Every view (a decryption), takeover, message and hand-back is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from handoff.console.deps import CurrentStaff, audit, render
from handoff.console.live_schemas import (
    MAX_LIVE_MESSAGE_CHARS,
    LiveChatDetailPublic,
    LiveChatPublic,
    LiveLinePublic,
    LiveListPublic,
    LiveMessageCreate,
    LiveMessageSentPublic,
)
from handoff.console.services import ConsoleServices
from handoff.console.staff import Staff
from handoff.console.texts import text
from handoff.console_models import OutboxMessage
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, DatabaseUnavailableError, NotFoundError
from handoff.live.chats import LIVE, LiveChatConflictError, LiveChatView, LiveStatus
from handoff.orgs.models import Member
from handoff.ports import Delivery

PAGES = "/console/live"
API = "/api/console/live"
# Ended chats stay in the list this long, so a caseworker sees what just happened.
_RECENTLY_ENDED = timedelta(hours=1)
_NOT_DELIVERED = ("pending", "failed", "unreachable")


@contextmanager
def _http_errors() -> Iterator[None]:
    """Service errors as HTTP answers: unknown (or another organisation's) chat → 404."""
    try:
        yield
    except NotFoundError as exc:
        raise HTTPException(404, "not found") from exc
    except LiveChatConflictError as exc:
        raise HTTPException(409, str(exc)) from exc
    except AccessDeniedError as exc:
        raise HTTPException(403, "key") from exc
    except DatabaseUnavailableError as exc:
        raise HTTPException(503, "database unavailable") from exc


def _may_speak(staff: Staff, status: LiveStatus) -> bool:
    return status.member_id == staff.member_id or staff.is_coordinator


def build_live_router(services: ConsoleServices) -> APIRouter:
    """Pages and API of live chats."""
    router = APIRouter()
    chats = services.live.chats

    def members(org_id: str) -> dict[str, str]:
        with database_errors(), services.db() as session:
            rows = session.execute(
                select(Member.id, Member.username).where(Member.org_id == org_id)
            ).all()
        return {member_id: name for member_id, name in rows}

    def undelivered(chat_id: str) -> int:
        with database_errors(), services.db() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        OutboxMessage.live_chat_id == chat_id,
                        OutboxMessage.state.in_(_NOT_DELIVERED),
                    )
                )
                or 0
            )

    def listing(staff: Staff) -> list[LiveStatus]:
        with _http_errors():
            return chats.list_for_org(staff.org_id, ended_within=_RECENTLY_ENDED)

    def opened(staff: Staff, chat_id: str) -> LiveChatView:
        with _http_errors():
            view = chats.read(chat_id, staff.org_id, staff.org_key)
        audit(services, staff, "live_view", live_chat_id=chat_id)
        return view

    async def take(staff: Staff, chat_id: str) -> LiveStatus:
        with _http_errors():
            status = await chats.take_over(chat_id, staff.org_id, staff.member_id)
        audit(services, staff, "live_take", live_chat_id=chat_id)
        return status

    async def speak(staff: Staff, chat_id: str, body: str) -> Delivery:
        with _http_errors():
            view = chats.read(chat_id, staff.org_id, staff.org_key)
            if not _may_speak(staff, view.status):
                raise HTTPException(403, "not your chat")
            delivery = await chats.staff_message(
                chat_id,
                staff.org_id,
                staff.member_id,
                body,
                shown_as=text("cases.staff_message"),
            )
        audit(services, staff, "live_message", live_chat_id=chat_id, delivery=delivery.value)
        return delivery

    async def hand_back(staff: Staff, chat_id: str) -> LiveStatus:
        with _http_errors():
            current = chats.read(chat_id, staff.org_id, staff.org_key).status
            if current.state == LIVE and not _may_speak(staff, current):
                raise HTTPException(403, "not your chat")
            status = await chats.hand_back(chat_id, staff.org_id)
        audit(services, staff, "live_hand_back", live_chat_id=chat_id)
        return status

    # ---- pages ------------------------------------------------------------------------

    def rendered_list(request: Request, staff: Staff, template: str) -> HTMLResponse:
        return render(request, template, chats=listing(staff), members=members(staff.org_id))

    @router.get(PAGES, response_class=HTMLResponse, include_in_schema=False)
    def list_page(request: Request, staff: CurrentStaff) -> HTMLResponse:
        """Waiting and ongoing chats, urgent first."""
        return rendered_list(request, staff, "live_list.html")

    @router.get(PAGES + "/list", response_class=HTMLResponse, include_in_schema=False)
    def list_part(request: Request, staff: CurrentStaff) -> HTMLResponse:
        """The list alone (for live updates to swap in)."""
        return rendered_list(request, staff, "live_rows.html")

    @router.get(PAGES + "/{chat_id}", response_class=HTMLResponse, include_in_schema=False)
    def chat_page(
        request: Request, staff: CurrentStaff, chat_id: str, error: str | None = None
    ) -> HTMLResponse:
        """One chat: its messages, and what the member may do with it."""
        view = opened(staff, chat_id)
        return render(
            request,
            "live_chat.html",
            view=view,
            members=members(staff.org_id),
            undelivered=undelivered(chat_id),
            may_speak=_may_speak(staff, view.status),
            max_chars=MAX_LIVE_MESSAGE_CHARS,
            error=text(f"live.{error}") if error in ("taken_by_other", "not_live") else None,
        )

    @router.get(PAGES + "/{chat_id}/thread", response_class=HTMLResponse, include_in_schema=False)
    def thread_part(request: Request, staff: CurrentStaff, chat_id: str) -> HTMLResponse:
        """The messages alone (for live updates to swap in)."""
        view = opened(staff, chat_id)
        return render(
            request,
            "live_thread.html",
            view=view,
            members=members(staff.org_id),
            undelivered=undelivered(chat_id),
        )

    def back_to(chat_id: str, error: str | None = None) -> RedirectResponse:
        suffix = f"?error={error}" if error else ""
        return RedirectResponse(f"{PAGES}/{chat_id}{suffix}", status_code=303)

    @router.post(PAGES + "/{chat_id}/take", include_in_schema=False)
    async def take_form(staff: CurrentStaff, chat_id: str) -> RedirectResponse:
        try:
            await take(staff, chat_id)
        except HTTPException as exc:
            if exc.status_code != 409:
                raise
            return back_to(chat_id, "taken_by_other")
        return back_to(chat_id)

    @router.post(PAGES + "/{chat_id}/messages", include_in_schema=False)
    async def message_form(
        staff: CurrentStaff,
        chat_id: str,
        text_: Annotated[str, Form(alias="text", min_length=1, max_length=MAX_LIVE_MESSAGE_CHARS)],
    ) -> RedirectResponse:
        try:
            await speak(staff, chat_id, text_.strip())
        except HTTPException as exc:
            if exc.status_code != 409:
                raise
            return back_to(chat_id, "not_live")
        return back_to(chat_id)

    @router.post(PAGES + "/{chat_id}/hand-back", include_in_schema=False)
    async def hand_back_form(staff: CurrentStaff, chat_id: str) -> RedirectResponse:
        await hand_back(staff, chat_id)
        return RedirectResponse(PAGES, status_code=303)

    # ---- API --------------------------------------------------------------------------

    @router.get(API, response_model=LiveListPublic, tags=["live"])
    def list_chats(staff: CurrentStaff) -> LiveListPublic:
        """Waiting and ongoing chats (and those ended in the last hour), urgent first."""
        names = members(staff.org_id)
        found = [LiveChatPublic.of(status, names) for status in listing(staff)]
        return LiveListPublic(data=found, count=len(found))

    def detail(staff: Staff, view: LiveChatView, chat_id: str) -> LiveChatDetailPublic:
        names = members(staff.org_id)
        summary = LiveChatPublic.of(view.status, names)
        return LiveChatDetailPublic(
            **summary.model_dump(),
            messages=[LiveLinePublic.of(line, names) for line in view.lines],
            undelivered=undelivered(chat_id),
        )

    @router.get(API + "/{chat_id}", response_model=LiveChatDetailPublic, tags=["live"])
    def get_chat(staff: CurrentStaff, chat_id: str) -> LiveChatDetailPublic:
        """One chat with its messages (opened with the organisation's key)."""
        return detail(staff, opened(staff, chat_id), chat_id)

    @router.post(API + "/{chat_id}/take", response_model=LiveChatPublic, tags=["live"])
    async def take_chat(staff: CurrentStaff, chat_id: str) -> LiveChatPublic:
        """Take a waiting chat over: the bot goes silent (409 when someone has it)."""
        return LiveChatPublic.of(await take(staff, chat_id), members(staff.org_id))

    @router.post(
        API + "/{chat_id}/messages",
        response_model=LiveMessageSentPublic,
        status_code=201,
        tags=["live"],
    )
    async def post_message(
        staff: CurrentStaff, chat_id: str, body: LiveMessageCreate
    ) -> LiveMessageSentPublic:
        """Say something to the worker (they see 工作人员, never the account name)."""
        delivery = await speak(staff, chat_id, body.text.strip())
        return LiveMessageSentPublic(delivery=delivery.value)

    @router.post(API + "/{chat_id}/hand-back", response_model=LiveChatPublic, tags=["live"])
    async def hand_back_chat(staff: CurrentStaff, chat_id: str) -> LiveChatPublic:
        """Give the conversation back to the bot (or close a request nobody took)."""
        return LiveChatPublic.of(await hand_back(staff, chat_id), members(staff.org_id))

    return router
