"""Measures kept per month in `goal_figures`: a period's figure is a sum of months."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from events.figures.measures.base import Log, Measure, month_of, prefix_of, record
from events.figures.shown import NOTHING, Figure, Shown, months_of, with_unknown

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.periods import Period


class Monthly(Measure):
    """A figure per month; any period adds up its months."""

    def month(self, figures: GoalFigures, indicator: Indicator, month: str) -> Figure:
        """The figure of one month and the records behind it."""
        return figures.monthly.month(indicator, month)

    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        months = months_of(period)
        found = {month: self.month(figures, indicator, month) for month in months}
        records = sum(records for _, records in found.values())
        value = sum(value for value, _ in found.values())
        # A month without a record has no figure: not 0, which would claim a count.
        return Shown(
            value=value if records else None,
            records=records,
            by_dimension=with_unknown(
                figures.monthly.by_dimension(indicator, months), value
            ),
            months={m: value if n else None for m, (value, n) in found.items()},
        )

    def months_without_data(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> list[str]:
        last = (figures.until or period.end).strftime("%Y-%m")
        return [
            month
            for month in months_of(period)
            if month <= last and self.month(figures, indicator, month) == NOTHING
        ]


class PerRecord(Monthly):
    """Each record adds its value to the month it counts in."""

    @abstractmethod
    def value(self, indicator: Indicator, data: dict[str, Any]) -> float:
        """What one record adds to the figure."""

    def fold(
        self,
        fold: Fold,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        data = event.data
        if indicator.accepts(data):
            month = fold.month(indicator, event)
            fold.add(indicator, data, month, sign * self.value(indicator, data), sign)

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        # A record placed by a date field may be recorded outside the period.
        window = None if indicator.date else period
        months = set(months_of(period))
        return [
            record(e, self.value(indicator, e.data))
            for e in log.live(indicator.events, prefix_of(indicator), window)
            if indicator.accepts(e.data) and month_of(indicator, e, log.zone) in months
        ]
