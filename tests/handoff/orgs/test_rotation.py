"""Rotating an organisation key: everything sealed to the organisation moves to the new key,
nothing else is touched, and a value written with the old public key during the rotation is
caught by the second pass."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from nacl.public import PrivateKey
from sqlalchemy import Engine, LargeBinary, select

from handoff.cases.models import Case
from handoff.cases.service import CaseService, ComplaintSubmission
from handoff.console_models import CaseEvent, CaseNote, LiveChat, LiveMessage
from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.errors import AccessDeniedError
from handoff.keys.argon import TEST_PROFILE
from handoff.keys.boxes import BoxOpenError, seal, unseal
from handoff.keys.receipts import new_receipt
from handoff.models import Base, utcnow
from handoff.orgs.rotation import SEALED_TO_ORG, KeyRotation
from handoff.orgs.service import OrganisationService

PASSWORD = "a long password 1"
# Binary columns that are not sealed to an organisation, and what protects them instead.
NOT_SEALED_TO_ORG = {
    "cases.lookup_id": "not binary",
    "cases.worker_public_key": "a public key",
    "cases.worker_private_wrapped": "the receipt's key",
    "cases.content_for_worker": "the worker's key",
    "case_messages.body_for_worker": "the worker's key",
    "organisations.public_key": "a public key",
    "organisations.recovery_wrapped_key": "the recovery key (replaced by a rotation)",
    "organisations.index_key_sealed": "re-sealed by the rotation itself",
    "members.public_key": "a public key",
    "members.private_key_wrapped": "the member's password",
    "members.key_salt": "not secret",
    "members.org_key_sealed": "the member's key (re-granted by the rotation)",
    "members.totp_secret_wrapped": "the member's key",
    "staff_sessions.org_key_wrapped": "the session token's key (sessions end)",
    "staff_sessions.index_key_wrapped": "the session token's key (sessions end)",
    "outbox.payload_ciphertext": "the server key",
    "conversations.address_ciphertext": "the server key",
    "conversation_snapshots.ciphertext": "the server key",
    "deployment_values.value": "not secret (the receipt salt)",
}


def test_every_binary_column_is_classified() -> None:
    sealed = {f"{c.class_.__tablename__}.{c.key}" for c in SEALED_TO_ORG}
    binary = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, LargeBinary)
    }
    unclassified = binary - sealed - set(NOT_SEALED_TO_ORG)
    assert unclassified == set(), "add new sealed columns to SEALED_TO_ORG, or classify them here"


def _org(engine: Engine) -> tuple[CaseService, str, PrivateKey]:
    sessions = session_factory(engine)
    vault = Vault("rotation-test-secret-" * 3)
    orgs = OrganisationService(sessions, TEST_PROFILE)
    cases = CaseService(sessions, vault, TEST_PROFILE)
    created = orgs.create("甲工友中心", "ana", PASSWORD)
    return cases, created.org_id, orgs.unlock("ana", PASSWORD).org_key


def _conversation(engine: Engine) -> str:
    return ConversationRepository(
        session_factory(engine), Vault("rotation-test-secret-" * 3)
    ).ensure("web", secrets.token_urlsafe(8))


def _file(engine: Engine, cases: CaseService, org_id: str) -> str:
    conversation = _conversation(engine)
    return cases.submit(
        ComplaintSubmission(
            submission_id=secrets.token_hex(8),
            conversation_id=conversation,
            org_id=org_id,
            categories=("wages",),
            province=None,
            urgent=False,
            content={"answers": {"description": "欠薪"}},
            receipt=new_receipt(),
        )
    ).case_id


def test_notes_events_and_live_messages_move_to_the_new_key(engine: Engine) -> None:
    cases, org_id, old = _org(engine)
    case_id = _file(engine, cases, org_id)
    sessions = session_factory(engine)
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.tags_sealed = seal(old.public_key, b'["tag"]')
        session.add(CaseNote(id="n1", case_id=case_id, body_sealed=seal(old.public_key, b"note")))
        session.add(
            CaseEvent(
                id="e1",
                case_id=case_id,
                kind="status",
                reason_sealed=seal(old.public_key, b"reason"),
            )
        )
        session.add(
            LiveChat(id="c1", conversation_id=_conversation(engine), org_id=org_id, state="live")
        )
        session.flush()
        hello = seal(old.public_key, b"hi")
        session.add(LiveMessage(id="m1", chat_id="c1", author="worker", body_sealed=hello))
        session.commit()
    rotated = KeyRotation(sessions).rotate(org_id, old)
    assert rotated.key_version == 2
    with sessions() as session:
        for column in SEALED_TO_ORG:
            for blob in session.scalars(select(column).where(column.is_not(None))):
                unseal(rotated.org_key, blob)
                with pytest.raises(BoxOpenError):
                    unseal(old, blob)
        assert session.scalar(select(Case.key_version)) == 2


def test_a_wrong_key_rotates_nothing(engine: Engine) -> None:
    cases, org_id, old = _org(engine)
    with pytest.raises(AccessDeniedError):
        KeyRotation(session_factory(engine)).rotate(org_id, PrivateKey.generate())
    assert cases.read_for_org(_file(engine, cases, org_id), org_id, old).content


def test_the_second_pass_catches_a_value_sealed_to_the_old_key(engine: Engine) -> None:
    cases, org_id, old = _org(engine)
    case_id = _file(engine, cases, org_id)
    sessions = session_factory(engine)
    rotation = KeyRotation(sessions)
    rotated = rotation.rotate(org_id, old)
    # A request that read the old public key just before the rotation committed:
    with sessions() as session:
        session.add(CaseNote(id="late", case_id=case_id, body_sealed=seal(old.public_key, b"x")))
        session.commit()
    resealed = rotation.sweep(org_id, old, rotated.org_key, since=utcnow() - timedelta(minutes=1))
    assert resealed == 1
    with sessions() as session:
        note = session.get(CaseNote, "late")
        assert note is not None and unseal(rotated.org_key, note.body_sealed) == b"x"
