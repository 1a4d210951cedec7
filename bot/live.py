"""Talking to a person, on the chat side.

- ``talk_to_human`` (我要找人工, /human, the 找工作人员 button) queues the conversation for the
  organisation's caseworkers (urgent when a danger was mentioned lately), alerts whoever is on
  duty and tells the worker the staffed hours. ``/end_human`` leaves the queue or the chat.
- While a caseworker has the chat, the leading route ``live`` takes every message: it is
  relayed to the console (sealed to the organisation) and the bot says nothing — except the
  emergency help lines when a message carries a danger, which also alerts the caseworker.
  Deleting one's data still works.
- A caseworker's message about a complaint carries a 回复工作人员 button; tapping it starts
  :class:`~bot.flows.staff_reply.StaffReplyFlow`.
- Background work of a process: tell workers nobody picked up in time, and retry web messages
  the store could not take.

The takeover state lives in ``handoff`` (:class:`handoff.live.chats.LiveChatService`), never in
the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from bot import safety
from bot.delivery import ChannelDelivery, ReplyTokens, WebOutboxSender
from bot.flows.delete_data import DeleteDataFlow
from bot.flows.staff_reply import REPLY_INTENT, StaffReplyFlow
from bot.log import get_logger
from bot.messages import Reply
from bot.prompts import load_prompts
from bot.stores.base import Mailbox, StoreUnavailableError
from bot.turn import SAFETY_SEEN_AT, ForgetHook, Handler, Route, TurnContext
from handoff.errors import DatabaseUnavailableError, NotFoundError
from handoff.live import alerts
from handoff.live import feed as events
from handoff.live.services import LiveServices
from handoff.live.tasks import current_loop, running_here, stop
from handoff.orgs.models import Organisation
from handoff.orgs.service import OrganisationService
from handoff.settings import HandoffSettings

log = get_logger(__name__)

TALK_TO_HUMAN = "talk_to_human"
END_HUMAN = "end_human"
# What still acts while a person has the chat, tapped or typed surely (the rest is relayed):
# deleting one's data must always work (it asks before deleting anything).
_WHILE_LIVE = frozenset({"delete_my_data", END_HUMAN})
_SURE = 0.8
_COMMANDS = frozenset({TALK_TO_HUMAN, END_HUMAN, REPLY_INTENT})
# A danger mentioned this recently makes a request for a person urgent.
_SAFETY_MEMORY_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class LiveDeskParts:
    """What the live desk works with."""

    live: LiveServices
    organisations: OrganisationService
    settings: HandoffSettings
    delivery: ChannelDelivery
    tokens: ReplyTokens
    mailbox: Mailbox
    web_outbox: WebOutboxSender


class LiveDesk:
    """Routes, intent handlers, hooks and background work of live takeover and relay."""

    def __init__(self, parts: LiveDeskParts) -> None:
        self._parts = parts
        self._chats = parts.live.chats
        self._prompts = load_prompts("live")
        self.reply_flow = StaffReplyFlow()
        self._task: asyncio.Task[None] | None = None

    # ---- what the core registers ------------------------------------------------------

    def leading_routes(self) -> list[Route]:
        """Before every other route: a live chat, then the live commands (even mid-flow)."""
        return [
            Route("live", self._is_live, self._relay, silent=True),
            Route("live_command", self._is_command, self._command),
        ]

    def intent_handlers(self) -> dict[str, Handler]:
        """Handlers by intent (typed or tapped)."""
        return {
            TALK_TO_HUMAN: self.talk_to_human,
            END_HUMAN: self.end_human,
            REPLY_INTENT: self.reply_to_staff,
        }

    @property
    def delivery(self) -> ChannelDelivery:
        """How this process reaches workers (channels that send register with it)."""
        return self._parts.delivery

    def forget_hooks(self) -> list[ForgetHook]:
        """What deleting a conversation's data also forgets."""
        return [self.forget]

    # ---- routes -----------------------------------------------------------------------

    def _is_live(self, ctx: TurnContext) -> bool:
        conversation_id = ctx.state.conversation_id
        status = self._chats.status(conversation_id) if conversation_id else None
        if status is None or not status.is_live:
            return False
        if ctx.intent in _WHILE_LIVE and (
            ctx.parse.backend == "payload" or ctx.parse.intent.confidence >= _SURE
        ):
            return False
        flow = ctx.state.flow
        return flow is None or flow.name != DeleteDataFlow.name

    async def _relay(self, ctx: TurnContext) -> list[Reply]:
        text = ctx.text.strip()
        if not text:  # a tapped button: the bot does not act while a person has the chat
            return [
                Reply(self._prompts.text("while_live"), self._prompts.buttons("while_live_buttons"))
            ]
        signal = ctx.turn.safety
        try:
            await self._chats.worker_message(
                ctx.state.conversation_id, text, safety_kinds=signal.kinds if signal else ()
            )
        except DatabaseUnavailableError:
            log.error("live_relay_failed")
            return [Reply(self._prompts.text("relay_failed"))]
        if signal is not None and signal.emergency:
            return safety.help_replies(signal)
        return []

    def _is_command(self, ctx: TurnContext) -> bool:
        return ctx.parse.backend == "payload" and ctx.intent in _COMMANDS

    async def _command(self, ctx: TurnContext) -> list[Reply]:
        return await self.intent_handlers()[ctx.intent](ctx)

    # ---- intent handlers --------------------------------------------------------------

    async def talk_to_human(self, ctx: TurnContext) -> list[Reply]:
        """Queue the conversation for a person and say when people are there."""
        conversation_id = ctx.state.conversation_id
        try:
            org = await asyncio.to_thread(self._organisation)
            if org is None:
                return [
                    Reply(
                        self._prompts.text("no_organisation"),
                        self._prompts.buttons("no_organisation_buttons"),
                    )
                ]
            urgent = self._danger_seen(ctx)
            status, created = await self._chats.request(conversation_id, org.id, urgent=urgent)
        except DatabaseUnavailableError:
            return [Reply(self._prompts.text("unavailable"))]
        if created:
            self._parts.live.alerts.notify(org.id, alerts.LIVE_REQUEST)
        if status.is_live:  # a person took it between two messages
            return [Reply(self._prompts.text("while_live"))]
        key = "queued" if created else "already_queued"
        text = self._prompts.text(key, hours_line=self.hours_line(org.staffed_hours))
        return [Reply(text, self._prompts.buttons("queued_buttons"))]

    def _organisation(self) -> Organisation | None:
        organisations = self._parts.organisations
        name = self._parts.settings.route(None, ())
        if name:
            with contextlib.suppress(NotFoundError):
                return organisations.by_name(name)
        return organisations.default()

    @staticmethod
    def _danger_seen(ctx: TurnContext) -> bool:
        if ctx.turn.safety is not None:
            return True
        seen = ctx.state.context.get(SAFETY_SEEN_AT)
        return isinstance(seen, int) and time.time() - seen < _SAFETY_MEMORY_SECONDS

    def hours_line(self, staffed_hours: str) -> str:
        """The sentence telling the worker when people are there."""
        if staffed_hours.strip():
            return self._prompts.text("hours_line", hours=staffed_hours.strip())
        return self._prompts.text("hours_unknown")

    async def end_human(self, ctx: TurnContext) -> list[Reply]:
        """The worker leaves the queue or the chat."""
        try:
            ended = await self._chats.end_by_worker(ctx.state.conversation_id)
        except DatabaseUnavailableError:
            return [Reply(self._prompts.text("unavailable"))]
        key = "ended_by_worker" if ended is not None else "not_waiting"
        return [Reply(self._prompts.text(key), self._prompts.buttons("ended_buttons"))]

    async def reply_to_staff(self, ctx: TurnContext) -> list[Reply]:
        """回复工作人员: start a reply to the case the button's token stands for."""
        payload = ctx.turn.inbound.payload or ""
        token = payload.split("{", 1)[1].rstrip("}") if "{" in payload else ""
        try:
            target = await self._parts.tokens.resolve(token, ctx.state.conversation_id)
        except StoreUnavailableError:
            target = None
        if target is None:
            return [
                Reply(
                    self._prompts.text("reply_expired"),
                    self._prompts.buttons("reply_expired_buttons"),
                )
            ]
        return self.reply_flow.begin(ctx.state, target.case_id, token)

    # ---- hooks ------------------------------------------------------------------------

    async def forget(self, key: str, conversation_id: str) -> None:
        """The worker deletes their data: the pushed messages and any live chat go too."""
        try:
            await self._parts.mailbox.delete(key)
        except StoreUnavailableError:
            log.error("mailbox_not_purged")  # it expires with the session's lifetime
        await self._chats.forget(conversation_id)

    async def case_submitted(self, case_id: str, org_id: str, urgent: bool) -> None:
        """A new case: the console's queue updates; an urgent one alerts whoever is on duty."""
        await self._parts.live.feed.emit(org_id, events.CASE_NEW, case_id=case_id)
        if urgent:
            self._parts.live.alerts.notify(org_id, alerts.URGENT_CASE)

    async def worker_replied(self, case_id: str) -> None:
        """The worker answered on their case: the case page updates."""
        await self._parts.live.feed.emit_for_case(case_id, events.CASE_MESSAGE)

    # ---- background work of a process ---------------------------------------------------

    def start(self) -> None:
        """Follow other processes' takeovers and run the periodic work (idempotent)."""
        loop = current_loop()
        if loop is None or running_here(self._task):
            return
        self._chats.registry.follow()
        self._task = loop.create_task(self._now_and_then(), name="live-desk")

    async def stop(self) -> None:
        """Stop the periodic work."""
        task, self._task = self._task, None
        await stop(task)

    async def _now_and_then(self) -> None:
        while True:
            await asyncio.sleep(self._parts.settings.live.sweep_seconds)
            try:
                await self.tick()
            except (DatabaseUnavailableError, StoreUnavailableError):
                log.warning("live_tick_skipped")

    async def tick(self) -> None:
        """Tell workers nobody picked up in time; retry web messages the store refused."""
        for item in await self._chats.sweep():
            reply = Reply(
                self._prompts.text(
                    "nobody_picked_up", hours_line=self.hours_line(item.staffed_hours)
                ),
                self._prompts.buttons("nobody_picked_up_buttons"),
            )
            await self._parts.delivery.push(
                item.status.conversation_id, [reply], live_chat_id=item.status.chat_id
            )
        await self._parts.web_outbox.send_due()
