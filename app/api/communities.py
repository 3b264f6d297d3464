"""Communities (goal 2.1, footnote 3) and their meetings (also goal 4.3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView
from flask_smorest import abort

from app.api.lifespans import alive_between, close, closed_by, current, lifespans
from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, period_bounds, shown
from app.api.recording import new_id, record_one, retract
from app.auth import READERS, STAFF, requires
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RetractSchema
from app.schemas.outreach import CommunitySchema, EndSchema, MeetingSchema
from app.schemas.outreach_out import CommunityOutSchema
from events import RecordedEvent
from events.outreach import CommunityEnded, CommunityMeetingHeld, CommunityRegistered
from events.periods import Period

LIFE = (CommunityRegistered, CommunityEnded)
TYPES = tuple(t.TYPE for t in LIFE)
MEETINGS = (CommunityMeetingHeld.TYPE,)


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
    state, _ = current(f"community-{community_id}", *LIFE, "community")
    return state


def _check_meeting(state: dict[str, Any], data: dict[str, Any]) -> None:
    """A meeting is held at the community's branch, while it exists."""
    when = data["occurred_at"]
    if closed_by(state, when):
        abort(409, message="This community has ended.", kind="ended")
    problems = []
    if when < state["opened_at"]:
        problems.append(("occurred_at", "lies before the community was registered"))
    if data["branch"] != state["branch"]:
        problems.append(("branch", "is not the community's branch"))
    if problems:
        abort(
            422, errors=[{"field": f, "in": "json", "detail": d} for f, d in problems]
        )


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
    def post(self, data):
        """Register a community that organises its own activities."""
        community_id = new_id()
        return record_one(
            CommunityRegistered, community_id, data, community_id=community_id
        )


@blp.route("/communities/<community_id>")
class Community(MethodView):
    @requires(*READERS)
    @blp.response(200, CommunityOutSchema)
    def get(self, community_id):
        """One community, with its status now and all its meetings."""
        state = _community(community_id)
        meetings = live_records(MEETINGS, "community-meeting-", [state["branch"]])
        held = by_community(meetings).get(community_id, [])
        return community_out(state, datetime.now(UTC), held)


@blp.route("/communities/<community_id>/end")
class EndCommunity(MethodView):
    @requires(*STAFF)
    @blp.arguments(EndSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, community_id):
        """Record that a community stopped."""
        stream = f"community-{community_id}"
        return close(stream, *LIFE, data, "community", community_id=community_id)


@blp.route("/communities/<community_id>/meetings")
class Meetings(MethodView):
    @requires(*STAFF)
    @blp.arguments(MeetingSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, community_id):
        """Record a meeting of a community and how many took part."""
        _check_meeting(_community(community_id), data)
        meeting_id = new_id()
        return record_one(
            CommunityMeetingHeld,
            meeting_id,
            data,
            meeting_id=meeting_id,
            community_id=community_id,
        )


@blp.route("/communities/<community_id>/meetings/<meeting_id>/retract")
class RetractMeeting(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, community_id, meeting_id):
        """Retract a community meeting recorded in error."""
        stream = f"community-meeting-{meeting_id}"
        meeting = CommunityMeetingHeld.TYPE
        return retract(stream, meeting, data, community_id=community_id)
