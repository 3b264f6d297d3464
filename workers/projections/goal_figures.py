"""The goal-figures projection: the counting of events.figures, run by the workers."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from events import RecordedEvent
from events.catalogue import Agreement
from events.figures.count import TABLES, Counter
from events.store import SqlEventStore
from workers.projections.base import Projection, Tables


class GoalFigures(Projection):
    name = "goal_figures"
    tables = TABLES

    def __init__(
        self, store: SqlEventStore, zone: ZoneInfo, agreements: Sequence[Agreement]
    ) -> None:
        self.counter = Counter(store, zone, agreements)

    def apply(
        self, conn: Connection, events: Sequence[RecordedEvent], tables: Tables
    ) -> None:
        self.counter.apply(conn, events, tables)
