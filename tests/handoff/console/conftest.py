"""Fixtures for the console's case and statistics services (no HTTP): two organisations, a
coordinator and a caseworker, and a way to file cases with chosen clear fields and times."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.models import Case
from handoff.cases.service import CaseService, ComplaintSubmission
from handoff.console.staff import Staff
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.keys.argon import TEST_PROFILE
from handoff.keys.boxes import unseal
from handoff.keys.receipts import new_receipt
from handoff.models import Conversation
from handoff.orgs.models import Organisation
from handoff.orgs.service import OrganisationService, Unlocked

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
