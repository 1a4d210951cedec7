"""Rotate an organisation's key pair: re-seal everything sealed to it, re-grant the members.

A coordinator's open key does the work inside one transaction; afterwards the old key opens
nothing stored (its recovery copy is replaced too). Every column sealed to the organisation is
listed in :data:`SEALED_TO_ORG`, and a test fails when a new binary column is not classified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nacl.public import PrivateKey
from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from handoff.cases.models import Case, CaseMessage
from handoff.console_models import CaseEvent, CaseNote, LiveChat, LiveMessage, StaffSession
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.keys.boxes import BoxOpenError, new_private_key, seal, unseal
from handoff.keys.members import grant, new_recovery_key, wrap_for_recovery
from handoff.models import utcnow
from handoff.orgs.models import Member, Organisation

#: Columns sealed to the organisation's public key, with how to find one organisation's rows.
SEALED_TO_ORG: tuple[InstrumentedAttribute[Any], ...] = (
    Case.content_for_org,
    Case.origin_for_org,
    Case.tags_sealed,
    CaseMessage.body_for_org,
    CaseNote.body_sealed,
    CaseEvent.reason_sealed,
    LiveMessage.body_sealed,
)
# Rows written by requests that read the old public key just before the rotation committed
# are re-sealed by a second pass over what is this recent.
_STRAGGLER_MARGIN = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Rotated:
    """The new key (for the rotating coordinator's session), the new recovery key (shown once)
    and how many sealed values and grants were rewritten."""

    org_key: PrivateKey
    recovery_key: str
    resealed: int
    regranted: int
    key_version: int


def _rows(session: Session, column: InstrumentedAttribute[Any], org_id: str) -> list[Any]:
    model = column.class_
    query = select(model).where(column.is_not(None))
    if model is Case:
        query = query.where(Case.org_id == org_id)
    elif model is LiveMessage:
        query = query.join(LiveChat, LiveChat.id == LiveMessage.chat_id).where(
            LiveChat.org_id == org_id
        )
    else:
        query = query.join(Case, Case.id == model.case_id).where(Case.org_id == org_id)
    return list(session.scalars(query.with_for_update(of=model)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _written_since(row: Any, since: datetime, key_version: int) -> bool:
    """Whether a row may have been sealed after ``since`` (a case: or under an older key)."""
    if isinstance(row, Case):
        return row.key_version < key_version or _aware(row.last_activity_at) >= since
    moment = getattr(row, "created_at", None) or getattr(row, "at", None)
    return not isinstance(moment, datetime) or _aware(moment) >= since


class KeyRotation:
    """Replace an organisation's key pair, with a coordinator's open key."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def rotate(self, org_id: str, old_key: PrivateKey) -> Rotated:
        """New key pair, everything re-sealed, members with a grant re-granted, every login of
        the organisation ended (their sessions hold the old key). One transaction."""
        new_key = new_private_key()
        recovery = new_recovery_key()
        started = utcnow()
        with database_errors(), self._sessions() as session:
            org = session.scalar(
                select(Organisation).where(Organisation.id == org_id).with_for_update()
            )
            if org is None:
                raise NotFoundError(org_id)
            if bytes(old_key.public_key) != bytes(org.public_key):
                raise AccessDeniedError("this is not the organisation's current key")
            # Written first, so that on SQLite the write lock is held for the whole rotation.
            index_key = unseal(old_key, org.index_key_sealed)
            org.public_key = bytes(new_key.public_key)
            org.index_key_sealed = seal(new_key.public_key, index_key)
            org.recovery_wrapped_key = wrap_for_recovery(new_key, recovery)
            org.key_version = (org.key_version or 1) + 1
            session.flush()
            resealed = self._reseal_all(
                session, org_id, lambda blob: seal(new_key.public_key, unseal(old_key, blob))
            )
            session.execute(
                update(Case).where(Case.org_id == org_id).values(key_version=org.key_version)
            )
            members = list(
                session.scalars(
                    select(Member).where(
                        Member.org_id == org_id, Member.org_key_sealed.is_not(None)
                    )
                )
            )
            for member in members:
                member.org_key_sealed = grant(new_key, member.public_key)
            member_ids = select(Member.id).where(Member.org_id == org_id)
            session.execute(delete(StaffSession).where(StaffSession.member_id.in_(member_ids)))
            version = org.key_version
            session.commit()
        resealed += self.sweep(org_id, old_key, new_key, since=started - _STRAGGLER_MARGIN)
        return Rotated(new_key, recovery, resealed, len(members), version)

    def sweep(
        self, org_id: str, old_key: PrivateKey, new_key: PrivateKey, *, since: datetime
    ) -> int:
        """Re-seal values written since ``since`` that are still sealed to the old key (a
        request that read the old public key just before the rotation committed)."""
        new_public = new_key.public_key

        def reseal_if_old(blob: bytes) -> bytes:
            try:
                unseal(new_key, blob)
                return blob
            except BoxOpenError:
                return seal(new_public, unseal(old_key, blob))

        with database_errors(), self._sessions() as session:
            org = session.get(Organisation, org_id)
            if org is None:
                raise NotFoundError(org_id)
            version = org.key_version

            def recent(row: Any) -> bool:
                return _written_since(row, since, version)

            count = self._reseal_all(session, org_id, reseal_if_old, only=recent)
            session.execute(
                update(Case)
                .where(Case.org_id == org_id, Case.key_version < version)
                .values(key_version=version)
            )
            session.commit()
        return count

    @staticmethod
    def _reseal_all(
        session: Session,
        org_id: str,
        reseal: Callable[[bytes], bytes],
        *,
        only: Callable[[Any], bool] | None = None,
    ) -> int:
        changed = 0
        for column in SEALED_TO_ORG:
            for row in _rows(session, column, org_id):
                if only is not None and not only(row):
                    continue
                blob = getattr(row, column.key)
                try:
                    fresh = reseal(blob)
                except BoxOpenError:
                    continue  # neither key opens it: nothing we can do, and nothing to leak
                if fresh is not blob:
                    setattr(row, column.key, fresh)
                    changed += 1
        return changed
