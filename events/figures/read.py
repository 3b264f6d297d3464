"""A goal's figures for a period, read from the read models on one connection.

Additive measures (counts, sums, participants, latest values) are sums of
months. Spans, stocks and estimates are read from their own tables: a partner
active in March and in May is one partner in the half year, a stock is a value
on a day, and an estimate is made from the samples of the whole period.

The same reading serves the API (on the live tables), the reports, and `as_of`
(on tables replayed to a position, events.figures.replay).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from events.catalogue import Agreement
from events.catalogue.indicators import Indicator
from events.figures import estimates
from events.i18n import t
from events.periods import Period
from events.store.read_models import (
    goal_figures,
    projection_checkpoints,
    sample_figures,
    session_figures,
    span_figures,
    stock_figures,
)

Figure = tuple[float, int]  # the value, and the records behind it
NOTHING: Figure = (0.0, 0)


def months_of(period: Period) -> list[str]:
    """The months ("2025-01") a period spans."""
    months, day = [], period.start
    while day < period.end:
        months.append(f"{day.year}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def figures_position(conn: Connection) -> int:
    """The log position the goal figures are counted up to."""
    t = projection_checkpoints
    query = select(t.c.position).where(t.c.name == "goal_figures")
    return conn.execute(query).scalar_one_or_none() or 0


@dataclass(frozen=True)
class Shown:
    """An indicator's figure for one period, and how it was obtained."""

    value: float | None  # None: nothing to show (no stock counted, no samples)
    records: int
    method: str = "counted"  # counted | estimated
    by_dimension: dict[str, dict[str, float]] = field(default_factory=dict)
    months: dict[str, float] = field(default_factory=dict)
    at_start: float | None = None  # a stock's value on the period's first day
    estimate: dict[str, Any] | None = None  # interval, samples, method, missing


def counted_or_imported(
    shown: Shown, imported: float | None
) -> tuple[float | None, str]:
    """The figure shown and how it was obtained.

    A figure imported from the records kept before the register stands where
    the register itself counted nothing for the period.
    """
    if shown.value or shown.records or imported is None:
        return shown.value, shown.method
    return imported, "imported"


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
        until: date | None = None,
    ) -> None:
        self.conn = conn
        self.agreement = agreement
        self.municipality = agreement.municipality.code
        self.branches = list(branches)
        self.goal = goal
        # Estimates extrapolate to open days up to here (not into the future).
        self.until = until
        months = sorted({m for p in periods for m in months_of(p)})
        self.monthly = _Monthly(conn, self.municipality, self.branches, goal, months)

    def shown(self, indicator: Indicator, period: Period) -> Shown:
        """The indicator's figure for a period, by its measure."""
        if indicator.measure == "active":
            return self._active(indicator, period)
        if indicator.measure == "stock":
            return self._stock(indicator, period)
        if indicator.measure in ("estimate", "occupancy"):
            return self._estimated(indicator, period)
        months = months_of(period)
        value, records = self.monthly.total(indicator, months)
        return Shown(
            value=value,
            records=records,
            by_dimension=self.monthly.by_dimension(indicator, months),
            months={m: self.monthly.month(indicator, m)[0] for m in months},
        )

    def months_without_data(self, indicator: Indicator, period: Period) -> list[str]:
        """Months of the period (up to `until`) in which nothing was recorded."""
        last = (self.until or period.end).strftime("%Y-%m")
        months = [m for m in months_of(period) if m <= last]
        if indicator.additive:
            return [m for m in months if self.monthly.month(indicator, m) == NOTHING]
        return []

    # -- spans: active in the period ---------------------------------------------

    def _active(self, indicator: Indicator, period: Period) -> Shown:
        t = span_figures
        rows = self.conn.execute(
            select(t.c.dimensions).where(
                *self._of(t, indicator),
                t.c.started < period.end.isoformat(),
                (t.c.ended.is_(None)) | (t.c.ended >= period.start.isoformat()),
            )
        ).all()
        split: dict[str, dict[str, float]] = defaultdict(dict)
        for (dimensions,) in rows:
            for dimension in filter(None, dimensions.split(",")):
                name, _, item = dimension.partition(":")
                split[name][item] = split[name].get(item, 0.0) + 1
        count = len(rows)
        return Shown(value=float(count), records=count, by_dimension=dict(split))

    # -- stocks: the value on a day ----------------------------------------------

    def _stock(self, indicator: Indicator, period: Period) -> Shown:
        at_start = self._stock_on(indicator, period.start.isoformat(), inclusive=True)
        at_end = self._stock_on(indicator, period.end.isoformat(), inclusive=False)
        return Shown(
            value=at_end[0], records=at_end[1], at_start=at_start[0],
        )  # fmt: skip

    def _stock_on(
        self, indicator: Indicator, day: str, *, inclusive: bool
    ) -> tuple[float | None, int]:
        """Per key, the last count on (or before) a day; summed over keys."""
        t = stock_figures
        bound = t.c.on_date <= day if inclusive else t.c.on_date < day
        latest = (
            select(t.c.key, func.max(t.c.on_date).label("on_date"))
            .where(*self._of(t, indicator), bound)
            .group_by(t.c.key)
            .subquery()
        )
        query = select(t.c.value).join(
            latest, (t.c.key == latest.c.key) & (t.c.on_date == latest.c.on_date)
        ).where(*self._of(t, indicator))  # fmt: skip
        values = self.conn.execute(query).scalars().all()
        return (float(sum(values)) if values else None), len(values)

    # -- estimates from samples ----------------------------------------------------

    def samples(self, indicator: Indicator, period: Period) -> list[Any]:
        """The sample rows of the period (local days)."""
        t = sample_figures
        return self.conn.execute(
            select(t).where(
                *self._of(t, indicator),
                t.c.day >= period.start.isoformat(),
                t.c.day < period.end.isoformat(),
            ).order_by(t.c.window_start)
        ).all()  # fmt: skip

    def _estimated(self, indicator: Indicator, period: Period) -> Shown:
        rows = self.samples(indicator, period)
        if indicator.measure == "occupancy":
            return _occupancy(rows)
        by_branch: dict[str, list[estimates.Sample]] = defaultdict(list)
        for row in rows:
            by_branch[row.branch].append(_sample(row))
        made, months = [], {}
        for code in self.branches:
            branch = self.agreement.branch(code)
            hours, days = branch.opening_hours, self._days(period)
            closed = branch.closed_between(period.start, period.end)
            found = estimates.estimate(by_branch[code], hours, days, closed)
            if found is not None:
                made.append(found)
                for month in months_of(period):
                    in_month = [d for d in days if d.strftime("%Y-%m") == month]
                    part = estimates.estimate(by_branch[code], hours, in_month, closed)
                    months[month] = months.get(month, 0.0) + (part.total if part else 0)
        if not made:
            return Shown(value=None, records=0, method="estimated")
        return Shown(
            value=sum(e.total for e in made),
            records=sum(e.samples for e in made),
            method="estimated",
            months=months,
            estimate=_combined(made),
        )

    def _days(self, period: Period) -> list[date]:
        end = period.end if self.until is None else min(period.end, self.until)
        return estimates.period_days(period.start, max(end, period.start))

    def _of(self, table, indicator: Indicator) -> list:
        return [
            table.c.municipality == self.municipality,
            table.c.goal == indicator.goal,
            table.c.indicator == indicator.code,
            table.c.branch.in_(self.branches),
        ]


def _sample(row: Any) -> estimates.Sample:
    return estimates.Sample(
        local_start=datetime.fromisoformat(row.window_start),
        minutes=row.minutes,
        people=row.people,
        method=row.method,
    )


def _combined(made: list[estimates.Estimate]) -> dict[str, Any]:
    """Branches' estimates added up; their half-widths add in quadrature."""
    total = sum(e.total for e in made)
    if len(made) == 1:
        one = made[0]
        low, high, display = one.low, one.high, one.display()
    else:
        half = math.sqrt(sum((e.high - e.total) ** 2 for e in made))
        low, high = max(0.0, total - half), total + half
        display = estimates.display(total, low, high)
    return {
        "low": low,
        "high": high if math.isfinite(high) else None,
        "samples": sum(e.samples for e in made),
        "display": display,
        "method": made[0].method,
        "missing": sorted({m for e in made for m in e.missing}),
    }


def _occupancy(rows: Sequence[Any]) -> Shown:
    found = estimates.occupancy(
        [
            estimates.OccupancySample(
                datetime.fromisoformat(r.window_start), r.places, r.occupied
            )
            for r in rows
        ]
    )
    if found is None:
        return Shown(value=None, records=0, method="estimated")
    percent = round(100 * found.mean_rate, 1)
    low, high = round(100 * found.low, 1), round(100 * found.high, 1)
    bounded = math.isfinite(found.high)
    interval = (
        t("occupancy.interval").format(low=_comma(low), high=_comma(high))
        if bounded
        else t("occupancy.unbounded")
    )
    display = t("occupancy.display").format(
        percent=_comma(percent), places=found.places, interval=interval
    )
    return Shown(
        value=percent,
        records=found.samples,
        method="estimated",
        estimate={
            "low": low,
            "high": high if bounded else None,
            "samples": found.samples,
            "places": found.places,
            "display": display,
            "method": t("occupancy.method").format(count=found.samples),
            "missing": [],
        },
    )


def _comma(value: float) -> str:
    """62.5 -> '62,5'; 60.0 -> '60'."""
    return f"{value:g}".replace(".", ",")


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

    def month(self, indicator: Indicator, month: str, dimension: str = "") -> Figure:
        value, records = self.rows.get((indicator.code, dimension, month), NOTHING)
        if indicator.measure == "participants" and not dimension:
            # Participants are counted per session: the sessions are its records.
            records = self.sessions[month]
        return value, records

    def total(self, indicator: Indicator, months: Sequence[str]) -> Figure:
        """The sum of some months."""
        found = [self.month(indicator, month) for month in months]
        return sum(v for v, _ in found), sum(r for _, r in found)

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
