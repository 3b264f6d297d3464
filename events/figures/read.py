"""A goal's figures for a period, read from the read models on one connection.

Each indicator's measure reads its own figure (events.figures.measures):
additive measures (counts, sums, participants, latest values) are sums of
months; spans, stocks and estimates are read from their own tables. A partner
active in March and in May is one partner in the half year, a stock is a value
on a day, and an estimate is made from the samples of the whole period.

The same reading serves the API (on the live tables), the reports, and `as_of`
(on tables replayed to a position, events.figures.replay).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import Connection, Table, func, select

from events.catalogue import Agreement
from events.catalogue.indicators import Indicator
from events.figures import estimates
from events.figures.measures import measure_of
from events.figures.shown import NOTHING, Figure, Shown, months_of
from events.periods import Period
from events.store.read_models import (
    goal_figures,
    projection_checkpoints,
    sample_figures,
    session_figures,
)

__all__ = [
    "NOTHING",
    "Figure",
    "GoalFigures",
    "Shown",
    "counted_or_imported",
    "figures_position",
    "months_of",
]


def figures_position(conn: Connection) -> int:
    """The log position the goal figures are counted up to."""
    t = projection_checkpoints
    query = select(t.c.position).where(t.c.name == "goal_figures")
    return conn.execute(query).scalar_one_or_none() or 0


def counted_or_imported(
    shown: Shown, imported: float | None
) -> tuple[float | None, str]:
    """The figure shown and how it was obtained.

    A figure imported from the records kept before the register stands where
    the register itself counted nothing for the period. Where neither has a
    figure there is none: None, never a 0 that no record stands behind.
    """
    if shown.value or shown.records:
        return shown.value, shown.method
    if imported is not None:
        return imported, "imported"
    return None, shown.method


class GoalFigures:
    """One goal's figures in some branches, for the periods asked about."""

    def __init__(
        self,
        conn: Connection,
        agreement: Agreement,
        branches: Sequence[str],
        goal: str,
        periods: Sequence[Period],
        *,
        zone: tzinfo,
        until: date | None = None,
    ) -> None:
        self.conn = conn
        self.agreement = agreement
        self.zone = zone  # the configured one (BIEB_TIME_ZONE): local days
        self.municipality = agreement.municipality.code
        self.branches = list(branches)
        self.goal = goal
        # Estimates extrapolate to open days up to here (not into the future).
        self.until = until
        months = sorted({m for p in periods for m in months_of(p)})
        self.monthly = _Monthly(conn, self.municipality, self.branches, goal, months)

    def shown(self, indicator: Indicator, period: Period) -> Shown:
        """The indicator's figure for a period, as its measure reads it."""
        return measure_of(indicator).shown(self, indicator, period)

    def months_without_data(self, indicator: Indicator, period: Period) -> list[str]:
        """Months of the period (up to `until`) in which nothing was recorded."""
        return measure_of(indicator).months_without_data(self, indicator, period)

    def samples(self, indicator: Indicator, period: Period) -> list[Any]:
        """The sample rows of the period (local days)."""
        t = sample_figures
        return self.conn.execute(
            select(t).where(
                *self.where(t, indicator),
                t.c.day >= period.start.isoformat(),
                t.c.day < period.end.isoformat(),
            ).order_by(t.c.window_start)
        ).all()  # fmt: skip

    def days(self, period: Period) -> list[date]:
        """The period's days, up to `until`."""
        end = period.end if self.until is None else min(period.end, self.until)
        return estimates.period_days(period.start, max(end, period.start))

    def where(self, table: Table, indicator: Indicator) -> list[Any]:
        """The conditions selecting an indicator's rows of a table in the branches."""
        return [
            table.c.municipality == self.municipality,
            table.c.goal == indicator.goal,
            table.c.indicator == indicator.code,
            table.c.branch.in_(self.branches),
        ]


class _Monthly:
    """A goal's monthly figures in some branches, summed as a period asks."""

    def __init__(
        self,
        conn: Connection,
        municipality: str,
        branches: Sequence[str],
        goal: str,
        months: Sequence[str],
    ) -> None:
        t = goal_figures
        query = select(
            t.c.indicator, t.c.dimension, t.c.month, func.sum(t.c.value),
            func.sum(t.c.records),
        ).where(
            t.c.municipality == municipality, t.c.branch.in_(branches),
            t.c.goal == goal, t.c.month.in_(months),
        ).group_by(t.c.indicator, t.c.dimension, t.c.month)  # fmt: skip
        rows = conn.execute(query).all()
        self.rows = {(i, d, m): (float(v), int(r)) for i, d, m, v, r in rows}
        self.sessions = _sessions_per_month(conn, municipality, branches, goal, months)

    def month(self, indicator: Indicator, month: str) -> Figure:
        """The indicator's total of one month and the records behind it."""
        return self.rows.get((indicator.code, "", month), NOTHING)

    def by_dimension(
        self, indicator: Indicator, months: Sequence[str]
    ) -> dict[str, dict[str, float]]:
        """{"themes": {"digid": 12, ...}} summed over some months."""
        split: dict[str, dict[str, float]] = defaultdict(dict)
        for (code, dimension, month), (value, _) in self.rows.items():
            if code == indicator.code and dimension and month in months:
                name, _, item = dimension.partition(":")
                split[name][item] = split[name].get(item, 0.0) + value
        # A retracted record leaves a nought behind: no record, no entry.
        kept = {n: {i: v for i, v in items.items() if v} for n, items in split.items()}
        return {name: items for name, items in kept.items() if items}


def _sessions_per_month(
    conn: Connection,
    municipality: str,
    branches: Sequence[str],
    goal: str,
    months: Sequence[str],
) -> Counter:
    t = session_figures
    query = select(t.c.month, t.c.goal_codes).where(
        t.c.municipality == municipality,
        t.c.branch.in_(branches),
        t.c.month.in_(months),
    )
    rows = conn.execute(query).all()
    return Counter(month for month, codes in rows if goal in codes.split(","))
