"""School lessons (goals 1.2 and 4.2) and advice conversations (goal 4.2)."""

from __future__ import annotations

from flask.views import MethodView

from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import schools
from app.commands.retractions import Retraction
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.outreach_out import (
    AdviceConversationOutSchema,
    SchoolLessonOutSchema,
)
from events.outreach import AdviceConversationHeld, SchoolLessonGiven

SchoolLessonSchema = input_schema(schools.SchoolLesson)
AdviceConversationSchema = input_schema(schools.AdviceConversation)
RetractSchema = input_schema(Retraction)


def _listed(event_type: str, prefix: str, query: dict) -> list[dict]:
    """The live records of a type in the period and branches a query asks for."""
    period = period_arg(query["period"])
    branches = branches_asked(query["branch"])
    return [shown(e) for e in live_records([event_type], prefix, branches, period)]


@blp.route("/school-lessons")
class SchoolLessons(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, SchoolLessonOutSchema(many=True))
    def get(self, query):
        """List the school lessons of a period, with the pupils each reached."""
        return _listed(SchoolLessonGiven.TYPE, "school-lesson-", query)

    @requires(*STAFF)
    @blp.arguments(SchoolLessonSchema)
    @blp.response(201, RecordedSchema)
    def post(self, lesson):
        """Record a lesson given at a school; pupils are estimated if not counted."""
        return answered(schools.record_lesson(services(), caller(), lesson))


@blp.route("/school-lessons/<id:lesson_id>/retract")
class RetractSchoolLesson(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, lesson_id):
        """Retract a school lesson recorded in error."""
        recorded = schools.retract_lesson(services(), caller(), lesson_id, retraction)
        return answered(recorded)


@blp.route("/advice-conversations")
class AdviceConversations(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, AdviceConversationOutSchema(many=True))
    def get(self, query):
        """List the advice conversations of a period."""
        return _listed(AdviceConversationHeld.TYPE, "advice-", query)

    @requires(*STAFF)
    @blp.arguments(AdviceConversationSchema)
    @blp.response(201, RecordedSchema)
    def post(self, conversation):
        """Record an advice conversation with a school or childcare organisation."""
        return answered(schools.record_advice(services(), caller(), conversation))


@blp.route("/advice-conversations/<id:conversation_id>/retract")
class RetractAdviceConversation(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, conversation_id):
        """Retract an advice conversation recorded in error."""
        recorded = schools.retract_advice(
            services(), caller(), conversation_id, retraction
        )
        return answered(recorded)
