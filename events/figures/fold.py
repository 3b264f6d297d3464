"""A batch's changes to the goal figures, folded in memory, written in one go.

Pure SQLAlchemy Core on a connection: the workers' projection runs it on the
live (or shadow) tables, and `events.figures.replay` on an in-memory database
to show figures as they stood at an earlier position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, and_, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from events import RecordedEvent
from events.catalogue.indicators import Indicator
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
    counts: list[Indicator]  # counted for every check-in of the session
    open_counts: list[Indicator]  # asked per check-in
    participants: list[Indicator]
    open_participants: list[Indicator]


class Fold:
    """The deltas of one batch: monthly figures, sessions, latest values."""

    def __init__(self, conn: Connection, tables: Tables, zone: ZoneInfo) -> None:
        self.conn = conn
        self.tables = tables
        self.zone = zone
        self.deltas: dict[tuple, list] = defaultdict(lambda: [0.0, 0])
        self.sessions: dict[str, SessionRow] = {}
        self.latest: dict[tuple, float] = {}
        self.touched: set[str] = set()
        # full key -> row, or None to delete it
        self.spans: dict[tuple, dict[str, Any] | None] = {}
        self.stocks: dict[tuple, dict[str, Any] | None] = {}
        self.samples: dict[tuple, dict[str, Any] | None] = {}
        self._choices: dict[tuple, _Chosen] = {}

    # -- reading what the batch needs, once ----------------------------------------

    def load(self, events: Sequence[RecordedEvent]) -> None:
        ids = {e.data["session_id"] for e in events if "session_id" in e.data}
        ids |= {e.data["stream"].removeprefix("session-") for e in events
                if e.data.get("stream", "").startswith("session-")}  # fmt: skip
        table = self.tables["session_figures"]
        if ids:
            rows = self.conn.execute(select(table).where(table.c.session_id.in_(ids)))
            self.sessions = {r.session_id: SessionRow(*r) for r in rows}
        self.latest_table = self.tables["latest_figures"]

    # -- the measures -----------------------------------------------------------------

    def record(
        self,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None = None,
    ) -> None:
        """A count, sum, latest value, stock, span or sample of one record.

        For a retracted latest value or stock count (sign -1), `standing` is the
        record of the same figure that counts again now (or None).
        """
        data = event.data
        if indicator.measure == "active":
            self._span(indicator, event, sign)
            return
        if not indicator.accepts(data):
            return
        if indicator.measure == "stock":
            self._stock(indicator, event, sign, standing)
            return
        if indicator.measure in ("estimate", "occupancy"):
            self._sample(indicator, event, sign)
            return
        month = self._month(indicator, event)
        if indicator.measure == "count":
            self._add(indicator, data, month, sign, sign)
        elif indicator.measure == "sum":
            self._add(indicator, data, month, sign * float(data[indicator.value]), sign)
        elif indicator.measure == "latest":
            # One figure per branch: two branches' March loans are two figures.
            key = "|".join(str(data[k]) for k in ("branch", *indicator.key))
            full = (data["municipality"], indicator.goal, indicator.code, key)
            old = self._latest(full)
            now = event if sign > 0 else standing
            new = float(now.data[indicator.value]) if now is not None else 0.0
            self.latest[full] = new
            self._add(indicator, data, month, new - old, (new > 0) - (old > 0))

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
            for indicator in indicators:
                if indicator.measure == "count" and indicator.accepts(data):
                    self._add(indicator, data, month, sign, sign)
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
                self._add(indicator, enriched, session.month, sign, sign)
            for indicator in chosen.open_counts:
                if indicator.accepts(enriched):
                    self._add(indicator, enriched, session.month, sign, sign)
        elif data.get("headcount") is not None:
            session.headcount = data["headcount"]
        self.touched.add(session.session_id)
        change = session.participants - before
        if not change:
            return
        context = {**data, "municipality": session.municipality,
                   "branch": session.branch, "goal_codes": chosen.goals}  # fmt: skip
        for indicator in chosen.participants:
            self._add(indicator, context, session.month, change, 0)
        for indicator in chosen.open_participants:
            if indicator.accepts(context):
                self._add(indicator, context, session.month, change, 0)

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

            def pick(measure: str, decided: bool) -> list[Indicator]:
                return [
                    i for i in indicators
                    if i.measure == measure
                    and (set(i.where) <= SESSION_FIELDS) == decided
                    and (not decided or i.accepts(fixed))
                ]  # fmt: skip

            found = _Chosen(goals, pick("count", True), pick("count", False),
                            pick("participants", True),
                            pick("participants", False))  # fmt: skip
            self._choices[key] = found
        return found

    def _span(self, indicator: Indicator, event: RecordedEvent, sign: int) -> None:
        """The first event type starts a span, the second ends it."""
        data = event.data
        entity = "|".join(str(data[k]) for k in indicator.key)
        full = (data["municipality"], indicator.goal, indicator.code, entity)
        day = event.occurred_at.astimezone(self.zone).date().isoformat()
        if event.type == indicator.events[0]:
            if sign < 0:
                self.spans[full] = None
            elif indicator.accepts(data):
                dimensions = ",".join(self._dimensions(indicator, data)[1:])
                self.spans[full] = {"branch": data["branch"], "started": day,
                                    "ended": None,
                                    "dimensions": dimensions}  # fmt: skip
            return
        row = self._load_span(full)
        if row is not None:
            self.spans[full] = {**row, "ended": day if sign > 0 else None}

    def _stock(
        self,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        data = event.data
        key = "|".join(str(data[k]) for k in ("branch", *indicator.key))
        on_date = str(data[indicator.date])[:10]  # type: ignore[index]
        full = (data["municipality"], indicator.goal, indicator.code, key, on_date)
        now = event if sign > 0 else standing
        self.stocks[full] = (
            None
            if now is None
            else {"branch": data["branch"], "value": float(now.data[indicator.value])}  # type: ignore[index]
        )

    def _sample(self, indicator: Indicator, event: RecordedEvent, sign: int) -> None:
        data = event.data
        full = (data["municipality"], indicator.goal, indicator.code,
                data["sample_id"])  # fmt: skip
        if sign < 0:
            self.samples[full] = None
            return
        start = datetime.fromisoformat(data["window_start"]).astimezone(self.zone)
        self.samples[full] = {
            "branch": data["branch"],
            "day": start.date().isoformat(),
            "window_start": start.isoformat(),
            **{k: data.get(k) for k in SAMPLE_FIELDS},
        }

    def _load_span(self, full: tuple) -> dict[str, Any] | None:
        if full not in self.spans:
            table = self.tables["span_figures"]
            row = self.conn.execute(
                select(table.c.branch, table.c.started, table.c.ended,
                       table.c.dimensions).where(_key_of(table, full))
            ).first()  # fmt: skip
            self.spans[full] = row._asdict() if row else None
        return self.spans[full]

    # -- helpers ----------------------------------------------------------------------

    def _month(self, indicator: Indicator, event: RecordedEvent) -> str:
        if indicator.date:
            return str(event.data[indicator.date])[:7]
        return event.occurred_at.astimezone(self.zone).strftime("%Y-%m")

    def _add(self, indicator: Indicator, data: dict[str, Any], month: str,
             value: float, records: int) -> None:  # fmt: skip
        """Add to the figure and to each of its dimensions; records counts rows."""
        base = (data["municipality"], data["branch"], indicator.goal, indicator.code)
        for dimension in self._dimensions(indicator, data):
            entry = self.deltas[(*base, dimension, month)]
            entry[0] += value
            entry[1] += records

    @staticmethod
    def _dimensions(indicator: Indicator, data: dict[str, Any]) -> list[str]:
        found = [""]
        for name in indicator.dimensions:
            values = data.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is not None:
                    found.append(f"{name}:{value}")
        return found

    def _latest(self, full: tuple) -> float:
        if full not in self.latest:
            table = self.latest_table
            key = tuple_(table.c.municipality, table.c.goal, table.c.indicator,
                         table.c.key)  # fmt: skip
            value = self.conn.execute(
                select(table.c.value).where(key == tuple_(*full))
            ).scalar()
            self.latest[full] = value or 0.0
        return self.latest[full]

    # -- writing ----------------------------------------------------------------------

    def write(self) -> None:
        deltas = {k: (v[0], v[1]) for k, v in self.deltas.items() if v != [0.0, 0]}
        add_to(self.conn, self.tables["goal_figures"], deltas)
        self._upsert(self.tables["session_figures"],
                     [vars(self.sessions[i]) for i in self.touched])  # fmt: skip
        names = ("municipality", "goal", "indicator", "key")
        rows = [
            {**dict(zip(names, key, strict=True)), "value": value}
            for key, value in self.latest.items()
        ]
        self._upsert(self.latest_table, rows)
        for name, changes in (("span_figures", self.spans),
                              ("stock_figures", self.stocks),
                              ("sample_figures", self.samples)):  # fmt: skip
            self._replace(self.tables[name], changes)

    def _replace(self, table: Table, changes: dict[tuple, dict | None]) -> None:
        """Upsert the rows kept, delete the rows dropped (None)."""
        keys = [c.name for c in table.primary_key.columns]
        gone = [full for full, row in changes.items() if row is None]
        for full in gone:
            self.conn.execute(delete(table).where(_key_of(table, full)))
        kept = [
            {**dict(zip(keys, full, strict=True)), **row}
            for full, row in changes.items()
            if row is not None
        ]
        self._upsert(table, kept)

    def _upsert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        keys = [c.name for c in table.primary_key.columns]
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(table)
        others = {c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys}
        self.conn.execute(
            stmt.on_conflict_do_update(index_elements=keys, set_=others), rows
        )


SAMPLE_FIELDS = ("minutes", "people", "method", "places", "occupied")


def _key_of(table: Table, full: tuple):
    """The WHERE clause matching a row by its whole primary key."""
    columns = list(table.primary_key.columns)
    return and_(*(c == v for c, v in zip(columns, full, strict=True)))


def add_to(
    conn: Connection,
    table: Table,
    deltas: Mapping[tuple, tuple[float, int]],
) -> None:
    """Add (value, records) deltas to rows keyed by the table's primary key."""
    if not deltas:
        return
    keys = [column.name for column in table.primary_key.columns]
    rows = [
        {**dict(zip(keys, key, strict=True)), "value": value, "records": records}
        for key, (value, records) in deltas.items()
    ]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=keys,
            set_={
                "value": table.c.value + stmt.excluded.value,
                "records": table.c.records + stmt.excluded.records,
            },
        ),
        rows,
    )
