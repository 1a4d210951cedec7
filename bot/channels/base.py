"""The small channel interface every adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.messages import Reply


class OutboundPort(Protocol):
    """Deliver replies to a conversation later, outside a request (e.g. from a caseworker).
    ``handoff`` talks to workers only through this port."""

    async def send(self, conversation_key: str, replies: Sequence[Reply]) -> None:
        """Deliver ``replies`` to the conversation addressed by ``conversation_key``."""
        ...


class Channel(OutboundPort, Protocol):
    """An adapter with a lifecycle: start listening, send, stop."""

    name: str

    async def start(self) -> None:
        """Begin receiving messages."""
        ...

    async def stop(self) -> None:
        """Stop receiving and release resources."""
        ...
