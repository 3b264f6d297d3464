"""Failed background tasks, counted by /metrics.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from events.store.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task", sa.String(200), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("task_failures")
