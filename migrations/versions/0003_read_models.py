"""Read models: projection checkpoints, monthly goal figures, sessions, latest values.

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
    op.create_table(
        "session_figures",
        sa.Column("session_id", sa.String(100), primary_key=True),
        sa.Column("municipality", sa.String(100), nullable=False),
        sa.Column("branch", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("goal_codes", sa.String(200), nullable=False),
        sa.Column("checkins", sa.Integer, nullable=False),
        sa.Column("headcount", sa.Integer, nullable=True),
    )
    op.create_table(
        "latest_figures",
        sa.Column("municipality", sa.String(100), primary_key=True),
        sa.Column("goal", sa.String(10), primary_key=True),
        sa.Column("indicator", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("latest_figures")
    op.drop_table("session_figures")
    op.drop_table("goal_figures")
    op.drop_table("projection_checkpoints")
