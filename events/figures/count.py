"""Every event matched against the indicators of its municipality's agreement.

The event types, the filter, the measure: a batch is folded in memory and
written as a few upserts (events.figures.fold), each record as its indicator's
measure counts it (events.figures.measures). A retraction is the retracted
record applied with the opposite sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from events import RecordedEvent
from events.catalogue import Agreement
from events.catalogue.indicators import Indicator
from events.corrections import RecordRetracted, live
from events.figures.fold import Fold, Tables
from events.figures.measures import measure_of
from events.store import SqlEventStore
from events.store.read_models import (
    goal_figures,
    latest_figures,
    sample_figures,
    session_figures,
    span_figures,
    stock_figures,
)

SESSION_EVENTS = {"SessionOpened", "ParticipantCheckedIn", "SessionClosed",
                  "HeadcountCorrected"}  # fmt: skip
# Every table the goal figures are kept in, by name.
TABLES = (goal_figures, session_figures, latest_figures, span_figures,
          stock_figures, sample_figures)  # fmt: skip


class Counter:
    """Folds batches of events into the goal-figure tables."""

    def __init__(
        self, store: SqlEventStore, zone: ZoneInfo, agreements: Sequence[Agreement]
    ) -> None:
        self.store = store
        self.zone = zone
        # municipality -> event type -> the indicators that count it
        self.index: dict[str, dict[str, list[Indicator]]] = {}
        for agreement in agreements:
            by_type = self.index.setdefault(agreement.municipality.code, {})
            for goal in agreement.goals:
                for indicator in goal.indicators:
                    for event_type in indicator.events:
                        by_type.setdefault(event_type, []).append(indicator)

    def apply(
        self, conn: Connection, events: Sequence[RecordedEvent], tables: Tables
    ) -> None:
        fold = Fold(conn, tables, self.zone)
        fold.load(events)
        by_id = {str(e.event_id): e for e in events}
        for event in events:
            if event.type == RecordRetracted.TYPE:
                wrong = by_id.get(event.data["retracted_event_id"]) or self._find(event)
                self._count(fold, wrong, -1, event)
            else:
                self._count(fold, event, +1)
        fold.write()

    def _count(
        self,
        fold: Fold,
        event: RecordedEvent,
        sign: int,
        retraction: RecordedEvent | None = None,
    ) -> None:
        indicators = self.index.get(event.data["municipality"], {}).get(event.type, [])
        if event.type in SESSION_EVENTS:
            fold.session_event(event, sign, indicators)
            return
        history: list[RecordedEvent] | None = None
        for indicator in indicators:
            measure, standing = measure_of(indicator), None
            if retraction is not None and measure.replaces:
                if history is None:  # read once for all the figures it replaced
                    history = self._before(event, retraction)
                standing = self._standing(indicator, event, history)
            measure.fold(fold, indicator, event, sign, standing)

    def _find(self, retraction: RecordedEvent) -> RecordedEvent:
        wanted = retraction.data["retracted_event_id"]
        history = self.store.read_stream(retraction.data["stream"])
        return next(e for e in history if str(e.event_id) == wanted)

    def _before(
        self, wrong: RecordedEvent, retraction: RecordedEvent
    ) -> list[RecordedEvent]:
        """The live records of `wrong`'s stream as it stood at the retraction."""
        before = [
            e
            for e in self.store.read_stream(wrong.stream_id)
            if e.position < retraction.position
        ]
        return [
            e
            for e in live(before)
            if e.type == wrong.type and e.event_id != wrong.event_id
        ]

    @staticmethod
    def _standing(
        indicator: Indicator, wrong: RecordedEvent, history: list[RecordedEvent]
    ) -> RecordedEvent | None:
        """The record of the same figure that counts once `wrong` is retracted.

        A later record of a loan figure or a stock count replaces an earlier one;
        taking the later one back brings the one before it back, as the log stood
        at the retraction (so that a replay agrees).
        """
        figure = _figure_of(indicator, wrong)
        same = [
            e
            for e in history
            if indicator.accepts(e.data) and _figure_of(indicator, e) == figure
        ]
        return same[-1] if same else None


def _figure_of(indicator: Indicator, event: RecordedEvent) -> tuple:
    fields = ("branch", *indicator.key, *([indicator.date] if indicator.date else []))
    return tuple(str(event.data[name]) for name in fields)
