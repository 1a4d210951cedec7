"""The complaint desk: starts the intake and the status check, and carries out their effects
against ``handoff`` (submission, look-up by receipt, replies, deletion), with the limits that
keep the queue from being flooded and receipts from being guessed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

from bot.effects import (
    DeleteCase,
    Effect,
    EffectResult,
    OpenCaseByReceipt,
    ReplyToCase,
    SubmitComplaint,
)
from bot.flows.case_status import CaseStatusFlow
from bot.flows.intake.flow import IntakeFlow
from bot.log import get_logger
from bot.messages import Reply
from bot.prompts import load_prompts
from bot.session import SessionRepository
from bot.stores.base import KeyValueStore
from bot.turn import EffectHandler, TurnContext
from handoff.cases.service import CaseService, ComplaintSubmission
from handoff.errors import DatabaseUnavailableError, NotFoundError
from handoff.keys.argon import slow_hash_slots
from handoff.orgs.service import OrganisationService
from handoff.settings import HandoffSettings
from knowledge_base.topics import topic_for_intent

log = get_logger(__name__)
T = TypeVar("T")


@cache
def _slow_pool() -> ThreadPoolExecutor:
    """Threads for work dominated by a slow hash (a receipt), apart from the default pool, so
    a burst of submissions never makes every other message wait for a thread."""
    return ThreadPoolExecutor(max_workers=slow_hash_slots(), thread_name_prefix="slow-hash")


async def _slow(function: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(_slow_pool(), function, *args)


_DAY = 24 * 3600
_HOUR = 3600
_MINUTE = 60


class CaseEvents(Protocol):
    """Told when a case is made or the worker answers on it (the console updates live, urgent
    cases alert the caseworkers on duty); never raises."""

    async def case_submitted(self, case_id: str, org_id: str, urgent: bool) -> None:
        """A new case was committed."""
        ...

    async def worker_replied(self, case_id: str) -> None:
        """The worker added a message to their case."""
        ...


@dataclass(frozen=True, slots=True)
class DeskParts:
    """What the desk works with."""

    cases: CaseService
    organisations: OrganisationService
    settings: HandoffSettings
    store: KeyValueStore
    sessions: SessionRepository
    events: CaseEvents | None = None


class ComplaintDesk:
    """Intent handlers and effect handlers of the complaint flows, for the core."""

    def __init__(self, parts: DeskParts) -> None:
        self._parts = parts
        self.intake = IntakeFlow()
        self.status = CaseStatusFlow()
        self._prompts = load_prompts("intake")

    # ---- what the core registers ------------------------------------------------------

    def effect_handlers(self) -> dict[type[Effect], EffectHandler]:
        """Handlers by effect type."""
        return {
            SubmitComplaint: self.submit,
            OpenCaseByReceipt: self.open_case,
            ReplyToCase: self.reply,
            DeleteCase: self.delete,
        }

    async def start_intake(self, ctx: TurnContext) -> list[Reply]:
        """`file_complaint`: resume an open draft, or start one where complaints are taken."""
        state = ctx.state
        if state.paused_flow(self.intake.name) is not None:
            state.resume(self.intake.name)
            return self.intake.resume(state)
        if not await self._takes_complaints():
            return [Reply(self._prompts.text("no_organisation", hours=self._draft_hours()))]
        return self.intake.begin(
            state,
            channel=ctx.turn.inbound.channel,
            text=ctx.text,
            topic=topic_for_intent(ctx.intent),
        )

    async def start_status(self, ctx: TurnContext) -> list[Reply]:
        """`check_case_status`: ask for the receipt."""
        return self.status.start(ctx.state)

    async def _takes_complaints(self) -> bool:
        try:
            count = await asyncio.to_thread(self._parts.organisations.count)
        except DatabaseUnavailableError:
            return True  # the draft is kept; submission says plainly if the database is down
        if count == 0:
            log.error(
                "no_organisation_takes_complaints", fix="gongyou org add NAME --coordinator USER"
            )
        return count > 0

    def _draft_hours(self) -> int:
        return self._parts.settings.intake.draft_ttl_hours

    # ---- effects ----------------------------------------------------------------------

    async def submit(self, ctx: TurnContext, effect: Effect) -> EffectResult:
        """Make the case; say plainly why not when it cannot be made now."""
        assert isinstance(effect, SubmitComplaint)  # noqa: S101 - registered for this type
        parts = self._parts
        failure_info = {"draft_ttl_hours": self._draft_hours()}
        day_key = "intake_day:" + ctx.key
        used = await parts.store.get(day_key)
        if used is not None and int(used) >= parts.settings.intake.max_cases_per_day:
            return EffectResult(ok=False, problem="daily_limit", value=failure_info)
        # The receipt must outlive a crash between the commit and the end of this turn.
        await parts.sessions.save(ctx.key, ctx.state)
        try:
            org = await asyncio.to_thread(self._organisation_for, effect)
            if org is None:
                log.error("no_organisation_takes_complaints")
                return EffectResult(ok=False, problem="no_organisation", value=failure_info)
            submission = ComplaintSubmission(
                submission_id=effect.submission_id,
                conversation_id=ctx.state.conversation_id,
                org_id=org[0],
                categories=effect.categories,
                province=effect.province,
                urgent=effect.urgent,
                content=effect.content,
                receipt=effect.receipt,
            )
            outcome = await _slow(parts.cases.submit, submission)
            if not outcome.created:
                opened = await _slow(parts.cases.find_by_receipt, effect.receipt)
                if opened != outcome.case_id:
                    return EffectResult(ok=False, problem="receipt_lost", value=failure_info)
        except DatabaseUnavailableError:
            log.warning("submit_deferred_database_unavailable")
            return EffectResult(ok=False, problem="database", value=failure_info)
        if outcome.created:
            await parts.store.incr(day_key, ttl_seconds=_DAY)
            log.info("case_submitted", urgent=effect.urgent, categories=list(effect.categories))
            if parts.events is not None:
                await parts.events.case_submitted(outcome.case_id, org[0], effect.urgent)
        info = {"org_hours": org[1], "first_reply": parts.settings.intake.first_reply}
        return EffectResult(ok=True, value=info)

    def _organisation_for(self, effect: SubmitComplaint) -> tuple[str, str] | None:
        organisations = self._parts.organisations
        name = self._parts.settings.route(effect.province, effect.categories)
        if name:
            try:
                org = organisations.by_name(name)
            except NotFoundError:
                log.error("routing_names_unknown_organisation")
                org = None
            if org is not None:
                return org.id, org.staffed_hours
        default = organisations.default()
        return (default.id, default.staffed_hours) if default is not None else None

    async def open_case(self, ctx: TurnContext, effect: Effect) -> EffectResult:
        """Look up by receipt, within the per-conversation and global attempt limits."""
        assert isinstance(effect, OpenCaseByReceipt)  # noqa: S101 - registered for this type
        parts = self._parts
        limits = parts.settings.intake
        wrong_key = "receipt_wrong:" + ctx.key
        wrong = await parts.store.get(wrong_key)
        if wrong is not None and int(wrong) >= limits.receipt_attempts_per_hour:
            return EffectResult(ok=False, problem="rate_limited")
        attempts = await parts.store.incr("receipt_attempts:global", ttl_seconds=_MINUTE)
        if attempts > limits.receipt_attempts_per_minute_global:
            log.warning("receipt_attempts_over_global_limit")
            return EffectResult(ok=False, problem="rate_limited")
        try:
            view = await _slow(parts.cases.worker_view, effect.receipt)
        except DatabaseUnavailableError:
            return EffectResult(ok=False, problem="database")
        if view is None:
            await parts.store.incr(wrong_key, ttl_seconds=_HOUR)
            return EffectResult(ok=False, problem="not_found")
        return EffectResult(ok=True, value=view)

    async def reply(self, _ctx: TurnContext, effect: Effect) -> EffectResult:
        """Attach the worker's message to their case."""
        assert isinstance(effect, ReplyToCase)  # noqa: S101 - registered for this type
        try:
            await asyncio.to_thread(
                self._parts.cases.add_message, effect.case_id, "worker", effect.text
            )
        except DatabaseUnavailableError:
            return EffectResult(ok=False, problem="database")
        except NotFoundError:
            return EffectResult(ok=False, problem="not_found")
        if self._parts.events is not None:
            await self._parts.events.worker_replied(effect.case_id)
        return EffectResult(ok=True)

    async def delete(self, _ctx: TurnContext, effect: Effect) -> EffectResult:
        """Delete the case the worker opened with their receipt."""
        assert isinstance(effect, DeleteCase)  # noqa: S101 - registered for this type
        try:
            await asyncio.to_thread(self._parts.cases.delete, effect.case_id)
        except DatabaseUnavailableError:
            return EffectResult(ok=False, problem="database")
        log.info("case_deleted_by_worker")
        return EffectResult(ok=True)
