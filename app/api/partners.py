"""Partners: organisations that join and leave; goal 1.3 counts them by kind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView

from app.api.lifespans import alive_between, close, closed_by, current, lifespans
from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, period_bounds
from app.api.recording import new_id, record_one
from app.auth import READERS, STAFF, requires
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.outreach import EndSchema, PartnerSchema
from app.schemas.outreach_out import PartnerOutSchema
from events.outreach import PartnerJoined, PartnerLeft


def partner_out(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """A partner as the API shows it, with its status at a moment."""
    return {
        **state,
        "status": "left" if closed_by(state, moment) else "active",
        "joined_at": state["opened_at"],
        "left_at": state["closed_at"],
        "leave_reason": state["closed_reason"],
    }


@blp.route("/partners")
class Partners(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, PartnerOutSchema(many=True))
    def get(self, query):
        """List the partners active at any time in a period; status at its end."""
        start, end = period_bounds(period_arg(query["period"]))
        types = [PartnerJoined.TYPE, PartnerLeft.TYPE]
        found = live_records(types, "partner-", branches_asked(query["branch"]))
        states = lifespans(found, PartnerJoined.TYPE, PartnerLeft.TYPE)
        return [partner_out(s, end) for s in states if alive_between(s, start, end)]

    @requires(*STAFF)
    @blp.arguments(PartnerSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record that an organisation became a partner, for the goals named."""
        partner_id = new_id()
        return record_one(PartnerJoined, partner_id, data, partner_id=partner_id)


@blp.route("/partners/<partner_id>")
class Partner(MethodView):
    @requires(*READERS)
    @blp.response(200, PartnerOutSchema)
    def get(self, partner_id):
        """One partner, with its status now."""
        stream = f"partner-{partner_id}"
        state, _ = current(stream, PartnerJoined, PartnerLeft, "partnership")
        return partner_out(state, datetime.now(UTC))


@blp.route("/partners/<partner_id>/leave")
class LeavePartner(MethodView):
    @requires(*STAFF)
    @blp.arguments(EndSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, partner_id):
        """Record that a partner stopped working with the library."""
        stream = f"partner-{partner_id}"
        return close(
            stream,
            PartnerJoined,
            PartnerLeft,
            data,
            "partnership",
            partner_id=partner_id,
        )
