"""What ``handoff`` needs from the chat side, as protocols ``bot`` implements at start-up.

The console never imports ``bot``: it reaches a worker through :class:`WorkerDelivery` (a
caseworker's message, a live-chat notice) and learns nothing about the channel but whether the
message went out. Case creation goes the other way: ``bot`` calls
:class:`handoff.cases.service.CaseService` through :class:`CaseSubmission`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from handoff.cases.service import ComplaintSubmission, SubmitOutcome


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A message for a worker: text (already as the worker should see it) and buttons as
    (title, payload) pairs."""

    text: str
    buttons: tuple[tuple[str, str], ...] = field(default=())


class Delivery(enum.Enum):
    """What became of a message handed to :meth:`WorkerDelivery.deliver`."""

    DELIVERED = "delivered"  # handed to the channel (the open page, Telegram accepted it)
    QUEUED = "queued"  # kept in the outbox; retried until the channel accepts it
    UNREACHABLE = "unreachable"  # the channel refused for good (the worker blocked the bot)
    UNKNOWN = "unknown"  # the conversation no longer exists (the worker deleted their data)


class WorkerDelivery(Protocol):
    """Deliver messages to a worker's conversation, on whatever channel it lives."""

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        """Send now if possible, else queue; never raises for a delivery problem.

        ``case_id`` / ``live_chat_id`` say what the message belongs to, so a message that could
        not be sent is shown on that case or chat in the console (and the worker can answer a
        case message from their chat).
        """
        ...


class CaseSubmission(Protocol):
    """Turn a finished draft into a case (implemented by ``CaseService``)."""

    def submit(self, submission: ComplaintSubmission) -> SubmitOutcome:
        """Idempotent per ``submission.submission_id``."""
        ...


class ConversationControl(Protocol):
    """Tell the chat side that a person took a conversation over or handed it back.

    The takeover itself is recorded by ``handoff`` (database, with a Redis or in-process cache);
    this port lets the chat side tell the worker and pause or resume its own flows.
    """

    async def taken_over(self, conversation_id: str) -> None:
        """A caseworker now speaks in this conversation; the bot stays silent."""
        ...

    async def handed_back(self, conversation_id: str) -> None:
        """The bot answers again."""
        ...
