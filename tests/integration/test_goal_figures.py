"""The declared indicators: sessions, participants (headcount wins), sums, latest.

A seeded generator writes sessions with check-ins, retractions and typed-in
headcounts, school lessons and loan figures that are corrected by recording
them again; an independent tally in the test says what the figures must be.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from events import Event, Metadata, NewEvent
from events.activities import (
    HeadcountCorrected,
    ParticipantCheckedIn,
    SessionClosed,
    SessionOpened,
)
from events.corrections import RecordRetracted
from events.counts import LoanFiguresRecorded
from events.outreach import SchoolLessonGiven
from events.store.read_models import goal_figures
from workers.projections import projections
from workers.projections.base import catch_up, run_batch
from workers.projections.rebuild import rebuild

ZONE = ZoneInfo("Europe/Amsterdam")
HERE = {"municipality": "heemstede", "branch": "heemstede"}
STAFF = Metadata(actor="staff:test")


class Writer:
    """Appends domain events and keeps the tally of what they must count."""

    def __init__(self, store, seed: int) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.tally: Counter = Counter()
        self.loans: dict[tuple, list[tuple[NewEvent, int]]] = {}

    def add(self, event: Event, when: datetime) -> NewEvent:
        new = NewEvent(type=event.TYPE, data=event.to_data(), occurred_at=when,
                       metadata=STAFF)  # fmt: skip
        self.store.append(event.stream_id, [new])
        return new

    def when(self) -> datetime:
        return datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(
            hours=self.rng.randint(0, 24 * 170)
        )

    def session(self) -> None:
        rng, sid, start = self.rng, uuid.uuid4().hex, self.when()
        goals = rng.sample(["1.2", "1.4", "3.2"], rng.randint(1, 2))
        month = start.astimezone(ZONE).strftime("%Y-%m")
        opened = SessionOpened(**HERE, session_id=sid, activity_id="a",
                               goal_codes=goals)  # fmt: skip
        self.add(opened, start)
        live, newcomers = 0, 0
        for _ in range(rng.randint(0, 12)):
            refugee = rng.random() < 0.3
            group = "refugee" if refugee else None
            tap = ParticipantCheckedIn(
                **HERE, session_id=sid, role="adult", age_band="30-64",
                new_target_group=group,
            )  # fmt: skip
            new = self.add(tap, start + timedelta(minutes=5))
            if rng.random() < 0.2:
                self.add(RecordRetracted(**HERE, stream=f"session-{sid}",
                                         retracted_event_id=str(new.event_id),
                                         retracted_type=tap.TYPE), start)  # fmt: skip
                continue
            live, newcomers = live + 1, newcomers + refugee
        participants = live
        if rng.random() < 0.4:
            participants = rng.randint(0, 40)
            self.add(SessionClosed(**HERE, session_id=sid, headcount=participants),
                     start + timedelta(hours=1))  # fmt: skip
            if rng.random() < 0.5:
                participants = rng.randint(0, 40)
                self.add(HeadcountCorrected(**HERE, session_id=sid,
                                            headcount=participants), start)  # fmt: skip
        for goal in goals:
            self.tally[(goal, "sessions", month)] += 1
            self.tally[(goal, "participants", month)] += participants
        if "1.4" in goals:
            self.tally[("1.4", "new-target-groups", month)] += newcomers

    def lesson(self) -> None:
        rng, lid, when = self.rng, uuid.uuid4().hex, self.when()
        goals = rng.choice([["1.2"], ["1.2", "4.2"]])
        pupils = rng.randint(10, 60)
        event = SchoolLessonGiven(**HERE, lesson_id=lid, school="De Ark",
                                  school_kind="primary", grade="groep 5", classes=2,
                                  pupils=pupils, pupils_estimated=False,
                                  goal_codes=goals)  # fmt: skip
        new = self.add(event, when)
        if rng.random() < 0.2:
            self.add(RecordRetracted(**HERE, stream=event.stream_id,
                                     retracted_event_id=str(new.event_id),
                                     retracted_type=event.TYPE), when)  # fmt: skip
            return
        month = when.astimezone(ZONE).strftime("%Y-%m")
        self.tally[("1.2", "school-pupils", month)] += pupils
        self.tally[("1.2", "school-lessons", month)] += 1
        if "4.2" in goals:
            self.tally[("4.2", "school-lessons", month)] += 1

    def loan(self) -> None:
        rng = self.rng
        month = f"2025-0{rng.randint(1, 6)}"
        audience = rng.choice(["youth", "adult"])
        collection = rng.choice(["fiction", "picture_books"])
        loans = rng.randint(0, 900)
        event = LoanFiguresRecorded(**HERE, month=month, audience=audience,
                                    collection=collection, loans=loans)  # fmt: skip
        first = datetime.fromisoformat(f"{month}-01T00:00:00+01:00")
        new = self.add(event, first)
        standing = self.loans.setdefault((month, audience, collection), [])
        standing.append((new, loans))  # a later record replaces
        if rng.random() < 0.25:
            # Take back one of the figure's records: the one before counts again.
            wrong, _ = standing.pop(rng.randrange(len(standing)))
            self.add(RecordRetracted(**HERE, stream=event.stream_id,
                                     retracted_event_id=str(wrong.event_id),
                                     retracted_type=event.TYPE), first)  # fmt: skip

    def finish(self) -> Counter:
        for (month, audience, _), standing in self.loans.items():
            if not standing:
                continue
            loans = standing[-1][1]
            self.tally[("4.1", "loans", month)] += loans
            if audience == "youth":
                self.tally[("1.1", "youth-loans", month)] += loans
        return +self.tally


def write(store, seed: int, sessions: int, lessons: int, loans: int) -> Counter:
    writer = Writer(store, seed)
    actions = ["session"] * sessions + ["lesson"] * lessons + ["loan"] * loans
    writer.rng.shuffle(actions)
    for action in actions:
        getattr(writer, action)()
    return writer.finish()


def figures(engine, table=goal_figures) -> Counter:
    query = select(table.c.goal, table.c.indicator, table.c.month, table.c.value).where(
        table.c.dimension == ""
    )
    with engine.connect() as conn:
        found = Counter({(g, i, m): v for g, i, m, v in conn.execute(query)})
    return +found


def test_figures_equal_an_independent_tally(store):
    tally = write(store, seed=21, sessions=40, lessons=15, loans=30)
    catch_up(projections(store, ZONE)[0], store, batch=37)
    assert figures(store.engine) == tally


def test_dimensions_split_the_total(store):
    write(store, seed=22, sessions=30, lessons=0, loans=0)
    catch_up(projections(store, ZONE)[0], store)
    table = goal_figures
    query = select(table.c.month, table.c.dimension, table.c.value).where(
        table.c.goal == "1.4", table.c.indicator == "new-target-groups"
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    totals = Counter({m: v for m, d, v in rows if d == ""})
    by_group = Counter()
    for month, dimension, value in rows:
        if dimension.startswith("new_target_group:"):
            by_group[month] += value
    assert +totals == +by_group


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 10_000), sizes=st.lists(st.integers(1, 50), min_size=1,
                                                    max_size=4))  # fmt: skip
def test_rebuilt_equals_live_with_corrections(store, seed, sizes):
    """Invariant 6 over sessions, headcounts, retractions and replaced figures."""
    projection = projections(store, ZONE)[0]
    write(store, seed, sessions=8, lessons=4, loans=6)
    for size in sizes:
        run_batch(projection, store, batch=size)
    catch_up(projection, store, batch=sizes[0])
    live = figures(store.engine)
    rebuild(projection, store)
    assert figures(store.engine) == live


def test_figures_land_in_their_local_month(store):
    """Invariant 10 in the read model: months are Europe/Amsterdam months."""
    from events.ido import IdoQuestionLogged

    instants = {
        "2025-06": datetime(2025, 6, 30, 21, 30, tzinfo=UTC),  # 23:30 on 30 June
        "2025-07": datetime(2025, 6, 30, 22, 15, tzinfo=UTC),  # 00:15 on 1 July
        "2025-01": datetime(2024, 12, 31, 23, 15, tzinfo=UTC),  # 00:15 on 1 January
        "2025-04": datetime(2025, 3, 31, 22, 30, tzinfo=UTC),  # after spring forward
        "2025-11": datetime(2025, 10, 31, 23, 30, tzinfo=UTC),  # after fall back
    }
    writer = Writer(store, seed=0)
    for when in instants.values():
        question = IdoQuestionLogged(**HERE, question_id=uuid.uuid4().hex,
                                     themes=["digid"], help_kind="information",
                                     channel="desk")  # fmt: skip
        writer.add(question, when)
    catch_up(projections(store, ZONE)[0], store)
    found = {m for (goal, _, m) in figures(store.engine) if goal == "2.2"}
    assert found == set(instants)
