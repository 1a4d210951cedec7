"""Fixtures for the live parts without HTTP: a migrated database (SQLite, and PostgreSQL when
configured), a wake-up bus (in-process, and Redis when configured), an organisation with one
member and a conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.keys.argon import TEST_PROFILE
from handoff.live.bus import InProcessBus, RedisBus, WakeBus
from handoff.orgs.service import OrganisationService, Unlocked
from tests.conftest import store_params

PASSWORD = "a long password 1"


@pytest.fixture
def db(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def vault() -> Vault:
    return Vault("live-test-secret-" * 3)


@pytest.fixture(params=store_params())
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[WakeBus]:
    """The in-process bus, and Redis pub/sub when REDIS_URL is set."""
    wake: WakeBus
    if request.param == "memory":
        wake = InProcessBus()
    else:
        wake = RedisBus(request.getfixturevalue("redis_url"))
    yield wake
    await wake.close()


@dataclass
class Org:
    """An organisation with its coordinator unlocked (the org key open)."""

    id: str
    member: Unlocked
    service: OrganisationService


def make_org(db: sessionmaker[Session], name: str, coordinator: str, *, hours: str = "") -> Org:
    service = OrganisationService(db, TEST_PROFILE)
    created = service.create(name, coordinator, PASSWORD, default=True, hours=hours)
    return Org(created.org_id, service.unlock(coordinator, PASSWORD), service)


@pytest.fixture
def org(db: sessionmaker[Session]) -> Org:
    return make_org(db, "甲工友中心", "lin", hours="周一至周五 9:00-18:00")


@pytest.fixture
def conversation(db: sessionmaker[Session], vault: Vault) -> str:
    return ConversationRepository(db, vault).ensure("web", "page-secret-" + "x" * 20)
