"""Activities: planned with their goal codes, changed as a whole, cancelled."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import SEEING, branches_asked
from app.api.reading import period_arg, read_every
from app.api.recording import answered
from app.auth import STAFF, requires
from app.callers import caller, services
from app.commands import activities
from app.schemas.activities import ActivityOutSchema
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from events.activities import ActivityCancelled, ActivityChanged, ActivityPlanned
from events.sessions import Activity, fold_activity

blp = Blueprint(
    "activities",
    __name__,
    url_prefix="/activities",
    description="Activities and their sessions",
)

ActivitySchema = input_schema(activities.Plan)
ActivityChangeSchema = input_schema(activities.PlanChange)
CancelSchema = input_schema(activities.Cancellation)

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
    def post(self, plan):
        """Plan an activity."""
        return answered(activities.plan_activity(services(), caller(), plan))


@blp.route("/<id:activity_id>")
class ActivityView(MethodView):
    @requires(*SEEING)
    @blp.response(200, ActivityOutSchema)
    def get(self, activity_id):
        """The current plan of an activity, its status and version."""
        return out(activities.activity_in_reach(services(), caller(), activity_id))

    @requires(*STAFF)
    @blp.arguments(ActivityChangeSchema)
    @blp.response(201, RecordedSchema)
    def put(self, change, activity_id):
        """Replace an activity's plan with a whole new one."""
        recorded = activities.change_activity(services(), caller(), activity_id, change)
        return answered(recorded)


@blp.route("/<id:activity_id>/cancel")
class CancelActivity(MethodView):
    @requires(*STAFF)
    @blp.arguments(CancelSchema)
    @blp.response(201, RecordedSchema)
    def post(self, cancellation, activity_id):
        """Cancel an activity."""
        recorded = activities.cancel_activity(
            services(), caller(), activity_id, cancellation
        )
        return answered(recorded)
