"""The read models kept from the log, and the projections that keep them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from events.catalogue import available_agreements, load_agreement
from events.store import SqlEventStore
from workers.projections.base import Projection
from workers.projections.goal_figures import GoalFigures


def projections(store: SqlEventStore, zone: ZoneInfo) -> list[Projection]:
    """Every projection, in the order the catch-up runs them."""
    agreements = [load_agreement(name) for name in available_agreements()]
    return [GoalFigures(store, zone, agreements)]
