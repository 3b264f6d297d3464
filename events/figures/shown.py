"""A figure as it is shown for a period, and the months a period spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.periods import Period

Figure = tuple[float, int]  # the value, and the records behind it
NOTHING: Figure = (0.0, 0)
# The split item of the records that did not say (a check-in without a district).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Shown:
    """An indicator's figure for one period, and how it was obtained."""

    value: float | None  # None: nothing to show (no stock counted, no samples)
    records: int
    method: str = "counted"  # counted | estimated
    by_dimension: dict[str, dict[str, float]] = field(default_factory=dict)
    months: dict[str, float | None] = field(default_factory=dict)  # None: no record
    at_start: float | None = None  # a stock's value on the period's first day
    estimate: dict[str, Any] | None = None  # interval, samples, method, missing


def months_of(period: Period) -> list[str]:
    """The months ("2025-01") a period spans."""
    months, day = [], period.start
    while day < period.end:
        months.append(f"{day.year}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def with_unknown(
    split: dict[str, dict[str, float]], total: float
) -> dict[str, dict[str, float]]:
    """Each split with an UNKNOWN item for what its items leave of the total.

    A field a record may leave out (a district) splits less than the total; the
    rest is shown as unknown so that the split adds up. A field with several
    items per record (themes) splits more than the total and is left as it is.
    """
    completed = {}
    for name, items in split.items():
        rest = round(total - sum(items.values()), 9)
        completed[name] = {**items, UNKNOWN: rest} if rest > 0 else items
    return completed
