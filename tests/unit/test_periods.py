"""Invariant 10: periods are calendar periods in Europe/Amsterdam, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from events.periods import iso_week_start, parse_period, period_of

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("instant", "kind", "label"),
    [
        # 23:30 on 30 June in Amsterdam is 21:30 UTC: still H1.
        (datetime(2025, 6, 30, 21, 30, tzinfo=UTC), "half", "2025-H1"),
        # 00:15 on 1 July in Amsterdam is 22:15 UTC on 30 June: already H2.
        (datetime(2025, 6, 30, 22, 15, tzinfo=UTC), "half", "2025-H2"),
        # 00:15 on 1 January in Amsterdam is 23:15 UTC on 31 December: the new year.
        (datetime(2024, 12, 31, 23, 15, tzinfo=UTC), "year", "2025"),
        (datetime(2024, 12, 31, 22, 59, tzinfo=UTC), "year", "2024"),
        # Spring forward (30 March 2025, 02:00 -> 03:00): 00:30 local is 23:30 UTC.
        (datetime(2025, 3, 29, 23, 30, tzinfo=UTC), "month", "2025-03"),
        (datetime(2025, 3, 31, 21, 59, tzinfo=UTC), "month", "2025-03"),
        (datetime(2025, 3, 31, 22, 0, tzinfo=UTC), "month", "2025-04"),
        # Fall back (26 October 2025): the month ends at 23:00 UTC on 31 October.
        (datetime(2025, 10, 31, 22, 59, tzinfo=UTC), "month", "2025-10"),
        (datetime(2025, 10, 31, 23, 0, tzinfo=UTC), "month", "2025-11"),
        (datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "quarter", "2025-Q4"),
    ],
)
def test_an_instant_lands_in_its_local_period(instant, kind, label):
    assert period_of(instant, kind, AMS).label == label


def test_bounds_are_local_midnights_across_dst():
    h1 = parse_period("2025-H1")
    start, end = h1.bounds(AMS)
    assert start.astimezone(UTC) == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)  # CET
    assert end.astimezone(UTC) == datetime(2025, 6, 30, 22, 0, tzinfo=UTC)  # CEST
    assert h1.contains(datetime(2025, 6, 30, 21, 30, tzinfo=UTC), AMS)
    assert not h1.contains(datetime(2025, 6, 30, 22, 0, tzinfo=UTC), AMS)


@pytest.mark.parametrize(
    ("label", "previous", "year_earlier"),
    [
        ("2025-H1", "2024-H2", "2024-H1"),
        ("2025-H2", "2025-H1", "2024-H2"),
        ("2025", "2024", "2024"),
        ("2025-01", "2024-12", "2024-01"),
        ("2025-Q1", "2024-Q4", "2024-Q1"),
    ],
)
def test_previous_and_year_earlier(label, previous, year_earlier):
    period = parse_period(label)
    assert period.previous().label == previous
    assert period.year_earlier().label == year_earlier


@pytest.mark.parametrize("text", ["2025-H3", "2025-13", "2025-00", "25-H1", "1899",
                                  "2101", "H1"])  # fmt: skip
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_iso_weeks():
    assert iso_week_start("2025-W01") == date(2024, 12, 30)
    assert iso_week_start("2026-W53") == date(2026, 12, 28)
