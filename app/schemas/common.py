"""The shapes the HTTP edge shares: fields that parse strictly, queries, answers.

The rules of a write live in its command (app/commands/); these only parse.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate


def text(max_length: int = 500, **kwargs: Any) -> fields.String:
    """Free text (screened for personal data when recorded)."""
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def code(max_length: int = 100, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def count(maximum: int = 100_000, minimum: int = 0, **kwargs: Any) -> fields.Integer:
    """A whole number in JSON (not "12", not 12.5) from `minimum` to `maximum`."""
    rule = validate.Range(minimum, maximum)
    return fields.Integer(validate=rule, strict=True, **kwargs)


class Number(fields.Float):
    """A JSON number: a string or a boolean is refused, not converted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false in JSON: not 1, "yes" or "on"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class PeriodQuerySchema(Schema):
    """?period=2025-H1&branch=heemstede"""

    period = fields.String(required=True, metadata={"example": "2025-H1"})
    branch = fields.String(
        load_default=None,
        metadata={"description": "One branch in reach; every one when left out."},
    )


class RecordedSchema(Schema):
    """The answer to a write: what was recorded, and where in the log."""

    id = fields.String(metadata={"description": "The record's id"})
    stream = fields.String()
    positions = fields.List(fields.Integer())
    source = fields.String(metadata={"enum": ["live", "backdated", "imported"]})


class RecordOutSchema(Schema):
    """What a listed record shows besides its own fields."""

    branch = fields.String()
    occurred_at = fields.AwareDateTime()
    source = fields.String(metadata={"enum": ["live", "backdated", "imported"]})
    position = fields.Integer()
