"""Read-model tables: written by the projections (workers), read by the app.

They live beside the log so that both floors reach them without an upward
import. Every table here can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, String, Table

from events.store.tables import UtcDateTime, metadata

# Where each projection has read up to; written in the same transaction as the
# projection's rows (exactly-once effect, DESIGN invariant 5).
projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Figures per goal and indicator, by month: any period is a sum of months.
# `dimension` splits an indicator ("theme:digid"); "" is the indicator's total.
goal_figures = Table(
    "goal_figures",
    metadata,
    Column("municipality", String(100), primary_key=True),
    Column("branch", String(100), primary_key=True),
    Column("goal", String(10), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("dimension", String(100), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("value", Float, nullable=False),
    Column("records", Integer, nullable=False),
)

# Each session's reach: the check-ins counted, or the headcount typed in (which
# then wins), and the goals it counts for; the participants measure reads it.
session_figures = Table(
    "session_figures",
    metadata,
    Column("session_id", String(100), primary_key=True),
    Column("municipality", String(100), nullable=False),
    Column("branch", String(100), nullable=False),
    Column("month", String(7), nullable=False),
    Column("goal_codes", String(200), nullable=False),  # comma separated
    Column("checkins", Integer, nullable=False),
    Column("headcount", Integer, nullable=True),
)

# The current value of each figure that a later record replaces (loans of a
# month, audience and collection): the projection adds the difference.
latest_figures = Table(
    "latest_figures",
    metadata,
    Column("municipality", String(100), primary_key=True),
    Column("goal", String(10), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("value", Float, nullable=False),
)

# Things that are active for a while (a partner, a community): from the day a
# start record places them to the day an end record does; a period counts those
# whose span overlaps it ("active" measure).
span_figures = Table(
    "span_figures",
    metadata,
    Column("municipality", String(100), primary_key=True),
    Column("goal", String(10), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("entity", String(200), primary_key=True),
    Column("branch", String(100), nullable=False),
    Column("started", String(10), nullable=False),  # local date, "2025-03-01"
    Column("ended", String(10), nullable=True),
    Column("dimensions", String(300), nullable=False),  # "kind:primary,..."
)

# A stock counted on a date (members): a period reads the latest value on or
# before its first day and before its end ("stock" measure).
stock_figures = Table(
    "stock_figures",
    metadata,
    Column("municipality", String(100), primary_key=True),
    Column("goal", String(10), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("key", String(300), primary_key=True),  # branch|audience
    Column("on_date", String(10), primary_key=True),
    Column("branch", String(100), nullable=False),
    Column("value", Float, nullable=False),
)

# Samples an estimate is made from (visitors, occupied workplaces): estimates
# are not sums of months, so the samples themselves are kept.
sample_figures = Table(
    "sample_figures",
    metadata,
    Column("municipality", String(100), primary_key=True),
    Column("goal", String(10), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("sample_id", String(100), primary_key=True),
    Column("branch", String(100), nullable=False),
    Column("day", String(10), nullable=False),  # local date of the sample
    Column("window_start", String(40), nullable=False),  # ISO, with its offset
    Column("minutes", Integer, nullable=True),
    Column("people", Integer, nullable=True),
    Column("method", String(20), nullable=True),
    Column("places", Integer, nullable=True),
    Column("occupied", Integer, nullable=True),
)

# Background tasks that failed, for /metrics and the operators: what and when.
task_failures = Table(
    "task_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task", String(200), nullable=False),
    Column("failed_at", UtcDateTime(), nullable=False),
    Column("error", String(500), nullable=False),
)
