"""The conversation core: one path for every channel from an inbound message to replies.

Per message: clean the text, lock the conversation, load its state (or recover it from its
durable snapshot), understand the message (payload or NLU), then hand the turn to the first
route whose check accepts it — routes are listed in precedence order in ``_build_routes`` —
carry out the effects a flow asked for, save the state and return the replies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from dataclasses import dataclass
from datetime import date

from bot import safety
from bot.answering import QuestionAnswerer
from bot.effects import DeleteConversationData, Effect, EffectResult
from bot.flows.base import Flow, FlowOutcome, Turn
from bot.flows.calculator import CalculatorFlow
from bot.flows.delete_data import DeleteDataFlow
from bot.log import get_logger
from bot.messages import Button, Inbound, Reply
from bot.non_question import non_question_replies
from bot.prompts import load_prompts
from bot.session import ConversationState, SessionRepository
from bot.stores.base import StoreUnavailableError
from bot.text_input import InputProblem, clean_text
from bot.turn import SAFETY_SEEN_AT, EffectHandler, ForgetHook, Handler, Route, TurnContext
from handoff.conversations import ConversationRepository
from handoff.errors import DatabaseUnavailableError
from knowledge_base.calculators.names import calculator_meant, requested_calculator
from knowledge_base.calculators.registry import calculator_for
from knowledge_base.topics import topic_for_intent
from nlu.types import IntentScore, NluBackend, ParseResult

log = get_logger(__name__)

# Commands that act on the active flow when typed as a short message or tapped as a button.
FLOW_COMMANDS = frozenset({"cancel", "back", "menu", "help"})
# Typed words that resume a paused flow (besides the /resume payload).
RESUME_WORDS = frozenset({"继续", "继续填写", "继续填", "接着填", "繼續", "繼續填寫"})
_COMMAND_MAX_CHARS = 8
# Entities that only a calculator question carries (pay with its unit, hours, length of work).
CALCULATOR_FACTS = frozenset({"wage", "work_time", "service_length"})
_RATE_LIMIT_PER_MINUTE = 40
# A question asked in the middle of a button step is answered when the NLU is at least this sure.
_MID_FLOW_QUESTION_CONFIDENCE = 0.4
# A message with fewer Chinese characters than this (a bare number, a date) is not a question.
_MIN_QUESTION_HAN = 2
# A message this long may be a question the knowledge base can place when the NLU cannot
# (哪里可以免费问律师 has 9).
_MIN_STORY_HAN = 8
# A help request whose runner-up is a labour-law topic this sure is read as that question.
_TOPIC_RUNNER_UP = 0.25
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class CoreSettings:
    """Behaviour knobs of the core."""

    max_message_chars: int = 2000
    confidence_threshold: float = 0.35


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
        intent_handlers: dict[str, Handler] | None = None,
        effect_handlers: dict[type[Effect], EffectHandler] | None = None,
        leading_routes: list[Route] | None = None,
        forget_hooks: list[ForgetHook] | None = None,
    ) -> None:
        self._sessions = sessions
        self._forget_hooks = list(forget_hooks or [])
        self._conversations = conversations
        self._nlu = nlu
        self._answerer = answerer
        self._settings = settings
        self._flows: dict[str, Flow] = {f.name: f for f in (flows or [])}
        self._flows.setdefault(DeleteDataFlow.name, DeleteDataFlow())
        self._flows.setdefault(CalculatorFlow.name, CalculatorFlow())
        self._prompts = load_prompts("core")
        self._intents: dict[str, Handler] = {
            "greet": self._greet,
            "menu": self._menu,
            "help": self._help,
            "goodbye": self._simple("goodbye"),
            "thanks": self._simple("thanks"),
            "ask_question": self._simple("ask_question_prompt"),
            "file_complaint": self._simple("not_ready_complaint", with_menu=True),
            "talk_to_human": self._simple("not_ready_human", with_menu=True),
            "check_case_status": self._simple("not_ready_status", with_menu=True),
            "delete_my_data": self.start_flow_handler(DeleteDataFlow.name),
            "out_of_scope": self._simple("out_of_scope", with_menu=True),
            "cancel": self._no_active_step,
            "back": self._no_active_step,
            "affirm": self._menu,
            "deny": self._menu,
        }
        self._intents.update(intent_handlers or {})
        self._effects: dict[type[Effect], EffectHandler] = {
            DeleteConversationData: self._delete_conversation_data,
        }
        self._effects.update(effect_handlers or {})
        self._routes = [*(leading_routes or []), *self._build_routes()]

    def _build_routes(self) -> list[Route]:
        """Routes in precedence order; the first whose check accepts the turn takes it."""
        return [
            Route("emergency", self._is_emergency, self._emergency),
            Route("ask_kept_text", self._wants_kept_text_answered, self._answer_kept_text),
            Route("active_flow", lambda ctx: ctx.state.flow is not None, self._continue_flow),
            Route("resume", self._wants_resume, self._resume),
            Route("details_or_law", self._is_follow_up_request, self._follow_up),
            Route("facts_for_answer", self._tells_facts_for_answer, self._continue_answer),
            Route("not_a_question", self._is_not_a_question, self._not_a_question),
            Route("low_confidence", self._is_low_confidence, self._low_confidence),
            Route("calculator", self._is_calculator, self._start_calculator),
            Route("question", self._is_question, self._answer_question),
            Route("intent", lambda ctx: ctx.intent in self._intents, self._by_intent),
            Route("fallback", lambda _ctx: True, self._fallback),
        ]

    @property
    def answerer(self) -> QuestionAnswerer:
        """What answers legal questions (for warming up)."""
        return self._answerer

    @property
    def routes(self) -> tuple[str, ...]:
        """Route names in precedence order (for documentation and tests)."""
        return tuple(route.name for route in self._routes)

    def flow(self, name: str) -> Flow:
        """A registered flow by name."""
        return self._flows[name]

    # ---- public API -------------------------------------------------------------------

    def session_key(self, channel: str, conversation_key: str) -> str:
        """The blind index under which a conversation's state and mailbox are kept."""
        return self._conversations.key_index(channel, conversation_key)

    async def conversation_exists(self, channel: str, conversation_key: str) -> bool:
        """True when this conversation is known (its state, or its registry row)."""
        key = self.session_key(channel, conversation_key)
        try:
            if await self._sessions.has(key):
                return True
        except StoreUnavailableError:
            log.warning("session_store_unavailable")
        try:
            return await asyncio.to_thread(self._conversations.exists, channel, conversation_key)
        except DatabaseUnavailableError:
            log.warning("database_unavailable")
            return False

    async def open_conversation(self, channel: str, conversation_key: str) -> list[Reply]:
        """Create a conversation and return the greeting (used when a web chat starts)."""
        key = self.session_key(channel, conversation_key)
        try:
            state = ConversationState()
            state.conversation_id = await asyncio.to_thread(
                self._conversations.ensure, channel, conversation_key
            )
            # A new conversation's row was created just now, seen today: its first message
            # need not write that again.
            state.context["seen"] = date.today().isoformat()
            await self._sessions.save(key, state)
        except (StoreUnavailableError, DatabaseUnavailableError):
            log.error("cannot_open_conversation")
            return [Reply(self._prompts.text("store_unavailable"))]
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
                state = await self._load_state(key, inbound)
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
        except DatabaseUnavailableError:
            log.error("database_unavailable")
            return [Reply(self._prompts.text("store_unavailable"))]

    async def _load_state(self, key: str, inbound: Inbound) -> ConversationState:
        state = await self._sessions.load(key)
        if state is None:
            conversation_id = await asyncio.to_thread(
                self._conversations.ensure, inbound.channel, inbound.conversation_key
            )
            state = await self._sessions.recover(conversation_id)
            state = state or ConversationState(conversation_id=conversation_id)
        await self._mark_seen_today(state)
        return state

    async def _mark_seen_today(self, state: ConversationState) -> None:
        """Once a day, note that the conversation is in use (retention counts from it)."""
        today = date.today().isoformat()
        if not state.conversation_id or state.context.get("seen") == today:
            return
        try:
            await asyncio.to_thread(self._conversations.touch, state.conversation_id)
        except DatabaseUnavailableError:
            return
        state.context["seen"] = today

    # ---- one turn ---------------------------------------------------------------------

    async def _over_rate_limit(self, key: str) -> bool:
        count = await self._sessions.store.incr("rate:" + key, ttl_seconds=60)
        return count > _RATE_LIMIT_PER_MINUTE

    async def _understand(self, message: Inbound) -> ParseResult:
        payload = (message.payload or "").strip()
        if payload.startswith("/") and len(payload) > 1:
            intent = payload[1:].split("{", 1)[0]
            return ParseResult(text=payload, intent=IntentScore(intent, 1.0), backend="payload")
        return await self._parse(message.text or payload)

    async def _parse(self, text: str) -> ParseResult:
        # A backend that waits on a server (Rasa over HTTP) or on loading is asked from a worker
        # thread; one that only computes (the embedded model once its sentence encoder is
        # loaded: a millisecond, text length capped) runs right here — under the GIL a thread
        # adds no parallelism, only hand-offs (about 10% of a message's CPU in
        # bench/chat_side_by_side.py).
        if getattr(self._nlu, "computes_only", False):
            return self._nlu.parse(text)
        return await asyncio.to_thread(self._nlu.parse, text)

    async def _turn(self, key: str, state: ConversationState, message: Inbound) -> list[Reply]:
        parse = await self._understand(message)
        signal = safety.assess(parse)
        if signal is not None:
            state.context[SAFETY_SEEN_AT] = int(time.time())
        ctx = TurnContext(Turn(inbound=message, parse=parse, state=state, safety=signal), key)
        route = next(r for r in self._routes if r.check(ctx))
        log.info(
            "turn",
            route=route.name,
            intent=parse.intent.name,
            confidence=round(parse.intent.confidence, 3),
            backend=parse.backend,
            flow=state.flow.name if state.flow else None,
        )
        replies = await route.handle(ctx)
        if signal is not None and not signal.emergency and not route.silent:
            replies.append(safety.gentle_line(signal))
        return replies

    # ---- routes: safety ---------------------------------------------------------------

    def _is_emergency(self, ctx: TurnContext) -> bool:
        signal = ctx.turn.safety
        if signal is None or not signal.emergency:
            return False
        # In a free-text step the words are the answer (主管把我们锁在宿舍里 is the complaint):
        # the flow keeps them and the help is added after its reply.
        return not self._active_step_takes_free_text(ctx.state)

    async def _emergency(self, ctx: TurnContext) -> list[Reply]:
        signal = ctx.turn.safety
        assert signal is not None  # noqa: S101 - checked by the route
        replies = safety.help_replies(signal)
        state = ctx.state
        # A question asked beside the danger is still answered, after the help: a false alarm
        # must not eat the answer, and a worker in danger who asked about their rights is told.
        answer = self._answer_beside_help(ctx)
        if answer:
            replies += [Reply(self._prompts.text("answer_after_help")), *answer]
        for open_flow in state.open_flows():
            flow = self._flows.get(open_flow.name)
            if flow is not None:
                flow.on_safety(open_flow, signal)
        if state.flow is not None:
            state.pause_active()
            replies.append(
                Reply(self._prompts.text("flow_paused"), self._prompts.buttons("resume_button"))
            )
        return replies

    def _answer_beside_help(self, ctx: TurnContext) -> list[Reply]:
        if ctx.parse.backend == "payload" or not ctx.text:
            return []
        intent = ctx.intent  # the best reading that is not a safety intent
        if topic_for_intent(intent) is None and calculator_for(intent) is None:
            return []
        return self._answerer.answer_if_sure(ctx.text, ctx.parse, ctx.state)

    def _active_step_takes_free_text(self, state: ConversationState) -> bool:
        if state.flow is None:
            return False
        flow = self._flows.get(state.flow.name)
        return flow is not None and flow.takes_free_text(state.flow)

    # ---- routes: the active flow ------------------------------------------------------

    async def _continue_flow(self, ctx: TurnContext) -> list[Reply]:
        state = ctx.state
        assert state.flow is not None  # noqa: S101 - checked by the route
        flow = self._flows.get(state.flow.name)
        if flow is None:  # a flow removed by a deployment: do not trap the worker in it
            state.flow = None
            return await self._menu(ctx)
        resuming = ctx.intent == "resume" and ctx.parse.backend == "payload"
        if resuming or ctx.text.strip() in RESUME_WORDS:
            return flow.resume(state)  # 继续 / 继续填写 in a flow: ask the pending step again
        command = self._flow_command(ctx.turn)
        if command is not None:
            return await self._flow_command_replies(ctx, flow, command)
        free_text = flow.takes_free_text(state.flow)
        if (
            not free_text
            and self._reads_as_question(ctx)
            and not flow.understands(state.flow, ctx.turn)
        ):
            return await self._question_mid_flow(ctx, flow)
        outcome: FlowOutcome = flow.step(ctx.turn)
        replies = await self._apply_effects(ctx, flow, outcome)
        if ctx.turn.safety is not None and ctx.turn.safety.emergency:
            flow_state = state.flow or state.paused_flow(flow.name)
            if flow_state is not None:
                flow.on_safety(flow_state, ctx.turn.safety)
            replies.extend(safety.help_replies(ctx.turn.safety))
        elif free_text and ctx.text and self._reads_as_question(ctx):
            state.context["kept_text"] = ctx.text
            replies.append(
                Reply(self._prompts.text("kept_as_answer"), self._prompts.buttons("ask_kept"))
            )
        if state.flow is None and state.paused:
            replies.append(self._resume_offer(state))
        return replies

    async def _flow_command_replies(
        self, ctx: TurnContext, flow: Flow, command: str
    ) -> list[Reply]:
        state = ctx.state
        assert state.flow is not None  # noqa: S101 - checked by the caller
        if command == "cancel":
            confirm = flow.cancel(state)
            if confirm is not None:
                return confirm
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
            state.pause_active()
            return [Reply(self._prompts.text("flow_paused")), self._menu_reply(state)]
        return [Reply(self._prompts.text("help")), *flow.prompt(state.flow)]

    def _flow_command(self, turn: Turn) -> str | None:
        intent = turn.parse.intent.name
        if intent not in FLOW_COMMANDS:
            return None
        if turn.parse.backend == "payload":
            return intent
        short = len(turn.inbound.text) <= _COMMAND_MAX_CHARS
        confident = turn.parse.intent.confidence >= max(0.5, self._settings.confidence_threshold)
        return intent if short and confident else None

    def _reads_as_question(self, ctx: TurnContext) -> bool:
        parse = ctx.parse
        if parse.backend == "payload" or parse.intent.confidence < _MID_FLOW_QUESTION_CONFIDENCE:
            return False
        # "6000" typed at a choice: a wrong answer to the step, whatever the NLU makes of it.
        if len(_HAN.findall(ctx.text)) < _MIN_QUESTION_HAN:
            return False
        intent = ctx.intent
        return topic_for_intent(intent) is not None or calculator_for(intent) is not None

    async def _question_mid_flow(self, ctx: TurnContext, flow: Flow) -> list[Reply]:
        state = ctx.state
        if calculator_for(ctx.intent) is not None and flow.name != CalculatorFlow.name:
            return await self._start_calculator(ctx)
        replies = self._answerer.answer(ctx.text, ctx.parse, state)
        return replies + self._reask(flow, state)

    def _reask(self, flow: Flow, state: ConversationState) -> list[Reply]:
        assert state.flow is not None  # noqa: S101 - only while a flow is active
        prompt = flow.prompt(state.flow)
        note = Reply(
            self._prompts.text("continue_filling"), self._prompts.buttons("continue_button")
        )
        return [note, *prompt]

    def _wants_kept_text_answered(self, ctx: TurnContext) -> bool:
        return ctx.intent == "ask_kept" and ctx.parse.backend == "payload"

    async def _answer_kept_text(self, ctx: TurnContext) -> list[Reply]:
        text = ctx.state.context.pop("kept_text", None)
        if not isinstance(text, str) or not text:
            return [
                Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))
            ]
        parse = await self._parse(text)
        replies = self._answerer.answer(text, parse, ctx.state)
        state = ctx.state
        if state.flow is not None:
            flow = self._flows.get(state.flow.name)
            if flow is not None:
                return replies + self._reask(flow, state)
        if state.paused:
            replies.append(self._resume_offer(state))
        return replies

    async def _apply_effects(
        self, ctx: TurnContext, flow: Flow, outcome: FlowOutcome
    ) -> list[Reply]:
        replies = list(outcome.replies)
        for effect in outcome.effects:
            handler = self._effects.get(type(effect))
            if handler is None:
                log.error("effect_without_handler", effect=type(effect).__name__)
                result = EffectResult(ok=False, problem="unsupported")
            else:
                result = await handler(ctx, effect)
            replies.extend(flow.on_effect(ctx.state, effect, result))
        return replies

    # ---- routes: resuming -------------------------------------------------------------

    def _wants_resume(self, ctx: TurnContext) -> bool:
        if ctx.intent == "resume" and ctx.parse.backend == "payload":
            return True
        return ctx.text.strip() in RESUME_WORDS and bool(ctx.state.paused)

    async def _resume(self, ctx: TurnContext) -> list[Reply]:
        payload = ctx.turn.inbound.payload or ""
        name = payload.split("{", 1)[1].rstrip("}") if "{" in payload else None
        return self.resume_flow(ctx.state, name or None)

    def resume_flow(self, state: ConversationState, name: str | None = None) -> list[Reply]:
        """Make a paused flow active again and ask its pending question."""
        resumed = state.resume(name)
        flow = self._flows.get(resumed.name) if resumed is not None else None
        if resumed is None or flow is None:
            if resumed is not None:
                state.flow = None
            return [
                Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))
            ]
        resumed.touch()
        return flow.resume(state)

    def _resume_offer(self, state: ConversationState) -> Reply:
        paused = state.paused_flow()
        assert paused is not None  # noqa: S101 - only offered when something is paused
        return Reply(self._prompts.text("flow_paused"), self._resume_buttons(state))

    def _resume_buttons(self, state: ConversationState) -> tuple[Button, ...]:
        paused = state.paused_flow()
        if paused is None:
            return ()
        title = self._prompts.mapping("resume_titles").get(paused.name)
        button = self._prompts.buttons("resume_button")[0]
        return (Button(title=title or button.title, payload=f"/resume{{{paused.name}}}"),)

    # ---- routes: questions and calculators --------------------------------------------

    def _is_follow_up_request(self, ctx: TurnContext) -> bool:
        if ctx.intent in ("details", "show_law"):
            return True
        ctx.direct = self._answerer.handles_directly(ctx.text, ctx.state) if ctx.text else None
        return ctx.direct is not None

    async def _follow_up(self, ctx: TurnContext) -> list[Reply]:
        direct = ctx.direct
        if ctx.intent == "details" or direct == "details":
            return self._answerer.details(ctx.state)
        if ctx.intent == "show_law" or direct == "law":
            return self._answerer.show_articles(ctx.state)
        return self._answerer.answer(ctx.text, ctx.parse, ctx.state)

    def _is_not_a_question(self, ctx: TurnContext) -> bool:
        """Emoji-only distress, a message in English, a bare number or date: replies that fit
        them, when the NLU could not place the message (or calls it out of scope)."""
        if ctx.parse.backend == "payload" or not ctx.text:
            return False
        unplaced = ctx.parse.intent.confidence < self._settings.confidence_threshold
        if not unplaced and ctx.intent != "out_of_scope":
            return False
        ctx.not_a_question = non_question_replies(ctx.text)
        return ctx.not_a_question is not None

    async def _not_a_question(self, ctx: TurnContext) -> list[Reply]:
        return list(ctx.not_a_question or [])

    def _is_low_confidence(self, ctx: TurnContext) -> bool:
        if ctx.parse.backend == "payload":
            return False
        if ctx.parse.intent.confidence >= self._settings.confidence_threshold:
            return False
        # "一天250 国庆三天都上班了": the facts a calculator needs say what the question is.
        facts = {e.entity for e in ctx.parse.entities} & CALCULATOR_FACTS
        return not (facts and calculator_for(ctx.intent) is not None)

    async def _low_confidence(self, ctx: TurnContext) -> list[Reply]:
        # "厂里说订单少 让我们放假 只发最低工资的百分之八十 这样合法吗": the NLU cannot place a long
        # story, but the knowledge base may be sure of its answer.
        if len(_HAN.findall(ctx.text)) >= _MIN_STORY_HAN:
            replies = self._answerer.answer_if_sure(ctx.text, ctx.parse, ctx.state)
            if replies:
                return replies
        return [
            Reply(
                self._prompts.text("low_confidence"),
                self._prompts.buttons("menu_buttons")[:2]
                + self._prompts.buttons("rephrase_buttons"),
            )
        ]

    def _is_calculator(self, ctx: TurnContext) -> bool:
        if calculator_for(ctx.intent) is None:
            return self._requested_calculator(ctx) is not None
        return self._calculator_flow().wanted(ctx.intent, ctx.text, ctx.parse)

    def _tells_facts_for_answer(self, ctx: TurnContext) -> bool:
        if ctx.parse.backend == "payload" or not ctx.text:
            return False
        last = ctx.state.context.get("last_answer_id")
        topic = str(last).split(".", 1)[0] if last else None
        ctx.facts_calculator = self._calculator_flow().continuing(topic, ctx.text, ctx.parse)
        return ctx.facts_calculator is not None

    async def _continue_answer(self, ctx: TurnContext) -> list[Reply]:
        # 年假怎么算 → 我工作了8年: the calculator of the answer just given, with the facts.
        intent = ctx.facts_calculator
        assert intent is not None  # noqa: S101 - the route's check said so
        calculator = self._calculator_flow()
        replies = calculator.begin(ctx.state, intent, ctx.parse.entities, ctx.text)
        flow = ctx.state.flow
        words = calculator.first_answer(intent, ctx.text, ctx.parse)
        if flow is None or flow.data.get("stated") or words is None:
            return replies
        # Nothing pre-filled: the fact answers the first question, as if typed there.
        typed = dataclasses.replace(ctx.turn.inbound, text=words, payload=None)
        turn = dataclasses.replace(ctx.turn, inbound=typed)
        return replies[:1] + await self._continue_flow(TurnContext(turn, ctx.key))

    async def _start_calculator(self, ctx: TurnContext) -> list[Reply]:
        intent = self._requested_calculator(ctx) or calculator_meant(
            ctx.intent, ctx.text, ctx.parse.entities
        )
        return self._calculator_flow().begin(ctx.state, intent, ctx.parse.entities, ctx.text)

    @staticmethod
    def _requested_calculator(ctx: TurnContext) -> str | None:
        """我要算补偿 read as a question about compensation still asks for the calculator."""
        if ctx.parse.backend == "payload" or calculator_for(ctx.intent) is not None:
            return None
        return requested_calculator(ctx.text)

    def _calculator_flow(self) -> CalculatorFlow:
        calculator = self._flows[CalculatorFlow.name]
        assert isinstance(calculator, CalculatorFlow)  # noqa: S101 - registered above
        return calculator

    def _is_question(self, ctx: TurnContext) -> bool:
        # An unsure calculator pick the message does not back up (_is_calculator) is a question.
        return topic_for_intent(ctx.intent) is not None or calculator_for(ctx.intent) is not None

    async def _answer_question(self, ctx: TurnContext) -> list[Reply]:
        replies = self._answerer.answer(ctx.text, ctx.parse, ctx.state)
        if ctx.state.paused:
            replies.append(self._resume_offer(ctx.state))
        return replies

    async def _by_intent(self, ctx: TurnContext) -> list[Reply]:
        return await self._intents[ctx.intent](ctx)

    async def _fallback(self, _ctx: TurnContext) -> list[Reply]:
        return [Reply(self._prompts.text("fallback"), self._prompts.buttons("rephrase_buttons"))]

    # ---- effects ----------------------------------------------------------------------

    async def _delete_conversation_data(self, ctx: TurnContext, _effect: Effect) -> EffectResult:
        state = ctx.state
        if state.conversation_id:
            for forget in self._forget_hooks:
                await forget(ctx.key, state.conversation_id)
            await asyncio.to_thread(self._conversations.delete, state.conversation_id)
        await self._sessions.delete(ctx.key)
        state.conversation_id = ""
        state.flow = None
        state.paused.clear()
        state.context.clear()
        log.info("conversation_deleted")
        return EffectResult(ok=True)

    # ---- intent handlers --------------------------------------------------------------

    async def _greet_replies(self) -> list[Reply]:
        return [Reply(self._prompts.text("greeting"), self._prompts.buttons("menu_buttons"))]

    async def _greet(self, ctx: TurnContext) -> list[Reply]:
        replies = await self._greet_replies()
        if ctx.state.paused:
            replies.append(self._resume_offer(ctx.state))
        return replies

    def _menu_reply(self, state: ConversationState) -> Reply:
        buttons = self._prompts.buttons("menu_buttons")
        if state.paused:
            buttons += self._resume_buttons(state)
        return Reply(self._prompts.text("menu_text"), buttons)

    async def _menu(self, ctx: TurnContext) -> list[Reply]:
        return [self._menu_reply(ctx.state)]

    async def _help(self, ctx: TurnContext) -> list[Reply]:
        # "怎么找法律援助" reads as "how do I use this" to the classifier, with a legal topic
        # close behind: the curated answer, when the knowledge base is sure of it, serves better.
        if self._legal_topic_close_behind(ctx):
            replies = self._answerer.answer_if_sure(ctx.text, ctx.parse, ctx.state)
            if replies:
                return replies
        return [Reply(self._prompts.text("help"), self._prompts.buttons("menu_buttons"))]

    @staticmethod
    def _legal_topic_close_behind(ctx: TurnContext) -> bool:
        """True when a labour-law topic is the classifier's runner-up, at least this sure."""
        runner_up = ctx.parse.ranking[1:2]
        return bool(
            runner_up
            and topic_for_intent(runner_up[0].name) is not None
            and runner_up[0].confidence >= _TOPIC_RUNNER_UP
        )

    async def _no_active_step(self, _ctx: TurnContext) -> list[Reply]:
        return [Reply(self._prompts.text("no_active_step"), self._prompts.buttons("menu_buttons"))]

    def _simple(self, prompt_key: str, *, with_menu: bool = False) -> Handler:
        async def handler(_ctx: TurnContext) -> list[Reply]:
            buttons = self._prompts.buttons("menu_buttons") if with_menu else ()
            return [Reply(self._prompts.text(prompt_key), buttons)]

        return handler

    def start_flow_handler(self, name: str) -> Handler:
        """A handler that starts flow ``name`` (an open flow is paused, never dropped)."""

        async def handler(ctx: TurnContext) -> list[Reply]:
            return self._flows[name].start(ctx.state)

        return handler

    def _input_problem_reply(self, problem: InputProblem) -> Reply:
        if problem is InputProblem.TOO_LONG:
            return Reply(
                self._prompts.text("text_too_long", limit=self._settings.max_message_chars)
            )
        if problem is InputProblem.EMPTY:
            return Reply(self._prompts.text("empty_message"))
        return Reply(self._prompts.text("unreadable_message"))
