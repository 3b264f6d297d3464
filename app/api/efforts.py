"""Effort notes (inspanningsverplichting): what the library did for a goal.

One blueprint with the figures from before the register: their routes live in
`history`, imported at the end.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import efforts
from app.commands.retractions import Retraction
from app.schemas.common import RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.efforts import EffortNoteOutSchema, EffortsQuerySchema
from events.efforts import EffortNoted
from events.periods import within

blp = Blueprint(
    "efforts",
    __name__,
    url_prefix="",
    description="Effort notes and figures from before the register",
)
EffortNoteSchema = input_schema(efforts.EffortNote)
RetractSchema = input_schema(Retraction)


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
    def post(self, note):
        """Note what the library did for a goal in a period."""
        return answered(efforts.note_effort(services(), caller(), note))


@blp.route("/efforts/<id:note_id>/retract")
class RetractEffort(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, note_id):
        """Retract an effort note made in error."""
        recorded = efforts.retract_note(services(), caller(), note_id, retraction)
        return answered(recorded)


# The history routes register on `blp`; imported last, as they import it from here.
from app.api import history  # noqa: E402, F401
