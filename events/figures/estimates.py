"""Visitor estimates from samples, with a 95% interval (goals 3.1 and 5.1).

Plein1 has no door counter, so staff sample: a tally of people entering during a
window, or a headcount of people present. The method is in docs/ESTIMATES.md.
Pure functions: no database, no Flask. Days, weekdays and parts of day are
local to `zone`, the configured time zone (BIEB_TIME_ZONE), which callers pass.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from events.i18n import t

DAY = 24 * 60
# Weekday names as the report shows them (the translation layer's words).
WEEKDAYS = tuple(t(f"estimate.weekday.{day}") for day in range(1, 8))
# Parts of the day by their codes, with their first and last minute.
PARTS = (("ochtend", 0, 12 * 60), ("middag", 12 * 60, 17 * 60), ("avond", 17 * 60, DAY))
METHODS = ("tally", "headcount")
DEFAULT_STAY = 45.0
ALL_SAMPLES = t("estimate.all_samples")
# t(0.975, df) for df 1-30; above 30 the Cornish-Fisher expansion is exact enough.
T975 = (
    *(12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228),
    *(2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086),
    *(2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042),
)

OpeningHours = dict[int, list[tuple[time, time]]]
Stratum = tuple[int, str]  # (ISO weekday, part of day)
Observation = tuple[float, float]  # (arrivals, minutes observed)


@dataclass(frozen=True)
class Sample:
    """One visitor sample: a tally of people entering, or a headcount present."""

    local_start: datetime
    minutes: int
    people: int
    method: str

    def __post_init__(self) -> None:
        if self.local_start.utcoffset() is None:
            raise ValueError("local_start must be an aware datetime")
        if self.method not in METHODS or self.people < 0:
            raise ValueError(f"not a sample: {self.method!r}, {self.people} people")
        if self.method == "tally" and self.minutes <= 0:
            raise ValueError("a tally needs a window of at least one minute")


@dataclass(frozen=True)
class OccupancySample:
    """Study and work places occupied at one moment (goal 5.1)."""

    local_start: datetime
    places: int
    occupied: int

    def __post_init__(self) -> None:
        if not 0 <= self.occupied <= self.places or self.places <= 0:
            raise ValueError(f"{self.occupied} of {self.places} places occupied")


@dataclass(frozen=True)
class Estimate:
    """Visitors in a period, its 95% interval and what it rests on."""

    total: float
    low: float
    high: float
    samples: int
    strata: int
    imputed_strata: list[str]
    missing: list[str]
    method: str
    assumptions: dict

    def display(self) -> str:
        """The estimate in words, rounded to what the interval can carry."""
        return display(self.total, self.low, self.high)


@dataclass(frozen=True)
class Occupancy:
    """The mean share of places occupied, with its 95% interval."""

    mean_rate: float
    low: float
    high: float
    samples: int
    places: int
    by_part_of_day: dict[str, float]


@dataclass(frozen=True)
class _Ratio:
    """A ratio estimate sum(y) / sum(m) and its estimated variance."""

    rate: float
    variance: float
    n: int


def period_days(start: date, end: date) -> list[date]:
    """The days in [start, end), e.g. of an events.periods.Period."""
    return [start + timedelta(days=i) for i in range((end - start).days)]


def part_of_day(moment: datetime, zone: tzinfo) -> str:
    """'ochtend' before 12:00, 'middag' until 17:00, 'avond' after, in `zone`."""
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    return next(name for name, first, last in PARTS if first <= minute < last)


def stratum_label(stratum: Stratum) -> str:
    """'zondagmiddag': a stratum as the report names it."""
    return f"{WEEKDAYS[stratum[0] - 1]}{t(f'estimate.part.{stratum[1]}')}"


def open_minutes(
    hours: OpeningHours,
    days: Iterable[date],
    closed: Collection[date] = (),
    *,
    zone: tzinfo,
) -> dict[Stratum, float]:
    """Real open minutes per stratum; an end of 00:00 means midnight."""
    totals: dict[Stratum, float] = defaultdict(float)
    for day in days:
        if day in closed:
            continue
        for start, end in hours.get(day.isoweekday(), []):
            first, last = _clock(start), _clock(end) or DAY
            if first >= last:
                raise ValueError(f"opening hours {start}-{end} do not run forward")
            for name, part_first, part_last in PARTS:
                if max(first, part_first) < min(last, part_last):
                    stratum = (day.isoweekday(), name)
                    totals[stratum] += _real_minutes(
                        day, max(first, part_first), min(last, part_last), zone
                    )
    return dict(totals)


def missing_strata(
    samples: Sequence[Sample],
    hours: OpeningHours,
    days: Sequence[date],
    closed: Collection[date] = (),
    *,
    zone: tzinfo,
) -> list[str]:
    """Strata open in the period with fewer than two samples in it."""
    minutes = open_minutes(hours, days, closed, zone=zone)
    counts = _group(_in_period(samples, days, closed, zone), DEFAULT_STAY, zone)
    return _short(minutes, counts)


def estimate(
    samples: Sequence[Sample],
    hours: OpeningHours,
    days: Sequence[date],
    closed: Collection[date] = (),
    *,
    zone: tzinfo,
    stay_minutes: float = DEFAULT_STAY,
) -> Estimate | None:
    """Visitors in the period from the samples in it; None without any sample."""
    if stay_minutes <= 0:
        raise ValueError("the average stay must be positive")
    used = _in_period(samples, days, closed, zone)
    if not used:
        return None
    minutes = open_minutes(hours, days, closed, zone=zone)
    groups = _group(used, stay_minutes, zone)
    parts, borrowed = _components(minutes, groups)
    total = sum(m * r.rate for m, r in parts)
    low, high = _interval(total, parts)
    missing = _short(minutes, groups)
    return Estimate(
        total=total,
        low=low,
        high=high,
        samples=len(used),
        strata=len(minutes),
        imputed_strata=list(missing),
        missing=missing,
        method=_method_text(used, missing, stay_minutes),
        assumptions={"average_stay_minutes": stay_minutes, "imputed_from": borrowed},
    )


def display(total: float, low: float, high: float) -> str:
    """'ca. 12.300 (95%-interval: 11.100 tot 13.600)': as the interval allows."""
    if not math.isfinite(high):
        shown = _dutch(total, _step(total))
        return t("estimate.display.unbounded").format(total=shown)
    step = _step(high - total)
    return t("estimate.display").format(
        total=_dutch(total, step), low=_dutch(low, step), high=_dutch(high, step)
    )


def rounded(total: float, high: float | None) -> float:
    """The total to two significant figures of its uncertainty, as displayed."""
    uncertain = math.inf if high is None else high - total
    step = _step(uncertain if math.isfinite(uncertain) else total)
    return float(round(total / step) * step)


def occupancy(samples: Sequence[OccupancySample], *, zone: tzinfo) -> Occupancy | None:
    """Mean share of workplaces occupied (a ratio over samples); None without any."""
    if not samples:
        return None
    ratio = _ratio([(s.occupied, s.places) for s in samples])
    half = t975(ratio.n - 1) * math.sqrt(ratio.variance) if ratio.n > 1 else math.inf
    by_part: dict[str, list[Observation]] = defaultdict(list)
    for s in samples:
        by_part[part_of_day(s.local_start, zone)].append((s.occupied, s.places))
    return Occupancy(
        mean_rate=ratio.rate,
        low=max(0.0, ratio.rate - half),
        high=min(1.0, ratio.rate + half),
        samples=ratio.n,
        places=max(samples, key=lambda s: s.local_start).places,
        by_part_of_day={p: _ratio(obs).rate for p, obs in by_part.items()},
    )


def t975(df: float) -> float:
    """The 97.5% quantile of Student's t (two-sided 95%), df rounded down."""
    if df >= len(T975) + 1:
        z = 1.959964  # the normal quantile, corrected in powers of 1/df
        first = (z**3 + z) / (4 * df)
        return z + first + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    return T975[max(1, int(df)) - 1]


def _clock(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


def _real_minutes(day: date, first: float, last: float, zone: tzinfo) -> float:
    # Wall-clock minutes are made aware, then subtracted in UTC: a DST day is
    # an hour shorter or longer, and aware subtraction in one zone would hide it.
    midnight = datetime.combine(day, time(0), zone)
    start = (midnight + timedelta(minutes=first)).astimezone(UTC)
    end = (midnight + timedelta(minutes=last)).astimezone(UTC)
    return (end - start).total_seconds() / 60


def _order(stratum: Stratum) -> tuple[int, int]:
    return stratum[0], [name for name, _, _ in PARTS].index(stratum[1])


def _short(
    minutes: dict[Stratum, float], groups: dict[Stratum, list[Observation]]
) -> list[str]:
    """Open strata with too few samples for a rate of their own."""
    return [stratum_label(s) for s in sorted(minutes, key=_order) if len(groups[s]) < 2]


def _moment(sample: Sample) -> datetime:
    # A tally belongs to the part of day its window mostly lies in.
    if sample.method == "tally":
        return sample.local_start + timedelta(minutes=sample.minutes / 2)
    return sample.local_start


def _in_period(
    samples: Iterable[Sample],
    days: Iterable[date],
    closed: Collection[date],
    zone: tzinfo,
) -> list[Sample]:
    wanted = set(days) - set(closed)
    return [s for s in samples if _moment(s).astimezone(zone).date() in wanted]


def _group(
    samples: Iterable[Sample], stay: float, zone: tzinfo
) -> dict[Stratum, list[Observation]]:
    groups: dict[Stratum, list[Observation]] = defaultdict(list)
    for s in samples:
        moment = _moment(s).astimezone(zone)
        # Little's law: people present = arrival rate x stay, so a headcount
        # weighs as a tally over one average stay.
        minutes = s.minutes if s.method == "tally" else stay
        groups[(moment.isoweekday(), part_of_day(moment, zone))].append(
            (s.people, minutes)
        )
    return groups


def _ratio(observations: Sequence[Observation]) -> _Ratio:
    n = len(observations)
    arrivals, minutes = sum(y for y, _ in observations), sum(m for _, m in observations)
    rate = arrivals / minutes if minutes else 0.0
    if n < 2 or not minutes:
        return _Ratio(rate, math.inf if n < 2 else 0.0, n)
    mean_minutes = minutes / n
    residuals = sum((y - rate * m) ** 2 for y, m in observations)
    return _Ratio(rate, residuals / (n - 1) / mean_minutes**2 / n, n)


def _components(
    minutes: dict[Stratum, float], groups: dict[Stratum, list[Observation]]
) -> tuple[list[tuple[float, _Ratio]], dict[str, str]]:
    """(open minutes, rate) per sampled stratum and per pool lent to others."""
    parts: list[tuple[float, _Ratio]] = []
    lent: dict[str, float] = defaultdict(float)
    borrowed: dict[str, str] = {}
    for stratum in sorted(minutes, key=_order):
        if len(groups[stratum]) >= 2:
            parts.append((minutes[stratum], _ratio(groups[stratum])))
            continue
        source = _pool_name(stratum[0], groups)
        lent[source] += minutes[stratum]
        borrowed[stratum_label(stratum)] = source
    for source, lent_minutes in lent.items():
        parts.append((lent_minutes, _ratio(_pool(source, groups))))
    return parts, borrowed


def _pool_name(weekday: int, groups: dict[Stratum, list[Observation]]) -> str:
    same_day = _pool(WEEKDAYS[weekday - 1], groups)
    return WEEKDAYS[weekday - 1] if len(same_day) >= 2 else ALL_SAMPLES


def _pool(source: str, groups: dict[Stratum, list[Observation]]) -> list[Observation]:
    return [
        obs
        for (weekday, _), group in groups.items()
        if source in (ALL_SAMPLES, WEEKDAYS[weekday - 1])
        for obs in group
    ]


def _interval(total: float, parts: list[tuple[float, _Ratio]]) -> tuple[float, float]:
    """Stratified variance, Satterthwaite degrees of freedom, never below zero."""
    pieces = [(m * m * r.variance, r.n) for m, r in parts if m]
    variance = sum(v for v, _ in pieces)
    if not math.isfinite(variance):
        return 0.0, math.inf
    if variance == 0:
        return total, total
    df = variance**2 / sum(v * v / (n - 1) for v, n in pieces)
    half = t975(df) * math.sqrt(variance)
    return max(0.0, total - half), total + half


def _method_text(used: list[Sample], missing: list[str], stay: float) -> str:
    n = len(used)
    samples = t("estimate.samples.one" if n == 1 else "estimate.samples.many")
    text = t("estimate.method").format(count=n, samples=samples)
    if missing:
        parts = t("estimate.parts.one" if len(missing) == 1 else "estimate.parts.many")
        text += t("estimate.method.imputed").format(count=len(missing), parts=parts)
    if any(s.method == "headcount" for s in used):
        text += t("estimate.method.headcount").format(stay=f"{stay:g}")
    return text


def _step(half_width: float) -> float:
    # Two significant figures of the uncertainty: more digits would be noise.
    if half_width < 10:
        return 1
    return 10 ** (math.floor(math.log10(half_width)) - 1)


def _dutch(value: float, step: float) -> str:
    return f"{round(value / step) * step:,.0f}".replace(",", ".")
