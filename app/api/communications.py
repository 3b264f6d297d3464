"""Communication items (goal 5.2): counted per channel, by publication date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from flask.views import MethodView

from app.api.outreach import blp
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import communications
from app.commands.communications import CHANNELS
from app.commands.retractions import Retraction
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.outreach_out import (
    CommunicationOutSchema,
    CommunicationSummarySchema,
)
from events import RecordedEvent
from events.outreach import CommunicationPublished

CommunicationSchema = input_schema(communications.CommunicationItem)
RetractSchema = input_schema(Retraction)


def _items(query: dict[str, Any]) -> list[RecordedEvent]:
    """The live items of a period, by their publication date."""
    period = period_arg(query["period"])
    branches = branches_asked(query["branch"])
    found = live_records([CommunicationPublished.TYPE], "communication-", branches)
    first, after = period.start.isoformat(), period.end.isoformat()
    return [e for e in found if first <= e.data["published_on"] < after]


def channel_counts(items: Iterable[RecordedEvent]) -> dict[str, int]:
    """How many items per channel, every channel named, zeros included."""
    counted = Counter(item.data["channel"] for item in items)
    return {channel: counted[channel] for channel in CHANNELS}


@blp.route("/communications")
class Communications(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, CommunicationOutSchema(many=True))
    def get(self, query):
        """List the communication items published in a period."""
        return [shown(e) for e in _items(query)]

    @requires(*STAFF)
    @blp.arguments(CommunicationSchema)
    @blp.response(201, RecordedSchema)
    def post(self, item):
        """Record a communication item: a web post, newsletter, social-media post."""
        return answered(communications.publish(services(), caller(), item))


@blp.route("/communications/summary")
class CommunicationSummary(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, CommunicationSummarySchema)
    def get(self, query):
        """Count a period's communication items per channel."""
        items = _items(query)
        counts = channel_counts(items)
        return {"period": query["period"], "total": len(items), "by_channel": counts}


@blp.route("/communications/<id:item_id>/retract")
class RetractCommunication(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, retraction, item_id):
        """Retract a communication item recorded in error."""
        recorded = communications.retract_item(
            services(), caller(), item_id, retraction
        )
        return answered(recorded)
