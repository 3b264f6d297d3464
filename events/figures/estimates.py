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
# When an estimate is flagged as unreliable (docs/ESTIMATES.md, "Reliability").
MIN_SAMPLES = 20
MAX_BORROWED_SHARE = 0.25
MAX_HALF_WIDTH = 0.5  # half the interval's width, as a share of the estimate
RELIABILITY = ("few_samples", "mostly_borrowed", "wide_interval")
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
    reliability: tuple[str, ...] = ()  # why not to lean on it; () when reliable
    borrowed_share: float = 0.0  # of the open minutes, the share with a borrowed rate

    @property
    def reliable(self) -> bool:
        return not self.reliability

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
class _Spread:
    """A pooled relative variance and its degrees of freedom."""

    variance: float
    df: int


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
    """Strata open in the period with fewer than two sampled days in it."""
    minutes = open_minutes(hours, days, closed, zone=zone)
    used = _in_period(samples, days, closed, zone, minutes)
    return _short(minutes, _group(used, DEFAULT_STAY, zone))


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
    minutes = open_minutes(hours, days, closed, zone=zone)
    used = _in_period(samples, days, closed, zone, minutes)
    if not used:
        return None
    groups = _group(used, stay_minutes, zone)
    weights, borrowed_term, borrowed = _weighed(minutes, groups)
    total = sum(w * _ratio(groups[s]).rate for s, w in weights.items())
    low, high = _interval(total, weights, groups, borrowed_term)
    missing, unsampled = _short(minutes, groups), _unsampled(minutes, groups)
    share = sum(minutes[s] for s in minutes if not groups[s]) / sum(minutes.values())
    return Estimate(
        total=total,
        low=low,
        high=high,
        samples=len(used),
        strata=len(minutes),
        imputed_strata=unsampled,
        missing=missing,
        method=_method_text(used, unsampled, stay_minutes),
        assumptions={"average_stay_minutes": stay_minutes, "imputed_from": borrowed},
        reliability=reliability(total, low, high, len(used), share),
        borrowed_share=share,
    )


def reliability(
    total: float, low: float, high: float, samples: int, borrowed_share: float
) -> tuple[str, ...]:
    """The codes of RELIABILITY that apply: why an estimate is not to be leaned on."""
    wide = not math.isfinite(high) or (high - low) / 2 > MAX_HALF_WIDTH * total
    return tuple(
        code
        for code, applies in zip(
            RELIABILITY,
            (samples < MIN_SAMPLES, borrowed_share > MAX_BORROWED_SHARE, wide),
            strict=True,
        )
        if applies
    )


def reliability_text(codes: Sequence[str], unsampled: Sequence[str]) -> str:
    """The verdict in plain Dutch: reliable, or why not; and the plan's gaps."""
    if not codes:
        text = t("estimate.reliable")
    else:
        reasons = [
            t(f"estimate.reliability.{code}").format(
                samples=MIN_SAMPLES,
                borrowed=round(100 * MAX_BORROWED_SHARE),
                width=round(100 * MAX_HALF_WIDTH),
            )
            for code in codes
        ]
        text = t("estimate.unreliable").format(reasons="; ".join(reasons))
    if unsampled:
        text += " " + t("estimate.gaps").format(strata=", ".join(unsampled))
    return text


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
    """Open strata with fewer than two sampled days: no spread of their own."""
    return [stratum_label(s) for s in sorted(minutes, key=_order) if len(groups[s]) < 2]


def _unsampled(
    minutes: dict[Stratum, float], groups: dict[Stratum, list[Observation]]
) -> list[str]:
    """Open strata without a single sample: the sampling plan's gaps."""
    return [stratum_label(s) for s in sorted(minutes, key=_order) if not groups[s]]


def _moment(sample: Sample) -> datetime:
    # A tally belongs to the part of day its window mostly lies in.
    if sample.method == "tally":
        return sample.local_start + timedelta(minutes=sample.minutes / 2)
    return sample.local_start


def _stratum(sample: Sample, zone: tzinfo) -> Stratum:
    moment = _moment(sample).astimezone(zone)
    return moment.isoweekday(), part_of_day(moment, zone)


def _in_period(
    samples: Iterable[Sample],
    days: Iterable[date],
    closed: Collection[date],
    zone: tzinfo,
    minutes: dict[Stratum, float],
) -> list[Sample]:
    """Samples on the period's open days, in a part of the day that was open."""
    wanted = set(days) - set(closed)
    return [
        s
        for s in samples
        if _moment(s).astimezone(zone).date() in wanted and _stratum(s, zone) in minutes
    ]


def _group(
    samples: Iterable[Sample], stay: float, zone: tzinfo
) -> dict[Stratum, list[Observation]]:
    """One observation per stratum and sampled day: a day's samples share its crowd."""
    days: dict[Stratum, dict[date, list[float]]] = defaultdict(dict)
    for s in samples:
        # Little's law: people present = arrival rate x stay, so a headcount
        # weighs as a tally over one average stay.
        minutes = s.minutes if s.method == "tally" else stay
        day = _moment(s).astimezone(zone).date()
        seen = days[_stratum(s, zone)].setdefault(day, [0.0, 0.0])
        seen[0] += s.people
        seen[1] += minutes
    groups: dict[Stratum, list[Observation]] = defaultdict(list)
    for stratum, by_day in days.items():
        groups[stratum] = [(y, m) for y, m in by_day.values()]
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


def _within(groups: dict[Stratum, list[Observation]]) -> _Spread:
    """A sampled day's relative spread around its stratum's rate, pooled.

    Two or three days per stratum give a variance too unsteady to trust alone;
    pooled over the strata on the relative scale it rests on sum(n_h - 1) df.
    """
    squares, df = 0.0, 0
    for observations in groups.values():
        rate, n = _ratio(observations).rate, len(observations)
        if n < 2 or rate <= 0:
            continue
        mean_minutes = sum(m for _, m in observations) / n
        residuals = sum((y - rate * m) ** 2 for y, m in observations)
        squares += residuals / (rate * mean_minutes) ** 2
        df += n - 1
    return _Spread(squares / df if df else math.nan, df)


def _between(rates: dict[Stratum, float]) -> _Spread:
    """How far one weekday's rate strays from the others' in the same part of day."""
    squares, df = 0.0, 0
    for name, _, _ in PARTS:
        values = [r for (_, part), r in rates.items() if part == name]
        mean = sum(values) / len(values) if values else 0.0
        if len(values) >= 2 and mean > 0:
            squares += sum((r - mean) ** 2 for r in values) / mean**2
            df += len(values) - 1
    if not df:  # no part of the day with two weekdays sampled: all strata at once
        values = list(rates.values())
        mean = sum(values) / len(values) if values else 0.0
        if len(values) >= 2 and mean > 0:
            squares = sum((r - mean) ** 2 for r in values) / mean**2
            df = len(values) - 1
    return _Spread(squares / df if df else math.nan, df)


def _lenders(
    stratum: Stratum, rates: dict[Stratum, float]
) -> tuple[str, list[Stratum]]:
    """The sampled strata an unsampled one borrows its rate from, and their name.

    The same part of the day on other weekdays first: a library's day has a
    shape (quiet mornings, busy afternoons) that weekdays share more than the
    parts of one day share a level. Then the weekday's other parts, then all.
    """
    part = stratum[1]
    same_part = sorted(s for s in rates if s[1] == part)
    if same_part:
        name = t("estimate.pool.part").format(part=t(f"estimate.part.{part}"))
        return name, same_part
    same_day = sorted(s for s in rates if s[0] == stratum[0])
    if same_day:
        return WEEKDAYS[stratum[0] - 1], same_day
    return ALL_SAMPLES, sorted(rates)


def _weighed(
    minutes: dict[Stratum, float], groups: dict[Stratum, list[Observation]]
) -> tuple[dict[Stratum, float], float, dict[str, str]]:
    """Each sampled stratum's weight in open minutes, and the borrowing term.

    An unsampled stratum takes the plain mean of its lenders' rates, so its
    minutes are shared out over them: the total stays a weighted sum of the
    sampled strata's rates, whose sampling error the `within` spread covers.
    What borrowing adds, that the stratum's own rate differs from its lenders',
    is the `between` spread times the sum of (M_b x R_b)^2 (1 + 1/k) returned.
    """
    rates = {s: _ratio(groups[s]).rate for s in minutes if groups[s]}
    weights = {s: minutes[s] for s in rates}
    borrowed_term, borrowed = 0.0, {}
    for stratum in sorted(minutes, key=_order):
        if stratum in rates:
            continue
        name, lenders = _lenders(stratum, rates)
        rate = sum(rates[s] for s in lenders) / len(lenders)
        for s in lenders:
            weights[s] += minutes[stratum] / len(lenders)
        borrowed_term += (minutes[stratum] * rate) ** 2 * (1 + 1 / len(lenders))
        borrowed[stratum_label(stratum)] = name
    return weights, borrowed_term, borrowed


def _interval(
    total: float,
    weights: dict[Stratum, float],
    groups: dict[Stratum, list[Observation]],
    borrowed_term: float,
) -> tuple[float, float]:
    """Two pooled variances, Satterthwaite df, a t interval on the log scale."""
    if total <= 0:
        return 0.0, 0.0
    rates = {s: _ratio(groups[s]).rate for s in weights}
    within, between = _within(groups), _between(rates)
    sampled = sum((w * rates[s]) ** 2 / len(groups[s]) for s, w in weights.items())
    if not within.df or (borrowed_term and not between.df):
        return 0.0, math.inf
    parts = [(within.variance * sampled, within.df)]
    if borrowed_term:
        parts.append((between.variance * borrowed_term, between.df))
    variance = sum(v for v, _ in parts)
    if variance == 0:
        return total, total
    df = variance**2 / sum(v * v / n for v, n in parts)
    # Log scale: errors are relative (a crowd scales every count), the lower end
    # stays above zero, and the upper end reaches further than the lower. The
    # total estimates a mean; a lognormal with that mean has its middle lower,
    # by sigma^2 / 2 on the log scale, so the interval is centred that much up.
    sigma2 = math.log1p(variance / total**2)
    spread = t975(df) * math.sqrt(sigma2)
    low = min(total, total * math.exp(sigma2 / 2 - spread))
    return low, total * math.exp(sigma2 / 2 + spread)


def _method_text(used: list[Sample], borrowed: list[str], stay: float) -> str:
    n = len(used)
    samples = t("estimate.samples.one" if n == 1 else "estimate.samples.many")
    text = t("estimate.method").format(count=n, samples=samples)
    if borrowed:
        parts = t("estimate.parts.one" if len(borrowed) == 1 else "estimate.parts.many")
        text += t("estimate.method.imputed").format(count=len(borrowed), parts=parts)
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
