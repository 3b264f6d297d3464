"""Measures estimated from samples: the samples themselves are kept, not months."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from events.figures.measures.base import Log, Measure, local_day, prefix_of, record
from events.i18n import t

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.figures.shown import Shown
    from events.periods import Period

TABLE = "sample_figures"
SAMPLE_FIELDS = ("minutes", "people", "method", "places", "occupied")


class Sampled(Measure):
    """An estimate made from the samples of the whole period, by local day."""

    additive = False
    method = "estimated"
    counted: ClassVar[str]  # the field a sample counts, shown in the drill-down

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
        full = (data["municipality"], indicator.goal, indicator.code, data["sample_id"])
        if sign < 0:
            fold.put(TABLE, full, None)
            return
        start = datetime.fromisoformat(data["window_start"]).astimezone(fold.zone)
        fold.put(
            TABLE,
            full,
            {
                "branch": data["branch"],
                "day": start.date().isoformat(),
                "window_start": start.isoformat(),
                **{name: data.get(name) for name in SAMPLE_FIELDS},
            },
        )

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        """The samples taken on the period's local days."""
        return [
            record(e, float(e.data[self.counted]))
            for e in log.live(indicator.events, prefix_of(indicator))
            if indicator.accepts(e.data)
            and period.start <= _sample_day(e, log) < period.end
        ]

    def notes(
        self, figures: GoalFigures, indicator: Indicator, period: Period, shown: Shown
    ) -> list[str]:
        if shown.value is None:
            return [t("report.missing.samples").format(label=indicator.label.lower())]
        notes = []
        if shown.estimate and shown.estimate["missing"]:
            count = len(shown.estimate["missing"])
            notes.append(
                t("report.missing.strata").format(label=indicator.label, count=count)
            )
        if shown.estimate and not shown.estimate.get("reliable", True):
            # Reliability, with the plan's unsampled parts of the week named.
            text = shown.estimate["reliability_text"]
            notes.append(f"{indicator.label}: {text[0].lower()}{text[1:]}")
        return notes


def _sample_day(event: RecordedEvent, log: Log) -> date:
    return local_day(datetime.fromisoformat(event.data["window_start"]), log.zone)
