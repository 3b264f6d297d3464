"""Service hours: a week's staffed and self-service hours, and whether they comply."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from app.agreements import agreement_for
from app.api.counts import blp, latest, overdue
from app.api.reach import branches_asked
from app.api.reading import period_arg, period_bounds, read_branch, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import hours
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.counts_out import ServiceHoursOutSchema
from app.schemas.derive import input_schema
from events import RecordedEvent
from events.counts import ServiceHoursRecorded
from events.periods import Period, weeks_of

# The recorded field behind each service-hours code of the shipped catalogue.
HOURS_FIELDS = {"staffed": "staffed_hours", "self-service": "self_service_hours"}
ServiceHoursSchema = input_schema(hours.ServiceHours)


@blp.route("/service-hours")
class ServiceHours(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, ServiceHoursOutSchema)
    def get(self, query):
        """A period's weekly hours, whether each week complies, and missing weeks."""
        period = period_arg(query["period"])
        weeks, missing = [], []
        for branch in branches_asked(query["branch"]):
            found, absent = _branch_weeks(branch, period)
            weeks.extend(found)
            missing.extend(absent)
        return {
            "period": period.label,
            "weeks": weeks,
            "complying_weeks": sum(week["complies"] for week in weeks),
            "missing": missing,
        }

    @requires(*STAFF)
    @blp.arguments(ServiceHoursSchema)
    @blp.response(201, RecordedSchema)
    def post(self, week):
        """Record (or correct) a week's staffed and self-service hours."""
        return answered(hours.record_hours(services(), caller(), week))


def _branch_weeks(branch: str, period: Period) -> tuple[list[dict], list[dict]]:
    """A branch's recorded weeks in a period, and the weeks without a record."""
    # Recorded at their Thursday, the period's weeks are those occurring in it.
    events = read_branch(ServiceHoursRecorded, branch, *period_bounds(period))
    current = {k[0]: e for k, e in latest(events, "week").items()}
    weeks, missing = [], []
    for week, monday in weeks_of(period):
        if week in current:
            weeks.append(_week(current[week]))
        elif overdue(branch, monday, monday + timedelta(days=7)):
            missing.append({"branch": branch, "week": week})
    return weeks, missing


def _week(event: RecordedEvent) -> dict[str, Any]:
    data = event.data
    agreement = agreement_for(data["branch"], event.occurred_at)
    compliance = {
        rule.code: rule.complies(data[HOURS_FIELDS[rule.code]])
        for rule in (agreement.service_hours if agreement else ())
        if rule.code in HOURS_FIELDS
    }
    complies = all(compliance.values())
    return {**shown(event), "compliance": compliance, "complies": complies}
