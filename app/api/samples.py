"""Visitor and workplace samples: counted in windows, listed, retracted."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, shown
from app.api.recording import answered
from app.auth import CHECK_IN, READERS, requires
from app.callers import caller, services
from app.commands import samples
from app.commands.retractions import Retraction
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.derive import input_schema
from app.schemas.samples import VisitorSampleOutSchema, WorkplaceSampleOutSchema
from events import RecordedEvent
from events.counts import WorkplaceOccupancySampled

blp = Blueprint(
    "samples",
    __name__,
    url_prefix="/samples",
    description="Visitor and workplace samples",
)

VisitorSampleSchema = input_schema(samples.VisitorSample)
WorkplaceSampleSchema = input_schema(samples.WorkplaceSample)
RetractSchema = input_schema(Retraction)


def _out(event: RecordedEvent) -> dict[str, Any]:
    out = shown(event)
    if event.type == WorkplaceOccupancySampled.TYPE:
        out["occupancy"] = round(event.data["occupied"] / event.data["places"], 4)
    return out


def _samples(kind: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    _, event_type, prefix = samples.KINDS[kind]
    period = period_arg(query["period"])
    branches = branches_asked(query["branch"])
    found = live_records([event_type.TYPE], prefix, branches, period)
    return [_out(e) for e in found]


def _post(sample: samples.Sample) -> dict[str, Any]:
    who = caller()
    return answered(samples.take_sample(services(), who, sample, who.event_id()))


def _retract(kind: str, sample_id: str, retraction: Retraction) -> dict[str, Any]:
    command = samples.retract_sample
    return answered(command(services(), caller(), kind, sample_id, retraction))


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
        return _post(data)


@blp.route("/visitors/<id:sample_id>/retract")
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
        return _post(data)


@blp.route("/workplaces/<id:sample_id>/retract")
class RetractWorkplaces(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, sample_id):
        """Retract a workplace sample taken in error."""
        return _retract("workplaces", sample_id, data)
