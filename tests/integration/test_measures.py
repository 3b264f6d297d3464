"""Measures that are not sums of months: spans, stocks, estimates; and replay.

A seeded writer appends partners that join and leave, membership counts on
dates (corrected and retracted), and visitor and workplace samples; the test
keeps its own record and says what each period must show. Replaying the log
to a position gives the figures as they stood there. Every registered measure
is rebuilt equal to live, and a new measure is one module and a line in the
table (events.figures.measures).
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from events import Event, Metadata, NewEvent
from events.catalogue import CATALOGUE_DIR, load_agreement, load_file
from events.corrections import RecordRetracted, live
from events.counts import (
    MembershipCountRecorded,
    VisitorSampleTaken,
    WorkplaceOccupancySampled,
)
from events.figures import estimates
from events.figures.count import TABLES
from events.figures.measures import MEASURES
from events.figures.measures.sum import Sum
from events.figures.read import GoalFigures
from events.figures.replay import figures_at, position_at
from events.figures.shown import Shown
from events.outreach import PartnerJoined, PartnerLeft
from events.periods import parse_period
from tests.integration.test_goal_figures import Writer as GoalWriter
from workers.projections import projections
from workers.projections.base import catch_up, run_batch
from workers.projections.rebuild import rebuild

ZONE = ZoneInfo("Europe/Amsterdam")
HERE = {"municipality": "heemstede", "branch": "heemstede"}
STAFF = Metadata(actor="staff:test")
AGREEMENT = load_agreement("heemstede-2024-2027")
PERIODS = [parse_period(p) for p in ("2025-H1", "2025-H2", "2025", "2025-03")]


class Writer:
    """Appends the events and keeps what the test needs to know of them."""

    def __init__(self, store, seed: int) -> None:
        self.store, self.rng = store, random.Random(seed)
        self.partners: dict[str, tuple[date, date | None, str]] = {}
        self.counts: dict[date, list[tuple[NewEvent, int]]] = {}
        self.visits: list[estimates.Sample] = []
        self.occupancy: list[estimates.OccupancySample] = []

    def add(self, event: Event, when: datetime) -> NewEvent:
        new = NewEvent(type=event.TYPE, data=event.to_data(), occurred_at=when,
                       metadata=STAFF)  # fmt: skip
        self.store.append(event.stream_id, [new])
        return new

    def retract(self, event: Event, new: NewEvent) -> None:
        wrong = RecordRetracted(**HERE, stream=event.stream_id,
                                retracted_event_id=str(new.event_id),
                                retracted_type=event.TYPE)  # fmt: skip
        self.add(wrong, new.occurred_at)

    def day(self) -> date:
        return date(2025, 1, 1) + timedelta(days=self.rng.randint(0, 364))

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(9, 20)), ZONE)

    def partner(self) -> None:
        rng, pid = self.rng, uuid.uuid4().hex
        kind = rng.choice(["childcare", "primary", "secondary"])
        goals = rng.choice([["1.3"], ["1.3", "4.2"], ["4.2"]])
        joined = self.day()
        event = PartnerJoined(**HERE, partner_id=pid, organisation="School",
                              kind=kind, goal_codes=goals)  # fmt: skip
        new = self.add(event, self.moment(joined))
        if rng.random() < 0.15:
            self.retract(event, new)
            return
        left = None
        if rng.random() < 0.5:
            left = joined + timedelta(days=rng.randint(0, 200))
            gone = PartnerLeft(**HERE, partner_id=pid)
            wrong = self.add(gone, self.moment(left))
            if rng.random() < 0.2:
                self.retract(gone, wrong)
                left = None
        if "1.3" in goals:
            self.partners[pid] = (joined, left, kind)

    def membership(self) -> None:
        rng = self.rng
        on = date(2025, rng.choice([1, 3, 6, 7, 10, 12]), rng.choice([1, 15]))
        members = rng.randint(1000, 3000)
        event = MembershipCountRecorded(**HERE, counted_on=on.isoformat(),
                                        audience="youth", members=members)  # fmt: skip
        new = self.add(event, self.moment(on))
        standing = self.counts.setdefault(on, [])
        standing.append((new, members))  # a later count of the same day replaces
        if rng.random() < 0.3:
            # Take back one count of that day: the one before it counts again.
            wrong, _ = standing.pop(rng.randrange(len(standing)))
            self.retract(event, wrong)

    @property
    def members(self) -> dict[date, int]:
        return {day: found[-1][1] for day, found in self.counts.items() if found}

    def visit(self) -> None:
        rng, day = self.rng, self.day()
        start = self.moment(day)
        zone = rng.choice(["plein1", "library"])
        method = rng.choice(["tally", "headcount"])
        sample = VisitorSampleTaken(
            **HERE, sample_id=uuid.uuid4().hex, zone=zone,
            window_start=start.isoformat(), minutes=15,
            people=rng.randint(0, 60), method=method,
        )  # fmt: skip
        new = self.add(sample, start + timedelta(minutes=15))
        if rng.random() < 0.1:
            self.retract(sample, new)
        elif zone == "plein1":
            self.visits.append(estimates.Sample(start, 15, sample.people, method))

    def seat(self) -> None:
        rng, start = self.rng, self.moment(self.day())
        occupied = rng.randint(0, 40)
        sample = WorkplaceOccupancySampled(
            **HERE, sample_id=uuid.uuid4().hex, zone="study_area",
            window_start=start.isoformat(), places=40, occupied=occupied,
        )  # fmt: skip
        self.add(sample, start)
        self.occupancy.append(estimates.OccupancySample(start, 40, occupied))

    # -- what each period must show ---------------------------------------------

    def active(self, period) -> int:
        return sum(
            1
            for joined, left, _ in self.partners.values()
            if joined < period.end and (left is None or left >= period.start)
        )


def write(store, seed: int, n: int) -> Writer:
    writer = Writer(store, seed)
    actions = ["partner", "membership", "visit", "visit", "seat"] * n
    writer.rng.shuffle(actions)
    for action in actions:
        getattr(writer, action)()
    return writer


def indicator(goal: str, code: str):
    return next(i for i in AGREEMENT.goal(goal).indicators if i.code == code)


def shown(conn, goal: str, code: str, period):
    figures = GoalFigures(conn, AGREEMENT, ["heemstede"], goal, [period], zone=ZONE)
    return figures.shown(indicator(goal, code), period)


@pytest.fixture
def written(store):
    writer = write(store, seed=7, n=25)
    catch_up(projections(store, ZONE)[0], store, batch=13)
    return writer


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_partners_active_in_a_period(store, written, period):
    with store.engine.connect() as conn:
        found = shown(conn, "1.3", "partners", period)
    assert found.value == written.active(period) > 0
    kinds = {}
    for joined, left, kind in written.partners.values():
        if joined < period.end and (left is None or left >= period.start):
            kinds[kind] = kinds.get(kind, 0) + 1
    assert found.by_dimension.get("kind", {}) == kinds


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_memberships_at_the_start_and_end_of_a_period(store, written, period):
    with store.engine.connect() as conn:
        found = shown(conn, "1.1", "youth-members", period)
    at_start = [d for d in written.members if d <= period.start]
    at_end = [d for d in written.members if d < period.end]
    assert found.at_start == (written.members[max(at_start)] if at_start else None)
    assert found.value == (written.members[max(at_end)] if at_end else None)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_visitor_estimate_is_made_from_exactly_the_samples_kept(store, written, period):
    with store.engine.connect() as conn:
        found = shown(conn, "3.1", "plein1-visitors", period)
    branch = AGREEMENT.branch("heemstede")
    days = estimates.period_days(period.start, period.end)
    closed = branch.closed_between(period.start, period.end)
    expected = estimates.estimate(
        written.visits, branch.opening_hours, days, closed, zone=ZONE
    )
    assert found.method == "estimated"
    if expected is None:
        assert found.value is None
        return
    assert found.value == pytest.approx(expected.total, rel=1e-9)
    assert expected.total > 0
    assert found.records == expected.samples
    assert found.estimate["low"] == pytest.approx(expected.low, rel=1e-9)
    assert found.estimate["display"] == expected.display()
    assert sum(found.months.values()) > 0


def test_workplace_occupancy(store, written):
    year = parse_period("2025")
    with store.engine.connect() as conn:
        found = shown(conn, "5.1", "workplace-occupancy", year)
    expected = estimates.occupancy(written.occupancy, zone=ZONE)
    assert found.value == pytest.approx(round(100 * expected.mean_rate, 1))
    assert found.estimate["places"] == 40
    assert found.estimate["samples"] == len(written.occupancy)


def rows(conn) -> dict[str, list]:
    """Every row of the figure tables, less the monthly figures of nought."""
    found = {
        table.name: sorted(
            tuple(r) for r in conn.execute(select(table.c[*table.c.keys()]))
        )
        for table in TABLES
    }
    # A record retracted in a later batch leaves a nought behind; retracted in
    # the same batch (as a rebuild counts them), it leaves no row at all.
    found["goal_figures"] = [r for r in found["goal_figures"] if r[-2:] != (0, 0)]
    return found


def live_rows(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return rows(conn)


def test_replayed_to_a_position_equals_the_figures_kept_then(store):
    """as_of: the figures at position P are the ones the projection had at P."""
    projection = projections(store, ZONE)[0]
    write(store, seed=3, n=10)
    catch_up(projection, store)
    then, position = live_rows(store.engine), store.head()
    moment = datetime.now(UTC)
    write(store, seed=4, n=10)
    catch_up(projection, store)
    assert live_rows(store.engine) != then
    with figures_at(store, AGREEMENT, ZONE, position) as conn:
        assert rows(conn) == then
    assert position_at(store, moment) == position


# -- every measure: rebuilt equals live ---------------------------------------------

# What to write for each measure: an action of one of the two writers that
# appends records it counts, with corrections. A new measure adds its line.
WRITERS = {
    "count": "lesson", "sum": "lesson", "latest": "loan", "participants": "session",
    "active": "partner", "stock": "membership", "estimate": "visit",
    "occupancy": "seat",
}  # fmt: skip


class EveryMeasure:
    """Appends what each measure counts, with both figure tests' writers."""

    def __init__(self, store, seed: int) -> None:
        self.writers = (GoalWriter(store, seed), Writer(store, seed + 1))

    def write(self, measure: str) -> None:
        action = WRITERS[measure]
        writer = next(w for w in self.writers if hasattr(w, action))
        getattr(writer, action)()


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_has_a_writer(name):
    assert name in WRITERS, f"say in WRITERS what {name!r} counts"


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    seed=st.integers(0, 10_000),
    drawn=st.lists(st.sampled_from(list(MEASURES)), max_size=30),
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=3),
)
def test_rebuilt_equals_live_for_every_measure(store, seed, drawn, sizes):
    """Invariant 6 for every registered measure and every table it is kept in."""
    projection = projections(store, ZONE)[0]
    writer = EveryMeasure(store, seed)
    for name in [*MEASURES, *drawn]:  # each measure at least once
        writer.write(name)
    for size in sizes:
        run_batch(projection, store, batch=size)
    catch_up(projection, store, batch=sizes[0])
    live = live_rows(store.engine)
    rebuild(projection, store)
    assert live_rows(store.engine) == live
    with figures_at(store, AGREEMENT, ZONE, store.head()) as conn:
        assert rows(conn) == live


# -- a new measure: one module, its line in the table, its use in an agreement -------


class Mean(Sum):
    """The mean of a field over the records (pupils per school lesson)."""

    name = "mean"
    additive = False

    def shown(self, figures, indicator, period) -> Shown:
        summed = super().shown(figures, indicator, period)
        value = summed.value / summed.records if summed.records else None
        return dataclasses.replace(summed, value=value, by_dimension={}, months={})


MEAN = """
[[goals.indicators]]
code = "pupils-per-lesson"
label = "Leerlingen per les"
measure = "mean"
events = ["SchoolLessonGiven"]
value = "pupils"
where = { goal_codes = "@goal" }

[[goals]]
code = "1.3"
"""


class StoreLog:
    """The log as a measure's drill-down reads it, from the store (no Flask)."""

    zone = ZONE

    def __init__(self, store) -> None:
        self.store = store

    def live(self, types, prefix, period=None):
        found = self.store.read_types([*types, RecordRetracted.TYPE],
                                      stream_prefix=prefix, limit=100_000)  # fmt: skip
        start, end = period.bounds(ZONE) if period else (None, None)
        return [
            e for e in live(found)
            if period is None or start <= e.occurred_at < end
        ]  # fmt: skip

    def stream(self, stream_id):
        return self.store.read_stream(stream_id)


def test_a_new_measure_is_a_module_a_line_in_the_table_and_a_declaration(
    store, monkeypatch, tmp_path
):
    monkeypatch.setitem(MEASURES, "mean", Mean())
    text = (CATALOGUE_DIR / "heemstede-2024-2027.toml").read_text(encoding="utf-8")
    assert text.count('\n[[goals]]\ncode = "1.3"\n') == 1
    path = tmp_path / "heemstede-2024-2027.toml"
    path.write_text(text.replace('\n[[goals]]\ncode = "1.3"\n', MEAN), "utf-8")
    agreement = load_file(path)
    mean = next(i for i in agreement.goal("1.2").indicators if i.measure == "mean")
    tally = GoalWriter(store, seed=5)
    for _ in range(30):
        tally.lesson()
    period = parse_period("2025-H1")
    pupils = sum(v for (g, i, _), v in tally.tally.items() if i == "school-pupils")
    lessons = sum(v for (g, i, _), v in tally.tally.items()
                  if (g, i) == ("1.2", "school-lessons"))  # fmt: skip
    with figures_at(store, agreement, ZONE, store.head()) as conn:
        figures = GoalFigures(
            conn, agreement, ["heemstede"], "1.2", [period], zone=ZONE
        )
        found = figures.shown(mean, period)
    assert (found.value, found.records) == (pytest.approx(pupils / lessons), lessons)
    assert (mean.additive, mean.method) == (False, "counted")
    behind = MEASURES["mean"].behind(StoreLog(store), mean, period)
    assert len(behind) == lessons
    assert sum(r["value"] for r in behind) / len(behind) == pytest.approx(found.value)
