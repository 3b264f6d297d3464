"""Compiled reports and their deliveries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from events.store.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("municipality", sa.String(100), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("compiled_at", UtcDateTime(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("schedule_key", sa.String(200), nullable=True, unique=True),
        sa.Column("numbers", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "report_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "report_id", sa.String(36), sa.ForeignKey("reports.id"), nullable=False
        ),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.UniqueConstraint("report_id", "recipient", "round"),
    )


def downgrade() -> None:
    op.drop_table("report_deliveries")
    op.drop_table("reports")
