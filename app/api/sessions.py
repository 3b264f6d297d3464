"""Sessions: opened for an activity, checked in to, closed, their count corrected."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import (
    SEEING,
    branches_asked,
    read_stream,
    session_in_reach,
)
from app.api.reading import read_every
from app.api.recording import answered
from app.auth import CHECK_IN, requires
from app.callers import caller, services
from app.commands import checkins, sessions
from app.commands.retractions import Retraction
from app.schemas.activities import SessionOutSchema, SessionQuerySchema
from app.schemas.common import RecordedSchema
from app.schemas.derive import input_schema
from events.activities import SessionOpened
from events.periods import day_bounds
from events.sessions import Session, fold_activity, fold_session

blp = Blueprint(
    "sessions", __name__, url_prefix="/sessions", description="Sessions and check-ins"
)
SessionOpenSchema = input_schema(sessions.Opening)
SessionCloseSchema = input_schema(sessions.Closing)
HeadcountSchema = input_schema(sessions.Correction)
CheckInSchema = input_schema(checkins.CheckIn)
RetractSchema = input_schema(Retraction)


SHOWN = (
    "session_id", "activity_id", "branch", "status", "opened_at", "closed_at",
    "goal_codes", "headcount", "tickets_issued", "participants", "version",
)  # fmt: skip


def out(session: Session, title: str | None) -> dict[str, Any]:
    """A session as the API shows it, with the title of its activity."""
    return {
        **{name: getattr(session, name) for name in SHOWN},
        "activity_title": title,
        "checkins": len(session.checkins),
        "by_role": session.by("role"),
        "by_age_band": session.by("age_band"),
    }


def _title(activity_id: str) -> str | None:
    activity = fold_activity(read_stream(f"activity-{activity_id}"))
    return None if activity is None else activity.plan["title"]


def _opened_on(query: dict[str, Any]) -> list[dict[str, Any]]:
    start, end = day_bounds(query["date"], current_app.extensions["bieb_config"].zone)
    branches = branches_asked(query["branch"])
    window = {"occurred_from": start, "occurred_to": end}
    opened = read_every([SessionOpened.TYPE], "session-", **window)
    titles: dict[str, str | None] = {}
    found = []
    for event in (e for e in opened if e.data["branch"] in branches):
        session = fold_session(read_stream(event.stream_id))
        if session.activity_id not in titles:
            titles[session.activity_id] = _title(session.activity_id)
        found.append(out(session, titles[session.activity_id]))
    return found


@blp.route("")
class Sessions(MethodView):
    @requires(*SEEING)
    @blp.arguments(SessionQuerySchema, location="query")
    @blp.response(200, SessionOutSchema(many=True))
    def get(self, query):
        """List the sessions opened on a local day, with their activity's title."""
        return _opened_on(query)

    @requires(*CHECK_IN)
    @blp.arguments(SessionOpenSchema)
    @blp.response(201, RecordedSchema)
    def post(self, opening):
        """Open a session of an activity: it takes check-ins from now on."""
        return answered(sessions.open_session(services(), caller(), opening))


@blp.route("/<id:session_id>")
class SessionView(MethodView):
    @requires(*SEEING)
    @blp.response(200, SessionOutSchema)
    def get(self, session_id):
        """A session's state: open or closed, check-ins, headcount and tickets."""
        session = session_in_reach(session_id)
        return out(session, _title(session.activity_id))


@blp.route("/<id:session_id>/close")
class CloseSession(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(SessionCloseSchema)
    @blp.response(201, RecordedSchema)
    def post(self, closing, session_id):
        """Close a session, with its headcount and tickets if counted."""
        recorded = sessions.close_session(services(), caller(), session_id, closing)
        return answered(recorded)


@blp.route("/<id:session_id>/headcount")
class Headcount(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(HeadcountSchema)
    @blp.response(201, RecordedSchema)
    def post(self, correction, session_id):
        """Correct a session's headcount: the typed-in total replaces the count."""
        command = sessions.correct_headcount
        return answered(command(services(), caller(), session_id, correction))


@blp.route("/<id:session_id>/checkins")
class CheckIns(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(CheckInSchema)
    @blp.response(201, RecordedSchema)
    def post(self, checkin, session_id):
        """Check one participant in: a role and an age band, never a name."""
        who = caller()
        command = checkins.check_in
        return answered(command(services(), who, session_id, checkin, who.event_id()))


@blp.route("/<id:session_id>/checkins/<id:checkin_id>/retract")
class RetractCheckIn(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, session_id, checkin_id):
        """Retract a check-in made in error; the session no longer counts it."""
        command = checkins.retract_check_in
        args = (session_id, checkin_id, retraction)
        return answered(command(services(), caller(), *args))
