"""A batch's changes to the goal figures, folded in memory, written in one go.

Each measure (events.figures.measures) says what a record changes: monthly
figures (`add`) or rows of its own table (`row`, `put`); the fold keeps the
sessions, whose records and participants the measures count, itself.

Pure SQLAlchemy Core on a connection: the workers' projection runs it on the
live (or shadow) tables, and `events.figures.replay` on an in-memory database
to show figures as they stood at an earlier position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, select

from events import RecordedEvent
from events.catalogue.indicators import Indicator
from events.figures.measures import measure_of
from events.figures.measures.base import dimensions_of, month_of
from events.figures.upserts import add_to, key_of, replace, upsert
from events.sessions import participants

Tables = Mapping[str, Table]


@dataclass
class SessionRow:
    session_id: str
    municipality: str
    branch: str
    month: str
    goal_codes: str
    checkins: int
    headcount: int | None

    @property
    def participants(self) -> int:
        return participants(self.checkins, self.headcount)

    @property
    def goals(self) -> list[str]:
        return self.goal_codes.split(",") if self.goal_codes else []


# The fields a session fixes for all its check-ins.
SESSION_FIELDS = frozenset({"goal_codes", "municipality", "branch"})


@dataclass(frozen=True)
class _Chosen:
    goals: list[str]
    counts: list[Indicator]  # records counted for every check-in of the session
    open_counts: list[Indicator]  # asked per check-in
    participants: list[Indicator]
    open_participants: list[Indicator]


class Fold:
    """The changes of one batch: monthly figures, sessions, the measures' own rows."""

    def __init__(self, conn: Connection, tables: Tables, zone: ZoneInfo) -> None:
        self.conn = conn
        self.tables = tables
        self.zone = zone
        self.deltas: dict[tuple, list] = defaultdict(lambda: [0.0, 0])
        self.sessions: dict[str, SessionRow] = {}
        self.touched: set[str] = set()
        # table name -> full key -> row, or None to delete it
        self.rows: dict[str, dict[tuple, dict[str, Any] | None]] = defaultdict(dict)
        self._choices: dict[tuple, _Chosen] = {}
        self._parts: dict[int, dict[str | None, list[Indicator]]] = {}

    # -- reading what the batch needs, once ----------------------------------------

    def load(self, events: Sequence[RecordedEvent]) -> None:
        ids = {e.data["session_id"] for e in events if "session_id" in e.data}
        ids |= {e.data["stream"].removeprefix("session-") for e in events
                if e.data.get("stream", "").startswith("session-")}  # fmt: skip
        table = self.tables["session_figures"]
        if ids:
            rows = self.conn.execute(select(table).where(table.c.session_id.in_(ids)))
            self.sessions = {r.session_id: SessionRow(*r) for r in rows}

    # -- what the measures change (events.figures.measures) ---------------------------

    def month(self, indicator: Indicator, event: RecordedEvent) -> str:
        """The month a record counts in."""
        return month_of(indicator, event, self.zone)

    def add(self, indicator: Indicator, data: dict[str, Any], month: str,
            value: float, records: int) -> None:  # fmt: skip
        """Add to the figure and to each of its dimensions; records counts rows."""
        base = (data["municipality"], data["branch"], indicator.goal, indicator.code)
        for dimension in dimensions_of(indicator, data):
            entry = self.deltas[(*base, dimension, month)]
            entry[0] += value
            entry[1] += records

    def row(self, table: str, full: tuple) -> dict[str, Any] | None:
        """A row of a measure's table (by its whole key) as the batch leaves it."""
        changes = self.rows[table]
        if full not in changes:
            t = self.tables[table]
            keys = {c.name for c in t.primary_key.columns}
            found = self.conn.execute(
                select(*(c for c in t.c if c.name not in keys)).where(key_of(t, full))
            ).first()
            changes[full] = found._asdict() if found else None
        return changes[full]

    def put(self, table: str, full: tuple, row: dict[str, Any] | None) -> None:
        """Keep a row of a measure's table (by its whole key), or drop it (None)."""
        self.rows[table][full] = row

    # -- sessions: their records and participants ----------------------------------

    def session_event(
        self, event: RecordedEvent, sign: int, indicators: list[Indicator]
    ) -> None:
        """Sessions and check-ins: counts, and participants (headcount wins)."""
        data = event.data
        if event.type == "SessionOpened":
            month = event.occurred_at.astimezone(self.zone).strftime("%Y-%m")
            self.sessions[data["session_id"]] = SessionRow(
                data["session_id"], data["municipality"], data["branch"], month,
                ",".join(data["goal_codes"]), 0, None,
            )  # fmt: skip
            self.touched.add(data["session_id"])
            for indicator in self._by_part(indicators)["records"]:
                if indicator.accepts(data):
                    self.add(indicator, data, month, sign, sign)
            return
        session = self.sessions.get(data["session_id"])
        if session is None:
            return  # a session opened before the register: nothing to count against
        chosen = self._chosen(session, indicators)
        before = session.participants
        if event.type == "ParticipantCheckedIn":
            session.checkins += sign
            counting = chosen.counts + chosen.open_counts
            enriched = {**data, "goal_codes": chosen.goals} if counting else data
            for indicator in chosen.counts:
                self.add(indicator, enriched, session.month, sign, sign)
            for indicator in chosen.open_counts:
                if indicator.accepts(enriched):
                    self.add(indicator, enriched, session.month, sign, sign)
        elif data.get("headcount") is not None:
            session.headcount = data["headcount"]
        self.touched.add(session.session_id)
        change = session.participants - before
        if not change:
            return
        context = {**data, "municipality": session.municipality,
                   "branch": session.branch, "goal_codes": chosen.goals}  # fmt: skip
        for indicator in chosen.participants:
            self.add(indicator, context, session.month, change, 0)
        for indicator in chosen.open_participants:
            if indicator.accepts(context):
                self.add(indicator, context, session.month, change, 0)

    def _chosen(self, session: SessionRow, indicators: list[Indicator]) -> _Chosen:
        """The session's indicators, with those its own fields decide filtered once.

        A session of a thousand check-ins is matched against the filters once,
        not a thousand times: a filter on goals and place has one answer per
        session; only filters on a check-in's own fields are asked per check-in.
        """
        key = (session.session_id, session.goal_codes, id(indicators))
        found = self._choices.get(key)
        if found is None:
            goals = session.goals
            fixed = {"municipality": session.municipality, "branch": session.branch,
                     "goal_codes": goals}  # fmt: skip
            by_part = self._by_part(indicators)

            def pick(part: str, decided: bool) -> list[Indicator]:
                return [
                    i for i in by_part[part]
                    if (set(i.where) <= SESSION_FIELDS) == decided
                    and (not decided or i.accepts(fixed))
                ]  # fmt: skip

            found = _Chosen(goals, pick("records", True), pick("records", False),
                            pick("participants", True),
                            pick("participants", False))  # fmt: skip
            self._choices[key] = found
        return found

    def _by_part(self, indicators: list[Indicator]) -> dict[str | None, list]:
        """The indicators by what their measures count of a session, once a batch."""
        found = self._parts.get(id(indicators))
        if found is None:
            found = self._parts[id(indicators)] = defaultdict(list)
            for indicator in indicators:
                found[measure_of(indicator).session_part].append(indicator)
        return found

    # -- writing ----------------------------------------------------------------------

    def write(self) -> None:
        deltas = {k: (v[0], v[1]) for k, v in self.deltas.items() if v != [0.0, 0]}
        add_to(self.conn, self.tables["goal_figures"], deltas)
        sessions = [vars(self.sessions[i]) for i in self.touched]
        upsert(self.conn, self.tables["session_figures"], sessions)
        for name, changes in self.rows.items():
            replace(self.conn, self.tables[name], changes)
