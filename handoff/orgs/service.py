"""Create organisations and accounts, grant the organisation key, unlock it with a password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from nacl.public import PrivateKey
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.keys.argon import Argon2Profile, hash_password, verify_password
from handoff.keys.boxes import BoxOpenError, new_private_key, new_symmetric_key, seal
from handoff.keys.members import (
    WrappedKey,
    grant,
    new_member_key,
    new_recovery_key,
    open_grant,
    open_with_recovery,
    unwrap_with_password,
    wrap_for_recovery,
    wrap_with_password,
)
from handoff.models import utcnow
from handoff.orgs.models import ROLES, Member, Organisation


@dataclass(frozen=True, slots=True)
class NewOrganisation:
    """What creating an organisation yields; the recovery key is shown once, stored nowhere."""

    org_id: str
    coordinator_id: str
    recovery_key: str


@dataclass(frozen=True, slots=True)
class Unlocked:
    """A member who proved their password, with the organisation key opened for this use."""

    member_id: str
    username: str
    role: str
    org_id: str
    org_key: PrivateKey


def _new_id() -> str:
    return secrets.token_hex(16)


def _stored_key(member: Member) -> WrappedKey:
    return WrappedKey(member.public_key, member.private_key_wrapped, member.key_salt)


class OrganisationService:
    """Organisations, their members and the keys between them."""

    def __init__(self, sessions: sessionmaker[Session], profile: Argon2Profile) -> None:
        self._sessions = sessions
        self._profile = profile

    # ---- organisations ----------------------------------------------------------------

    def create(
        self,
        name: str,
        coordinator: str,
        password: str,
        *,
        default: bool = False,
        hours: str = "",
    ) -> NewOrganisation:
        """A new organisation with its key pair, index key, recovery key and first coordinator."""
        org_key = new_private_key()
        recovery = new_recovery_key()
        org = Organisation(
            id=_new_id(),
            name=name,
            public_key=bytes(org_key.public_key),
            recovery_wrapped_key=wrap_for_recovery(org_key, recovery),
            index_key_sealed=seal(org_key.public_key, new_symmetric_key()),
            is_default=default,
            staffed_hours=hours,
        )
        member = self._new_member(org.id, coordinator, "coordinator", password)
        member.org_key_sealed = grant(org_key, member.public_key)
        with database_errors(), self._sessions() as session:
            if default:
                for other in session.scalars(select(Organisation).where(Organisation.is_default)):
                    other.is_default = False
            session.add(org)
            session.flush()
            session.add(member)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ValueError("an organisation or user of that name already exists") from exc
        return NewOrganisation(org.id, member.id, recovery)

    def count(self) -> int:
        """How many organisations exist."""
        with database_errors(), self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Organisation)) or 0)

    def by_name(self, name: str) -> Organisation:
        """The organisation called ``name``."""
        with database_errors(), self._sessions() as session:
            org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise NotFoundError(name)
        return org

    def default(self) -> Organisation | None:
        """The default organisation (else the oldest one), or None when there is none."""
        with database_errors(), self._sessions() as session:
            return session.scalar(
                select(Organisation).order_by(
                    Organisation.is_default.desc(), Organisation.created_at
                )
            )

    def all(self) -> list[Organisation]:
        """Every organisation, oldest first."""
        with database_errors(), self._sessions() as session:
            return list(session.scalars(select(Organisation).order_by(Organisation.created_at)))

    # ---- members ------------------------------------------------------------------------

    def _new_member(self, org_id: str, username: str, role: str, password: str) -> Member:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        _private, wrapped = new_member_key(password, self._profile)
        return Member(
            id=_new_id(),
            org_id=org_id,
            username=username,
            role=role,
            password_hash=hash_password(password, self._profile),
            public_key=wrapped.public_key,
            private_key_wrapped=wrapped.wrapped_private,
            key_salt=wrapped.salt,
        )

    def add_member(self, org_name: str, username: str, role: str, password: str) -> str:
        """A new account without the organisation key (a coordinator grants it later)."""
        org = self.by_name(org_name)
        member = self._new_member(org.id, username, role, password)
        with database_errors(), self._sessions() as session:
            session.add(member)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ValueError(f"user {username!r} already exists") from exc
        return member.id

    def member(self, username: str) -> Member:
        """The active account called ``username``."""
        with database_errors(), self._sessions() as session:
            member = session.scalar(
                select(Member).where(Member.username == username, Member.disabled_at.is_(None))
            )
        if member is None:
            raise NotFoundError(username)
        return member

    def check_password(self, username: str, password: str) -> Member:
        """The member when the password is right; AccessDeniedError otherwise."""
        try:
            member = self.member(username)
        except NotFoundError as exc:
            raise AccessDeniedError("wrong user name or password") from exc
        if not verify_password(member.password_hash, password, self._profile):
            raise AccessDeniedError("wrong user name or password")
        return member

    def unlock(self, username: str, password: str) -> Unlocked:
        """Check the password and open the organisation key granted to this member."""
        member = self.check_password(username, password)
        if member.org_key_sealed is None:
            raise AccessDeniedError("this account has not been granted the organisation key yet")
        try:
            private = unwrap_with_password(_stored_key(member), password, self._profile)
            org_key = open_grant(private, member.org_key_sealed)
        except BoxOpenError as exc:
            raise AccessDeniedError("cannot open the organisation key") from exc
        return Unlocked(member.id, member.username, member.role, member.org_id, org_key)

    def grant(self, granter: Unlocked, username: str) -> None:
        """Seal the granter's organisation key to another member of the same organisation."""
        if granter.role != "coordinator":
            raise AccessDeniedError("only a coordinator can grant the organisation key")
        with database_errors(), self._sessions() as session:
            member = session.scalar(select(Member).where(Member.username == username))
            if member is None or member.org_id != granter.org_id:
                raise NotFoundError(username)
            member.org_key_sealed = grant(granter.org_key, member.public_key)
            session.commit()

    def change_password(self, username: str, old: str, new: str) -> None:
        """Re-hash and re-wrap the member's private key under the new password."""
        member = self.check_password(username, old)
        if len(new) < 10:
            raise ValueError("a password needs at least 10 characters")
        private = unwrap_with_password(_stored_key(member), old, self._profile)
        wrapped = wrap_with_password(private, new, self._profile)
        with database_errors(), self._sessions() as session:
            row = session.get(Member, member.id)
            assert row is not None  # noqa: S101 - just read above
            row.password_hash = hash_password(new, self._profile)
            row.private_key_wrapped = wrapped.wrapped_private
            row.key_salt = wrapped.salt
            session.commit()

    def remove_member(self, username: str) -> None:
        """Disable the account and drop its copy of the organisation key."""
        with database_errors(), self._sessions() as session:
            member = session.scalar(select(Member).where(Member.username == username))
            if member is None:
                raise NotFoundError(username)
            member.disabled_at = utcnow()
            member.org_key_sealed = None
            member.totp_secret_wrapped = None
            session.commit()

    def reset_totp(self, username: str) -> None:
        """Forget a member's TOTP secret (a lost phone); they enrol again."""
        with database_errors(), self._sessions() as session:
            member = session.scalar(select(Member).where(Member.username == username))
            if member is None:
                raise NotFoundError(username)
            member.totp_secret_wrapped = None
            member.totp_last_step = None
            session.commit()

    def recover(self, org_name: str, recovery_key: str, username: str) -> None:
        """Re-grant the organisation key to ``username`` using the printed recovery key."""
        org = self.by_name(org_name)
        try:
            org_key = open_with_recovery(org.recovery_wrapped_key, recovery_key)
        except (BoxOpenError, ValueError) as exc:
            raise AccessDeniedError("that is not this organisation's recovery key") from exc
        with database_errors(), self._sessions() as session:
            member = session.scalar(select(Member).where(Member.username == username))
            if member is None or member.org_id != org.id:
                raise NotFoundError(username)
            member.org_key_sealed = grant(org_key, member.public_key)
            session.commit()
