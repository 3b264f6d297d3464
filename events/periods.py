"""Reporting periods as calendar periods in the agreement's time zone (invariant 10).

An event at 23:30 on 30 June, Amsterdam time, is in H1 even though it is already
1 July in UTC; bounds are local midnights converted to UTC, so DST is handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PATTERN = re.compile(r"(?P<year>\d{4})(?:-(?P<part>H[12]|Q[1-4]|\d{2}))?")
# The years a period may lie in: far wider than any agreement, and narrow enough
# that every bound converts to UTC (year 1 in Amsterdam is year 0 in UTC).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day's first instant and the instant after it (23 or 25 hours on DST)."""
    return (
        datetime.combine(day, datetime.min.time(), zone),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), zone),
    )


@dataclass(frozen=True, order=True)
class Period:
    """[start, end) in local dates, with the label it is known by ("2025-H1")."""

    start: date
    end: date
    label: str

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's first instant and the instant after it, as aware datetimes."""
        return (
            datetime.combine(self.start, datetime.min.time(), zone),
            datetime.combine(self.end, datetime.min.time(), zone),
        )

    def contains(self, when: datetime, zone: ZoneInfo) -> bool:
        return self.start <= when.astimezone(zone).date() < self.end

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return parse_period(_shift(self.label, -1))

    def year_earlier(self) -> Period:
        """The same period a year earlier."""
        year, _, rest = self.label.partition("-")
        return parse_period(f"{int(year) - 1}-{rest}" if rest else str(int(year) - 1))


def _month_start(year: int, month: int) -> date:
    year += (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """'2025', '2025-H1', '2025-H2', '2025-Q3' or '2025-03'; ValueError otherwise."""
    match = PATTERN.fullmatch(text.strip())
    if not match:
        raise ValueError("not a period (use 2025, 2025-H1, 2025-Q2, 2025-03)")
    year, part = int(match["year"]), match["part"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"not a year from {FIRST_YEAR} to {LAST_YEAR}")
    if part is None:
        first, months = 1, 12
    elif part[0] == "H":
        first, months = 1 + 6 * (int(part[1]) - 1), 6
    elif part[0] == "Q":
        first, months = 1 + 3 * (int(part[1]) - 1), 3
    else:
        first, months = int(part), 1
        if not 1 <= first <= 12:
            raise ValueError("not a month (01 to 12)")
    start = _month_start(year, first)
    return Period(start, _month_start(year, first + months), text.strip())


def _shift(label: str, steps: int) -> str:
    period = parse_period(label)
    if "-" not in label:
        return str(period.start.year + steps)
    year, part = label.split("-")
    if part[0] in "HQ":
        size = 2 if part[0] == "H" else 4
        index = int(year) * size + int(part[1]) - 1 + steps
        return f"{index // size}-{part[0]}{index % size + 1}"
    month = _month_start(int(year), int(part) + steps)
    return f"{month.year}-{month.month:02d}"


def period_of(when: datetime, kind: str, zone: ZoneInfo) -> Period:
    """The period of a kind ('year', 'half', 'quarter', 'month') an instant is in."""
    local = when.astimezone(zone).date()
    labels = {
        "year": f"{local.year}",
        "half": f"{local.year}-H{1 if local.month <= 6 else 2}",
        "quarter": f"{local.year}-Q{(local.month - 1) // 3 + 1}",
        "month": f"{local.year}-{local.month:02d}",
    }
    return parse_period(labels[kind])


def within(label: str, outer: Period) -> bool:
    """Whether the period of a label lies within another period."""
    period = parse_period(label)
    return outer.start <= period.start and period.end <= outer.end


def iso_week_start(week: str) -> date:
    """The Monday of an ISO week written '2025-W27'."""
    year, _, number = week.partition("-W")
    return date.fromisocalendar(int(year), int(number), 1)


# --- ISO weeks: one rule for the API, the pages and the reports --------------
# A week belongs to the period that holds its Thursday, as ISO 8601 assigns a
# week to a year: 2025-W01 (30 Dec 2024 - 5 Jan 2025) is in 2025-H1, 2026-W53
# (28 Dec 2026 - 3 Jan 2027) in 2026-H2, and each week is in exactly one half.


def week_thursday(week: str) -> date:
    """The Thursday of an ISO week written '2025-W27': the day that places it."""
    return iso_week_start(week) + timedelta(days=3)


def week_in(week: str, period: Period) -> bool:
    """Whether an ISO week belongs to a period (its Thursday lies within it)."""
    return period.start <= week_thursday(week) < period.end


def weeks_of(period: Period) -> list[tuple[str, date]]:
    """The ISO weeks of a period, each with its Monday, in order."""
    thursday = period.start + timedelta(days=(3 - period.start.weekday()) % 7)
    weeks = []
    while thursday < period.end:
        year, number, _ = thursday.isocalendar()
        weeks.append((f"{year}-W{number:02d}", thursday - timedelta(days=3)))
        thursday += timedelta(days=7)
    return weeks
