"""The web chat channel: JSON chat API, Server-Sent Events and a polling fallback.

The conversation id is a random 256-bit token held only by the worker's page; the server keeps
state under a keyed hash of it, so a copy of Redis or the database cannot be used to join a chat.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any, Literal, NamedTuple

from fastapi import APIRouter, Header, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from bot.channels.web_limits import ConversationStarts
from bot.core import ConversationCore
from bot.messages import Inbound, Reply
from bot.prompts import load_prompts
from bot.stores.base import Mailbox

CHANNEL = "web"
_CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")
_SSE_WAIT_SECONDS = 15.0
_MAX_POLL_WAIT_SECONDS = 25.0
# The most a message's text may hold at all (the kindly refused limit is configured lower).
TEXT_MAX_CHARS = 100_000


class ButtonOut(BaseModel):
    """A tappable choice."""

    title: str
    payload: str


class ReplyOut(BaseModel):
    """One bot message."""

    text: str
    buttons: list[ButtonOut] = Field(default_factory=list)

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        """Public shape of a reply."""
        return cls(
            text=reply.text,
            buttons=[ButtonOut(title=b.title, payload=b.payload) for b in reply.buttons],
        )


class ChatRequest(BaseModel):
    """What the page sends: typed text or a tapped button's payload."""

    conversation_id: str | None = None
    # A hard cap; the configured, kindly refused limit (web.max_message_chars) is lower.
    text: str | None = Field(default=None, max_length=TEXT_MAX_CHARS)
    payload: str | None = Field(default=None, max_length=512)


class ChatResponse(BaseModel):
    """What the page gets back."""

    conversation_id: str
    replies: list[ReplyOut]


class PushedEvent(BaseModel):
    """A message pushed later: by a caseworker (``from`` staff) or a notice of the bot."""

    id: str
    replies: list[ReplyOut]
    sender: Literal["staff", "bot"] = Field(default="staff", serialization_alias="from")


class PollResponse(BaseModel):
    """Polling fallback for pages without Server-Sent Events."""

    events: list[PushedEvent]
    cursor: str | None


def new_conversation_id() -> str:
    """An unguessable conversation id (256 random bits)."""
    return secrets.token_urlsafe(32)


def _is_well_formed(conversation_id: str) -> bool:
    return bool(_CONVERSATION_ID.fullmatch(conversation_id))


class WebChannel:
    """Outbound port for web conversations: pushes replies into the conversation's mailbox."""

    name = CHANNEL

    def __init__(self, core: ConversationCore, mailbox: Mailbox, ttl_seconds: int) -> None:
        self._core = core
        self._mailbox = mailbox
        self._ttl = ttl_seconds

    async def start(self) -> None:
        """Served by the web app; nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, conversation_key: str, replies: Sequence[Reply]) -> None:
        """Queue replies for the page to receive over SSE or polling."""
        payload = {"replies": [ReplyOut.of(r).model_dump() for r in replies]}
        await self._mailbox.publish(
            self._core.session_key(CHANNEL, conversation_key), payload, self._ttl
        )


def _not_found() -> HTTPException:
    return HTTPException(
        status_code=404, detail=load_prompts("core").text("conversation_restarted")
    )


class ChatParts(NamedTuple):
    """What the chat routes need from the running process."""

    core: ConversationCore
    mailbox: Mailbox
    # Limits on starting conversations (None: unlimited, e.g. in tests of other things).
    starts: ConversationStarts | None = None


def build_router(parts: Callable[[], ChatParts]) -> APIRouter:
    """Routes of the web chat API; ``parts`` gives the running core and mailbox."""
    router = APIRouter(prefix="/api/chat", tags=["chat"])

    async def require_conversation(conversation_id: str) -> str:
        core = parts().core
        if not _is_well_formed(conversation_id) or not await core.conversation_exists(
            CHANNEL, conversation_id
        ):
            raise _not_found()
        return core.session_key(CHANNEL, conversation_id)

    @router.post("", responses={429: {"description": "too many new conversations"}})
    async def chat(request: ChatRequest, http: Request) -> ChatResponse:
        """Send a message (or start a conversation with ``conversation_id: null``)."""
        core, starts = parts().core, parts().starts
        has_message = bool(request.text) or bool(request.payload)
        replies: list[Reply] = []
        conversation_id = request.conversation_id
        known = (
            conversation_id is not None
            and _is_well_formed(conversation_id)
            and await core.conversation_exists(CHANNEL, conversation_id)
        )
        if not known:
            address = http.client.host if http.client else "unknown"
            if starts is not None and not await starts.allow(address):
                raise HTTPException(
                    status_code=429,
                    detail=load_prompts("web").text("too_many_new_conversations"),
                    headers={"Retry-After": str(await starts.retry_after(address))},
                )
            if conversation_id is not None:
                replies.append(Reply(load_prompts("core").text("conversation_restarted")))
            conversation_id = new_conversation_id()
            greeting = await core.open_conversation(CHANNEL, conversation_id)
            if not has_message:
                replies.extend(greeting)
        assert conversation_id is not None  # noqa: S101 - set on every path above
        if known or has_message:
            inbound = Inbound(
                channel=CHANNEL,
                conversation_key=conversation_id,
                text=request.text or "",
                payload=request.payload,
            )
            replies.extend(await core.handle(inbound))
        return ChatResponse(
            conversation_id=conversation_id, replies=[ReplyOut.of(r) for r in replies]
        )

    @router.get("/{conversation_id}/events")
    async def events(
        conversation_id: str,
        last_event_id: Annotated[str | None, Header()] = None,
        after: Annotated[str | None, Query(max_length=64)] = None,
    ) -> EventSourceResponse:
        """Server-Sent Events: messages pushed to this conversation, resumable by id."""
        key = await require_conversation(conversation_id)
        mailbox = parts().mailbox

        async def stream() -> AsyncIterator[dict[str, Any]]:
            cursor = last_event_id or after
            while True:
                for event in await mailbox.read(key, cursor, _SSE_WAIT_SECONDS):
                    cursor = event.id
                    yield {
                        "id": event.id,
                        "event": "message",
                        "data": json.dumps(event.data, ensure_ascii=False),
                    }

        return EventSourceResponse(stream(), ping=10, headers={"Cache-Control": "no-store"})

    @router.get("/{conversation_id}/messages")
    async def poll(
        conversation_id: str,
        after: Annotated[str | None, Query(max_length=64)] = None,
        wait: Annotated[float, Query(ge=0, le=_MAX_POLL_WAIT_SECONDS)] = 0,
    ) -> PollResponse:
        """Polling fallback: messages after ``after``, waiting up to ``wait`` seconds."""
        key = await require_conversation(conversation_id)
        found = await parts().mailbox.read(key, after, wait)
        return PollResponse(
            events=[
                PushedEvent(
                    id=e.id,
                    replies=[ReplyOut(**r) for r in e.data.get("replies", [])],
                    sender="bot" if e.data.get("from") == "bot" else "staff",
                )
                for e in found
            ],
            cursor=found[-1].id if found else after,
        )

    return router
