"""Activities: planned with their goal codes, changed as a whole, cancelled."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.api.reach import SEEING, activity_in_reach, branches_asked, same_branch
from app.api.reading import period_arg, read_every
from app.api.recording import new_id, record_one
from app.auth import STAFF, requires
from app.schemas.activities import (
    ActivityChangeSchema,
    ActivityOutSchema,
    ActivitySchema,
    CancelSchema,
)
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from events import Event
from events.activities import ActivityCancelled, ActivityChanged, ActivityPlanned
from events.sessions import Activity, fold_activity

blp = Blueprint(
    "activities",
    __name__,
    url_prefix="/activities",
    description="Activities and their sessions",
)

ACTIVITY_TYPES = (ActivityPlanned.TYPE, ActivityChanged.TYPE, ActivityCancelled.TYPE)


def out(activity: Activity) -> dict[str, Any]:
    """An activity as the API shows it."""
    return {
        **activity.plan,
        "activity_id": activity.activity_id,
        "branch": activity.branch,
        "status": activity.status,
        "version": activity.version,
        "planned_at": activity.planned_at,
    }


def _plan(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data,
        "starts_at": data["starts_at"].isoformat(),
        "ends_at": data["ends_at"].isoformat(),
    }


def _record(
    event_type: type[Event], activity_id: str, data: dict[str, Any], version: int
) -> dict[str, Any]:
    """Append an event to an activity's stream, if still at `version`."""
    return record_one(
        event_type, activity_id, data, expected_version=version, activity_id=activity_id
    )


def _activities(query: dict[str, Any]) -> list[Activity]:
    period = period_arg(query["period"])
    zone = current_app.extensions["bieb_config"].zone
    branches = branches_asked(query["branch"])
    streams = defaultdict(list)
    for event in read_every(ACTIVITY_TYPES, "activity-"):
        streams[event.stream_id].append(event)
    found = [fold_activity(history) for history in streams.values()]
    return sorted(
        (
            a
            for a in found
            if a is not None
            and a.branch in branches
            and period.contains(datetime.fromisoformat(a.plan["starts_at"]), zone)
        ),
        key=lambda a: (a.plan["starts_at"], a.activity_id),
    )


@blp.route("")
class Activities(MethodView):
    @requires(*SEEING)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, ActivityOutSchema(many=True))
    def get(self, query):
        """List the activities that start in a period."""
        return [out(a) for a in _activities(query)]

    @requires(*STAFF)
    @blp.arguments(ActivitySchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Plan an activity."""
        activity_id = new_id()
        return _record(ActivityPlanned, activity_id, _plan(data), version=0)


@blp.route("/<activity_id>")
class ActivityView(MethodView):
    @requires(*SEEING)
    @blp.response(200, ActivityOutSchema)
    def get(self, activity_id):
        """The current plan of an activity, its status and version."""
        return out(activity_in_reach(activity_id)[0])

    @requires(*STAFF)
    @blp.arguments(ActivityChangeSchema)
    @blp.response(201, RecordedSchema)
    def put(self, data, activity_id):
        """Replace an activity's plan with a whole new one."""
        activity = _changeable(activity_id, data)
        expected = data["expected_version"]
        if expected is not None and expected != activity.version:
            message = f"The activity is at version {activity.version}, not {expected}."
            abort(409, message=message, kind="version-conflict")
        return _record(ActivityChanged, activity_id, _plan(data), activity.version)


@blp.route("/<activity_id>/cancel")
class CancelActivity(MethodView):
    @requires(*STAFF)
    @blp.arguments(CancelSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, activity_id):
        """Cancel an activity."""
        activity = _changeable(activity_id, data)
        return _record(ActivityCancelled, activity_id, data, activity.version)


def _changeable(activity_id: str, data: dict[str, Any]) -> Activity:
    """The activity a change is for: in reach, of the same branch, not cancelled."""
    activity, _ = activity_in_reach(activity_id)
    same_branch(data, activity.branch, "activity")
    if activity.cancelled:
        abort(409, message="The activity was cancelled.", kind="cancelled")
    return activity
