"""Membership counts: members per audience on a day, and a period's start and end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask.views import MethodView

from app.api.counts import blp, latest
from app.api.reach import branches_asked
from app.api.reading import period_arg, read_branch
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import memberships
from app.commands.loans import AUDIENCES
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.counts_out import MembershipsOutSchema
from app.schemas.derive import input_schema
from events import RecordedEvent
from events.counts import MembershipCountRecorded
from events.periods import Period

MembershipCountSchema = input_schema(memberships.MembershipCount)


@blp.route("/memberships")
class Memberships(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, MembershipsOutSchema)
    def get(self, query):
        """Members per audience at the start and at the end of a period."""
        period = period_arg(query["period"])
        counts = []
        for branch in branches_asked(query["branch"]):
            events = read_branch(MembershipCountRecorded, branch)
            counts.extend(_stocks(branch, a, events, period) for a in AUDIENCES)
        return {"period": period.label, "counts": counts}

    @requires(*STAFF)
    @blp.arguments(MembershipCountSchema)
    @blp.response(201, RecordedSchema)
    def post(self, count):
        """Record (or correct) the members of an audience on a day."""
        return answered(memberships.count_members(services(), caller(), count))


def _stocks(
    branch: str, audience: str, events: list[RecordedEvent], period: Period
) -> dict[str, Any]:
    """An audience's members at the start and at the end of a period."""
    mine = [e for e in events if e.data["audience"] == audience]
    days = {k[0]: e.data["members"] for k, e in latest(mine, "counted_on").items()}
    start = _stock(days, period.start)
    end = _stock(days, period.end - timedelta(days=1))
    change = end["members"] - start["members"] if start and end else None
    return {
        "branch": branch,
        "audience": audience,
        "start": start,
        "end": end,
        "change": change,
    }


def _stock(days: dict[str, int], on: date) -> dict[str, Any] | None:
    """The latest count on or before a day."""
    earlier = [day for day in days if day <= on.isoformat()]
    if not earlier:
        return None
    day = max(earlier)
    return {"counted_on": day, "members": days[day]}
