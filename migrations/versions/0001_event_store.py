"""The event store: events table, immutability and gap-safety triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from events.store import postgres, sqlite
from events.store.tables import JsonDocument, Position, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DIALECT_DDL = {"postgresql": postgres, "sqlite": sqlite}


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.SmallInteger, nullable=False),
        sa.Column("payload", JsonDocument, nullable=False),
        sa.Column("metadata", JsonDocument, nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint(
            "stream_id", "stream_version", name="uq_events_stream_version"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_type_position", "events", ["event_type", "position"])
    op.create_index("ix_events_occurred_at", "events", ["occurred_at"])
    for statement in DIALECT_DDL[op.get_bind().dialect.name].CREATE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DIALECT_DDL[op.get_bind().dialect.name].DROP:
        op.execute(statement)
    op.drop_table("events")
