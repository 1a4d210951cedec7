"""Live updates for console pages: Server-Sent Events of the member's organisation.

Each open page holds a subscription to this process's :class:`~handoff.live.feed.FeedHub` (one
reader of the event table per process, woken through Redis pub/sub or in-process), never a
connection of its own to Redis or the database. Events are content-free (kind, case or live
chat id) and carry their table id as the SSE id, so a browser that reconnects with
``Last-Event-ID`` first gets what it missed. A stream ends after a few minutes and the browser
reconnects, so a login that expired or was revoked stops receiving events.

``static/live.js`` turns each event into a DOM event on ``<body>`` (``case-message``,
``live-requested`` …) that htmx parts of the pages listen to (``hx-trigger="case-message
from:body"``).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query
from sse_starlette.sse import EventSourceResponse

from handoff.console.deps import CurrentStaff
from handoff.console.services import ConsoleServices

PAGE_PATH = "/console/events"
API_PATH = "/api/console/events"
# How long one stream lasts before the browser reconnects (and the login is checked again).
STREAM_SECONDS = 300.0
_WAIT_SECONDS = 15.0
_RETRY_MILLISECONDS = 2000


def _cursor(last_event_id: str | None, after: str | None) -> int | None:
    for raw in (last_event_id, after):
        if raw is not None and raw.isdigit() and len(raw) <= 18:
            return int(raw)
    return None


def build_events_router(services: ConsoleServices) -> APIRouter:
    """``GET /console/events`` (the pages, by cookie) and ``GET /api/console/events`` (API
    clients, by bearer token): the organisation's live events."""
    router = APIRouter()
    hub = services.live.hub

    async def stream(org_id: str, after: int | None) -> AsyncIterator[dict[str, Any]]:
        subscription = await hub.subscribe(org_id, after)
        ends = time.monotonic() + STREAM_SECONDS
        try:
            yield {"retry": _RETRY_MILLISECONDS, "comment": "live"}
            while (left := ends - time.monotonic()) > 0:
                event = await subscription.next(timeout=min(_WAIT_SECONDS, left))
                if event is not None:
                    yield {
                        "id": str(event.id),
                        "data": json.dumps(event.public(), separators=(",", ":")),
                    }
        finally:
            subscription.close()

    def respond(
        staff_org: str, accept: str | None, last_event_id: str | None, after: str | None
    ) -> EventSourceResponse:
        if "text/event-stream" not in (accept or ""):
            # EventSource always asks for a stream; another client would wait minutes for a
            # body that only ends when the stream does.
            raise HTTPException(406, "ask for text/event-stream")
        return EventSourceResponse(
            stream(staff_org, _cursor(last_event_id, after)),
            ping=15,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @router.get(PAGE_PATH, include_in_schema=False)
    async def page_events(
        staff: CurrentStaff,
        accept: Annotated[str | None, Header(max_length=500)] = None,
        last_event_id: Annotated[str | None, Header(max_length=24)] = None,
        after: Annotated[str | None, Query(max_length=24)] = None,
    ) -> EventSourceResponse:
        """The console pages' live events."""
        return respond(staff.org_id, accept, last_event_id, after)

    @router.get(API_PATH, tags=["live"])
    async def api_events(
        staff: CurrentStaff,
        accept: Annotated[str | None, Header(max_length=500)] = None,
        last_event_id: Annotated[str | None, Header(max_length=24)] = None,
        after: Annotated[str | None, Query(max_length=24)] = None,
    ) -> EventSourceResponse:
        """Server-Sent Events of the organisation: ``data`` is ``{"kind", "case_id",
        "live_chat_id"}`` (no content), ``id`` resumes with ``Last-Event-ID``. Send
        ``Accept: text/event-stream`` (406 otherwise)."""
        return respond(staff.org_id, accept, last_event_id, after)

    return router
