"""Console login: password (Argon2id), TOTP when enrolled, throttling, audit, a new session.

The member's password opens their private key, which opens both the organisation key granted to
them and their TOTP secret; the organisation and index keys then go into a new session wrapped
under the token's key (see :mod:`handoff.console.sessions`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import or_, select, update

from handoff.console.audit import Actor, AuditLog
from handoff.console.services import ConsoleServices
from handoff.console.sessions import SessionToken, StaffSessions
from handoff.console.throttle import Throttle, per_minutes
from handoff.console.totp import accepted_step, open_secret
from handoff.dbguard import database_errors
from handoff.errors import NotFoundError
from handoff.keys.argon import Argon2Profile, hash_password, verify_password
from handoff.keys.boxes import BoxOpenError, unseal
from handoff.keys.members import WrappedKey, open_grant, unwrap_with_password
from handoff.orgs.models import Member, Organisation

_MAX_FIELD = 256


class LoginRefusedError(Exception):
    """A login that did not succeed; ``reason`` is credentials, totp, no_grant or throttled."""

    def __init__(self, reason: str, retry_after: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A new login: the token to hand to the member and who they are."""

    token: SessionToken
    expires_at: datetime
    actor: Actor
    needs_totp_enrolment: bool


@cache
def _decoy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    # Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
    profile = Argon2Profile(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)
    return hash_password("decoy password that matches nothing", profile)


class ConsoleAuth:
    """Log members in and out."""

    def __init__(self, services: ConsoleServices) -> None:
        self._services = services
        settings = services.settings.console
        window = settings.login_window_minutes
        self._per_account = Throttle(
            services.limits_storage,
            per_minutes(settings.login_failures_per_account, window),
            "console-login-account",
        )
        self._per_ip = Throttle(
            services.limits_storage,
            per_minutes(settings.login_failures_per_ip, window),
            "console-login-ip",
        )
        self._sessions = StaffSessions(services.db, settings)
        self._audit = AuditLog(services.db)

    async def login(self, username: str, password: str, totp: str, ip: str) -> LoggedIn:
        """A new session, or LoginRefusedError (every outcome is in the audit log)."""
        username = username.strip()[:64]
        # Counted under keyed hashes: a copy of Redis holds no address or user name.
        account_key = self._services.vault.blind_index("login-account", username.casefold())[:32]
        ip = self._services.vault.blind_index("login-address", ip)[:32]
        if not (await self._per_account.allowed(account_key) and await self._per_ip.allowed(ip)):
            retry = max(
                await self._per_account.retry_after(account_key),
                await self._per_ip.retry_after(ip),
            )
            await asyncio.to_thread(self._record_failure, username, "throttled")
            raise LoginRefusedError("throttled", retry_after=retry)
        try:
            result = await asyncio.to_thread(
                self._verify, username, password[:_MAX_FIELD], totp[:_MAX_FIELD]
            )
        except LoginRefusedError as refused:
            await self._per_account.hit(account_key)
            await self._per_ip.hit(ip)
            await asyncio.to_thread(self._record_failure, username, refused.reason)
            raise
        await self._per_account.clear(account_key)
        await asyncio.to_thread(self._audit.append, result.actor, "login")
        return result

    def _record_failure(self, username: str, reason: str) -> None:
        try:
            member = self._services.organisations.member(username)
            actor = Actor(member.org_id, member.id, member.username)
        except NotFoundError:
            actor = Actor(None, None, username)
        self._audit.append(actor, "login_failed", detail={"reason": reason})

    def _verify(self, username: str, password: str, code: str) -> LoggedIn:
        profile = self._services.settings.argon2
        try:
            member = self._services.organisations.member(username) if username else None
        except NotFoundError:
            member = None
        if member is None:
            decoy = _decoy_hash(profile.time_cost, profile.memory_kib, profile.parallelism)
            verify_password(decoy, password, profile)
            raise LoginRefusedError("credentials")
        if not verify_password(member.password_hash, password, profile):
            raise LoginRefusedError("credentials")
        stored = WrappedKey(member.public_key, member.private_key_wrapped, member.key_salt)
        private = unwrap_with_password(stored, password, profile)
        with database_errors(), self._services.db() as session:
            org = session.get(Organisation, member.org_id)
        assert org is not None  # noqa: S101 - foreign key
        if member.totp_secret_wrapped is not None:
            self._check_totp(member, open_secret(private, member.totp_secret_wrapped), code)
        if member.org_key_sealed is None:
            raise LoginRefusedError("no_grant")
        try:
            org_key = open_grant(private, member.org_key_sealed)
            index_key = unseal(org_key, org.index_key_sealed)
        except BoxOpenError as exc:
            raise LoginRefusedError("no_grant") from exc
        self._sessions.close_expired()
        token, expires = self._sessions.open(member.id, org_key, index_key)
        return LoggedIn(
            token=token,
            expires_at=expires,
            actor=Actor(member.org_id, member.id, member.username),
            needs_totp_enrolment=org.require_totp and member.totp_secret_wrapped is None,
        )

    def _check_totp(self, member: Member, secret: str, code: str) -> None:
        step = accepted_step(secret, code, member.totp_last_step)
        if step is None:
            raise LoginRefusedError("totp")
        # Only one login may use a code: the row changes only if no newer step was recorded.
        with database_errors(), self._services.db() as session:
            result = session.execute(
                update(Member)
                .where(
                    Member.id == member.id,
                    or_(Member.totp_last_step.is_(None), Member.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            claimed = getattr(result, "rowcount", 0)
            session.commit()
        if not claimed:
            raise LoginRefusedError("totp")

    def logout(self, session_id: str, actor: Actor) -> None:
        """End the login and record it."""
        self._sessions.close(session_id)
        self._audit.append(actor, "logout")


def member_in_org(services: ConsoleServices, org_id: str, member_id: str) -> Member:
    """A member of ``org_id`` (NotFoundError for any other organisation's account)."""
    with database_errors(), services.db() as session:
        member = session.scalar(
            select(Member).where(Member.id == member_id, Member.org_id == org_id)
        )
    if member is None:
        raise NotFoundError(member_id)
    return member
