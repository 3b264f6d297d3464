"""People sign in with a password; every change to an account is recorded.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from events.store.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite cannot add a column to a table with constraints otherwise.
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
    op.create_table(
        "account_changes",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
    )
    op.create_index("ix_account_changes_account_id", "account_changes", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_account_changes_account_id", "account_changes")
    op.drop_table("account_changes")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("password_hash")
