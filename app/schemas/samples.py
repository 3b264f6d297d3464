"""Samples: Plein1 has no door counter, so visitors and workplaces are sampled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from app.agreements import agreement_for
from app.schemas.common import (
    FUTURE_SLACK,
    OUTSIDE,
    RecordOutSchema,
    RecordSchema,
    choice,
    count,
)

ZONES = ("plein1", "library", "study_area", "children_area")
METHODS = ("headcount", "tally")


class SampleSchema(RecordSchema):
    """What both samples share: where, and the window the count was taken in.

    Without `occurred_at` the sample happened at its `moment`: the window's end
    for a visitor count, its start for an occupancy snapshot.
    """

    zone = choice(ZONES, required=True)
    window_start = fields.AwareDateTime(required=True)

    def moment(self, data: dict[str, Any]) -> datetime:
        return data["window_start"]

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        given = data.get("occurred_at") is not None
        data = super().resolve_context(data, **kwargs)
        moment = self.moment(data)
        if moment > datetime.now(UTC) + FUTURE_SLACK:
            raise ValidationError("the window ends in the future", "window_start")
        for when in (data["window_start"], moment):
            if agreement_for(data["branch"], when) is None:
                raise ValidationError(OUTSIDE, field_name="window_start")
        if not given:
            data["occurred_at"] = moment
            data["agreement"] = agreement_for(data["branch"], moment)
        return data


class VisitorSampleSchema(SampleSchema):
    """People counted in a zone during a window of some minutes."""

    minutes = count(240, minimum=1, required=True)
    people = count(2000, required=True)
    method = choice(METHODS, required=True)

    def moment(self, data: dict[str, Any]) -> datetime:
        return data["window_start"] + timedelta(minutes=data["minutes"])


class WorkplaceSampleSchema(SampleSchema):
    """Study and work places in a zone, and how many were taken at a moment."""

    places = count(500, minimum=1, required=True)
    occupied = count(500, required=True)

    @validates_schema
    def no_more_than_places(self, data: dict[str, Any], **_: Any) -> None:
        if data["occupied"] > data["places"]:
            message = f"more than the {data['places']} places"
            raise ValidationError(message, field_name="occupied")


class SampleOutSchema(RecordOutSchema):
    sample_id = fields.String()
    zone = fields.String()
    window_start = fields.String()


class VisitorSampleOutSchema(SampleOutSchema):
    minutes = fields.Integer()
    people = fields.Integer()
    method = fields.String()


class WorkplaceSampleOutSchema(SampleOutSchema):
    places = fields.Integer()
    occupied = fields.Integer()
    occupancy = fields.Float(metadata={"description": "occupied / places"})
