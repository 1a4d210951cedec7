"""What the console API says about live chats: no conversation id, no address, no key."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from handoff.live.chats import LiveLine, LiveStatus

MAX_LIVE_MESSAGE_CHARS = 2000


class LiveChatPublic(BaseModel):
    """A live chat in the list: waiting (queued), with a caseworker (live) or ended."""

    id: str
    state: Literal["queued", "live", "ended"]
    urgent: bool
    requested_at: datetime
    started_at: datetime | None
    caseworker: str | None = Field(description="user name of the member who has the chat")
    told_nobody: bool = Field(description="the worker was told nobody could pick up in time")

    @classmethod
    def of(cls, status: LiveStatus, members: dict[str, str]) -> LiveChatPublic:
        """From the service's status and the organisation's member names."""
        return cls(
            id=status.chat_id,
            state=status.state,
            urgent=status.urgent,
            requested_at=status.requested_at,
            started_at=status.started_at,
            caseworker=members.get(status.member_id or ""),
            told_nobody=status.told_nobody,
        )


class LiveListPublic(BaseModel):
    """``GET /api/console/live``."""

    data: list[LiveChatPublic]
    count: int


class LiveLinePublic(BaseModel):
    """One message of a live chat."""

    author: Literal["worker", "staff", "system"]
    text: str
    at: datetime
    caseworker: str | None
    safety_kinds: list[str] = Field(description="dangers the safety layer saw in the message")

    @classmethod
    def of(cls, line: LiveLine, members: dict[str, str]) -> LiveLinePublic:
        """From an opened message."""
        return cls(
            author=line.author,
            text=line.text,
            at=line.at,
            caseworker=members.get(line.member_id or ""),
            safety_kinds=list(line.safety_kinds),
        )


class LiveChatDetailPublic(LiveChatPublic):
    """``GET /api/console/live/{id}``: the chat and its messages."""

    messages: list[LiveLinePublic]
    undelivered: int = Field(description="messages to the worker not (yet) accepted by the channel")


class LiveMessageCreate(BaseModel):
    """``POST /api/console/live/{id}/messages``."""

    text: str = Field(min_length=1, max_length=MAX_LIVE_MESSAGE_CHARS)


class LiveMessageSentPublic(BaseModel):
    """What the worker's channel did with the message."""

    delivery: Literal["delivered", "queued", "unreachable", "unknown"]
