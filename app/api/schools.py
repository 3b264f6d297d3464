"""School lessons (goals 1.2 and 4.2) and advice conversations (goal 4.2)."""

from __future__ import annotations

from flask.views import MethodView

from app.api.outreach import blp, out, retract_own, wanted_branches
from app.api.recording import live_records, new_id, period_arg, record_one
from app.auth import READERS, STAFF, requires
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RetractSchema
from app.schemas.outreach import (
    AdviceConversationOutSchema,
    AdviceConversationSchema,
    SchoolLessonOutSchema,
    SchoolLessonSchema,
)
from events.outreach import AdviceConversationHeld, SchoolLessonGiven


@blp.route("/school-lessons")
class SchoolLessons(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, SchoolLessonOutSchema(many=True))
    def get(self, query):
        """List the school lessons of a period, with the pupils each reached."""
        period = period_arg(query["period"])
        found = live_records(
            SchoolLessonGiven.TYPE, "school-lesson-", period, wanted_branches(query)
        )
        return [out(e) for e in found]

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
        return retract_own(stream, SchoolLessonGiven.TYPE, data, "lesson")


@blp.route("/advice-conversations")
class AdviceConversations(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, AdviceConversationOutSchema(many=True))
    def get(self, query):
        """List the advice conversations of a period."""
        period = period_arg(query["period"])
        found = live_records(
            AdviceConversationHeld.TYPE, "advice-", period, wanted_branches(query)
        )
        return [out(e) for e in found]

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
        return retract_own(stream, AdviceConversationHeld.TYPE, data, "conversation")
