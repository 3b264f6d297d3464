"""`active`: things active for a while, such as partners (1.3) and communities (2.1).

The first event type starts a thing (keyed by `key`), the second ends it; a
period counts the things whose span overlaps it, split by `dimensions`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from events.figures.measures.base import (
    Log,
    Measure,
    dimensions_of,
    joined,
    local_day,
    prefix_of,
    record,
)
from events.figures.shown import Shown
from events.store.read_models import span_figures

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.periods import Period

TABLE = "span_figures"


class Active(Measure):
    """Things whose span (start record to end record) overlaps the period."""

    name = "active"
    additive = False

    def validate(self, indicator: Indicator) -> str | None:
        missing = self.needs_key(indicator)
        if missing is None and len(indicator.events) > 2:
            return "an 'active' indicator names a start and an end event"
        return missing

    def fold(
        self,
        fold: Fold,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        """The first event type starts a span, the second ends it."""
        data = event.data
        entity = joined(data, indicator.key)
        full = (data["municipality"], indicator.goal, indicator.code, entity)
        day = local_day(event.occurred_at, fold.zone).isoformat()
        if event.type == indicator.events[0]:
            if sign < 0:
                fold.put(TABLE, full, None)
            elif indicator.accepts(data):
                dimensions = ",".join(dimensions_of(indicator, data)[1:])
                fold.put(TABLE, full, {"branch": data["branch"], "started": day,
                                       "ended": None,
                                       "dimensions": dimensions})  # fmt: skip
            return
        row = fold.row(TABLE, full)
        if row is not None:
            fold.put(TABLE, full, {**row, "ended": day if sign > 0 else None})

    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        t = span_figures
        rows = figures.conn.execute(
            select(t.c.dimensions).where(
                *figures.where(t, indicator),
                t.c.started < period.end.isoformat(),
                (t.c.ended.is_(None)) | (t.c.ended >= period.start.isoformat()),
            )
        ).all()
        split: dict[str, dict[str, float]] = defaultdict(dict)
        for (dimensions,) in rows:
            for dimension in filter(None, dimensions.split(",")):
                name, _, item = dimension.partition(":")
                split[name][item] = split[name].get(item, 0.0) + 1
        count = len(rows)
        return Shown(value=float(count), records=count, by_dimension=dict(split))

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        """The start record of each thing active in the period (not ended before)."""
        started: dict[str, RecordedEvent] = {}
        ended: dict[str, date] = {}
        for event in log.live(indicator.events, prefix_of(indicator)):
            entity = joined(event.data, indicator.key)
            if event.type == indicator.events[0] and indicator.accepts(event.data):
                started[entity] = event
            elif event.type != indicator.events[0]:
                ended[entity] = local_day(event.occurred_at, log.zone)
        return [
            record(event, 1.0)
            for entity, event in started.items()
            if local_day(event.occurred_at, log.zone) < period.end
            and (entity not in ended or ended[entity] >= period.start)
        ]
