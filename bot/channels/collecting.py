"""A channel that records what it would send: used by the CLI, the web demo and tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.messages import Reply


class CollectingChannel:
    """Keeps every reply per conversation in memory, in order."""

    name = "collecting"

    def __init__(self) -> None:
        self.sent: dict[str, list[Reply]] = defaultdict(list)

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, conversation_key: str, replies: Sequence[Reply]) -> None:
        """Record the replies."""
        self.sent[conversation_key].extend(replies)

    def latest(self, conversation_key: str) -> Reply | None:
        """The last reply sent to a conversation, if any."""
        items = self.sent.get(conversation_key)
        return items[-1] if items else None
