"""Console logins: the organisation key re-encrypted under a key only the member carries.

At login the organisation key (and the index key) are wrapped under a random 32-byte key that
exists only in the member's cookie or bearer token (``<id>.<key>``). The database keeps the
wrapped copies and a hash of the id, so any server process can serve the member and nothing
stored opens a case. Logout and expiry delete the row.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nacl.public import PrivateKey
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from handoff.console.staff import Staff
from handoff.console_models import StaffSession
from handoff.dbguard import database_errors
from handoff.keys.boxes import BoxOpenError, new_symmetric_key, unwrap, wrap
from handoff.models import utcnow
from handoff.orgs.models import Member, Organisation
from handoff.settings import ConsoleSettings

_ID_BYTES = 24
# last_seen_at is written at most this often, so reading pages does not write every time.
_TOUCH_EVERY = timedelta(seconds=60)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class SessionToken:
    """What the member carries: the session's public id and the key that unwraps its keys."""

    public_id: str
    key: bytes

    @classmethod
    def new(cls) -> SessionToken:
        """A fresh random token."""
        return cls(secrets.token_urlsafe(_ID_BYTES), new_symmetric_key())

    @classmethod
    def parse(cls, raw: str) -> SessionToken | None:
        """The token in a cookie or bearer header, or None when malformed."""
        public_id, dot, key_text = raw.strip().partition(".")
        if not dot or not public_id or len(public_id) > 64:
            return None
        try:
            key = _unb64(key_text)
        except (binascii.Error, ValueError):
            return None
        return cls(public_id, key) if len(key) == 32 else None

    def encode(self) -> str:
        """The cookie or bearer value."""
        return f"{self.public_id}.{_b64(self.key)}"

    @property
    def row_id(self) -> str:
        """What the database stores: a hash of the public id, never the id itself."""
        return hashlib.sha256(self.public_id.encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class Opened:
    """A session row's member, organisation and keys, opened with the member's token."""

    staff: Staff
    member: Member
    organisation: Organisation


class StaffSessions:
    """Create, resolve and end console logins."""

    def __init__(self, sessions: sessionmaker[Session], settings: ConsoleSettings) -> None:
        self._sessions = sessions
        self._settings = settings

    def open(
        self, member_id: str, org_key: PrivateKey, index_key: bytes | None
    ) -> tuple[SessionToken, datetime]:
        """Store a new login for ``member_id``; returns its token and when it expires."""
        token = SessionToken.new()
        now = utcnow()
        expires = now + timedelta(hours=self._settings.session_hours)
        row = StaffSession(
            id=token.row_id,
            member_id=member_id,
            org_key_wrapped=wrap(token.key, bytes(org_key)),
            index_key_wrapped=wrap(token.key, index_key) if index_key is not None else None,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
        )
        with database_errors(), self._sessions() as session:
            session.add(row)
            session.commit()
        return token, expires

    def resolve(self, token: SessionToken) -> Opened | None:
        """The logged-in member behind ``token``; None when unknown, expired or disabled."""
        now = utcnow()
        with database_errors(), self._sessions() as session:
            found = session.execute(
                select(StaffSession, Member, Organisation)
                .join(Member, Member.id == StaffSession.member_id)
                .join(Organisation, Organisation.id == Member.org_id)
                .where(StaffSession.id == token.row_id)
            ).first()
            if found is None:
                return None
            row, member, org = found
            if self._expired(row, now) or member.disabled_at is not None:
                session.delete(row)
                session.commit()
                return None
            try:
                org_key = PrivateKey(unwrap(token.key, row.org_key_wrapped))
                index_key = (
                    unwrap(token.key, row.index_key_wrapped)
                    if row.index_key_wrapped is not None
                    else None
                )
            except BoxOpenError:
                return None
            if now - aware(row.last_seen_at) > _TOUCH_EVERY:
                row.last_seen_at = now
                session.commit()
        staff = Staff(
            member_id=member.id,
            username=member.username,
            role=member.role,
            org_id=org.id,
            org_name=org.name,
            org_key=org_key,
            index_key=index_key,
            session_id=row.id,
        )
        return Opened(staff, member, org)

    def _expired(self, row: StaffSession, now: datetime) -> bool:
        idle = timedelta(minutes=self._settings.idle_minutes)
        return aware(row.expires_at) <= now or now - aware(row.last_seen_at) > idle

    def rewrap(self, token: SessionToken, org_key: PrivateKey, index_key: bytes | None) -> None:
        """Replace the keys this login carries (after the organisation key was rotated)."""
        with database_errors(), self._sessions() as session:
            row = session.get(StaffSession, token.row_id)
            if row is None:
                return
            row.org_key_wrapped = wrap(token.key, bytes(org_key))
            row.index_key_wrapped = wrap(token.key, index_key) if index_key else None
            session.commit()

    def close(self, session_id: str) -> None:
        """End one login (logout)."""
        with database_errors(), self._sessions() as session:
            session.execute(delete(StaffSession).where(StaffSession.id == session_id))
            session.commit()

    def close_member(self, member_id: str, *, keep: str | None = None) -> int:
        """End every login of a member (removed account, new password) except ``keep``."""
        query = delete(StaffSession).where(StaffSession.member_id == member_id)
        if keep is not None:
            query = query.where(StaffSession.id != keep)
        with database_errors(), self._sessions() as session:
            count = getattr(session.execute(query), "rowcount", 0)
            session.commit()
        return int(count or 0)

    def close_expired(self) -> int:
        """Delete logins past their end or idle too long."""
        now = utcnow()
        idle_since = now - timedelta(minutes=self._settings.idle_minutes)
        query = delete(StaffSession).where(
            or_(StaffSession.expires_at <= now, StaffSession.last_seen_at < idle_since)
        )
        with database_errors(), self._sessions() as session:
            count = getattr(session.execute(query), "rowcount", 0)
            session.commit()
        return int(count or 0)
