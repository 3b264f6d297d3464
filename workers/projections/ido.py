"""IDO questions per month (goal 2.2): in all, by theme, kind of help and channel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from events import RecordedEvent
from events.corrections import RecordRetracted
from events.ido import IdoQuestionLogged
from events.store import SqlEventStore
from events.store.read_models import goal_figures
from workers.projections.base import Projection, Tables, add_to

GOAL = "2.2"
INDICATOR = "ido_questions"


class IdoQuestions(Projection):
    name = "ido_questions"
    tables = (goal_figures,)

    def __init__(self, store: SqlEventStore, zone: ZoneInfo) -> None:
        self.store = store
        self.zone = zone

    def apply(
        self, conn: Connection, events: Sequence[RecordedEvent], tables: Tables
    ) -> None:
        deltas: dict[tuple, list] = defaultdict(lambda: [0.0, 0])
        by_id = {str(e.event_id): e for e in events}
        for event in events:
            if event.type == IdoQuestionLogged.TYPE:
                self._count(deltas, event, +1)
            elif (
                event.type == RecordRetracted.TYPE
                and event.data["retracted_type"] == IdoQuestionLogged.TYPE
            ):
                wrong = by_id.get(event.data["retracted_event_id"]) or self._find(event)
                self._count(deltas, wrong, -1)
        add_to(conn, tables["goal_figures"], {k: tuple(v) for k, v in deltas.items()})

    def _count(self, deltas: dict, event: RecordedEvent, sign: int) -> None:
        data = event.data
        month = event.occurred_at.astimezone(self.zone).strftime("%Y-%m")
        dimensions = [
            "",
            *(f"theme:{theme}" for theme in data["themes"]),
            f"help:{data['help_kind']}",
            f"channel:{data['channel']}",
        ]
        for dimension in dimensions:
            key = (data["municipality"], data["branch"], GOAL, INDICATOR,
                   dimension, month)  # fmt: skip
            deltas[key][0] += sign
            deltas[key][1] += sign

    def _find(self, retraction: RecordedEvent) -> RecordedEvent:
        """The retracted question, read from its stream."""
        wanted = retraction.data["retracted_event_id"]
        history = self.store.read_stream(retraction.data["stream"])
        return next(e for e in history if str(e.event_id) == wanted)
