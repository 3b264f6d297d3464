"""The visitor estimate of docs/ESTIMATES.md, written again from the document.

The end-to-end test compares the API's estimate with this one, so it must not
share the estimator's code (`events.figures.estimates`): it is written from the
method's description, plainly, one step per paragraph of the document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Parts of the day: (name, first minute, end minute) on the local clock.
PARTS = (("ochtend", 0, 720), ("middag", 720, 1020), ("avond", 1020, 1440))
# Student's t, 97.5%, for 1 to 30 degrees of freedom (any statistics table).
T_TABLE = [
    *[12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228],
    *[2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086],
    *[2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042],
]


@dataclass(frozen=True)
class Posted:
    """A visitor sample as the generator posted it."""

    start: datetime  # aware
    minutes: int
    people: int
    method: str


@dataclass(frozen=True)
class Tallied:
    total: float
    low: float
    high: float
    samples: int


def visitor_estimate(
    posted: list[Posted],
    hours: dict[int, list[tuple[time, time]]],
    days: list[date],
    closed: set[date],
    zone: ZoneInfo,
    stay: float = 45.0,
) -> Tallied | None:
    open_days = [d for d in days if d not in closed]
    minutes: dict[tuple[int, str], float] = {}
    for day in open_days:
        for (weekday, part), length in _open_parts(day, hours, zone).items():
            minutes[(weekday, part)] = minutes.get((weekday, part), 0.0) + length
    # Each sample at its middle (a headcount at its moment), on an open day and
    # in an open part of the day; a day's samples in a stratum are one unit.
    units: dict[tuple[int, str], dict[date, list[float]]] = {}
    used = 0
    for sample in posted:
        middle = sample.start
        if sample.method == "tally":
            middle = sample.start + timedelta(minutes=sample.minutes / 2)
        local = middle.astimezone(zone)
        key = (local.isoweekday(), _part(local.hour * 60 + local.minute))
        if local.date() not in open_days or key not in minutes:
            continue
        used += 1
        unit = units.setdefault(key, {}).setdefault(local.date(), [0.0, 0.0])
        unit[0] += sample.people
        unit[1] += sample.minutes if sample.method == "tally" else stay
    if not used:
        return None
    rate = {
        key: sum(y for y, _ in by_day.values()) / sum(m for _, m in by_day.values())
        for key, by_day in units.items()
    }
    weight = {key: minutes[key] for key in rate}
    borrowing = 0.0
    for key in minutes:
        if key in rate:
            continue
        lenders = [k for k in rate if k[1] == key[1]]
        lenders = lenders or [k for k in rate if k[0] == key[0]] or list(rate)
        mean = sum(rate[k] for k in lenders) / len(lenders)
        for k in lenders:
            weight[k] += minutes[key] / len(lenders)
        borrowing += (minutes[key] * mean) ** 2 * (1 + 1 / len(lenders))
    total = sum(weight[k] * rate[k] for k in rate)
    low, high = _interval(total, weight, rate, units, borrowing)
    return Tallied(total, low, high, used)


def _interval(total, weight, rate, units, borrowing) -> tuple[float, float]:
    if total <= 0:
        return 0.0, 0.0
    # Within: each sampled day's relative deviation from its stratum's rate.
    squares, within_df = 0.0, 0
    for key, by_day in units.items():
        n = len(by_day)
        if n < 2 or rate[key] <= 0:
            continue
        mbar = sum(m for _, m in by_day.values()) / n
        for y, m in by_day.values():
            squares += ((y - rate[key] * m) / (rate[key] * mbar)) ** 2
        within_df += n - 1
    # Between: the strata's rates around their part of the day's mean.
    spread, between_df = 0.0, 0
    groups = [[rate[k] for k in rate if k[1] == name] for name, _, _ in PARTS]
    for values in groups:
        if len(values) > 1 and sum(values) > 0:
            mean = sum(values) / len(values)
            spread += sum(((v - mean) / mean) ** 2 for v in values)
            between_df += len(values) - 1
    if between_df == 0:
        values = list(rate.values())
        if len(values) > 1 and sum(values) > 0:
            mean = sum(values) / len(values)
            spread = sum(((v - mean) / mean) ** 2 for v in values)
            between_df = len(values) - 1
    if within_df == 0 or (borrowing > 0 and between_df == 0):
        return 0.0, math.inf
    weighed = sum((weight[k] * rate[k]) ** 2 / len(units[k]) for k in rate)
    v_within = squares / within_df * weighed
    v_between = spread / between_df * borrowing if borrowing else 0.0
    variance = v_within + v_between
    if variance == 0:
        return total, total
    denominator = v_within**2 / within_df
    if v_between:
        denominator += v_between**2 / between_df
    q = _t975(variance**2 / denominator)
    # A lognormal whose mean is the total, its middle sigma^2 / 2 lower (log).
    sigma2 = math.log(1 + variance / total**2)
    middle = math.log(total) + sigma2 / 2
    low = math.exp(middle - q * math.sqrt(sigma2))
    return min(low, total), math.exp(middle + q * math.sqrt(sigma2))


def _t975(df: float) -> float:
    if df < 31:
        return T_TABLE[max(int(df), 1) - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _part(minute: int) -> str:
    return "ochtend" if minute < 720 else "middag" if minute < 1020 else "avond"


def _open_parts(
    day: date, hours: dict[int, list[tuple[time, time]]], zone: ZoneInfo
) -> dict[tuple[int, str], float]:
    """Real minutes open in each part of the day: aware moments, subtracted in UTC."""
    found: dict[tuple[int, str], float] = {}
    for opens, closes in hours.get(day.isoweekday(), []):
        first = opens.hour * 60 + opens.minute
        last = closes.hour * 60 + closes.minute or 1440
        for name, lo, hi in PARTS:
            a, b = max(first, lo), min(last, hi)
            if a < b:
                key = (day.isoweekday(), name)
                found[key] = found.get(key, 0.0) + _utc_minutes(day, a, b, zone)
    return found


def _utc_minutes(day: date, a: int, b: int, zone: ZoneInfo) -> float:
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    start = (midnight + timedelta(minutes=a)).astimezone(UTC)
    end = (midnight + timedelta(minutes=b)).astimezone(UTC)
    return (end - start).total_seconds() / 60
