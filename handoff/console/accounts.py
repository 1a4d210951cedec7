"""Accounts and keys in the console: what a member does to their own account and what a
coordinator does to their organisation's. Every change is audited; nothing crosses into
another organisation (an id of another organisation's member is "not found")."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handoff.console.audit import Actor, AuditLog
from handoff.console.services import ConsoleServices
from handoff.console.sessions import SessionToken, StaffSessions
from handoff.console.staff import Staff
from handoff.console.totp import (
    accepted_step,
    new_secret,
    provisioning_uri,
    qr_svg,
    seal_secret,
)
from handoff.crypto import DecryptionError
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.keys.boxes import unseal
from handoff.orgs.models import ROLES, Member, Organisation
from handoff.orgs.rotation import KeyRotation, Rotated
from handoff.orgs.service import Unlocked

# How long a shown enrolment QR code may be confirmed.
_ENROLMENT_SECONDS = 600


@dataclass(frozen=True, slots=True)
class MemberRow:
    """An account as the accounts page lists it (no key material)."""

    id: str
    username: str
    role: str
    has_grant: bool
    has_totp: bool
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A TOTP enrolment in progress: the QR code, the secret typed by hand, and a sealed
    ``pending`` value the confirmation form returns (the secret under the server key, bound
    to the member and a time)."""

    qr_svg: str
    secret: str
    pending: str


@dataclass(frozen=True, slots=True)
class RotationDone:
    """A rotation's result and the coordinator's new login (the old one held the old key)."""

    rotated: Rotated
    token: SessionToken
    expires_at: datetime


def _unlocked(staff: Staff) -> Unlocked:
    return Unlocked(staff.member_id, staff.username, staff.role, staff.org_id, staff.org_key)


class Accounts:
    """Account and key operations for one request's member."""

    def __init__(self, services: ConsoleServices) -> None:
        self._services = services
        self._audit = AuditLog(services.db)
        self._sessions = StaffSessions(services.db, services.settings.console)

    def _record(self, staff: Staff, action: str, **detail: object) -> None:
        self._audit.append(
            Actor(staff.org_id, staff.member_id, staff.username), action, None, detail
        )

    def _member(self, staff: Staff, member_id: str) -> Member:
        with database_errors(), self._services.db() as session:
            member = session.scalar(
                select(Member).where(Member.id == member_id, Member.org_id == staff.org_id)
            )
        if member is None:
            raise NotFoundError(member_id)
        return member

    def _organisation(self, staff: Staff) -> Organisation:
        with database_errors(), self._services.db() as session:
            org = session.get(Organisation, staff.org_id)
        if org is None:
            raise NotFoundError(staff.org_id)
        return org

    # ---- what a coordinator sees -------------------------------------------------------

    def members(self, staff: Staff) -> list[MemberRow]:
        """The organisation's accounts, active first, then by name."""
        with database_errors(), self._services.db() as session:
            rows = session.scalars(
                select(Member)
                .where(Member.org_id == staff.org_id)
                .order_by(Member.disabled_at.is_not(None), Member.username)
            )
            return [
                MemberRow(
                    id=m.id,
                    username=m.username,
                    role=m.role,
                    has_grant=m.org_key_sealed is not None,
                    has_totp=m.totp_secret_wrapped is not None,
                    disabled=m.disabled_at is not None,
                    created_at=m.created_at,
                )
                for m in rows
            ]

    def requires_totp(self, staff: Staff) -> bool:
        """Whether the organisation requires two-factor login."""
        return self._organisation(staff).require_totp

    # ---- a coordinator's changes ---------------------------------------------------------

    def add(self, staff: Staff, username: str, role: str, password: str, *, grant: bool) -> str:
        """A new account of the coordinator's organisation; with ``grant`` it gets the key at
        once (sealed to its new public key with the coordinator's open key)."""
        if role not in ROLES:
            raise ValueError("role")
        member_id = self._services.organisations.add_member(
            staff.org_name, username, role, password
        )
        self._record(staff, "account_add", member=member_id, role=role)
        if grant:
            self.grant(staff, member_id)
        return member_id

    def grant(self, staff: Staff, member_id: str) -> None:
        """Seal the organisation key to an account of the same organisation."""
        member = self._member(staff, member_id)
        if member.disabled_at is not None:
            raise NotFoundError(member_id)
        self._services.organisations.grant(_unlocked(staff), member.username)
        self._record(staff, "key_grant", member=member_id)

    def remove(self, staff: Staff, member_id: str) -> None:
        """Disable an account, drop its key grant and TOTP, end its logins (not oneself)."""
        if member_id == staff.member_id:
            raise ValueError("self")
        member = self._member(staff, member_id)
        self._services.organisations.remove_member(member.username)
        ended = self._sessions.close_member(member_id)
        self._record(staff, "account_remove", member=member_id, sessions_ended=ended)

    def reset_totp(self, staff: Staff, member_id: str) -> None:
        """Forget a member's TOTP (a lost phone); they enrol again at their next login."""
        member = self._member(staff, member_id)
        self._services.organisations.reset_totp(member.username)
        self._record(staff, "totp_reset", member=member_id)

    def set_require_totp(self, staff: Staff, required: bool) -> None:
        """Require (or stop requiring) two-factor login for every member."""
        with database_errors(), self._services.db() as session:
            org = session.get(Organisation, staff.org_id)
            assert org is not None  # noqa: S101 - the member's own organisation
            org.require_totp = required
            session.commit()
        self._record(staff, "org_settings", require_totp=required)

    def rotate(self, staff: Staff) -> RotationDone:
        """Replace the organisation key; every login ends, the coordinator gets a new one."""
        rotated = KeyRotation(self._services.db).rotate(staff.org_id, staff.org_key)
        org = self._organisation(staff)
        index_key = unseal(rotated.org_key, org.index_key_sealed)
        token, expires = self._sessions.open(staff.member_id, rotated.org_key, index_key)
        self._record(
            staff,
            "key_rotate",
            key_version=rotated.key_version,
            resealed=rotated.resealed,
            regranted=rotated.regranted,
        )
        return RotationDone(rotated, token, expires)

    def recover(self, staff: Staff, recovery_key: str, member_id: str) -> None:
        """Re-grant the organisation key to an account with the printed recovery key."""
        member = self._member(staff, member_id)
        self._services.organisations.recover(staff.org_name, recovery_key, member.username)
        self._record(staff, "recovery_grant", member=member_id)

    # ---- a member's own account ------------------------------------------------------------

    def change_password(self, staff: Staff, old: str, new: str) -> None:
        """New password: the private key is re-wrapped; other logins of the member end."""
        self._services.organisations.change_password(staff.username, old, new)
        ended = self._sessions.close_member(staff.member_id, keep=staff.session_id)
        self._record(staff, "password_change", sessions_ended=ended)

    def has_totp(self, staff: Staff) -> bool:
        """Whether the member has enrolled an authenticator."""
        return self._member(staff, staff.member_id).totp_secret_wrapped is not None

    def begin_totp(self, staff: Staff) -> Enrolment:
        """A fresh secret to scan; nothing is stored until a code confirms it."""
        secret = new_secret()
        uri = provisioning_uri(secret, staff.username, self._services.settings.console.totp_issuer)
        pending = self._services.vault.encrypt(
            json.dumps({"m": staff.member_id, "s": secret, "t": int(time.time())})
        )
        return Enrolment(qr_svg(uri), secret, pending.decode("ascii"))

    def confirm_totp(self, staff: Staff, pending: str, code: str) -> None:
        """Store the secret (sealed to the member) once a code from it checks out."""
        try:
            data = json.loads(self._services.vault.decrypt(pending.encode("ascii")))
        except (DecryptionError, ValueError, UnicodeError) as exc:
            raise AccessDeniedError("enrolment") from exc
        fresh = time.time() - float(data.get("t", 0)) < _ENROLMENT_SECONDS
        if data.get("m") != staff.member_id or not fresh:
            raise AccessDeniedError("enrolment")
        secret = str(data["s"])
        step = accepted_step(secret, code, None)
        if step is None:
            raise AccessDeniedError("totp")
        member = self._member(staff, staff.member_id)
        with database_errors(), self._services.db() as session:
            row = session.get(Member, member.id)
            assert row is not None  # noqa: S101 - read just above
            row.totp_secret_wrapped = seal_secret(row.public_key, secret)
            row.totp_last_step = step
            session.commit()
        self._record(staff, "totp_enrol")

    def disable_totp(self, staff: Staff, password: str) -> None:
        """Turn two-factor login off for oneself, with the password (a stolen session alone
        cannot), and not while the organisation requires it."""
        if self.requires_totp(staff):
            raise AccessDeniedError("required")
        self._services.organisations.check_password(staff.username, password)
        self._services.organisations.reset_totp(staff.username)
        self._record(staff, "totp_disable")
