"""Partners: organisations that join and leave; goal 1.3 counts them by kind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView

from app.api.lifespans import alive_between, closed_by, lifespans
from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, period_bounds
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import partners
from app.commands.lifespans import Ending, current
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.outreach_out import PartnerOutSchema
from events.outreach import PartnerJoined, PartnerLeft

PartnerSchema = input_schema(partners.Partnership)
EndSchema = input_schema(Ending)


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
    def post(self, partnership):
        """Record that an organisation became a partner, for the goals named."""
        return answered(partners.join(services(), caller(), partnership))


@blp.route("/partners/<id:partner_id>")
class Partner(MethodView):
    @requires(*READERS)
    @blp.response(200, PartnerOutSchema)
    def get(self, partner_id):
        """One partner, with its status now."""
        stream = f"partner-{partner_id}"
        state, _ = current(services(), caller(), stream, partners.LIFE)
        return partner_out(state, datetime.now(UTC))


@blp.route("/partners/<id:partner_id>/leave")
class LeavePartner(MethodView):
    @requires(*STAFF)
    @blp.arguments(EndSchema)
    @blp.response(201, RecordedSchema)
    def post(self, ending, partner_id):
        """Record that a partner stopped working with the library."""
        return answered(partners.leave(services(), caller(), partner_id, ending))
