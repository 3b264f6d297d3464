"""`occupancy`: the mean share of workplaces occupied (5.1), with its interval."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from events.figures import estimates
from events.figures.measures.sampled import Sampled
from events.figures.shown import Shown
from events.i18n import t

if TYPE_CHECKING:
    from events.catalogue.indicators import Indicator
    from events.figures.read import GoalFigures
    from events.periods import Period


class Occupancy(Sampled):
    """Places occupied over places there, across the period's samples, in %."""

    name = "occupancy"
    counted = "occupied"

    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        rows = figures.samples(indicator, period)
        found = estimates.occupancy(
            [
                estimates.OccupancySample(
                    datetime.fromisoformat(r.window_start), r.places, r.occupied
                )
                for r in rows
            ],
            zone=figures.zone,
        )
        if found is None:
            return Shown(value=None, records=0, method="estimated")
        percent = round(100 * found.mean_rate, 1)
        low, high = round(100 * found.low, 1), round(100 * found.high, 1)
        bounded = math.isfinite(found.high)
        interval = (
            t("occupancy.interval").format(low=_comma(low), high=_comma(high))
            if bounded
            else t("occupancy.unbounded")
        )
        display = t("occupancy.display").format(
            percent=_comma(percent), places=found.places, interval=interval
        )
        return Shown(
            value=percent,
            records=found.samples,
            method="estimated",
            estimate={
                "low": low,
                "high": high if bounded else None,
                "samples": found.samples,
                "places": found.places,
                "display": display,
                "method": t("occupancy.method").format(count=found.samples),
                "missing": [],
            },
        )


def _comma(value: float) -> str:
    """62.5 -> '62,5'; 60.0 -> '60'."""
    return f"{value:g}".replace(".", ",")
