from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.web.app import create_app
from nlu.types import NluBackend
from tests.bot.conftest import make_settings
from tests.conftest import store_params


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> FastAPI:
    return create_app(settings, runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn server on 127.0.0.1 (for streaming and browser tests)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=1,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(params=store_params())
def served_runtime(
    request: pytest.FixtureRequest, tmp_path: Path, engine: Engine, nlu_backend: NluBackend
) -> Iterator[Runtime]:
    """A runtime for the app on a real server: every configured database, in-process stores
    and, where REDIS_URL is set, Redis. A module uses it with ``runtime = served_runtime``."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    rt = build_runtime(make_settings(tmp_path, redis_url=redis_url), nlu=nlu_backend, engine=engine)
    # Login throttling is tested elsewhere, and its per-loop Redis storage outlives the server's
    # event loop (handoff/console/throttle.py): keep it in-process here.
    rt.console.limits_storage = "async+memory://"
    yield rt
    asyncio.run(rt.close())
