"""Effort notes (inspanningsverplichting): what the library did for a goal.

One blueprint with the figures from before the register: their routes live in
`history`, imported at the end.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import new_id, record_one, retract
from app.auth import READERS, STAFF, requires
from app.schemas.common import RecordedSchema, RetractSchema
from app.schemas.efforts import (
    EffortNoteOutSchema,
    EffortNoteSchema,
    EffortsQuerySchema,
)
from events.efforts import EffortNoted
from events.periods import within

blp = Blueprint(
    "efforts",
    __name__,
    url_prefix="",
    description="Effort notes and figures from before the register",
)


@blp.route("/efforts")
class Efforts(MethodView):
    @requires(*READERS)
    @blp.arguments(EffortsQuerySchema, location="query")
    @blp.response(200, EffortNoteOutSchema(many=True))
    def get(self, query):
        """The effort notes of the periods within a period, for a goal or all."""
        period = period_arg(query["period"])
        branches = branches_asked(query["branch"])
        notes = live_records([EffortNoted.TYPE], "effort-", branches, period)
        return [
            shown(e)
            for e in notes
            if within(e.data["period"], period)
            and query["goal"] in (None, e.data["goal_code"])
        ]

    @requires(*STAFF)
    @blp.arguments(EffortNoteSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Note what the library did for a goal in a period."""
        note_id = new_id()
        return record_one(EffortNoted, note_id, data, note_id=note_id)


@blp.route("/efforts/<note_id>/retract")
class RetractEffort(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, note_id):
        """Retract an effort note made in error."""
        return retract(f"effort-{note_id}", EffortNoted.TYPE, data)


# The history routes register on `blp`; imported last, as they import it from here.
from app.api import history  # noqa: E402, F401
