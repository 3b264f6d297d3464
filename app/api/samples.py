"""Visitor and workplace samples: counted in windows, listed, retracted."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import (
    Appended,
    answer,
    append,
    build,
    retract,
)
from app.auth import CHECK_IN, READERS, requires
from app.idempotency import event_id
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RetractSchema
from app.schemas.samples import (
    VisitorSampleOutSchema,
    VisitorSampleSchema,
    WorkplaceSampleOutSchema,
    WorkplaceSampleSchema,
)
from events import RecordedEvent
from events.counts import VisitorSampleTaken, WorkplaceOccupancySampled

blp = Blueprint(
    "samples",
    __name__,
    url_prefix="/samples",
    description="Visitor and workplace samples",
)

# The two kinds, by the name in their paths: (event type, stream prefix).
KINDS = {
    "visitors": (VisitorSampleTaken, "visitor-sample-"),
    "workplaces": (WorkplaceOccupancySampled, "workplace-sample-"),
}


def take_sample(kind: str, data: dict[str, Any], event_id: uuid.UUID) -> Appended:
    """Append one sample; its id is its event id's, so a re-sent one is known."""
    event_type, _ = KINDS[kind]
    event = build(event_type, data, sample_id=event_id.hex,
                  window_start=data["window_start"].isoformat())  # fmt: skip
    # A re-sent sample finds its stream taken: the store answers with the first.
    return append(event, data, expected_version=0, event_id=event_id)


def _out(event: RecordedEvent) -> dict[str, Any]:
    out = shown(event)
    if event.type == WorkplaceOccupancySampled.TYPE:
        out["occupancy"] = round(event.data["occupied"] / event.data["places"], 4)
    return out


def _samples(kind: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    event_type, prefix = KINDS[kind]
    period = period_arg(query["period"])
    branches = branches_asked(query["branch"])
    found = live_records([event_type.TYPE], prefix, branches, period)
    return [_out(e) for e in found]


def _post(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    sample_id = event_id(0)
    return answer(sample_id.hex, take_sample(kind, data, sample_id))


def _retract(kind: str, sample_id: str, data: dict[str, Any]) -> dict[str, Any]:
    event_type, prefix = KINDS[kind]
    return retract(f"{prefix}{sample_id}", event_type.TYPE, data)


@blp.route("/visitors")
class Visitors(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, VisitorSampleOutSchema(many=True))
    def get(self, query):
        """List the visitor samples of a period."""
        return _samples("visitors", query)

    @requires(*CHECK_IN)
    @blp.arguments(VisitorSampleSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record the people counted in a zone during a window."""
        return _post("visitors", data)


@blp.route("/visitors/<sample_id>/retract")
class RetractVisitors(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, sample_id):
        """Retract a visitor sample taken in error."""
        return _retract("visitors", sample_id, data)


@blp.route("/workplaces")
class Workplaces(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, WorkplaceSampleOutSchema(many=True))
    def get(self, query):
        """List the workplace samples of a period, with their occupancy."""
        return _samples("workplaces", query)

    @requires(*CHECK_IN)
    @blp.arguments(WorkplaceSampleSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record how many study and work places were taken at a moment."""
        return _post("workplaces", data)


@blp.route("/workplaces/<sample_id>/retract")
class RetractWorkplaces(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, sample_id):
        """Retract a workplace sample taken in error."""
        return _retract("workplaces", sample_id, data)
