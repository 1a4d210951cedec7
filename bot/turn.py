"""One turn as the core's routes and handlers see it, and the shapes of routes and handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.effects import Effect, EffectResult
from bot.flows.base import Turn
from bot.messages import Reply
from bot.session import ConversationState
from nlu.types import ParseResult

SAFETY_INTENTS = frozenset({"crisis_self_harm", "urgent_danger"})
#: ``state.context`` key: when (epoch seconds) a message last carried a safety signal, so a
#: later request for a person is queued as urgent.
SAFETY_SEEN_AT = "safety_seen_at"


@dataclass(slots=True)
class TurnContext:
    """One turn as the routes see it: the flow's view plus the store key."""

    turn: Turn
    key: str
    # What the answerer said the text asks for directly ("details", "law", "article"), if any.
    direct: str | None = None
    # Replies that fit a message that is not a labour question (emoji, English, a bare number).
    not_a_question: list[Reply] | None = None
    # The calculator that facts told right after an answer continue (年假怎么算 → 我工作了8年).
    facts_calculator: str | None = None

    @property
    def state(self) -> ConversationState:
        """The conversation's state (mutable; saved after the turn)."""
        return self.turn.state

    @property
    def parse(self) -> ParseResult:
        """What the message was understood as."""
        return self.turn.parse

    @property
    def text(self) -> str:
        """What the worker typed (empty for a tapped button)."""
        return self.turn.inbound.text

    @property
    def intent(self) -> str:
        """The intent to route by: never a safety intent the safety layer did not confirm."""
        name = self.parse.intent.name
        if name in SAFETY_INTENTS:
            return next((s.name for s in self.parse.ranking if s.name not in SAFETY_INTENTS), name)
        return name


Handler = Callable[[TurnContext], Awaitable[list[Reply]]]
EffectHandler = Callable[[TurnContext, Effect], Awaitable[EffectResult]]
#: Called with (store key, conversation id) when a worker deletes their conversation's data,
#: before the conversation is forgotten (mailbox, live chat, …).
ForgetHook = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Route:
    """One way of taking a turn: ``check`` says whether it applies, ``handle`` takes it.

    A ``silent`` route speaks only through its own replies: the core adds no gentle safety
    line to them (a person has the chat and is alerted instead)."""

    name: str
    check: Callable[[TurnContext], bool]
    handle: Handler
    silent: bool = False
