"""Fixtures for the console's case and statistics services (no HTTP): two organisations, a
coordinator and a caseworker, and a way to file cases with chosen clear fields and times."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.models import Case
from handoff.cases.service import CaseService, ComplaintSubmission
from handoff.console.auth_routes import build_auth_router
from handoff.console.cases_routes import build_cases_router
from handoff.console.deps import require_csrf
from handoff.console.services import ConsoleServices
from handoff.console.staff import Staff
from handoff.console.stats_routes import build_stats_router
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.keys.argon import TEST_PROFILE
from handoff.keys.boxes import unseal
from handoff.keys.receipts import new_receipt
from handoff.models import Conversation
from handoff.orgs.models import Organisation
from handoff.orgs.service import OrganisationService, Unlocked
from handoff.ports import Delivery, OutgoingMessage

PASSWORD = "a long password 1"
# A fixed clock for SLA tests: every case's age is measured from here.
NOW = datetime.fromisoformat("2026-06-15T12:00:00+00:00")


def staff_of(sessions: sessionmaker[Session], unlocked: Unlocked) -> Staff:
    """A logged-in member as the console's routes receive one."""
    with sessions() as session:
        org = session.get(Organisation, unlocked.org_id)
        assert org is not None
        index_key = unseal(unlocked.org_key, org.index_key_sealed)
        name = org.name
    return Staff(
        member_id=unlocked.member_id,
        username=unlocked.username,
        role=unlocked.role,
        org_id=unlocked.org_id,
        org_name=name,
        org_key=unlocked.org_key,
        index_key=index_key,
        session_id="s-" + unlocked.username,
    )


@dataclass
class Desk:
    """Two organisations: 甲 (coordinator lin, caseworkers mei and bo) and 乙 (coordinator wu)."""

    engine: Engine
    sessions: sessionmaker[Session]
    orgs: OrganisationService
    cases: CaseService
    lin: Staff
    mei: Staff
    bo: Staff
    wu: Staff
    conversations: list[str] = field(default_factory=list)

    def file(
        self,
        staff: Staff | None = None,
        *,
        employer: str | None = None,
        brands: str | None = None,
        categories: tuple[str, ...] = ("wages",),
        province: str | None = "广东省",
        urgent: bool = False,
        age: timedelta | None = None,
        summary: list[list[str]] | None = None,
        answers: dict[str, Any] | None = None,
    ) -> str:
        """File a case to ``staff``'s organisation (甲 by default), ``age`` before NOW (by
        default about an hour, each case a second newer than the one filed before)."""
        org_id = (staff or self.lin).org_id
        conversation_id = secrets.token_hex(16)
        with self.sessions() as session:
            session.add(
                Conversation(
                    id=conversation_id,
                    key_index=secrets.token_hex(32),
                    channel="web",
                    address_ciphertext=b"x",
                )
            )
            session.commit()
        self.conversations.append(conversation_id)
        content = {
            "form": "intake/1",
            "answers": {"employer": employer, "brands": brands, **(answers or {})},
            "summary": summary or [["雇主", employer or ""], ["品牌", brands or ""]],
        }
        case_id = self.cases.submit(
            ComplaintSubmission(
                submission_id=secrets.token_hex(8),
                conversation_id=conversation_id,
                org_id=org_id,
                categories=categories,
                province=province,
                urgent=urgent,
                content=content,
                receipt=new_receipt(),
            )
        ).case_id
        if age is None:
            age = timedelta(hours=1, seconds=-len(self.conversations))
        created = NOW - age
        with self.sessions() as session:
            session.execute(
                update(Case)
                .where(Case.id == case_id)
                .values(created_at=created, last_activity_at=created)
            )
            session.commit()
        return case_id

    def session(self) -> Session:
        return self.sessions()


@pytest.fixture
def desk(engine: Engine) -> Desk:
    sessions = session_factory(engine)
    orgs = OrganisationService(sessions, TEST_PROFILE)
    cases = CaseService(sessions, Vault("k" * 40), TEST_PROFILE)
    orgs.create("机构甲", "lin", PASSWORD, default=True)
    orgs.create("机构乙", "wu", PASSWORD)
    lin = orgs.unlock("lin", PASSWORD)
    for name in ("mei", "bo"):
        orgs.add_member("机构甲", name, "caseworker", PASSWORD)
        orgs.grant(lin, name)
    people = {
        name: staff_of(sessions, orgs.unlock(name, PASSWORD)) for name in ("lin", "mei", "bo", "wu")
    }
    return Desk(
        engine, sessions, orgs, cases, people["lin"], people["mei"], people["bo"], people["wu"]
    )


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


class RecordingDelivery:
    """The delivery port, recording what would reach the worker; answers ``outcome``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str], str | None]] = []
        self.outcome = Delivery.DELIVERED

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        self.sent.append((conversation_id, [m.text for m in messages], case_id))
        return self.outcome


@dataclass
class Console:
    """The case and statistics routes on a bare app (login from the accounts router)."""

    client: TestClient
    services: ConsoleServices
    delivery: RecordingDelivery

    def login(self, username: str) -> dict[str, str]:
        """Bearer headers for ``username`` (also leaves the session cookie in the client)."""
        reply = self.client.post(
            "/api/console/login", json={"username": username, "password": PASSWORD}
        )
        assert reply.status_code == 200, reply.text
        return {"Authorization": "Bearer " + reply.json()["access_token"]}

    def csrf(self, path: str) -> str:
        """The CSRF token of the page at ``path`` (cookie login)."""
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, "no CSRF field on the page"
        return html.unescape(match.group(1))


@pytest.fixture
def console(desk: Desk, tmp_path: Path) -> Iterator[Console]:
    from bot.config import Secrets, Settings, read_config_file
    from bot.runtime import build_console_services

    config = read_config_file(Path(__file__).resolve().parents[3] / "config.yml")
    config.handoff.argon2 = TEST_PROFILE
    config.handoff.receipt_argon2 = TEST_PROFILE
    settings = Settings(
        config=config,
        secrets=Secrets(secret_key=SecretStr("console-test-" * 4)),
        var_dir=tmp_path,
    )
    services = build_console_services(settings, desk.engine)
    delivery = RecordingDelivery()
    services.delivery = delivery
    app = FastAPI()
    app.state.console_services = services
    guarded = [Depends(require_csrf)]
    app.include_router(build_auth_router(services))
    app.include_router(build_cases_router(services), dependencies=guarded)
    app.include_router(build_stats_router(services), dependencies=guarded)
    with TestClient(app, follow_redirects=False) as client:
        yield Console(client, services, delivery)
