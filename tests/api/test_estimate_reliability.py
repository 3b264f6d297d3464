"""Issue #10: the visitor estimate in the progress API says how far to trust it.

Samples posted through the API; the estimate of goal 3.1 shows whether it is
reliable and why not, in codes and in Dutch, names the parts of the week without
samples, and leaves out samples taken on a day Heemstede is closed.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.test_goals import indicator, progress, project

MONDAY = date(2025, 1, 6)


def sample(api, day: date, hour: int, people: int) -> None:
    body = {
        "zone": "plein1",
        "window_start": f"{day.isoformat()}T{hour:02d}:00:00+01:00",
        "minutes": 30,
        "people": people,
        "method": "tally",
    }
    assert api.post("/samples/visitors", body).status_code == 201


def visitors(api) -> dict:
    body = progress(api, "3.1", period="2025-H1")
    return indicator(body, "plein1-visitors")


def test_few_samples_are_flagged_and_the_gaps_named(api, app):
    for week in range(6):  # Monday and Tuesday mornings only
        sample(api, MONDAY + timedelta(weeks=week), 10, 20 + week)
        sample(api, MONDAY + timedelta(weeks=week, days=1), 10, 30 - week)
    project(app)
    shown = visitors(api)
    estimate = shown["estimate"]
    assert estimate["reliable"] is False
    assert estimate["reliability"] == [
        "few_samples",
        "mostly_borrowed",
        "wide_interval",
    ]
    assert "zaterdagochtend" in estimate["unsampled"]
    assert "maandagochtend" not in estimate["unsampled"]
    assert estimate["reliability_text"].startswith(
        "Onbetrouwbare schatting: minder dan 20 steekproeven; voor meer dan 25% "
    )
    assert "Geen steekproeven op: maandagmiddag, " in estimate["reliability_text"]


def test_samples_on_closed_days_are_not_counted(api, app):
    for week in range(4):
        sample(api, MONDAY + timedelta(weeks=week), 10, 25)
    sample(api, date(2025, 1, 12), 14, 400)  # a Sunday: Heemstede opens no Sunday
    sample(api, date(2025, 4, 21), 10, 400)  # Easter Monday: a public holiday
    project(app)
    shown = visitors(api)
    assert (shown["records"], shown["estimate"]["samples"]) == (4, 4)
    assert shown["estimate"]["display"].startswith("ca. ")
