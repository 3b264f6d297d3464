"""Compiled reports and their deliveries: written by the workers, read by the app.

Unlike the read models these are not rebuilt from the log: a report keeps the
position it was compiled at and the numbers it showed (DESIGN invariant 7), and a
delivery row is the proof that a recipient was sent a report once (invariant 8).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from events.store.tables import UtcDateTime, metadata

reports = Table(
    "reports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("municipality", String(100), nullable=False),
    Column("period", String(10), nullable=False),  # "2025-H1", "2025"
    Column("position", BigInteger, nullable=False),  # the log position counted to
    Column("compiled_at", UtcDateTime(), nullable=False),
    Column("requested_by", String(100), nullable=False),  # "scheduler", an account
    # A scheduled run compiles once: "scheduled:heemstede:2025-H1".
    Column("schedule_key", String(200), nullable=True, unique=True),
    Column("numbers", Text, nullable=False),  # JSON: every figure the report shows
    Column("html", Text, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
)

# One row per report, recipient and round: round 0 is the first send, each
# deliberate resend (`bieb report send --again`) takes the next round.
report_deliveries = Table(
    "report_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(36), ForeignKey("reports.id"), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("round", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False),  # sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", String(200), nullable=False),
    Column("claimed_at", UtcDateTime(), nullable=True),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("error", String(500), nullable=True),
    UniqueConstraint("report_id", "recipient", "round"),
)
