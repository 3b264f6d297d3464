"""`estimate`: visitors estimated from samples (3.1 Plein1, 5.1 study places).

Stratified by weekday and part of day, extrapolated to each branch's opening
hours in the agreement file, with a 95% interval (docs/ESTIMATES.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from events.figures import estimates
from events.figures.measures.sampled import Sampled
from events.figures.shown import Shown, months_of

if TYPE_CHECKING:
    from events.catalogue.indicators import Indicator
    from events.figures.read import GoalFigures
    from events.periods import Period


class Estimate(Sampled):
    """People counted in samples, extrapolated to the period's open hours."""

    name = "estimate"
    approximate = True
    counted = "people"

    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        by_branch: dict[str, list[estimates.Sample]] = defaultdict(list)
        for row in figures.samples(indicator, period):
            by_branch[row.branch].append(_sample(row))
        days = figures.days(period)
        made, months = [], {}
        for code in figures.branches:
            branch = figures.agreement.branch(code)
            hours = branch.opening_hours
            closed = branch.closed_between(period.start, period.end)
            found = estimates.estimate(
                by_branch[code], hours, days, closed, zone=figures.zone
            )
            if found is not None:
                made.append(found)
                for month in months_of(period):
                    in_month = [d for d in days if d.strftime("%Y-%m") == month]
                    part = estimates.estimate(
                        by_branch[code], hours, in_month, closed, zone=figures.zone
                    )
                    months[month] = months.get(month, 0.0) + (part.total if part else 0)
        if not made:
            return Shown(value=None, records=0, method="estimated")
        return Shown(
            value=sum(e.total for e in made),
            records=sum(e.samples for e in made),
            method="estimated",
            months=months,
            estimate=_combined(made),
        )

    def reported(self, shown: Shown) -> Shown:
        """To the digits its interval can carry (ca. 74.000)."""
        if shown.value is None or shown.estimate is None:
            return shown
        return replace(
            shown, value=estimates.rounded(shown.value, shown.estimate["high"])
        )


def _sample(row: Any) -> estimates.Sample:
    return estimates.Sample(
        local_start=datetime.fromisoformat(row.window_start),
        minutes=row.minutes,
        people=row.people,
        method=row.method,
    )


def _combined(made: list[estimates.Estimate]) -> dict[str, Any]:
    """Branches' estimates added up; their half-widths add in quadrature."""
    total = sum(e.total for e in made)
    if len(made) == 1:
        one = made[0]
        low, high, display = one.low, one.high, one.display()
    else:
        half = math.sqrt(sum((e.high - e.total) ** 2 for e in made))
        low, high = max(0.0, total - half), total + half
        display = estimates.display(total, low, high)
    samples = sum(e.samples for e in made)
    borrowed = sum(e.borrowed_share * e.total for e in made) / total if total else 0.0
    codes = estimates.reliability(total, low, high, samples, borrowed)
    # In the week's order (maandagochtend first), as the report names them.
    unsampled = list(dict.fromkeys(m for e in made for m in e.imputed_strata))
    return {
        "low": low,
        "high": high if math.isfinite(high) else None,
        "samples": samples,
        "display": display,
        "method": made[0].method,
        "missing": sorted({m for e in made for m in e.missing}),
        "unsampled": unsampled,
        "reliable": not codes,
        "reliability": list(codes),
        "reliability_text": estimates.reliability_text(codes, unsampled),
    }
