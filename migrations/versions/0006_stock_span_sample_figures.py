"""Read models for the measures that are not sums of months: spans, stocks, samples.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _key() -> list[sa.Column]:
    return [
        sa.Column("municipality", sa.String(100), primary_key=True),
        sa.Column("goal", sa.String(10), primary_key=True),
        sa.Column("indicator", sa.String(100), primary_key=True),
    ]


def upgrade() -> None:
    op.create_table(
        "span_figures",
        *_key(),
        sa.Column("entity", sa.String(200), primary_key=True),
        sa.Column("branch", sa.String(100), nullable=False),
        sa.Column("started", sa.String(10), nullable=False),
        sa.Column("ended", sa.String(10), nullable=True),
        sa.Column("dimensions", sa.String(300), nullable=False),
    )
    op.create_table(
        "stock_figures",
        *_key(),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("on_date", sa.String(10), primary_key=True),
        sa.Column("branch", sa.String(100), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_table(
        "sample_figures",
        *_key(),
        sa.Column("sample_id", sa.String(100), primary_key=True),
        sa.Column("branch", sa.String(100), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("window_start", sa.String(40), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=True),
        sa.Column("people", sa.Integer, nullable=True),
        sa.Column("method", sa.String(20), nullable=True),
        sa.Column("places", sa.Integer, nullable=True),
        sa.Column("occupied", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sample_figures")
    op.drop_table("stock_figures")
    op.drop_table("span_figures")
