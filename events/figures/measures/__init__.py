"""The measures an indicator may declare, one module each, registered in one table.

A measure says how an indicator's events become a figure (base.Measure): what a
declaration must name, how a record is counted into the read models, how a
period's figure is read, which records lie behind it, and what the report says
of it. The catalogue, the counting (events.figures.count and fold), the reading
(events.figures.read), the drill-down (app.api.goal_queries) and the report
(workers.reports.compile) ask the measure; none of them asks for its name.

Adding a measure: a module here, its line in MEASURES, its use in an agreement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.figures.measures.active import Active
from events.figures.measures.base import Log, Measure
from events.figures.measures.count import Count
from events.figures.measures.estimate import Estimate
from events.figures.measures.latest import Latest
from events.figures.measures.occupancy import Occupancy
from events.figures.measures.participants import Participants
from events.figures.measures.stock import Stock
from events.figures.measures.sum import Sum

if TYPE_CHECKING:
    from events.catalogue.indicators import Indicator

__all__ = ["MEASURES", "Log", "Measure", "measure_of"]


def measure_of(indicator: Indicator) -> Measure:
    """The measure an indicator declares (the catalogue checked that it exists)."""
    return MEASURES[indicator.measure]


MEASURES: dict[str, Measure] = {
    measure.name: measure
    for measure in (
        Count(),
        Sum(),
        Latest(),
        Participants(),
        Active(),
        Stock(),
        Estimate(),
        Occupancy(),
    )
}
