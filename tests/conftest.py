"""Shared fixtures: every store and database test runs on the embedded implementations and,
when TEST_DATABASE_URL / REDIS_URL are set (CI sets both), on real PostgreSQL and Redis.
If those variables are set but the services cannot be reached, the run fails — never skips."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from sqlalchemy import Engine, create_engine, text

from handoff.db import make_engine, normalize_database_url, upgrade
from tests.nlu import rasa_prefetch


def _redis_url_of_this_worker(url: str | None) -> str | None:
    """``url`` with its own Redis database for this pytest-xdist worker.

    Redis tests empty their database before and after each test, so two workers must not share
    one: worker ``gwN`` uses the configured database number minus N (plus N where that would
    reach database 0, which other users of a shared Redis expect to keep). Set in the
    environment too, so servers a test starts as subprocesses use the same one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    offset = int(worker[2:])
    if offset == 0:
        return url
    parts = urlsplit(url)
    path = parts.path.strip("/")
    configured = int(path) if path.isdigit() else 0
    database = configured - offset if configured - offset >= 1 else configured + offset
    moved = urlunsplit(parts._replace(path=f"/{database}"))
    os.environ["REDIS_URL"] = moved
    return moved


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
REDIS_URL = _redis_url_of_this_worker(os.environ.get("REDIS_URL") or None)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run when configured real services are unreachable."""
    problems = []
    if TEST_DATABASE_URL:
        probe = create_engine(normalize_database_url(TEST_DATABASE_URL))
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}")
        finally:
            probe.dispose()
    if REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        try:
            client.ping()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"REDIS_URL is set but Redis is unreachable: {exc}")
        finally:
            client.close()
    if problems:
        raise pytest.UsageError("\n".join(problems))


#: For tests of Redis itself (beside ``pytest.mark.redis``): skipped without REDIS_URL.
needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="REDIS_URL not set")


def database_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if TEST_DATABASE_URL:
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


def store_params() -> list[object]:
    params: list[object] = [pytest.param("memory", id="memory")]
    if REDIS_URL:
        params.append(pytest.param("redis", id="redis", marks=pytest.mark.redis))
    return params


def deployment_params() -> list[object]:
    """(store, database) pairs for the slowest end-to-end tests, which run on the two ways the
    service is deployed rather than on every mix: the embedded defaults, and Redis with
    PostgreSQL where both are configured. Used with ``indirect=True``."""
    params: list[object] = [pytest.param("memory", "sqlite", id="memory-sqlite")]
    if REDIS_URL and TEST_DATABASE_URL:
        params.append(
            pytest.param(
                "redis",
                "postgresql",
                id="redis-postgresql",
                marks=[pytest.mark.redis, pytest.mark.postgres],
            )
        )
    return params


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gongyou.db'}"


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    assert TEST_DATABASE_URL, "postgres tests need TEST_DATABASE_URL"
    schema = "gy_test_" + secrets.token_hex(6)
    admin = create_engine(normalize_database_url(TEST_DATABASE_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(TEST_DATABASE_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=database_params())
def engine(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    """A migrated database: SQLite always, PostgreSQL when configured."""
    if request.param == "sqlite":
        eng = make_engine(sqlite_url)
        upgrade(eng)
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("postgres_engine")
        upgrade(eng)
        yield eng


@pytest.fixture
def redis_url() -> Iterator[str]:
    """REDIS_URL, with the test database emptied before and after."""
    assert REDIS_URL, "redis tests need REDIS_URL"
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the loop uvicorn uses)."""
    return "asyncio"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Start training the Rasa tests' model now, if they are in this run (rasa_prefetch).

    First among the hooks: under xdist a worker reports its collection in this hook, and the
    training lock must be held before any worker can start a Rasa test."""
    if not session.config.option.collectonly:
        rasa_prefetch.start(session.items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a Rasa training nobody waited for (an interrupted run) and remove its files."""
    rasa_prefetch.stop(interrupted=session.exitstatus == pytest.ExitCode.INTERRUPTED)
