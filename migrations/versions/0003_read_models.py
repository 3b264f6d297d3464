"""Read models: projection checkpoints and monthly goal figures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from events.store.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "goal_figures",
        sa.Column("municipality", sa.String(100), primary_key=True),
        sa.Column("branch", sa.String(100), primary_key=True),
        sa.Column("goal", sa.String(10), primary_key=True),
        sa.Column("indicator", sa.String(100), primary_key=True),
        sa.Column("dimension", sa.String(100), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("goal_figures")
    op.drop_table("projection_checkpoints")
