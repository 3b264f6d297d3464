"""The shapes the HTTP edge shares: fields that parse strictly, queries, answers.

The rules of a write live in its command (app/commands/); these only parse.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

# Control characters (C0, DEL, C1) but tab, newline and carriage return; and the
# halves of a surrogate pair, which alone are no character (JSON's "\ud800").
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` is no text the register keeps, or None when it is."""
    if SURROGATE.search(value):
        return "is not valid text"
    if CONTROL.search(value):
        return "contains a control character"
    return None


class Text(fields.String):
    """A JSON string of characters: no control characters (but tab, newline and
    carriage return) and no unpaired surrogates, which no database stores."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(loaded)
        if problem:
            raise ValidationError(problem)
        return loaded


def text(max_length: int = 500, **kwargs: Any) -> fields.String:
    """Free text (screened for personal data when recorded)."""
    return Text(validate=validate.Length(max=max_length), **kwargs)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def code(max_length: int = 100, **kwargs: Any) -> fields.String:
    return Text(validate=validate.Length(min=1, max=max_length), **kwargs)


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

    period = Text(required=True, metadata={"example": "2025-H1"})
    branch = Text(
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
