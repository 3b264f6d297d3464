"""Visitor estimates from samples (goals 3.1 and 5.1): Plein1 has no door counter."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.figures import estimates
from events.figures.estimates import (
    PARTS,
    Estimate,
    OccupancySample,
    Sample,
    period_days,
    t975,
)

# The configured zone (BIEB_TIME_ZONE's default), passed as every caller does.
ZONE = ZoneInfo("Europe/Amsterdam")
estimate = partial(estimates.estimate, zone=ZONE)
missing_strata = partial(estimates.missing_strata, zone=ZONE)
occupancy = partial(estimates.occupancy, zone=ZONE)
open_minutes = partial(estimates.open_minutes, zone=ZONE)
part_of_day = partial(estimates.part_of_day, zone=ZONE)

# Weekdays 9-21, Saturday 10-17, Sunday 12-17: 18 strata open.
HOURS = {
    **{day: [(time(9), time(21))] for day in range(1, 6)},
    6: [(time(10), time(17))],
    7: [(time(12), time(17))],
}
H1 = period_days(date(2025, 1, 1), date(2025, 7, 1))
JANUARY = period_days(date(2025, 1, 1), date(2025, 2, 1))
HOLIDAYS = {date(2025, 1, 1), date(2025, 4, 21), date(2025, 4, 26), date(2025, 5, 29)}
WINDOW = 30


def at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), ZONE)


def tally(day: date, minute: int, people: int, minutes: int = WINDOW) -> Sample:
    return Sample(at(day, minute), minutes, people, "tally")


def open_parts(weekday: int) -> list[tuple[str, int, int]]:
    """(part, first, last open minute) of the parts of day open on a weekday."""
    first, last = (t.hour * 60 for t in HOURS[weekday][0])
    return [
        (name, max(first, lo), min(last, hi))
        for name, lo, hi in PARTS
        if max(first, lo) < min(last, hi)
    ]


def days_of(days: list[date], weekday: int, closed=()) -> list[date]:
    return [d for d in days if d.isoweekday() == weekday and d not in closed]


def exact_samples(people: dict, days: list[date], per: int = 2) -> list[Sample]:
    """`per` tallies in each open stratum, counting exactly people[stratum]."""
    samples = []
    for weekday in HOURS:
        for name, first, _ in open_parts(weekday):
            for day in days_of(days, weekday)[:per]:
                samples.append(tally(day, first, people[(weekday, name)]))
    return samples


def expected(people: dict, days: list[date], closed=()) -> float:
    minutes = open_minutes(HOURS, days, closed)
    return sum(people[s] / WINDOW * m for s, m in minutes.items())


PEOPLE = {
    (weekday, name): weekday + 3 * index
    for weekday in HOURS
    for index, (name, _, _) in enumerate(open_parts(weekday))
}


class TestKnownWorld:
    def test_exact_samples_give_rate_times_open_minutes_and_no_width(self):
        result = estimate(exact_samples(PEOPLE, JANUARY), HOURS, JANUARY)
        assert result.total == pytest.approx(expected(PEOPLE, JANUARY))
        assert result.low == pytest.approx(result.total)
        assert result.high == pytest.approx(result.total)
        assert (result.samples, result.strata, result.missing) == (36, 18, [])

    def test_open_minutes_follow_the_hours_and_parts_of_day(self):
        minutes = open_minutes(HOURS, [date(2025, 1, 6)])  # a Monday
        assert minutes == {(1, "ochtend"): 180, (1, "middag"): 300, (1, "avond"): 240}

    def test_method_is_described_in_dutch(self):
        result = estimate(exact_samples(PEOPLE, JANUARY), HOURS, JANUARY)
        assert result.method == (
            "Geschat uit 36 steekproeven, gestratificeerd naar weekdag en dagdeel; "
            "95%-interval"
        )

    def test_display_rounds_to_what_the_interval_carries(self):
        shown = Estimate(12345.6, 11123.0, 13568.2, 40, 18, [], [], "", {})
        assert shown.display() == "ca. 12.300 (95%-interval: 11.100 tot 13.600)"


class TestClosedAndDst:
    def test_closed_days_contribute_nothing_and_their_samples_are_ignored(self):
        samples = exact_samples(PEOPLE, [d for d in JANUARY if d not in HOLIDAYS])
        stray = tally(date(2025, 1, 1), 9 * 60, 999)  # New Year: closed
        result = estimate([*samples, stray], HOURS, JANUARY, closed=HOLIDAYS)
        assert result.samples == len(samples)
        assert result.total == pytest.approx(expected(PEOPLE, JANUARY, HOLIDAYS))
        wednesday = sum(PEOPLE[(3, name)] / WINDOW * (b - a)
                        for name, a, b in open_parts(3))  # fmt: skip
        full = estimate(samples, HOURS, JANUARY).total
        assert full - result.total == pytest.approx(wednesday)

    def test_samples_on_a_day_without_opening_hours_are_ignored(self):
        """Heemstede opens no Sunday: a Sunday count is neither used nor counted."""
        weekdays = {day: HOURS[day] for day in range(1, 7)}
        samples = [s for s in exact_samples(PEOPLE, JANUARY)
                   if s.local_start.isoweekday() != 7]  # fmt: skip
        sunday = tally(date(2025, 1, 5), 13 * 60, 999)
        late = tally(date(2025, 1, 4), 19 * 60, 999)  # Saturday, after closing
        result = estimate([*samples, sunday, late], weekdays, JANUARY)
        assert result.samples == len(samples)
        assert result.total == estimate(samples, weekdays, JANUARY).total

    @pytest.mark.parametrize(
        ("day", "morning", "whole"),
        [
            (date(2025, 3, 30), 11 * 60, 23 * 60),  # clocks go forward
            (date(2025, 10, 26), 13 * 60, 25 * 60),  # clocks go back
            (date(2025, 3, 23), 12 * 60, 24 * 60),  # an ordinary Sunday
        ],
    )
    def test_dst_days_count_their_real_open_minutes(self, day, morning, whole):
        minutes = open_minutes({7: [(time(0), time(0))]}, [day])
        assert minutes[(7, "ochtend")] == morning
        assert sum(minutes.values()) == whole
        night = open_minutes({7: [(time(1), time(4))]}, [day])
        assert night[(7, "ochtend")] == 3 * 60 + (morning - 12 * 60)

    def test_an_estimate_on_a_dst_day_uses_the_real_minutes(self):
        day, hours = date(2025, 3, 30), {7: [(time(0), time(12))]}
        samples = [tally(day, 9 * 60, 60), tally(day, 10 * 60, 60)]
        assert estimate(samples, hours, [day]).total == pytest.approx(2 * 11 * 60)


class TestMissingStrata:
    def without(self, *strata) -> list[Sample]:
        samples = exact_samples(PEOPLE, JANUARY)
        return [s for s in samples if (s.local_start.isoweekday(),
                part_of_day(s.local_start)) not in strata]  # fmt: skip

    def test_a_stratum_without_samples_borrows_the_part_of_day_elsewhere(self):
        samples = self.without((7, "middag"))
        result = estimate(samples, HOURS, JANUARY)
        assert result.missing == result.imputed_strata == ["zondagmiddag"]
        assert result.assumptions["imputed_from"] == {
            "zondagmiddag": "middag op andere weekdagen"
        }
        assert missing_strata(samples, HOURS, JANUARY) == ["zondagmiddag"]
        assert result.strata == 18
        assert "1 dagdeel zonder steekproeven" in result.method
        afternoons = [PEOPLE[(day, "middag")] for day in range(1, 7)]
        sundays = len(days_of(JANUARY, 7))
        own = PEOPLE[(7, "middag")] / WINDOW * 300 * sundays
        lent = sum(afternoons) / len(afternoons) / WINDOW * 300 * sundays
        assert result.total == pytest.approx(expected(PEOPLE, JANUARY) - own + lent)
        # Exact samples, yet the interval is not a point: the other weekdays'
        # afternoons differ, and so may Sunday's.
        assert result.low < result.total < result.high

    def test_one_sample_keeps_its_own_rate_but_is_named_as_too_few(self):
        samples = self.without((6, "middag"))
        samples.append(tally(date(2025, 1, 4), 13 * 60, 60))
        result = estimate(samples, HOURS, JANUARY)
        assert result.missing == ["zaterdagmiddag"]
        assert (result.imputed_strata, result.assumptions["imputed_from"]) == ([], {})
        saturdays = len(days_of(JANUARY, 6))
        rest = expected(PEOPLE, JANUARY) - PEOPLE[(6, "middag")] / 30 * 300 * saturdays
        assert result.total == pytest.approx(rest + 60 / WINDOW * 300 * saturdays)

    def test_a_part_of_day_sampled_on_no_weekday_borrows_from_its_weekday(self):
        evenings = [(day, "avond") for day in range(1, 6)]
        result = estimate(self.without(*evenings), HOURS, JANUARY)
        assert result.assumptions["imputed_from"]["maandagavond"] == "maandag"
        assert result.imputed_strata[0] == "maandagavond"

    def test_samples_on_one_day_are_one_sampled_day(self):
        monday = date(2025, 1, 6)
        samples = [tally(monday, 9 * 60, 10), tally(monday, 10 * 60, 20)]
        result = estimate(samples, {1: [(time(9), time(12))]}, JANUARY)
        assert result.missing == ["maandagochtend"]  # two samples, one day
        assert result.samples == 2
        assert (result.low, result.high) == (0.0, math.inf)  # no spread to go on

    def test_missing_strata_without_any_sample(self):
        missing = missing_strata([], HOURS, JANUARY)
        assert len(missing) == 18
        assert missing[:3] == ["maandagochtend", "maandagmiddag", "maandagavond"]
        assert missing[-1] == "zondagmiddag"

    def test_strata_closed_all_period_are_not_missing(self):
        assert missing_strata([], {7: [(time(12), time(17))]}, JANUARY) == [
            "zondagmiddag"
        ]

    def test_no_samples_in_the_period_gives_none(self):
        assert estimate([], HOURS, JANUARY) is None
        february = [tally(date(2025, 2, 3), 9 * 60, 10)]
        assert estimate(february, HOURS, JANUARY) is None

    def test_a_single_sample_gives_an_estimate_with_an_unknown_interval(self):
        result = estimate([tally(date(2025, 1, 6), 9 * 60, 30)], HOURS, JANUARY)
        assert result.total == pytest.approx(sum(open_minutes(HOURS, JANUARY).values()))
        assert (result.low, result.high) == (0.0, math.inf)
        assert result.display().endswith("(95%-interval: onbekend)")


class TestReliability:
    def test_enough_samples_everywhere_and_a_narrow_interval_is_reliable(self):
        result = estimate(exact_samples(PEOPLE, JANUARY), HOURS, JANUARY)
        assert (result.reliable, result.reliability) == (True, ())
        text = estimates.reliability_text(result.reliability, result.imputed_strata)
        assert text == "Betrouwbare schatting."

    def test_a_single_sample_is_flagged_on_every_count_in_plain_dutch(self):
        result = estimate([tally(date(2025, 1, 6), 9 * 60, 30)], HOURS, JANUARY)
        assert result.reliability == ("few_samples", "mostly_borrowed", "wide_interval")
        minutes = open_minutes(HOURS, JANUARY)
        own = minutes[(1, "ochtend")] / sum(minutes.values())
        assert result.borrowed_share == pytest.approx(1 - own)
        text = estimates.reliability_text(result.reliability, result.imputed_strata)
        assert text.startswith(
            "Onbetrouwbare schatting: minder dan 20 steekproeven; voor meer dan 25% "
            "van de openingstijd is het aantal bezoekers afgeleid van andere "
            "dagdelen; de onzekerheid (de helft van het 95%-interval) is groter "
            "dan 50% van de schatting. Geen steekproeven op: maandagmiddag, "
        )
        assert text.endswith("zondagmiddag.")

    def test_each_rule_on_its_own(self):
        assert estimates.reliability(100, 90, 110, 19, 0.0) == ("few_samples",)
        assert estimates.reliability(100, 90, 110, 20, 0.26) == ("mostly_borrowed",)
        assert estimates.reliability(100, 40, 150, 20, 0.25) == ("wide_interval",)
        assert estimates.reliability(100, 50, 150, 20, 0.25) == ()
        assert estimates.reliability(100, 0, math.inf, 20, 0) == ("wide_interval",)

    def test_a_borrowed_stratum_is_named_in_the_verdict(self):
        samples = TestMissingStrata().without((7, "middag"))
        result = estimate(samples, HOURS, JANUARY)
        assert result.reliable
        text = estimates.reliability_text(result.reliability, result.imputed_strata)
        assert text == "Betrouwbare schatting. Geen steekproeven op: zondagmiddag."


class TestHeadcounts:
    def test_headcounts_become_arrivals_with_the_average_stay(self):
        monday = days_of(JANUARY, 1)
        present = [Sample(at(day, 10 * 60), 0, 90, "headcount") for day in monday[:2]]
        hours = {1: [(time(9), time(12))]}
        result = estimate(present, hours, JANUARY)
        assert result.total == pytest.approx(90 / 45 * 180 * len(monday))
        assert result.assumptions["average_stay_minutes"] == 45
        assert "verblijfsduur van 45 minuten" in result.method
        longer = estimate(present, hours, JANUARY, stay_minutes=90)
        assert longer.total == pytest.approx(result.total / 2)

    def test_tallies_and_headcounts_share_a_stratum(self):
        day, hours = date(2025, 1, 6), {1: [(time(9), time(12))]}
        mixed = [tally(day, 9 * 60, 60), Sample(at(day, 10 * 60), 0, 90, "headcount")]
        assert estimate(mixed, hours, [day]).total == pytest.approx(2 * 180)

    def test_bad_samples_are_refused(self):
        with pytest.raises(ValueError):
            Sample(datetime(2025, 1, 6, 9), 30, 5, "tally")  # naive
        with pytest.raises(ValueError):
            Sample(at(date(2025, 1, 6), 540), 30, 5, "guess")
        with pytest.raises(ValueError):
            Sample(at(date(2025, 1, 6), 540), 0, 5, "tally")


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:  # the normal approximation is close enough here
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count, product = count + 1, product * rng.random()
    return count


def simulate(rng: random.Random, per: int) -> tuple[list[Sample], float]:
    """A half year with busy and quiet days and moments; samples and the truth."""
    rates = {s: rng.uniform(0.05, 1.5) for s in PEOPLE}
    days = [d for d in H1 if d not in HOLIDAYS]
    busy = {d: rng.gammavariate(25, 1 / 25) for d in days}  # days vary by ~20%
    truth = sum(
        busy[d] * rates[(d.isoweekday(), name)] * (last - first)
        for d in days
        for name, first, last in open_parts(d.isoweekday())
    )
    samples = []
    for (weekday, name), rate in rates.items():
        part = next(p for p in open_parts(weekday) if p[0] == name)
        for day in rng.sample(days_of(days, weekday), per):
            start = rng.randint(part[1], part[2] - WINDOW)
            moment = busy[day] * rng.gammavariate(40, 1 / 40)  # and moments ~15%
            samples.append(tally(day, start, poisson(rng, rate * moment * WINDOW)))
    return samples, truth


class TestSimulation:
    def test_the_interval_narrows_as_samples_grow(self):
        rng, widths = random.Random(7), []
        for per in (2, 4, 8):
            results = [
                estimate(simulate(rng, per)[0], HOURS, H1, closed=HOLIDAYS)
                for _ in range(20)
            ]
            widths.append(sum((r.high - r.low) / r.total for r in results) / 20)
        assert widths[0] > widths[1] > widths[2]
        assert widths[2] < 0.5 * widths[0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30), st.integers(9 * 60, 20 * 60), st.integers(0, 200)
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_estimate_is_ordered_non_negative_and_scales(rows):
    samples = [tally(JANUARY[d], m, p, minutes=15) for d, m, p in rows]
    samples = [s for s in samples if s.local_start.isoweekday() <= 5]
    result = estimate(samples, HOURS, JANUARY)
    if result is None:
        return
    assert 0 <= result.low <= result.total <= result.high
    doubled = [Sample(s.local_start, s.minutes, 2 * s.people, s.method)
               for s in samples]  # fmt: skip
    assert estimate(doubled, HOURS, JANUARY).total == pytest.approx(2 * result.total)


class TestOccupancy:
    MONDAY = date(2025, 1, 6)

    def test_mean_share_with_a_t_interval(self):
        samples = [OccupancySample(at(self.MONDAY + timedelta(days=i), 600), 40, n)
                   for i, n in enumerate([10, 20, 30, 20])]  # fmt: skip
        result = occupancy(samples)
        assert result.mean_rate == pytest.approx(0.5)
        half = 3.182 * math.sqrt(200 / 3 / 40**2 / 4)
        assert result.low == pytest.approx(0.5 - half)
        assert result.high == pytest.approx(0.5 + half)
        assert (result.samples, result.places) == (4, 40)

    def test_by_part_of_day_and_the_latest_places(self):
        samples = [
            OccupancySample(at(self.MONDAY, 600), 40, 10),
            OccupancySample(at(self.MONDAY, 900), 40, 30),
            OccupancySample(at(self.MONDAY + timedelta(days=1), 1100), 44, 11),
        ]
        result = occupancy(samples)
        assert result.places == 44
        assert result.by_part_of_day == {"ochtend": 0.25, "middag": 0.75, "avond": 0.25}
        assert 0.0 <= result.low <= result.mean_rate <= result.high <= 1.0

    def test_no_samples_gives_none_and_one_sample_an_open_interval(self):
        assert occupancy([]) is None
        one = occupancy([OccupancySample(at(self.MONDAY, 600), 40, 10)])
        assert (one.mean_rate, one.low, one.high) == (0.25, 0.0, 1.0)

    def test_more_occupied_than_places_is_refused(self):
        with pytest.raises(ValueError):
            OccupancySample(at(self.MONDAY, 600), 40, 41)


def test_t_quantiles_from_the_table_and_beyond():
    assert t975(1) == 12.706
    assert t975(2.7) == 4.303  # rounded down: the wider interval
    assert t975(30) == 2.042
    assert t975(40) == pytest.approx(2.021, abs=1e-3)
    assert t975(120) == pytest.approx(1.980, abs=1e-3)
    assert t975(1e9) == pytest.approx(1.960, abs=1e-3)


def test_days_and_parts_of_day_are_those_of_the_zone_passed():
    """11:30 UTC on a Monday in January is 12:30 in Amsterdam: afternoon there."""
    moment = datetime(2025, 1, 6, 11, 30, tzinfo=UTC)
    assert estimates.part_of_day(moment, ZONE) == "middag"
    assert estimates.part_of_day(moment, ZoneInfo("UTC")) == "ochtend"
    late = [Sample(datetime(2025, 1, 31, 23, 30, tzinfo=UTC), 30, 10, "tally")]
    days = period_days(date(2025, 2, 1), date(2025, 3, 1))
    assert estimate(late, HOURS, days) is not None  # 1 February, 00:30 local
    assert estimates.estimate(late, HOURS, days, zone=ZoneInfo("UTC")) is None
