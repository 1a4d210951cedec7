"""The append-only audit log: who did what, when, to which case (never content).

The database refuses UPDATE and DELETE on ``audit_log`` (migration 0003); this module only
appends and reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handoff.console_models import AuditEntry
from handoff.dbguard import database_errors
from handoff.models import utcnow

#: Actions the console writes; other parts may add their own names.
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "case_view",
    "decrypt",
    "status_change",
    "claim",
    "assign",
    "note",
    "tag",
    "message",
    "export",
    "live_takeover",
    "live_handback",
    "key_grant",
    "key_rotate",
    "recovery_grant",
    "account_add",
    "account_remove",
    "password_change",
    "totp_enrol",
    "totp_disable",
    "totp_reset",
    "org_settings",
    "audit_view",
)
_DETAIL_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: an account (or a name typed at a failed login) and its organisation."""

    org_id: str | None
    member_id: str | None
    username: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a coordinator narrows the log to."""

    member_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    case_id: str | None = None


def encode_detail(detail: dict[str, object]) -> str:
    """Details as compact JSON (ids, counts, statuses; never a worker's words)."""
    if not detail:
        return ""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    return text[:_DETAIL_LIMIT]


class AuditLog:
    """Append entries and read them back for one organisation."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def append(
        self,
        actor: Actor,
        action: str,
        case_id: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        """Add one entry (its own transaction, so a failed action is still recorded)."""
        entry = AuditEntry(
            at=utcnow(),
            org_id=actor.org_id,
            member_id=actor.member_id,
            username=actor.username[:64],
            action=action[:40],
            case_id=case_id,
            detail=encode_detail(detail or {}),
        )
        with database_errors(), self._sessions() as session:
            session.add(entry)
            session.commit()

    def entries(self, org_id: str, where: AuditFilter, limit: int = 200) -> Sequence[AuditEntry]:
        """The newest entries of ``org_id`` matching ``where``."""
        query = select(AuditEntry).where(AuditEntry.org_id == org_id)
        if where.member_id:
            query = query.where(AuditEntry.member_id == where.member_id)
        if where.action:
            query = query.where(AuditEntry.action == where.action)
        if where.case_id:
            query = query.where(AuditEntry.case_id == where.case_id)
        if where.since is not None:
            query = query.where(AuditEntry.at >= where.since)
        if where.until is not None:
            query = query.where(AuditEntry.at < where.until)
        query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        with database_errors(), self._sessions() as session:
            return list(session.scalars(query))
