"""`participants`: a session's live check-ins, unless a headcount was typed in.

The headcount rule is `events.sessions.participants`; the fold keeps each
session's check-ins and headcount (`session_figures`) and adds the change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.figures.measures.base import Log, record, sessions_in
from events.figures.measures.monthly import Monthly

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.figures.shown import Figure
    from events.periods import Period
    from events.sessions import Session


class Participants(Monthly):
    """People reached by sessions: counted per session, in the month it opened."""

    name = "participants"
    session_part = "participants"

    def fold(
        self,
        fold: Fold,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        """Only sessions have participants: the fold counts them per session."""

    def month(self, figures: GoalFigures, indicator: Indicator, month: str) -> Figure:
        # Participants are counted per session: the sessions are its records.
        value, _ = figures.monthly.month(indicator, month)
        return value, figures.monthly.sessions[month]

    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        return [
            _participants(opened, session)
            for opened, session, _ in sessions_in(log, period)
            if indicator.accepts(opened.data)
        ]


def _participants(opened: RecordedEvent, session: Session) -> dict[str, Any]:
    counted = {"checkins": len(session.checkins), "headcount": session.headcount}
    return {**record(opened, session.participants), "data": {**opened.data, **counted}}
