"""Helpers shared by tests: a worker talking to the core, and reading replies."""

from __future__ import annotations

import re
import secrets

from bot.messages import Inbound, Reply
from bot.runtime import Runtime
from bot.session import ConversationState

RECEIPT = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


def said(replies: list[Reply]) -> str:
    """All reply texts, one per line."""
    return "\n".join(r.text for r in replies)


def payloads(replies: list[Reply]) -> list[str]:
    """All button payloads of the replies, in order."""
    return [b.payload for r in replies for b in r.buttons]


def receipt_in(replies: list[Reply]) -> str | None:
    """The 16-digit receipt shown in the replies (digits only), if any."""
    match = RECEIPT.search(said(replies))
    return match.group(1).replace(" ", "") if match else None


class Chat:
    """A worker on the collecting side of the core."""

    def __init__(self, runtime: Runtime, channel: str = "test", key: str | None = None) -> None:
        self.runtime = runtime
        self.channel = channel
        self.key = key or secrets.token_urlsafe(16)

    async def say(self, text: str) -> list[Reply]:
        """Type a message."""
        return await self.runtime.core.handle(Inbound(self.channel, self.key, text=text))

    async def tap(self, payload: str) -> list[Reply]:
        """Tap a button."""
        return await self.runtime.core.handle(Inbound(self.channel, self.key, payload=payload))

    async def state(self) -> ConversationState | None:
        """The conversation's saved state."""
        return await self.runtime.sessions.load(
            self.runtime.core.session_key(self.channel, self.key)
        )


async def answer_all(
    chat: Chat, description: str = "拖欠我们三个月工资，车间三十多人都没拿到"
) -> str:
    """File a whole complaint with buttons and typed answers; returns the receipt."""
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    await chat.tap("/done")
    await chat.say("宏达电子厂")
    await chat.tap("/skip")
    await chat.say("广东东莞")
    await chat.tap("/skip")
    await chat.say("2024年3月")
    await chat.tap("/pick{ongoing:still}")
    await chat.tap("/pick{affected:many}")
    await chat.say(description)
    await chat.tap("/pick{evidence:payslips}")
    await chat.tap("/done")
    await chat.tap("/pick{wants:back_pay}")
    await chat.tap("/done")
    replies = await chat.tap("/pick{contact:chat}")
    assert "/submit" in payloads(replies)
    replies = await chat.tap("/submit")
    receipt = receipt_in(replies)
    assert receipt is not None and len(receipt) == 16
    return receipt
