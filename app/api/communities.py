"""Communities (goal 2.1, footnote 3) and their meetings (also goal 4.3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView

from app.api.lifespans import alive_between, closed_by, lifespans
from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, period_bounds, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import communities
from app.commands.lifespans import Ending, current
from app.commands.retractions import Retraction
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.outreach_out import CommunityOutSchema
from events import RecordedEvent
from events.outreach import CommunityEnded, CommunityMeetingHeld, CommunityRegistered
from events.periods import Period

TYPES = (CommunityRegistered.TYPE, CommunityEnded.TYPE)
MEETINGS = (CommunityMeetingHeld.TYPE,)
CommunitySchema = input_schema(communities.Community)
MeetingSchema = input_schema(communities.Meeting)
EndSchema = input_schema(Ending)
RetractSchema = input_schema(Retraction)


def by_community(meetings: Iterable[RecordedEvent]) -> dict[str, list[RecordedEvent]]:
    """Meetings grouped by the community that held them."""
    grouped: dict[str, list[RecordedEvent]] = defaultdict(list)
    for meeting in meetings:
        grouped[meeting.data["community_id"]].append(meeting)
    return grouped


def community_out(
    state: dict[str, Any], moment: datetime, meetings: list[RecordedEvent]
) -> dict[str, Any]:
    """A community as the API shows it: status at a moment, meetings and reach."""
    return {
        **state,
        "status": "ended" if closed_by(state, moment) else "active",
        "registered_at": state["opened_at"],
        "ended_at": state["closed_at"],
        "end_reason": state["closed_reason"],
        "meeting_count": len(meetings),
        "participants": sum(m.data["participants"] for m in meetings),
        "meetings": [shown(m) for m in meetings],
    }


def communities_in(period: Period, branches: list[str]) -> list[dict[str, Any]]:
    """The communities alive in a period, each with its meetings in the period."""
    start, end = period_bounds(period)
    found = live_records(TYPES, "community-", branches)
    meetings = live_records(MEETINGS, "community-meeting-", branches, period)
    held = by_community(meetings)
    alive = [s for s in lifespans(found, *TYPES) if alive_between(s, start, end)]
    return [
        {
            **community_out(s, end, held.get(s["community_id"], [])),
            "new_in_period": start <= s["opened_at"] < end,
        }
        for s in alive
    ]


def _community(community_id: str) -> dict[str, Any]:
    stream = f"community-{community_id}"
    return current(services(), caller(), stream, communities.LIFE)[0]


@blp.route("/communities")
class Communities(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, CommunityOutSchema(many=True))
    def get(self, query):
        """List the communities active in a period, with their meetings in it."""
        period = period_arg(query["period"])
        return communities_in(period, branches_asked(query["branch"]))

    @requires(*STAFF)
    @blp.arguments(CommunitySchema)
    @blp.response(201, RecordedSchema)
    def post(self, community):
        """Register a community that organises its own activities."""
        return answered(communities.register_community(services(), caller(), community))


@blp.route("/communities/<id:community_id>")
class Community(MethodView):
    @requires(*READERS)
    @blp.response(200, CommunityOutSchema)
    def get(self, community_id):
        """One community, with its status now and all its meetings."""
        state = _community(community_id)
        meetings = live_records(MEETINGS, "community-meeting-", [state["branch"]])
        held = by_community(meetings).get(community_id, [])
        return community_out(state, datetime.now(UTC), held)


@blp.route("/communities/<id:community_id>/end")
class EndCommunity(MethodView):
    @requires(*STAFF)
    @blp.arguments(EndSchema)
    @blp.response(201, RecordedSchema)
    def post(self, ending, community_id):
        """Record that a community stopped."""
        recorded = communities.end_community(services(), caller(), community_id, ending)
        return answered(recorded)


@blp.route("/communities/<id:community_id>/meetings")
class Meetings(MethodView):
    @requires(*STAFF)
    @blp.arguments(MeetingSchema)
    @blp.response(201, RecordedSchema)
    def post(self, meeting, community_id):
        """Record a meeting of a community and how many took part."""
        recorded = communities.hold_meeting(services(), caller(), community_id, meeting)
        return answered(recorded)


@blp.route("/communities/<id:community_id>/meetings/<id:meeting_id>/retract")
class RetractMeeting(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, community_id, meeting_id):
        """Retract a community meeting recorded in error."""
        recorded = communities.retract_meeting(
            services(), caller(), community_id, meeting_id, retraction
        )
        return answered(recorded)
