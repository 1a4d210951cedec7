"""Cases from submission to deletion: sealing, the receipt, both sides' messages.

The worker side is reached only with the receipt; the organisation side only with the
organisation's private key (opened from a member's password). The server alone can do neither.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nacl.public import PrivateKey
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.models import Case, CaseCount, CaseMessage
from handoff.crypto import Vault
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.keys.argon import Argon2Profile
from handoff.keys.boxes import BoxOpenError, new_private_key, seal, unseal, unwrap, wrap
from handoff.keys.receipts import ReceiptKeys, receipt_keys
from handoff.models import ConversationSnapshot, DeploymentValue, utcnow
from handoff.orgs.models import Organisation

_RECEIPT_SALT = "receipt_salt"
UNKNOWN_PROVINCE = "未知"


@dataclass(frozen=True, slots=True)
class ComplaintSubmission:
    """A finished draft, ready to become a case. ``content`` is sealed as a whole."""

    submission_id: str
    conversation_id: str
    org_id: str
    categories: tuple[str, ...]
    province: str | None
    urgent: bool
    content: dict[str, Any]
    receipt: str


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """The case a submission made (or had already made: ``created`` False)."""

    case_id: str
    created: bool


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message of a case thread as a reader sees it."""

    author: str  # worker | staff
    text: str
    created_at: datetime
    member_id: str | None = None


@dataclass(frozen=True, slots=True)
class WorkerCaseView:
    """What the worker sees with their receipt."""

    case_id: str
    status: str
    created_at: datetime
    content: dict[str, Any]
    messages: list[ThreadMessage] = field(default_factory=list)
    unread_staff: int = 0


@dataclass(frozen=True, slots=True)
class OrgCaseView:
    """What a member of the receiving organisation sees."""

    case: Case
    content: dict[str, Any]
    conversation_id: str
    messages: list[ThreadMessage]


def _encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"))


def _month(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


class CaseService:
    """Submission, the worker's side by receipt, and the organisation's side by key."""

    def __init__(
        self, sessions: sessionmaker[Session], vault: Vault, profile: Argon2Profile
    ) -> None:
        self._sessions = sessions
        self._vault = vault
        self._profile = profile
        self._salt: bytes | None = None

    # ---- receipts -------------------------------------------------------------------

    def receipt_salt(self) -> bytes:
        """The deployment's receipt salt, created on first use."""
        if self._salt is not None:
            return self._salt
        with database_errors(), self._sessions() as session:
            row = session.get(DeploymentValue, _RECEIPT_SALT)
            if row is None:
                session.add(DeploymentValue(name=_RECEIPT_SALT, value=secrets.token_bytes(16)))
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                row = session.get(DeploymentValue, _RECEIPT_SALT)
            assert row is not None  # noqa: S101 - created just above
            self._salt = bytes(row.value)
        return self._salt

    def keys_for(self, receipt: str) -> ReceiptKeys:
        """Derive a receipt's lookup id and wrapping key (one slow hash)."""
        return receipt_keys(receipt, self.receipt_salt(), self._profile)

    # ---- submission -----------------------------------------------------------------

    def submit(self, submission: ComplaintSubmission) -> SubmitOutcome:
        """Make the case in one transaction; a repeated submission returns the first case."""
        index = self._vault.blind_index("submission", submission.submission_id)
        with database_errors(), self._sessions() as session:
            existing = session.scalar(select(Case.id).where(Case.submission_index == index))
            if existing is not None:
                return SubmitOutcome(existing, created=False)
        keys = self.keys_for(submission.receipt)
        with database_errors(), self._sessions() as session:
            org = session.get(Organisation, submission.org_id)
            if org is None:
                raise NotFoundError(submission.org_id)
            worker_key = new_private_key()
            content = _encode(submission.content)
            now = utcnow()
            case = Case(
                id=secrets.token_hex(16),
                org_id=org.id,
                lookup_id=keys.lookup_id,
                submission_index=index,
                status="new",
                category=submission.categories[0] if submission.categories else "other",
                categories=",".join(submission.categories),
                province=submission.province,
                urgent=submission.urgent,
                created_at=now,
                last_activity_at=now,
                key_version=org.key_version,
                worker_public_key=bytes(worker_key.public_key),
                worker_private_wrapped=wrap(keys.wrap_key, bytes(worker_key)),
                content_for_org=seal(org.public_key, content),
                content_for_worker=seal(worker_key.public_key, content),
                origin_for_org=seal(org.public_key, submission.conversation_id.encode("ascii")),
            )
            session.add(case)
            session.execute(
                delete(ConversationSnapshot).where(
                    ConversationSnapshot.conversation_id == submission.conversation_id
                )
            )
            for category in submission.categories or ("other",):
                self._count(session, _month(now), category, submission.province, org.id)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                found = session.scalar(select(Case.id).where(Case.submission_index == index))
                if found is None:
                    raise
                return SubmitOutcome(found, created=False)
        return SubmitOutcome(case.id, created=True)

    @staticmethod
    def _count(
        session: Session, month: str, category: str, province: str | None, org_id: str
    ) -> None:
        where = (
            CaseCount.month == month,
            CaseCount.category == category,
            CaseCount.province == (province or UNKNOWN_PROVINCE),
            CaseCount.org_id == org_id,
        )
        row = session.scalar(select(CaseCount).where(*where).with_for_update())
        if row is not None:
            row.count += 1
            return
        session.add(
            CaseCount(
                month=month,
                category=category,
                province=province or UNKNOWN_PROVINCE,
                org_id=org_id,
                count=1,
            )
        )
        session.flush()

    # ---- the worker's side ----------------------------------------------------------

    def find_by_receipt(self, receipt: str) -> str | None:
        """The case id a receipt opens, or None (the caller never says which)."""
        keys = self.keys_for(receipt)
        with database_errors(), self._sessions() as session:
            return session.scalar(select(Case.id).where(Case.lookup_id == keys.lookup_id))

    def worker_view(self, receipt: str) -> WorkerCaseView | None:
        """Status, content and thread as the worker sees them; marks staff messages read."""
        keys = self.keys_for(receipt)
        with database_errors(), self._sessions() as session:
            case = session.scalar(select(Case).where(Case.lookup_id == keys.lookup_id))
            if case is None:
                return None
            try:
                worker_key = PrivateKey(unwrap(keys.wrap_key, case.worker_private_wrapped))
            except BoxOpenError:
                return None
            rows = list(
                session.scalars(
                    select(CaseMessage)
                    .where(CaseMessage.case_id == case.id)
                    .order_by(CaseMessage.created_at)
                )
            )
            now = utcnow()
            unread = 0
            for row in rows:
                if row.author == "staff" and row.read_by_worker_at is None:
                    unread += 1
                    row.read_by_worker_at = now
            session.commit()
            messages = [
                ThreadMessage(
                    r.author, unseal(worker_key, r.body_for_worker).decode(), r.created_at
                )
                for r in rows
            ]
            return WorkerCaseView(
                case_id=case.id,
                status=case.status,
                created_at=case.created_at,
                content=_decode(unseal(worker_key, case.content_for_worker)),
                messages=messages,
                unread_staff=unread,
            )

    def add_message(
        self, case_id: str, author: str, text: str, member_id: str | None = None
    ) -> str:
        """Store a message readable by the worker (receipt) and the organisation (key)."""
        if author not in ("worker", "staff"):
            raise ValueError(author)
        body = text.encode("utf-8")
        with database_errors(), self._sessions() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFoundError(case_id)
            org = session.get(Organisation, case.org_id)
            assert org is not None  # noqa: S101 - foreign key
            message = CaseMessage(
                id=secrets.token_hex(16),
                case_id=case.id,
                author=author,
                member_id=member_id,
                body_for_org=seal(org.public_key, body),
                body_for_worker=seal(case.worker_public_key, body),
            )
            session.add(message)
            case.last_activity_at = utcnow()
            if author == "worker" and case.status == "waiting_for_worker":
                case.status = "in_progress"
            session.commit()
            return message.id

    def delete(self, case_id: str) -> bool:
        """Delete a case and its messages (the worker asked, or retention)."""
        with database_errors(), self._sessions() as session:
            case = session.get(Case, case_id)
            if case is None:
                return False
            session.delete(case)
            session.commit()
            return True

    # ---- the organisation's side ----------------------------------------------------

    def list_for_org(self, org_id: str, *, include_closed: bool = False) -> list[Case]:
        """Cases of one organisation, urgent first, then oldest (clear routing fields only)."""
        with database_errors(), self._sessions() as session:
            query = select(Case).where(Case.org_id == org_id)
            if not include_closed:
                query = query.where(Case.status.not_in(("closed", "spam")))
            query = query.order_by(Case.urgent.desc(), Case.created_at)
            return list(session.scalars(query))

    def read_for_org(self, case_id: str, org_id: str, org_key: PrivateKey) -> OrgCaseView:
        """Decrypt a case of the caller's organisation with its key."""
        with database_errors(), self._sessions() as session:
            case = session.get(Case, case_id)
            if case is None or case.org_id != org_id:
                raise NotFoundError(case_id)
            rows = list(
                session.scalars(
                    select(CaseMessage)
                    .where(CaseMessage.case_id == case.id)
                    .order_by(CaseMessage.created_at)
                )
            )
        try:
            content = _decode(unseal(org_key, case.content_for_org))
            origin = unseal(org_key, case.origin_for_org).decode("ascii")
            messages = [
                ThreadMessage(
                    r.author, unseal(org_key, r.body_for_org).decode(), r.created_at, r.member_id
                )
                for r in rows
            ]
        except BoxOpenError as exc:
            raise AccessDeniedError("this key does not open the case") from exc
        return OrgCaseView(case=case, content=content, conversation_id=origin, messages=messages)
