"""Wire the parts together from settings: database, stores, NLU, answers and the core."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from bot.answering import QuestionAnswerer
from bot.config import Settings
from bot.core import ConversationCore, CoreSettings
from bot.flows.base import Flow
from bot.kb_answerer import KnowledgeBaseAnswerer
from bot.session import SessionRepository
from bot.stores.base import KeyValueStore, Mailbox
from bot.stores.factory import open_stores
from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import make_engine, session_factory, upgrade
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

    async def close(self) -> None:
        """Release connections."""
        await self.kv.close()
        await self.mailbox.close()
        self.engine.dispose()

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
    conversations = ConversationRepository(session_factory(engine), vault)
    kv, mailbox = open_stores(settings.secrets.redis_url)
    sessions = SessionRepository(
        kv,
        vault,
        settings.config.storage.session_ttl_seconds,
        snapshots=SnapshotRepository(session_factory(engine)),
    )
    nlu_backend = nlu or load_backend(settings=settings.config.nlu)
    core = ConversationCore(
        sessions=sessions,
        conversations=conversations,
        nlu=nlu_backend,
        answerer=answerer or default_answerer(),
        settings=CoreSettings(
            max_message_chars=settings.config.web.max_message_chars,
            confidence_threshold=settings.config.nlu.confidence_threshold,
        ),
        flows=default_flows(),
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
    )
