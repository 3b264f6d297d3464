"""Generated half years of visitors whose true total is known (issue #10).

The estimator assumes a steady rate per weekday and part of the day. This world
does not: its rate changes by the hour, by the day, from week to week (a random
walk on top of school holidays and a summer dip), and counts in a window are
overdispersed (gamma-Poisson: a class or a club arrives at once). Staff sample
as a library does: a few tallies a week, unevenly over the week, some parts of
the week once or never, and now and then a count on a day the branch is closed,
which the estimate must ignore. Pure Python with a seeded `random.Random`.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.figures.estimates import PARTS, Sample, estimate

ZONE = ZoneInfo("Europe/Amsterdam")
FIRST, END = date(2025, 1, 1), date(2025, 7, 1)
# Heemstede's hours (events/catalogue/heemstede-2024-2027.toml): closed on Sunday.
HOURS = {
    **{day: [(time(9), time(18))] for day in (1, 2, 4, 5)},
    3: [(time(9), time(18)), (time(18), time(21))],
    6: [(time(9, 30), time(17))],
}
# Dutch public holidays in 2025-H1 on which the branch is closed.
HOLIDAYS = frozenset(
    {date(2025, 1, 1), date(2025, 4, 21), date(2025, 4, 26), date(2025, 5, 5)}
    | {date(2025, 5, 29), date(2025, 6, 9)}
)
# School holidays (Noord-Holland 2025): fewer visitors in the day, more on Saturday.
SCHOOL_HOLIDAYS = ((date(2025, 2, 15), date(2025, 2, 24)),
                   (date(2025, 4, 26), date(2025, 5, 5)))  # fmt: skip
DAYS = [FIRST + timedelta(days=i) for i in range((END - FIRST).days)]
OPEN_DAYS = [d for d in DAYS if d.isoweekday() in HOURS and d not in HOLIDAYS]
CLOSED_DAYS = [d for d in DAYS if d.isoweekday() not in HOURS or d in HOLIDAYS]
OPEN_BY_WEEKDAY = {w: [d for d in OPEN_DAYS if d.isoweekday() == w] for w in HOURS}


@dataclass(frozen=True)
class Period:
    """One generated half year: the samples staff took and the true total."""

    samples: list[Sample]
    truth: float
    closed_samples: int  # of `samples`, those taken on a closed day


def open_stretches(day: date) -> list[tuple[int, int]]:
    """The day's open (first, last) minutes, by the clock."""
    return _clock_hours().get(day.isoweekday(), [])


def _clock_hours() -> dict[int, list[tuple[int, int]]]:
    return {
        weekday: [(a.hour * 60 + a.minute, b.hour * 60 + b.minute) for a, b in hours]
        for weekday, hours in HOURS.items()
    }


def generate(
    rng: random.Random,
    samples_per_week: float = 2.0,
    gaps: float = 0.12,
    rota: bool = False,
) -> Period:
    """A half year: hourly rates that drift, overdispersed counts, uneven samples.

    `gaps` is the chance that staff never sample a part of the week; with
    `rota`, every part of the week gets two samples before the uneven rest.
    The truth is the visitors the half year's crowd brought, hour by hour:
    the bursts within one window (the gamma in `_count`) average out over it.
    """
    rate = _hourly_rates(rng)
    weekly = _weekly_factors(rng)
    busy = {d: rng.gammavariate(12, 1 / 12) for d in OPEN_DAYS}  # days vary ~30%
    hours = range(9, 21)
    jitter = {(d, h): rng.lognormvariate(-0.02, 0.2) for d in OPEN_DAYS for h in hours}

    def intensity(day: date, minute: float) -> float:
        """Expected arrivals per minute at that moment."""
        hour = int(minute // 60)
        level = weekly[_week(day)] * _season(day) * busy[day]
        return rate[(day.isoweekday(), hour)] * level * jitter[(day, hour)]

    truth = sum(
        intensity(day, hour * 60) * _overlap(first, last, hour)
        for day in OPEN_DAYS
        for first, last in open_stretches(day)
        for hour in range(first // 60, (last + 59) // 60)
    )
    samples = _plan(rng, samples_per_week, gaps, rota)
    counted = [
        Sample(start, minutes, _count(rng, day, start, minutes, intensity), "tally")
        for day, start, minutes in samples
    ]
    # Counts on closed days (an event night, a test of the tablet): never used.
    strays = [
        Sample(_at(day, 14 * 60), 30, rng.randint(40, 400), "tally")
        for day in rng.sample(CLOSED_DAYS, rng.randint(1, 4))
    ]
    return Period([*counted, *strays], truth, len(strays))


def _hourly_rates(rng: random.Random) -> dict[tuple[int, int], float]:
    """Arrivals per minute by weekday and hour: a day's shape, varied per hour."""
    shape = {9: 0.5, 10: 0.9, 11: 1.0, 12: 0.7, 13: 0.8, 14: 1.0, 15: 1.1,
             16: 0.9, 17: 0.6, 18: 0.5, 19: 0.6, 20: 0.4}  # fmt: skip
    level = rng.uniform(0.3, 1.2)
    rates = {}
    for weekday in HOURS:
        day_level = level * rng.lognormvariate(0, 0.3) * (1.4 if weekday == 6 else 1)
        for hour, share in shape.items():
            rates[(weekday, hour)] = day_level * share * rng.lognormvariate(0, 0.25)
    return rates


def _weekly_factors(rng: random.Random) -> dict[int, float]:
    """A random walk from week to week on the log scale."""
    factors, level = {}, 0.0
    for week in range(28):
        level += rng.gauss(0, 0.07)
        factors[week] = math.exp(level)
    return factors


def _week(day: date) -> int:
    return (day - FIRST).days // 7


def _season(day: date) -> float:
    """Winter busier, June quieter; school holidays move visitors to Saturday."""
    factor = 1.15 - 0.3 * (day - FIRST).days / (END - FIRST).days
    if any(a <= day < b for a, b in SCHOOL_HOLIDAYS):
        factor *= 1.3 if day.isoweekday() == 6 else 0.75
    return factor


def _overlap(first: int, last: int, hour: int) -> float:
    return max(0, min(last, hour * 60 + 60) - max(first, hour * 60))


def _plan(
    rng: random.Random, per_week: float, gaps: float, rota: bool
) -> list[tuple[date, datetime, int]]:
    """Tallies as staff take them: favourite parts of the week, some never."""
    strata = [
        (weekday, max(first, lo), min(last, hi))
        for weekday, stretches in _clock_hours().items()
        for first, last in [(stretches[0][0], stretches[-1][1])]
        for _, lo, hi in PARTS
        if max(first, lo) < min(last, hi)
    ]
    weights = [rng.gammavariate(0.8, 1) if rng.random() > gaps else 0.0 for _ in strata]
    if not any(weights):
        weights[0] = 1.0
    count = max(2, round(per_week * 26 * rng.uniform(0.7, 1.3)))
    plan = []
    chosen = rng.choices(strata, weights, k=count)
    for weekday, lo, hi in [*strata, *strata] * rota + chosen:
        minutes = min(rng.choice((15, 20, 30, 30, 45, 60)), hi - lo)
        day = rng.choice(OPEN_BY_WEEKDAY[weekday])
        # The window's middle anywhere in the part of the day, the window inside it.
        first = min(max(lo, rng.randint(lo, hi) - minutes // 2), hi - minutes)
        plan.append((day, _at(day, first), minutes))
    return plan


def _count(
    rng: random.Random,
    day: date,
    start: datetime,
    minutes: int,
    intensity: Callable[[date, float], float],
) -> int:
    """Overdispersed arrivals in the window: gamma-Poisson around the intensity."""
    first = start.hour * 60 + start.minute
    last = first + minutes
    expected = sum(
        intensity(day, hour * 60) * _overlap(first, last, hour)
        for hour in range(first // 60, (last + 59) // 60)
    )
    return _poisson(rng, expected * rng.gammavariate(3, 1 / 3))


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count, product = count + 1, product * rng.random()
    return count


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), ZONE)


def coverage(seed: int, periods: int, **plan: float | bool) -> dict[str, float]:
    """How the estimator's 95% interval did over `periods` generated half years."""
    rng, errors, widths = random.Random(seed), [], []
    covered = below = above = borrowed = strays = 0
    for _ in range(periods):
        made = generate(rng, **plan)  # type: ignore[arg-type]
        found = estimate(made.samples, HOURS, DAYS, HOLIDAYS, zone=ZONE)
        assert found is not None
        covered += found.low <= made.truth <= found.high
        below += made.truth < found.low
        above += made.truth > found.high
        errors.append(found.total / made.truth - 1)
        widths.append((found.high - found.low) / 2 / found.total)
        borrowed += bool(found.imputed_strata)
        strays += found.samples != len(made.samples) - made.closed_samples
    return {
        "periods": periods,
        "coverage": covered / periods,
        "truth_below_interval": below / periods,
        "truth_above_interval": above / periods,
        "mean_relative_error": statistics.fmean(errors),
        "median_relative_half_width": statistics.median(widths),
        "periods_with_borrowed_rates": borrowed,
        "periods_counting_closed_day_samples": strays,
    }
