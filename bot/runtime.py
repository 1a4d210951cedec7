"""Wire the parts together from settings: database, stores, NLU, answers and the core."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, text

from bot.answering import QuestionAnswerer
from bot.complaints import ComplaintDesk, DeskParts
from bot.config import Settings
from bot.core import ConversationCore, CoreSettings
from bot.delivery import (
    ChannelControl,
    ChannelDelivery,
    DeliveryParts,
    ReplyTokens,
    WebOutboxSender,
)
from bot.flows.base import Flow
from bot.flows.staff_reply import StaffReplyFlow
from bot.kb_answerer import KnowledgeBaseAnswerer
from bot.live import LiveDesk, LiveDeskParts
from bot.log import get_logger
from bot.session import SessionRepository
from bot.stores.base import KeyValueStore, Mailbox
from bot.stores.factory import open_stores
from handoff.cases.service import CaseService
from handoff.console.services import ConsoleServices
from handoff.console.throttle import limits_uri
from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import make_engine, session_factory, upgrade
from handoff.live.services import build_live_services
from handoff.orgs.service import OrganisationService
from handoff.outbox import OutboxRepository
from handoff.ports import Delivery, OutgoingMessage, WorkerDelivery
from handoff.snapshots import SnapshotRepository
from knowledge_base.service import default_knowledge_base
from nlu import load_backend
from nlu.types import NluBackend

log = get_logger(__name__)


@dataclass
class Runtime:
    """Everything a process needs to serve conversations."""

    settings: Settings
    engine: Engine
    vault: Vault
    conversations: ConversationRepository
    kv: KeyValueStore
    mailbox: Mailbox
    sessions: SessionRepository
    nlu: NluBackend
    core: ConversationCore
    cases: CaseService
    organisations: OrganisationService
    console: ConsoleServices
    live: LiveDesk

    def start_background(self) -> None:
        """This process's live work, in the running loop: follow takeovers made by other
        processes, tell workers nobody picked up, retry web messages (idempotent)."""
        self.live.start()

    def register_channel(self, channel: str, delivery: WorkerDelivery | None) -> None:
        """A channel that sends from this process delivers its own conversations' messages
        (None: it stopped; messages are queued in the outbox again)."""
        self.live.delivery.register(channel, delivery)

    async def stop_background(self) -> None:
        """Stop this loop's live work (the console feed, alerts and the bus subscriber too)
        and close the store connections this loop opened (the runtime stays usable)."""
        await self.live.stop()
        await self.console.live.close()
        await self.kv.disconnect()
        await self.mailbox.disconnect()

    async def close(self) -> None:
        """Release connections."""
        await self.stop_background()
        await self.kv.close()
        await self.mailbox.close()
        self.engine.dispose()

    def warm_up(self) -> None:
        """Load what the first message would otherwise wait for: the word cutters of the
        knowledge base and the NLU, the safety rules' patterns, the name tagger of the complaint
        description (jieba, which the NLU's cutter shares), the place names; in production also
        the safety layer's sentence encoder."""
        from bot.flows.intake.pii import identifying_kinds
        from handoff.places import find_places
        from nlu.embedded import semantic
        from nlu.tokenizer import get_cutter

        warm = getattr(self.core.answerer, "warm_up", None)
        if callable(warm):
            warm()
        preload = os.environ.get("GONGYOU_PRELOAD_ENCODER", "") == "1"
        if self.settings.config.mode == "production" or preload:
            # The encoder takes ~5 s to load and most messages never need it. In production it
            # loads beside the start-up, ready long before a worker's message asks for it; a
            # development server (and every test) starts without it and loads it on first need,
            # unless GONGYOU_PRELOAD_ENCODER=1 (the benchmarks: as in production).
            threading.Thread(target=semantic.warm_up, name="encoder-warm-up", daemon=True).start()
        get_cutter()
        # One parse builds the safety rules' compiled patterns (about half a second), which
        # the first worker's message would otherwise pay for.
        # (A message the rules decide alone: no danger, so the sentence encoder stays unloaded.)
        self.nlu.parse("你好 工资三个月没发 怎么办")
        identifying_kinds("王小明")
        find_places("广东东莞")

    def database_ok(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - a health check reports, it does not raise
            return False
        return True


class PortsNotWired:
    """Stands in for the channel ports until the runtime wires the real ones: says plainly that
    nothing was delivered rather than pretending."""

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        """Nothing can be delivered yet."""
        log.warning("delivery_not_wired", messages=len(messages))
        return Delivery.UNREACHABLE

    async def taken_over(self, conversation_id: str) -> None:
        """Nothing to tell yet."""
        log.warning("conversation_control_not_wired")

    async def handed_back(self, conversation_id: str) -> None:
        """Nothing to tell yet."""
        log.warning("conversation_control_not_wired")


def build_console_services(settings: Settings, engine: Engine) -> ConsoleServices:
    """The console's services over ``engine`` (cheap: opens no connection). The channel ports
    are placeholders until :func:`build_runtime` wires the real ones."""
    handoff_settings = settings.config.handoff
    db_sessions = session_factory(engine)
    vault = settings.secrets.vault()
    ports = PortsNotWired()
    return ConsoleServices(
        db=db_sessions,
        vault=vault,
        settings=handoff_settings,
        cases=CaseService(db_sessions, vault, handoff_settings.receipt_argon2),
        organisations=OrganisationService(db_sessions, handoff_settings.argon2),
        delivery=ports,
        control=ports,
        limits_storage=limits_uri(settings.secrets.redis_url),
        redis_url=settings.secrets.redis_url,
        secure_cookies=settings.config.mode == "production",
        live=build_live_services(
            db_sessions,
            live=handoff_settings.live,
            alerts=handoff_settings.alerts,
            redis_url=settings.secrets.redis_url,
        ),
    )


def default_answerer() -> QuestionAnswerer:
    """The knowledge-base answerer over the shipped statutes and curated answers."""
    return KnowledgeBaseAnswerer(default_knowledge_base())


def default_flows() -> list[Flow]:
    """Flows registered in every process."""
    return [StaffReplyFlow()]


def build_runtime(
    settings: Settings,
    *,
    nlu: NluBackend | None = None,
    answerer: QuestionAnswerer | None = None,
    migrate: bool = True,
    engine: Engine | None = None,
    console: ConsoleServices | None = None,
) -> Runtime:
    """Build a runtime; ``migrate`` applies database migrations first (idempotent). A web app
    that built ``console`` before start-up passes it here so both share one set of services."""
    engine = engine or make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    console = console or build_console_services(settings, engine)
    vault = console.vault
    db_sessions = console.db
    conversations = ConversationRepository(db_sessions, vault)
    live_services = console.live
    kv, mailbox = open_stores(settings.secrets.redis_url, vault=vault, bus=live_services.bus)
    handoff_settings = settings.config.handoff
    sessions = SessionRepository(
        kv,
        vault,
        settings.config.storage.session_ttl_seconds,
        snapshots=SnapshotRepository(db_sessions),
        draft_ttl_seconds=handoff_settings.intake.draft_ttl_hours * 3600,
    )
    nlu_backend = nlu or load_backend(settings=settings.config.nlu)
    cases = console.cases
    organisations = console.organisations
    live = build_live_desk(settings, console, conversations, kv, mailbox)
    desk = ComplaintDesk(
        DeskParts(cases, organisations, handoff_settings, kv, sessions, events=live)
    )
    core = ConversationCore(
        sessions=sessions,
        conversations=conversations,
        nlu=nlu_backend,
        answerer=answerer or default_answerer(),
        settings=CoreSettings(
            max_message_chars=settings.config.web.max_message_chars,
            confidence_threshold=settings.config.nlu.confidence_threshold,
        ),
        flows=[*default_flows(), desk.intake, desk.status],
        intent_handlers={
            "file_complaint": desk.start_intake,
            "check_case_status": desk.start_status,
            **live.intent_handlers(),
        },
        effect_handlers=desk.effect_handlers(),
        leading_routes=live.leading_routes(),
        forget_hooks=live.forget_hooks(),
    )
    return Runtime(
        settings=settings,
        engine=engine,
        vault=vault,
        conversations=conversations,
        kv=kv,
        mailbox=mailbox,
        sessions=sessions,
        nlu=nlu_backend,
        core=core,
        cases=cases,
        organisations=organisations,
        console=console,
        live=live,
    )


def build_live_desk(
    settings: Settings,
    console: ConsoleServices,
    conversations: ConversationRepository,
    kv: KeyValueStore,
    mailbox: Mailbox,
) -> LiveDesk:
    """Delivery to workers' channels and live takeover, wired into the console's ports."""
    live = console.live
    ttl = settings.config.storage.session_ttl_seconds
    tokens = ReplyTokens(kv, console.vault, ttl)
    outbox = OutboxRepository(console.db, console.vault)
    delivery = ChannelDelivery(DeliveryParts(conversations, outbox, mailbox, tokens, ttl))
    control = ChannelControl(delivery)
    console.delivery, console.control = delivery, control
    live.chats.connect(control, delivery)
    return LiveDesk(
        LiveDeskParts(
            live=live,
            organisations=console.organisations,
            settings=console.settings,
            delivery=delivery,
            tokens=tokens,
            mailbox=mailbox,
            web_outbox=WebOutboxSender(outbox, conversations, mailbox, ttl),
        )
    )
