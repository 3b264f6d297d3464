"""The sampling page: a count in two taps and a number, and what is left to count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from events.figures.estimates import part_of_day, stratum_label
from events.periods import period_of
from tests.support.browser import axe_check, shoot
from workers.projections import projections
from workers.projections.base import catch_up

PLEIN1 = "Plein1 (hele gebouw)"


def _catch_up(app) -> None:
    store = app.extensions["store"]
    for projection in projections(store, app.extensions["bieb_config"].zone):
        catch_up(projection, store)


def _open_day_before_today(app, before: date | None = None) -> datetime:
    """10:00 local on the latest day before today (or `before`) that Plein1 is
    open then."""
    zone = app.extensions["bieb_config"].zone
    [agreement] = app.extensions["agreements"]["heemstede"]
    branch = agreement.branch("heemstede")
    day = before or datetime.now(zone).date()
    while True:
        day -= timedelta(days=1)
        hours = branch.opening_hours.get(day.isoweekday(), [])
        open_at_ten = any(s <= time(10) and time(11, 30) <= e for s, e in hours)
        if open_at_ten and day not in branch.closed_between(day, day + timedelta(1)):
            return datetime.combine(day, time(10), zone)


def _two_open_days_alike(app) -> tuple[datetime, datetime]:
    """Two mornings on the same weekday, a week apart, in one half year: a part
    of the week is sampled once it has counts on two different days."""
    zone = app.extensions["bieb_config"].zone
    at = _open_day_before_today(app)
    while True:
        earlier = at - timedelta(days=7)
        if _open_day_before_today(
            app, earlier.date() + timedelta(1)
        ) == earlier and period_of(earlier, "half", zone) == period_of(
            at, "half", zone
        ):
            return at, earlier
        at = _open_day_before_today(app, at.date())


def _missing(page) -> str:
    return page.locator(".missing-list[data-zone=plein1]").inner_text()


def _count(page, people: int, at: datetime | None = None) -> None:
    page.locator("label.choice", has_text=PLEIN1).click()
    page.get_by_label("2. Aantal mensen").fill(str(people))
    if at is not None:
        page.get_by_text("Ander moment of andere telwijze").click()
        page.get_by_label("Dag").fill(at.date().isoformat())
        page.get_by_label("Begin van de telling").fill(at.strftime("%H:%M"))
    page.get_by_role("button", name="Telling opslaan").click()
    page.get_by_text(f"Telling opgeslagen: {people} mensen").wait_for()


def test_a_count_in_two_taps_and_a_number(page, app, api, pair):
    pair(page, "staff")
    page.goto("/steekproef")
    taps = 0
    page.locator("label.choice", has_text=PLEIN1).click()
    taps += 1
    page.get_by_label("2. Aantal mensen").fill("23")
    page.get_by_role("button", name="Telling opslaan").click()
    taps += 1
    page.get_by_text("Telling opgeslagen: 23 mensen in Plein1").wait_for()
    assert taps == 2
    zone = app.extensions["bieb_config"].zone
    period = period_of(datetime.now(zone), "half", zone).label
    [sample] = api.get("/samples/visitors", period=period).json
    assert sample["people"] == 23 and sample["zone"] == "plein1"
    assert sample["minutes"] == 15 and sample["method"] == "headcount"
    axe_check(page)
    shoot(page, "steekproef")


def test_counts_reach_the_estimate_and_the_missing_parts_shrink(page, app, api, pair):
    at, earlier = _two_open_days_alike(app)
    zone = app.extensions["bieb_config"].zone
    period = period_of(at, "half", zone).label
    cell = stratum_label((at.isoweekday(), part_of_day(at, zone)))
    pair(page, "staff")
    page.goto(f"/steekproef?periode={period}")
    before = _missing(page)
    assert cell in before

    _count(page, 12, at)
    _count(page, 8, earlier)
    _catch_up(app)
    page.goto(f"/steekproef?periode={period}")
    after = _missing(page)
    assert cell not in after
    assert after.count(",") < before.count(",")

    body = api.get("/goals/3.1/progress", as_="viewer", period=period).json
    [visitors] = [i for i in body["indicators"] if i["code"] == "plein1-visitors"]
    assert visitors["value"] is not None and visitors["estimate"]["samples"] == 2
    assert cell not in visitors["estimate"]["missing"]
    shoot(page, "steekproef-progress")


def test_occupied_places(page, app, api, pair):
    pair(page, "staff")
    page.goto("/steekproef")
    page.get_by_label("Aantal plekken").fill("40")
    page.get_by_label("Bezette plekken").fill("12")
    page.get_by_role("button", name="Bezetting opslaan").click()
    page.get_by_text("Opgeslagen: 12 van de 40 plekken bezet").wait_for()
    zone = app.extensions["bieb_config"].zone
    period = period_of(datetime.now(zone), "half", zone).label
    [sample] = api.get("/samples/workplaces", period=period).json
    assert (sample["places"], sample["occupied"], sample["zone"]) == (
        40, 12, "study_area",
    )  # fmt: skip


def test_a_refused_count_says_what_to_do(page, app, pair):
    pair(page, "staff")
    page.goto("/steekproef")
    page.get_by_label("2. Aantal mensen").fill("5000")
    page.get_by_role("button", name="Telling opslaan").click()
    page.locator("#visitors-people-error").wait_for()
    assert "0 tot en met 2000" in page.locator("#visitors-people-error").inner_text()
    assert page.locator("#visitors-zone-error").inner_text() == "Kies een zone."
    page.get_by_label("Bezette plekken").fill("50")
    page.get_by_label("Aantal plekken").fill("40")
    page.get_by_role("button", name="Bezetting opslaan").click()
    page.locator("#workplaces-occupied-error").wait_for()
    axe_check(page)
    shoot(page, "steekproef-refused")
    store = app.extensions["store"]
    assert not [e for e in store.read_all() if "Sample" in e.type]
