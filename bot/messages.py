"""The one message shape at the edge: every channel turns its input into ``Inbound`` and
sends back ``Reply`` objects. Nothing channel-specific passes ``bot/channels/``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """A tappable choice; ``payload`` is sent back instead of typed text when tapped."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the worker: text plus optional buttons (channels without buttons
    render them as a numbered text list)."""

    text: str
    buttons: tuple[Button, ...] = ()

    def as_plain_text(self) -> str:
        """The reply with its buttons written out, for channels that cannot show buttons."""
        if not self.buttons:
            return self.text
        options = "\n".join(f"{i}. {b.title}" for i, b in enumerate(self.buttons, start=1))
        return f"{self.text}\n{options}"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One normalised incoming message.

    ``conversation_key`` is the channel's own address of the conversation (a web chat id, a
    Telegram chat id). It is secret: it is never logged and only stored hashed or encrypted.
    """

    channel: str
    conversation_key: str
    text: str = ""
    payload: str | None = None
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
