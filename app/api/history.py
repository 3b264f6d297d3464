"""Figures from before the register: imported from the spreadsheets, listed.

The import's rules (checked whole, only changes appended, retries writing
nothing twice) are the command's: `app.commands.history`.
"""

from __future__ import annotations

from flask.views import MethodView

from app.api.efforts import blp
from app.api.reading import period_arg, read_every, shown
from app.auth import READERS, STAFF, current_account, requires
from app.callers import caller, services
from app.commands import history
from app.schemas.derive import input_schema
from app.schemas.efforts import (
    HistoricFigureOutSchema,
    HistoryImportedSchema,
    HistoryQuerySchema,
)
from events import RecordedEvent
from events.efforts import HistoricFigureImported
from events.periods import within

HISTORY_KEY = ("municipality", "goal_code", "period", "indicator")
HistoryImportSchema = input_schema(history.HistoryImport)


@blp.route("/history")
class History(MethodView):
    @requires(*READERS)
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, HistoricFigureOutSchema(many=True))
    def get(self, query):
        """The figures imported from before the register (the latest of each)."""
        outer = period_arg(query["period"]) if query["period"] else None
        figures = [
            shown(event)
            for event in _history(current_account().municipality).values()
            if query["goal"] in (None, event.data["goal_code"])
            and (outer is None or within(event.data["period"], outer))
        ]
        return sorted(figures, key=lambda f: tuple(f[k] for k in HISTORY_KEY))

    @requires(*STAFF)
    @blp.arguments(HistoryImportSchema)
    @blp.response(201, HistoryImportedSchema)
    def post(self, batch):
        """Import figures kept before the register: all of them, or none."""
        return history.import_history(services(), caller(), batch)


def _history(municipality: str | None) -> dict[tuple, RecordedEvent]:
    """The latest imported figure per municipality, goal, period and indicator."""
    prefix = f"history-{municipality}-" if municipality else "history-"
    found = read_every([HistoricFigureImported.TYPE], prefix)
    return {
        tuple(e.data[k] for k in HISTORY_KEY): e
        for e in found
        if municipality in (None, e.data["municipality"])
    }
