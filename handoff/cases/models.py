"""Cases and their messages. Only non-identifying routing fields are stored in clear
(organisation, coarse category, province, urgency, dates, status); everything the worker said
is sealed to the organisation's key and, for the worker's side, to a key the receipt opens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from handoff.models import Base, utcnow

STATUSES = (
    "new",
    "claimed",
    "in_progress",
    "waiting_for_worker",
    "resolved",
    "closed",
    "spam",
)
OPEN_STATUSES = ("new", "claimed", "in_progress", "waiting_for_worker")


class Case(Base):
    """One submitted complaint."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    # Found by the receipt (a slow hash of it); made unique per draft so a retry is harmless.
    lookup_id: Mapped[str] = mapped_column(String(64), unique=True)
    submission_index: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    categories: Mapped[str] = mapped_column(String(400), default="")
    province: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    assignee_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    key_version: Mapped[int] = mapped_column(Integer, default=1)
    # The worker's side: a key pair whose private half only the receipt unwraps.
    worker_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    worker_private_wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    content_for_org: Mapped[bytes] = mapped_column(LargeBinary)
    content_for_worker: Mapped[bytes] = mapped_column(LargeBinary)
    # Which conversation filed the case, sealed to the organisation (for replies to reach it).
    origin_for_org: Mapped[bytes] = mapped_column(LargeBinary)
    # Caseworkers' tags, sealed to the organisation (they might name people or places).
    tags_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class CaseMessage(Base):
    """A message between the worker and staff, readable by both sides and nobody else."""

    __tablename__ = "case_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(16))  # worker | staff
    member_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    body_for_org: Mapped[bytes] = mapped_column(LargeBinary)
    body_for_worker: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_by_worker_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class CaseCount(Base):
    """Content-free counts for campaign statistics; they survive the purge of cases."""

    __tablename__ = "case_counts"
    __table_args__ = (UniqueConstraint("month", "category", "province", "org_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(32))
    province: Mapped[str] = mapped_column(String(32))
    org_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("organisations.id", ondelete="CASCADE")
    )
    count: Mapped[int] = mapped_column(Integer, default=0)
