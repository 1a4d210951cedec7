"""A terminal channel for `gongyou chat`: type a message, or a number to tap a button."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.core import ConversationCore
from bot.messages import Button, Inbound, Reply

CHANNEL = "terminal"
_QUIT_WORDS = frozenset({"/quit", "/exit", "退出"})


class TerminalChannel:
    """Reads lines from a stream and prints replies; buttons are numbered."""

    name = CHANNEL

    def __init__(
        self, core: ConversationCore, *, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
    ) -> None:
        self._core = core
        self._in = stdin
        self._out = stdout
        self._key = secrets.token_urlsafe(16)
        self._buttons: tuple[Button, ...] = ()

    async def start(self) -> None:
        """Nothing to start; ``run`` drives the loop."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, conversation_key: str, replies: Sequence[Reply]) -> None:
        """Print replies, numbering their buttons."""
        for reply in replies:
            self._out.write(reply.as_plain_text() + "\n")
            if reply.buttons:
                self._buttons = reply.buttons
        self._out.flush()

    def _to_inbound(self, line: str) -> Inbound:
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self._buttons):
            button = self._buttons[int(choice) - 1]
            return Inbound(CHANNEL, self._key, text=button.title, payload=button.payload)
        return Inbound(CHANNEL, self._key, text=line)

    async def run(self, prompt: Callable[[], None] | None = None) -> None:
        """Chat until end of input or a quit word."""
        await self.send(self._key, await self._core.open_conversation(CHANNEL, self._key))
        while True:
            if prompt is not None:
                prompt()
            line = self._in.readline()
            if not line or line.strip() in _QUIT_WORDS:
                return
            await self.send(self._key, await self._core.handle(self._to_inbound(line.rstrip("\n"))))
