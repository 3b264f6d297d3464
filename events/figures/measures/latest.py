"""`latest`: the latest figure per key counts; recording it again replaces it.

This is how loan figures are corrected. `latest_figures` keeps each figure's
current value, so a replacement adds only the difference to its month.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from events.figures.measures.base import Log, joined, month_of, prefix_of, record
from events.figures.measures.monthly import Monthly
from events.figures.shown import months_of
from events.i18n import t

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.figures.shown import Shown
    from events.periods import Period

TABLE = "latest_figures"


class Latest(Monthly):
    """A figure counted elsewhere (loans of a month), the last record of it wins."""

    name = "latest"
    replaces = True

    def validate(self, indicator: Indicator) -> str | None:
        return self.needs_value(indicator) or self.needs_key(indicator)

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
        # One figure per branch: two branches' March loans are two figures.
        key = joined(data, ("branch", *indicator.key))
        full = (data["municipality"], indicator.goal, indicator.code, key)
        kept = fold.row(TABLE, full)
        old = kept["value"] if kept else 0.0
        now = event if sign > 0 else standing
        new = float(now.data[indicator.value]) if now is not None else 0.0  # type: ignore[index]
        fold.put(TABLE, full, {"value": new})
        month = fold.month(indicator, event)
        fold.add(indicator, data, month, new - old, (new > 0) - (old > 0))

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        """Per key, the last figure of the period: it adds what it changed there."""
        months = set(months_of(period))
        chains: dict[str, list[RecordedEvent]] = defaultdict(list)
        for event in log.live(indicator.events, prefix_of(indicator)):
            if indicator.accepts(event.data):
                chains[joined(event.data, ("branch", *indicator.key))].append(event)
        found = []
        for chain in chains.values():
            before, change, last = 0.0, 0.0, None
            for event in chain:
                now = float(event.data[indicator.value])  # type: ignore[index]
                if month_of(indicator, event, log.zone) in months:
                    change, last = change + now - before, event
                before = now
            if last is not None:
                found.append(record(last, change))
        return sorted(found, key=lambda r: r["position"])

    def notes(
        self, figures: GoalFigures, indicator: Indicator, period: Period, shown: Shown
    ) -> list[str]:
        label = indicator.label.lower()
        return [
            t("report.missing.month").format(label=label, month=_month_name(month))
            for month in figures.months_without_data(indicator, period)
        ]


def _month_name(month: str) -> str:
    """'2025-03' -> 'maart 2025'."""
    year, number = month.split("-")
    return f"{t(f'month.{int(number)}')} {year}"
