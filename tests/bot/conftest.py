from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from bot.config import Secrets, ServiceConfig, Settings, read_config_file
from bot.runtime import Runtime, build_runtime
from handoff.keys.argon import TEST_PROFILE
from nlu import load_backend
from nlu.types import NluBackend
from tests.conftest import store_params

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def nlu_backend() -> NluBackend:
    """The real embedded NLU, trained once (cached) from nlu/data."""
    return load_backend("embedded")


def make_settings(tmp_path: Path, *, redis_url: str | None = None) -> Settings:
    config: ServiceConfig = read_config_file(ROOT / "config.yml")
    config.handoff.argon2 = TEST_PROFILE  # the production cost is pinned in tests/handoff
    config.handoff.receipt_argon2 = TEST_PROFILE
    return Settings(
        config=config,
        secrets=Secrets(
            database_url=None, redis_url=redis_url, secret_key=SecretStr("test-secret-" * 4)
        ),
        var_dir=tmp_path,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def runtime(settings: Settings, sqlite_url: str, nlu_backend: NluBackend) -> Iterator[Runtime]:
    """Embedded defaults: SQLite file and in-process stores (usable from sync and async tests)."""
    from handoff.db import make_engine

    rt = build_runtime(settings, nlu=nlu_backend, engine=make_engine(sqlite_url))
    yield rt
    asyncio.run(rt.close())


@pytest.fixture
async def real_runtime(
    tmp_path: Path, engine: Engine, nlu_backend: NluBackend, request: pytest.FixtureRequest
) -> AsyncIterator[Runtime]:
    """Every configured database, with Redis when REDIS_URL is set (else in-process)."""
    from tests.conftest import REDIS_URL

    redis_url = request.getfixturevalue("redis_url") if REDIS_URL else None
    rt = build_runtime(make_settings(tmp_path, redis_url=redis_url), nlu=nlu_backend, engine=engine)
    yield rt
    await rt.close()


ORG = "测试工友中心"
COORDINATOR = "coord"
PASSWORD = "correct horse battery staple"


def add_organisation(rt: Runtime) -> str:
    """A default organisation with one coordinator; returns its recovery key."""
    return rt.organisations.create(ORG, COORDINATOR, PASSWORD, default=True).recovery_key


@pytest.fixture
def org_runtime(runtime: Runtime) -> Runtime:
    """Embedded defaults with an organisation that takes complaints."""
    add_organisation(runtime)
    return runtime


@pytest.fixture
async def real_org_runtime(real_runtime: Runtime) -> Runtime:
    """Every configured backend, with an organisation that takes complaints."""
    add_organisation(real_runtime)
    return real_runtime


@pytest.fixture(params=store_params())
async def any_org_runtime(
    request: pytest.FixtureRequest, tmp_path: Path, engine: Engine, nlu_backend: NluBackend
) -> AsyncIterator[Runtime]:
    """In-process stores and, where REDIS_URL is set, Redis; on every configured database;
    with an organisation that takes complaints."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    rt = build_runtime(make_settings(tmp_path, redis_url=redis_url), nlu=nlu_backend, engine=engine)
    add_organisation(rt)
    yield rt
    await rt.close()
