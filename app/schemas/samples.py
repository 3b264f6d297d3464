"""Samples: Plein1 has no door counter, so visitors and workplaces are sampled."""

from __future__ import annotations

from marshmallow import fields

from app.schemas.common import RecordOutSchema


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
