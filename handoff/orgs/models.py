"""Organisations and member accounts. Private keys are stored only wrapped or sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handoff.models import Base, utcnow

ROLES = ("caseworker", "coordinator")


class Organisation(Base):
    """A labour-rights group that receives cases.

    ``public_key`` seals its cases; its private key exists only sealed to members
    (``Member.org_key_sealed``) and wrapped under the recovery key printed at creation.
    """

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    recovery_wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    # A key for keyed hashes of employer and brand names (related cases), sealed to the org.
    index_key_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer, default=1)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False)
    staffed_hours: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Member(Base):
    """A caseworker or coordinator account of one organisation."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    key_salt: Mapped[bytes] = mapped_column(LargeBinary)
    # The organisation's private key sealed to this member; None until a coordinator grants it.
    org_key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    totp_secret_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The last TOTP time step accepted, so that one code logs in only once.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Where urgent alerts go (staff addresses, not workers'); only members on duty get them.
    email: Mapped[str] = mapped_column(String(254), default="")
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
