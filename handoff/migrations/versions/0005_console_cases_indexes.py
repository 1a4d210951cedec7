"""console cases: covering indexes for the queue, its counts and the employer/brand digests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A case row is wide (sealed content); the queue's counts and listing read only these
    # columns, so they can come from the index alone instead of a scan of the cases.
    op.create_index(
        "ix_cases_org_queue",
        "cases",
        ["org_id", "status", "urgent", "created_at", "assignee_id", "id"],
    )
    # The queue's order (urgent first, then oldest): a page is read off the index in order.
    op.create_index(
        "ix_cases_org_order",
        "cases",
        ["org_id", sa.text("urgent DESC"), "created_at", "id"],
    )
    # Employer/brand digests of one organisation grouped and joined without the table.
    op.create_index(
        "ix_case_index_org_kind_digest",
        "case_index",
        ["org_id", "kind", "digest", "case_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_case_index_org_kind_digest", table_name="case_index")
    op.drop_index("ix_cases_org_order", table_name="cases")
    op.drop_index("ix_cases_org_queue", table_name="cases")
