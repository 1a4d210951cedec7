"""The console over HTTP: an app with only the console's routes, two organisations with cases,
and logged-in clients of every role. Runs on every configured database, with Redis-backed
throttling when REDIS_URL is set."""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from bot.config import Secrets, Settings, read_config_file
from bot.runtime import build_console_services
from handoff.cases.service import ComplaintSubmission
from handoff.console.router import build_console_router
from handoff.console.services import ConsoleServices
from handoff.console.templating import STATIC_DIR, STATIC_PREFIX
from handoff.console.throttle import close_limiters
from handoff.conversations import ConversationRepository
from handoff.keys.argon import TEST_PROFILE
from handoff.keys.receipts import new_receipt
from handoff.ports import Delivery, OutgoingMessage
from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[4]
PASSWORD = "a long password 1"
ORG_A = "甲工友中心"
ORG_B = "乙劳工服务部"
# Words only organisation A's complaint holds: no response to anyone else may contain them.
SECRET_A = "甲厂秘密标记"


class RecordingPorts:
    """Delivery and conversation control that only record what they were asked."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, list[OutgoingMessage]]] = []

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        self.delivered.append((conversation_id, list(messages)))
        return Delivery.QUEUED

    async def taken_over(self, conversation_id: str) -> None:
        return None

    async def handed_back(self, conversation_id: str) -> None:
        return None


def make_services(engine: Engine, redis_url: str | None) -> ConsoleServices:
    """The console's services as the web app builds them, with the cheap Argon2 profile and
    low login limits; Redis (limits, live bus) when ``redis_url`` is given."""
    config = read_config_file(ROOT / "config.yml")
    config.handoff.argon2 = TEST_PROFILE
    config.handoff.receipt_argon2 = TEST_PROFILE
    config.handoff.console.login_failures_per_account = 3
    config.handoff.console.login_failures_per_ip = 6
    settings = Settings(
        config=config,
        secrets=Secrets(redis_url=redis_url, secret_key=SecretStr("console-test-secret-" * 3)),
        var_dir=Path(tempfile.gettempdir()),
    )
    services = build_console_services(settings, engine)
    services.secure_cookies = True
    services.delivery = services.control = RecordingPorts()
    return services


@pytest.fixture
def services(engine: Engine, request: pytest.FixtureRequest) -> ConsoleServices:
    """On every configured database; Redis (flushed) when REDIS_URL is set."""
    redis_url = request.getfixturevalue("redis_url") if REDIS_URL else None
    return make_services(engine, redis_url)


@asynccontextmanager
async def _closing_limiters(_app: FastAPI) -> AsyncIterator[None]:
    # As bot/web/app.py does when its loop ends: the throttles' Redis connections belong to
    # this loop (left open, they were ResourceWarnings at the end of the suite).
    yield
    await close_limiters()


def console_app(services: ConsoleServices) -> FastAPI:
    """The console as bot/web/app.py mounts it, without the chat."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=_closing_limiters)
    app.state.console_services = services
    app.include_router(build_console_router(services))
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="console-static")
    return app


@pytest.fixture
def app(services: ConsoleServices) -> FastAPI:
    return console_app(services)


@dataclass
class World:
    """Organisation A (coordinator ana, caseworker cai) and B (coordinator bo, caseworker
    bei), each with one case; A's complaint holds SECRET_A."""

    services: ConsoleServices
    org_a: str
    org_b: str
    recovery_a: str
    members: dict[str, str]
    case_a: str
    case_b: str
    conversation_a: str


def file_case(services: ConsoleServices, org_id: str, text: str, conversation: str) -> str:
    return services.cases.submit(
        ComplaintSubmission(
            submission_id=secrets.token_hex(8),
            conversation_id=conversation,
            org_id=org_id,
            categories=("wages",),
            province="广东省",
            urgent=False,
            content={"answers": {"description": text}, "summary": [["情况", text]]},
            receipt=new_receipt(),
        )
    ).case_id


@pytest.fixture
def world(services: ConsoleServices) -> World:
    orgs = services.organisations
    a = orgs.create(ORG_A, "ana", PASSWORD)
    b = orgs.create(ORG_B, "bo", PASSWORD)
    members = {"ana": a.coordinator_id, "bo": b.coordinator_id}
    for name, org, coordinator in (("cai", ORG_A, "ana"), ("bei", ORG_B, "bo")):
        members[name] = orgs.add_member(org, name, "caseworker", PASSWORD)
        orgs.grant(orgs.unlock(coordinator, PASSWORD), name)
    conversations = ConversationRepository(services.db, services.vault)
    conv_a = conversations.ensure("web", secrets.token_urlsafe(8))
    conv_b = conversations.ensure("web", secrets.token_urlsafe(8))
    return World(
        services=services,
        org_a=a.org_id,
        org_b=b.org_id,
        recovery_a=a.recovery_key,
        members=members,
        case_a=file_case(services, a.org_id, f"{SECRET_A}：三个月没发工资", conv_a),
        case_b=file_case(services, b.org_id, "乙厂：加班不给钱", conv_b),
        conversation_a=conv_a,
    )


def api_login(client: TestClient, username: str, password: str = PASSWORD, totp: str = "") -> str:
    """Log in through the API; returns the bearer token."""
    response = client.post(
        "/api/console/login", json={"username": username, "password": password, "totp": totp}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def browser_login(
    client: TestClient, username: str, password: str = PASSWORD, totp: str = ""
) -> str:
    """Log in through the form like a browser; returns the CSRF token of the new login."""
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "totp": totp,
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/console/account").text)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # https, so that the Secure cookie is sent back.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
