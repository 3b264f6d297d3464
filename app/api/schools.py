"""School lessons (goals 1.2 and 4.2) and advice conversations (goal 4.2)."""

from __future__ import annotations

from flask.views import MethodView

from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import new_id, record_one, retract
from app.auth import READERS, STAFF, requires
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RetractSchema
from app.schemas.outreach import AdviceConversationSchema, SchoolLessonSchema
from app.schemas.outreach_out import (
    AdviceConversationOutSchema,
    SchoolLessonOutSchema,
)
from events.outreach import AdviceConversationHeld, SchoolLessonGiven


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
    def post(self, data):
        """Record a lesson given at a school; pupils are estimated if not counted."""
        lesson_id = new_id()
        return record_one(SchoolLessonGiven, lesson_id, data, lesson_id=lesson_id)


@blp.route("/school-lessons/<lesson_id>/retract")
class RetractSchoolLesson(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, lesson_id):
        """Retract a school lesson recorded in error."""
        stream = f"school-lesson-{lesson_id}"
        return retract(stream, SchoolLessonGiven.TYPE, data)


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
    def post(self, data):
        """Record an advice conversation with a school or childcare organisation."""
        conversation_id = new_id()
        return record_one(
            AdviceConversationHeld,
            conversation_id,
            data,
            conversation_id=conversation_id,
        )


@blp.route("/advice-conversations/<conversation_id>/retract")
class RetractAdviceConversation(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, conversation_id):
        """Retract an advice conversation recorded in error."""
        stream = f"advice-{conversation_id}"
        return retract(stream, AdviceConversationHeld.TYPE, data)
