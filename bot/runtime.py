"""Wire the parts together from settings: database, stores, NLU, answers and the core."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from bot.answering import QuestionAnswerer
from bot.complaints import ComplaintDesk, DeskParts
from bot.config import Settings
from bot.core import ConversationCore, CoreSettings
from bot.flows.base import Flow
from bot.kb_answerer import KnowledgeBaseAnswerer
from bot.session import SessionRepository
from bot.stores.base import KeyValueStore, Mailbox
from bot.stores.factory import open_stores
from handoff.cases.service import CaseService
from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import make_engine, session_factory, upgrade
from handoff.orgs.service import OrganisationService
from handoff.snapshots import SnapshotRepository
from knowledge_base.service import default_knowledge_base
from nlu import load_backend
from nlu.types import NluBackend


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

    async def close(self) -> None:
        """Release connections."""
        await self.kv.close()
        await self.mailbox.close()
        self.engine.dispose()

    def warm_up(self) -> None:
        """Load what the first message would otherwise wait for: the knowledge base's jieba
        dictionary, the name tagger of the complaint description, the place names."""
        from bot.flows.intake.pii import identifying_kinds
        from handoff.places import find_places

        warm = getattr(self.core.answerer, "warm_up", None)
        if callable(warm):
            warm()
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


def default_answerer() -> QuestionAnswerer:
    """The knowledge-base answerer over the shipped statutes and curated answers."""
    return KnowledgeBaseAnswerer(default_knowledge_base())


def default_flows() -> list[Flow]:
    """Flows registered in every process."""
    return []


def build_runtime(
    settings: Settings,
    *,
    nlu: NluBackend | None = None,
    answerer: QuestionAnswerer | None = None,
    migrate: bool = True,
    engine: Engine | None = None,
) -> Runtime:
    """Build a runtime; ``migrate`` applies database migrations first (idempotent)."""
    engine = engine or make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    vault = Vault(settings.secrets.secret_key)
    db_sessions = session_factory(engine)
    conversations = ConversationRepository(db_sessions, vault)
    kv, mailbox = open_stores(settings.secrets.redis_url)
    handoff_settings = settings.config.handoff
    sessions = SessionRepository(
        kv,
        vault,
        settings.config.storage.session_ttl_seconds,
        snapshots=SnapshotRepository(db_sessions),
        draft_ttl_seconds=handoff_settings.intake.draft_ttl_hours * 3600,
    )
    nlu_backend = nlu or load_backend(settings=settings.config.nlu)
    cases = CaseService(db_sessions, vault, handoff_settings.receipt_argon2)
    organisations = OrganisationService(db_sessions, handoff_settings.argon2)
    desk = ComplaintDesk(DeskParts(cases, organisations, handoff_settings, kv, sessions))
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
        },
        effect_handlers=desk.effect_handlers(),
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
    )
