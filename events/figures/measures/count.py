"""`count`: one per record, e.g. sessions, school lessons, IDO questions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.activities import ParticipantCheckedIn
from events.figures.measures.base import Log, record, sessions_in
from events.figures.measures.monthly import PerRecord

if TYPE_CHECKING:
    from events.catalogue.indicators import Indicator
    from events.periods import Period


class Count(PerRecord):
    """One per record; of a session, its opening and each live check-in."""

    name = "count"
    session_part = "records"

    def value(self, indicator: Indicator, data: dict[str, Any]) -> float:
        return 1.0

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        if ParticipantCheckedIn.TYPE in indicator.events:
            return _checkins(log, indicator, period)
        return super().behind(log, indicator, period)


def _checkins(log: Log, indicator: Indicator, period: Period) -> list[dict[str, Any]]:
    """Check-ins count for the goals of their session, in the month it opened."""
    found = []
    for _, session, history in sessions_in(log, period):
        for event in history:
            data = {**event.data, "goal_codes": session.goal_codes}
            live = str(event.event_id) in session.checkins
            if live and indicator.accepts(data):
                found.append({**record(event, 1.0), "data": data})
    return found
