"""The conversation core: one path for every channel from an inbound message to replies.

Per message: clean the text, lock the conversation, load its state, understand the message
(payload or NLU), let safety messages win over everything, then either continue the active
flow or route by intent, save the state and return the replies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import safety
from bot.answering import QuestionAnswerer
from bot.flows.base import Flow, FlowOutcome, Turn
from bot.flows.calculator import CalculatorFlow
from bot.flows.delete_data import DELETE_EFFECT, DeleteDataFlow
from bot.log import get_logger
from bot.messages import Inbound, Reply
from bot.prompts import load_prompts
from bot.session import ConversationState, SessionRepository
from bot.stores.base import StoreUnavailableError
from bot.text_input import InputProblem, clean_text
from handoff.conversations import ConversationRepository
from knowledge_base.calculators.registry import calculator_for
from knowledge_base.topics import topic_for_intent
from nlu.types import IntentScore, NluBackend, ParseResult, SafetySignal

log = get_logger(__name__)

SAFETY_INTENTS = frozenset({"crisis_self_harm", "urgent_danger"})
# Commands that act on the active flow when typed as a short message or tapped as a button.
FLOW_COMMANDS = frozenset({"cancel", "back", "menu", "help"})
_COMMAND_MAX_CHARS = 8
_RATE_LIMIT_PER_MINUTE = 40


@dataclass(frozen=True, slots=True)
class CoreSettings:
    """Behaviour knobs of the core."""

    max_message_chars: int = 2000
    confidence_threshold: float = 0.35


Handler = Callable[[Turn], Awaitable[list[Reply]]]


class ConversationCore:
    """Routes one message through state, NLU, flows and answers; channel-independent."""

    def __init__(
        self,
        *,
        sessions: SessionRepository,
        conversations: ConversationRepository,
        nlu: NluBackend,
        answerer: QuestionAnswerer,
        settings: CoreSettings,
        flows: list[Flow] | None = None,
    ) -> None:
        self._sessions = sessions
        self._conversations = conversations
        self._nlu = nlu
        self._answerer = answerer
        self._settings = settings
        self._flows: dict[str, Flow] = {f.name: f for f in (flows or [])}
        self._flows.setdefault(DeleteDataFlow.name, DeleteDataFlow())
        self._flows.setdefault(CalculatorFlow.name, CalculatorFlow())
        self._prompts = load_prompts("core")
        self._routes: dict[str, Handler] = {
            "greet": self._greet,
            "menu": self._menu,
            "help": self._help,
            "goodbye": self._simple("goodbye"),
            "thanks": self._simple("thanks"),
            "ask_question": self._simple("ask_question_prompt"),
            "file_complaint": self._simple("not_ready_complaint", with_menu=True),
            "talk_to_human": self._simple("not_ready_human", with_menu=True),
            "check_case_status": self._simple("not_ready_status", with_menu=True),
            "delete_my_data": self._start_flow(DeleteDataFlow.name),
            "out_of_scope": self._simple("out_of_scope", with_menu=True),
            "cancel": self._no_active_step,
            "back": self._no_active_step,
            "affirm": self._menu,
            "deny": self._menu,
        }

    # ---- public API -------------------------------------------------------------------

    def session_key(self, channel: str, conversation_key: str) -> str:
        """The blind index under which a conversation's state and mailbox are kept."""
        return self._conversations.key_index(channel, conversation_key)

    async def conversation_exists(self, channel: str, conversation_key: str) -> bool:
        """True when state is held for this conversation."""
        return await self._sessions.load(self.session_key(channel, conversation_key)) is not None

    async def open_conversation(self, channel: str, conversation_key: str) -> list[Reply]:
        """Create a conversation and return the greeting (used when a web chat starts)."""
        key = self.session_key(channel, conversation_key)
        state = ConversationState()
        state.conversation_id = await asyncio.to_thread(
            self._conversations.ensure, channel, conversation_key
        )
        await self._sessions.save(key, state)
        return await self._greet_replies()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Process one message and return the replies; never raises for bad input."""
        cleaned = clean_text(inbound.text, max_chars=self._settings.max_message_chars)
        if inbound.payload is None and cleaned.problem is not None:
            return [self._input_problem_reply(cleaned.problem)]
        key = self.session_key(inbound.channel, inbound.conversation_key)
        try:
            if await self._over_rate_limit(key):
                return [Reply(self._prompts.text("busy"))]
            async with self._sessions.store.lock(key):
                state = await self._sessions.load(key)
                if state is None:
                    state = ConversationState()
                    state.conversation_id = await asyncio.to_thread(
                        self._conversations.ensure, inbound.channel, inbound.conversation_key
                    )
                message = Inbound(
                    channel=inbound.channel,
                    conversation_key=inbound.conversation_key,
                    text=cleaned.text,
                    payload=inbound.payload,
                    metadata=inbound.metadata,
                )
                replies = await self._turn(key, state, message)
                if state.conversation_id:  # empty after the worker deleted their data
                    state.turns += 1
                    await self._sessions.save(key, state)
                return replies
        except TimeoutError:
            return [Reply(self._prompts.text("busy"))]
        except StoreUnavailableError:
            log.error("session_store_unavailable")
            return [Reply(self._prompts.text("store_unavailable"))]

    # ---- one turn ---------------------------------------------------------------------

    async def _over_rate_limit(self, key: str) -> bool:
        count = await self._sessions.store.incr("rate:" + key, ttl_seconds=60)
        return count > _RATE_LIMIT_PER_MINUTE

    async def _understand(self, message: Inbound) -> ParseResult:
        payload = (message.payload or "").strip()
        if payload.startswith("/") and len(payload) > 1:
            intent = payload[1:].split("{", 1)[0]
            return ParseResult(text=payload, intent=IntentScore(intent, 1.0), backend="payload")
        text = message.text or payload
        return await asyncio.to_thread(self._nlu.parse, text)

    async def _turn(self, key: str, state: ConversationState, message: Inbound) -> list[Reply]:
        parse = await self._understand(message)
        turn = Turn(inbound=message, parse=parse, state=state)
        intent = parse.intent.name
        log.info(
            "turn",
            intent=intent,
            confidence=round(parse.intent.confidence, 3),
            backend=parse.backend,
            flow=state.flow.name if state.flow else None,
        )
        signal = safety.assess(parse)
        if signal is not None and signal.emergency:
            return self._safety_replies(signal, state)
        replies = await self._route(key, turn)
        if signal is not None:
            replies.append(safety.gentle_line(signal))
        return replies

    async def _route(self, key: str, turn: Turn) -> list[Reply]:
        state, message, parse = turn.state, turn.inbound, turn.parse
        intent = parse.intent.name
        if intent in SAFETY_INTENTS:  # a safety intent the safety layer judged not urgent
            intent = next((s.name for s in parse.ranking if s.name not in SAFETY_INTENTS), intent)
        if state.flow is not None:
            return await self._continue_flow(key, turn)
        if intent == "resume" or (message.text == "继续" and state.paused_flow):
            return self._resume(state)
        direct = self._answerer.handles_directly(message.text, state) if message.text else None
        if intent == "details" or direct == "details":
            return self._answerer.details(state)
        if intent == "show_law" or direct == "law":
            return self._answerer.show_articles(state)
        if direct == "article":
            return self._answerer.answer(message.text, parse, state)
        if self._is_low_confidence(parse):
            return self._low_confidence_replies()
        if calculator_for(intent) is not None:
            calculator = self._flows[CalculatorFlow.name]
            assert isinstance(calculator, CalculatorFlow)  # noqa: S101 - registered above
            state.paused_flow = None
            return calculator.begin(state, intent, parse.entities)
        if topic_for_intent(intent) is not None:
            return self._answerer.answer(message.text, parse, state)
        handler = self._routes.get(intent)
        if handler is None:
            return [
                Reply(self._prompts.text("fallback"), self._prompts.buttons("rephrase_buttons"))
            ]
        return await handler(turn)

    def _is_low_confidence(self, parse: ParseResult) -> bool:
        return parse.backend != "payload" and (
            parse.intent.confidence < self._settings.confidence_threshold
        )

    def _safety_replies(self, signal: SafetySignal, state: ConversationState) -> list[Reply]:
        replies = safety.help_replies(signal)
        if state.flow is not None:
            replies.append(
                Reply(self._prompts.text("flow_paused"), self._prompts.buttons("resume_button"))
            )
            state.paused_flow, state.flow = state.flow, None
        return replies

    async def _continue_flow(self, key: str, turn: Turn) -> list[Reply]:
        state = turn.state
        assert state.flow is not None  # noqa: S101 - checked by the caller
        flow = self._flows.get(state.flow.name)
        if flow is None:  # a flow removed by a deployment: do not trap the worker in it
            state.flow = None
            return await self._menu(turn)
        command = self._flow_command(turn)
        if command == "cancel":
            state.flow = None
            return [
                Reply(self._prompts.text("flow_cancelled"), self._prompts.buttons("menu_buttons"))
            ]
        if command == "back":
            replies = flow.back(state)
            if replies is not None:
                return replies
            return [Reply(self._prompts.text("flow_no_back")), *flow.prompt(state.flow)]
        if command == "menu":
            state.paused_flow, state.flow = state.flow, None
            return [
                Reply(self._prompts.text("flow_paused")),
                Reply(
                    self._prompts.text("menu_text"),
                    self._prompts.buttons("menu_buttons") + self._prompts.buttons("resume_button"),
                ),
            ]
        if command == "help":
            return [Reply(self._prompts.text("help")), *flow.prompt(state.flow)]
        outcome: FlowOutcome = flow.step(turn)
        return await self._apply_effects(key, state, outcome)

    def _flow_command(self, turn: Turn) -> str | None:
        intent = turn.parse.intent.name
        if intent not in FLOW_COMMANDS:
            return None
        if turn.parse.backend == "payload":
            return intent
        short = len(turn.inbound.text) <= _COMMAND_MAX_CHARS
        confident = turn.parse.intent.confidence >= max(0.5, self._settings.confidence_threshold)
        return intent if short and confident else None

    def _resume(self, state: ConversationState) -> list[Reply]:
        if state.paused_flow is None:
            return [
                Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))
            ]
        state.flow, state.paused_flow = state.paused_flow, None
        flow = self._flows.get(state.flow.name)
        if flow is None:
            state.flow = None
            return [
                Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))
            ]
        return flow.prompt(state.flow)

    async def _apply_effects(
        self, key: str, state: ConversationState, outcome: FlowOutcome
    ) -> list[Reply]:
        if DELETE_EFFECT in outcome.effects:
            await self._delete_everything(key, state)
        return outcome.replies

    async def _delete_everything(self, key: str, state: ConversationState) -> None:
        if state.conversation_id:
            await asyncio.to_thread(self._conversations.delete, state.conversation_id)
        await self._sessions.delete(key)
        state.conversation_id = ""
        state.flow = None
        state.paused_flow = None
        state.context.clear()
        log.info("conversation_deleted")

    # ---- routes -----------------------------------------------------------------------

    async def _greet_replies(self) -> list[Reply]:
        return [Reply(self._prompts.text("greeting"), self._prompts.buttons("menu_buttons"))]

    async def _greet(self, _turn: Turn) -> list[Reply]:
        return await self._greet_replies()

    async def _menu(self, turn: Turn) -> list[Reply]:
        buttons = self._prompts.buttons("menu_buttons")
        if turn.state.paused_flow is not None:
            buttons += self._prompts.buttons("resume_button")
        return [Reply(self._prompts.text("menu_text"), buttons)]

    async def _help(self, _turn: Turn) -> list[Reply]:
        return [Reply(self._prompts.text("help"), self._prompts.buttons("menu_buttons"))]

    async def _no_active_step(self, _turn: Turn) -> list[Reply]:
        return [Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))]

    def _simple(self, prompt_key: str, *, with_menu: bool = False) -> Handler:
        async def handler(_turn: Turn) -> list[Reply]:
            buttons = self._prompts.buttons("menu_buttons") if with_menu else ()
            return [Reply(self._prompts.text(prompt_key), buttons)]

        return handler

    def _start_flow(self, name: str) -> Handler:
        async def handler(turn: Turn) -> list[Reply]:
            turn.state.paused_flow = None
            return self._flows[name].start(turn.state)

        return handler

    def _low_confidence_replies(self) -> list[Reply]:
        return [
            Reply(
                self._prompts.text("low_confidence"),
                self._prompts.buttons("menu_buttons")[:2]
                + self._prompts.buttons("rephrase_buttons"),
            )
        ]

    def _input_problem_reply(self, problem: InputProblem) -> Reply:
        if problem is InputProblem.TOO_LONG:
            return Reply(
                self._prompts.text("text_too_long", limit=self._settings.max_message_chars)
            )
        if problem is InputProblem.EMPTY:
            return Reply(self._prompts.text("empty_message"))
        return Reply(self._prompts.text("unreadable_message"))
