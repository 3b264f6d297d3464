"""IDO questions: log one in seconds, retract a mistake, list and export a period."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import branches_asked, stream_in_reach
from app.api.reading import live_records, period_arg, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import ido
from app.commands.retractions import Retraction
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RecordOutSchema
from app.schemas.derive import input_schema, output_schema
from events import RecordedEvent
from events.i18n import t
from events.ido import IdoQuestionLogged

blp = Blueprint("ido", __name__, url_prefix="/ido", description="IDO desk questions")

QuestionSchema = input_schema(ido.IdoQuestion)
QuestionOutSchema = output_schema(IdoQuestionLogged, RecordOutSchema)
RetractSchema = input_schema(Retraction)

CSV_COLUMNS = [
    "question_id", "date", "time", "themes", "help_kind", "referred_to",
    "minutes", "channel", "visit_id", "branch",
]  # fmt: skip


def _questions(query: dict[str, Any]) -> list[RecordedEvent]:
    period = period_arg(query["period"])
    branches = branches_asked(query["branch"])
    return live_records([IdoQuestionLogged.TYPE], "ido-", branches, period)


@blp.route("/questions")
class Questions(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, QuestionOutSchema(many=True))
    def get(self, query):
        """List the IDO questions of a period."""
        return [shown(e) for e in _questions(query)]

    @requires(*STAFF)
    @blp.arguments(QuestionSchema)
    @blp.response(201, RecordedSchema)
    def post(self, question):
        """Log an IDO question."""
        return answered(ido.log_question(services(), caller(), question))


@blp.route("/questions/<id:question_id>")
class Question(MethodView):
    @requires(*READERS)
    @blp.response(200, QuestionOutSchema)
    def get(self, question_id):
        """One IDO question."""
        return shown(stream_in_reach(f"ido-{question_id}")[0])


@blp.route("/questions/<id:question_id>/retract")
class RetractQuestion(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, question_id):
        """Retract an IDO question logged in error."""
        recorded = ido.retract_question(services(), caller(), question_id, retraction)
        return answered(recorded)


@blp.route("/questions.csv")
class QuestionsCsv(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """Export a period's IDO questions as CSV, for the national registration."""
        zone = current_app.extensions["bieb_config"].zone
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([t(f"ido.csv.{c}") for c in CSV_COLUMNS])
        for event in _questions(query):
            local = event.occurred_at.astimezone(zone)
            row = {
                **event.data,
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
                "themes": ",".join(t(f"ido.theme.{x}") for x in event.data["themes"]),
                "help_kind": t(f"ido.help.{event.data['help_kind']}"),
                "channel": t(f"ido.channel.{event.data['channel']}"),
            }
            writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
        filename = f"ido-vragen-{query['period']}.csv"
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
