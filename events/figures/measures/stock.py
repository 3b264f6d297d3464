"""`stock`: a value counted on a date (`date`), such as youth members (1.1).

A period shows the last count on or before its first day (`at_start`) and the
last count before its end (`value`). A later count of the same day replaces
the earlier one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from events.figures.measures.base import Log, Measure, joined, prefix_of, record
from events.figures.shown import Shown
from events.i18n import t
from events.store.read_models import stock_figures

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.periods import Period

TABLE = "stock_figures"


class Stock(Measure):
    """The value on a day: per key, the last count on or before it, summed."""

    name = "stock"
    additive = False
    replaces = True

    def validate(self, indicator: Indicator) -> str | None:
        missing = self.needs_value(indicator) or self.needs_key(indicator)
        if missing is None and indicator.date is None:
            return "a 'stock' indicator names the date it is counted on"
        return missing

    def fold(
        self,
        fold: Fold,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        data = event.data
        if not indicator.accepts(data):
            return
        key = joined(data, ("branch", *indicator.key))
        on_date = str(data[indicator.date])[:10]  # type: ignore[index]
        full = (data["municipality"], indicator.goal, indicator.code, key, on_date)
        now = event if sign > 0 else standing
        fold.put(
            TABLE,
            full,
            None
            if now is None
            else {
                "branch": data["branch"],
                "value": float(now.data[indicator.value]),  # type: ignore[index]
            },
        )

    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        at_start = _on(figures, indicator, period.start.isoformat(), inclusive=True)
        at_end = _on(figures, indicator, period.end.isoformat(), inclusive=False)
        return Shown(value=at_end[0], records=at_end[1], at_start=at_start[0])

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        """Per key, the last count before the period's end: the stock at its end."""
        day, value = str(indicator.date), str(indicator.value)
        last: dict[str, RecordedEvent] = {}
        for event in log.live(indicator.events, prefix_of(indicator)):
            on = str(event.data[day])[:10]
            if indicator.accepts(event.data) and on < period.end.isoformat():
                key = joined(event.data, ("branch", *indicator.key))
                earlier = last.get(key)
                if earlier is None or on >= str(earlier.data[day])[:10]:
                    last[key] = event
        return [record(e, float(e.data[value])) for e in last.values()]

    def notes(
        self, figures: GoalFigures, indicator: Indicator, period: Period, shown: Shown
    ) -> list[str]:
        if shown.value is None or shown.at_start is None:
            return [t("report.missing.stock").format(label=indicator.label.lower())]
        return []


def _on(
    figures: GoalFigures, indicator: Indicator, day: str, *, inclusive: bool
) -> tuple[float | None, int]:
    """Per key, the last count on (or before) a day; summed over keys."""
    s = stock_figures
    bound = s.c.on_date <= day if inclusive else s.c.on_date < day
    latest = (
        select(s.c.key, func.max(s.c.on_date).label("on_date"))
        .where(*figures.where(s, indicator), bound)
        .group_by(s.c.key)
        .subquery()
    )
    query = select(s.c.value).join(
        latest, (s.c.key == latest.c.key) & (s.c.on_date == latest.c.on_date)
    ).where(*figures.where(s, indicator))  # fmt: skip
    values = figures.conn.execute(query).scalars().all()
    return (float(sum(values)) if values else None), len(values)
