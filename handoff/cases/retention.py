"""Retention: closed cases go after a configured time without activity, drafts and quiet
conversations expire; the content-free counts stay for campaign statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.models import OPEN_STATUSES, Case
from handoff.dbguard import database_errors
from handoff.models import Conversation, ConversationSnapshot, utcnow

CLOSED_STATUSES = ("closed", "spam")


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What one purge did, and the open cases coordinators should look at."""

    cases_deleted: int
    snapshots_deleted: int
    conversations_deleted: int
    stale_open_cases: list[tuple[str, str, datetime]] = field(default_factory=list)


class Retention:
    """Deletes what is past its time; never touches the statistics counts."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def due(self, closed_case_days: int, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """Closed cases and when each will be (or would have been) purged, soonest first."""
        with database_errors(), self._sessions() as session:
            rows = session.execute(
                select(Case.id, Case.last_activity_at)
                .where(Case.status.in_(CLOSED_STATUSES))
                .order_by(Case.last_activity_at)
            ).all()
        return [(row[0], _aware(row[1]) + timedelta(days=closed_case_days)) for row in rows]

    def purge(
        self, *, closed_case_days: int, conversation_days: int, now: datetime | None = None
    ) -> PurgeReport:
        """Delete closed cases, expired snapshots and quiet conversations."""
        moment = now or utcnow()
        case_cutoff = moment - timedelta(days=closed_case_days)
        conversation_cutoff = moment - timedelta(days=conversation_days)
        with database_errors(), self._sessions() as session:
            cases = session.execute(
                delete(Case).where(
                    Case.status.in_(CLOSED_STATUSES), Case.last_activity_at < case_cutoff
                )
            )
            snapshots = session.execute(
                delete(ConversationSnapshot).where(ConversationSnapshot.expires_at <= moment)
            )
            conversations = session.execute(
                delete(Conversation).where(Conversation.last_seen_at < conversation_cutoff)
            )
            stale = session.execute(
                select(Case.id, Case.org_id, Case.last_activity_at).where(
                    Case.status.in_(OPEN_STATUSES), Case.last_activity_at < case_cutoff
                )
            ).all()
            session.commit()
        return PurgeReport(
            cases_deleted=_count(cases),
            snapshots_deleted=_count(snapshots),
            conversations_deleted=_count(conversations),
            stale_open_cases=[(r[0], r[1], _aware(r[2])) for r in stale],
        )


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they are UTC."""
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
