"""The state-machine abstraction every multi-step flow (complaint intake, calculators,
confirmations) is built on.

A flow declares its steps and allowed transitions; the conversation core owns the state and
the global commands (cancel, back, menu, help, safety), so a flow only handles its own steps.
Each flow keeps a Mermaid diagram beside it (``<name>.mmd``) that a test checks against
``transitions``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from bot.effects import Effect, EffectResult
from bot.messages import Inbound, Reply
from bot.session import ConversationState, FlowState
from nlu.types import ParseResult, SafetySignal

END = "end"


@dataclass(frozen=True, slots=True)
class Turn:
    """One worker message as a flow sees it."""

    inbound: Inbound
    parse: ParseResult
    state: ConversationState
    safety: SafetySignal | None = None

    @property
    def text(self) -> str:
        """What the worker typed (or the button payload)."""
        return self.inbound.text or (self.inbound.payload or "")


@dataclass(slots=True)
class StepResult:
    """What handling a step produced: replies and the next step (``END`` finishes the flow).

    ``next_step=None`` means stay on the same step (e.g. the answer was not understood and the
    question is asked again; nothing collected so far is lost).
    """

    replies: list[Reply] = field(default_factory=list)
    next_step: str | None = None
    effects: tuple[Effect, ...] = ()
    # The worker left the flow (a confirmed cancel): allowed from any step, like the core's
    # own cancel command, so it is not a declared transition.
    abandon: bool = False


@dataclass(slots=True)
class FlowOutcome:
    """The replies of a turn plus side effects for the core to carry out (e.g. deleting data,
    creating a case), so flows stay pure and testable."""

    replies: list[Reply]
    effects: tuple[Effect, ...] = ()


class Flow(ABC):
    """A multi-step conversation. Subclasses declare ``name``, ``initial_step`` and
    ``transitions`` and implement ``prompt`` and ``handle``."""

    name: ClassVar[str]
    initial_step: ClassVar[str]
    transitions: ClassVar[dict[str, frozenset[str]]]

    def start(
        self, state: ConversationState, data: Mapping[str, object] | None = None
    ) -> list[Reply]:
        """Begin the flow in ``state`` and return the first question."""
        state.start(FlowState(name=self.name, step=self.initial_step, data=dict(data or {})))
        assert state.flow is not None  # noqa: S101 - just started
        state.flow.touch()
        first = self.skip_answered(state.flow)
        if first == END:
            return self.finish(state)
        state.flow.step = first
        return self.prompt(state.flow)

    def skip_answered(self, flow: FlowState) -> str:
        """The first step still needing an answer (flows with pre-filled data override this)."""
        return flow.step

    def step(self, turn: Turn) -> FlowOutcome:
        """Handle one message in the current step and move along the declared transitions."""
        flow = turn.state.flow
        if flow is None or flow.name != self.name:
            raise RuntimeError(f"flow {self.name} is not active")
        flow.touch()
        result = self.handle(flow, turn)
        if result.abandon:
            return FlowOutcome(result.replies + self.finish(turn.state), result.effects)
        if result.next_step is None:
            return FlowOutcome(result.replies, result.effects)
        allowed = self.transitions.get(flow.step, frozenset())
        if result.next_step not in allowed:
            raise RuntimeError(f"{self.name}: {flow.step} -> {result.next_step} is not declared")
        if result.next_step == END:
            return FlowOutcome(result.replies + self.finish(turn.state), result.effects)
        flow.advance(result.next_step)
        nxt = self.skip_answered(flow)
        if nxt == END:
            return FlowOutcome(result.replies + self.finish(turn.state), result.effects)
        flow.step = nxt
        return FlowOutcome(result.replies + self.prompt(flow), result.effects)

    def back(self, state: ConversationState) -> list[Reply] | None:
        """Go one step back and re-ask; None when already at the first step."""
        if state.flow is None or not state.flow.go_back():
            return None
        return self.prompt(state.flow)

    def finish(self, state: ConversationState) -> list[Reply]:
        """Called when the flow reaches ``END``; default clears the flow."""
        state.flow = None
        return []

    def takes_free_text(self, flow: FlowState) -> bool:
        """True when the current step keeps whatever the worker writes as the answer."""
        return False

    def understands(self, flow: FlowState, turn: Turn) -> bool:
        """True when the message is usable as an answer to the current step (a message that
        is not, and reads as a question, is answered and the step asked again)."""
        return True

    def resume(self, state: ConversationState) -> list[Reply]:
        """Replies when a paused flow becomes active again: the pending question."""
        assert state.flow is not None  # noqa: S101 - the core resumes before calling
        return self.prompt(state.flow)

    def on_safety(self, flow: FlowState, signal: SafetySignal) -> None:
        """Note a danger the worker mentioned while this flow was open (e.g. mark urgent)."""
        return  # most flows have nothing to note

    def on_effect(
        self, state: ConversationState, effect: Effect, result: EffectResult
    ) -> list[Reply]:
        """Replies after the core carried out one of this flow's effects."""
        return []

    def cancel(self, state: ConversationState) -> list[Reply] | None:
        """Ask before cancelling (return the question) or None to cancel at once."""
        return None

    @abstractmethod
    def prompt(self, flow: FlowState) -> list[Reply]:
        """The question for the current step."""

    @abstractmethod
    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Interpret the worker's answer in the current step."""


def mermaid_edges(flow: type[Flow]) -> set[tuple[str, str]]:
    """The (from, to) edges ``transitions`` declares, for checking against the diagram."""
    return {(src, dst) for src, dsts in flow.transitions.items() for dst in dsts}
