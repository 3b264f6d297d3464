"""The shapes of an offline batch: its items by kind, and the answer per item."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.commands.sync import ITEMS

MAX_ITEMS = 1000
ITEM_KINDS = tuple(ITEMS)


class SyncItemSchema(Schema):
    """One item: `id`, `kind`, `occurred_at` and the fields of its kind.

    session_open: session_id (made by the tablet), activity_id.
    checkin: session_id, role, age_band, district, new_target_group.
    checkin_retract: session_id, checkin_id (the check-in item's id), reason.
    session_close: session_id, headcount, tickets_issued.
    visitor_sample: zone, window_start, minutes, people, method.
    workplace_sample: zone, window_start, places, occupied.

    The item's `id` is the id of the event it writes: an item sent again is
    answered as a duplicate with the first position.
    """

    id = fields.UUID(required=True)
    kind = fields.String(required=True, metadata={"enum": list(ITEM_KINDS)})
    occurred_at = fields.AwareDateTime(required=True)
    branch = fields.String()
    session_id = fields.String()
    activity_id = fields.String()
    headcount = fields.Integer(allow_none=True)
    tickets_issued = fields.Integer(allow_none=True)
    checkin_id = fields.UUID()
    reason = fields.String(allow_none=True)
    role = fields.String()
    age_band = fields.String()
    district = fields.String(allow_none=True)
    new_target_group = fields.String(allow_none=True)
    zone = fields.String()
    window_start = fields.AwareDateTime()
    minutes = fields.Integer()
    people = fields.Integer()
    method = fields.String()
    places = fields.Integer()
    occupied = fields.Integer()


class Item(fields.Nested):
    """An item as sent: checked later on its own, so one bad item fails alone."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        return value


class SyncBatchSchema(Schema):
    items = fields.List(
        Item(SyncItemSchema),
        required=True,
        validate=validate.Length(1, MAX_ITEMS),
        metadata={"description": f"Up to {MAX_ITEMS} items, answered in order."},
    )


class SyncResultSchema(Schema):
    id = fields.Raw(metadata={"description": "The item's id, as sent."})
    status = fields.Integer(metadata={"enum": [200, 201, 404, 409, 422]})
    duplicate = fields.Boolean(metadata={"description": "Already in the log."})
    position = fields.Integer()
    errors = fields.List(fields.Dict())


class SyncAnswerSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))
