"""console accounts: one-time TOTP codes, audit log filters

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The last TOTP time step accepted for a member, so a code cannot be replayed.
    op.add_column("members", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    # Coordinators filter the audit log by member and by action.
    op.create_index("ix_audit_log_org_member", "audit_log", ["org_id", "member_id"])
    op.create_index("ix_audit_log_org_action", "audit_log", ["org_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_org_action", table_name="audit_log")
    op.drop_index("ix_audit_log_org_member", table_name="audit_log")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
