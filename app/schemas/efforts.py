"""Effort notes (inspanningsverplichting) and figures from before the register.

Both are about a period rather than a moment: they occur at the local start of
their period, which must have begun and lie within the branch's agreement.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError, fields, post_load, validate

from app.agreements import agreement_for
from app.schemas.common import (
    OUTSIDE,
    Number,
    PeriodQuerySchema,
    RecordSchema,
    check_goals,
    code,
    required_text,
    resolve_branch,
    text,
)
from app.schemas.counts import DatedRecordSchema
from events.periods import Period, parse_period

# The catalogue's indicator codes: lower-case words joined by hyphens.
INDICATOR = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
MAX_ITEMS = 500


def valid_period(value: str) -> None:
    try:
        parse_period(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def valid_indicator(value: str) -> None:
    if not INDICATOR.fullmatch(value):
        raise ValidationError("lower-case words joined by '-', as in the catalogue")


def period_field() -> fields.String:
    return fields.String(
        required=True, validate=valid_period, metadata={"example": "2025-H1"}
    )


def ends_within(agreement, period: Period) -> bool:
    """Whether the last day of a period lies within an agreement."""
    return agreement.contains(period.end - timedelta(days=1))


class EffortNoteSchema(DatedRecordSchema):
    """What the library did for a goal in a period, in words (no names)."""

    DATE_FIELD = "period"
    GOAL_FIELDS = ("goal_code",)

    goal_code = code(10, required=True, metadata={"example": "4.3"})
    period = period_field()
    text = required_text(
        4000,
        metadata={"description": "Screened for personal data: no names, e-mail..."},
    )

    def counts_on(self, data: dict[str, Any]):
        return parse_period(data["period"]).start

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        period, agreement = parse_period(data["period"]), data["agreement"]
        if not ends_within(agreement, period):
            raise ValidationError("ends after the branch's agreement", "period")
        data["period"] = period.label
        return data


class EffortsQuerySchema(PeriodQuerySchema):
    """?period=2025&goal=4.3: the notes of periods within the one asked for."""

    goal = fields.String(load_default=None, metadata={"example": "4.3"})


class EffortNoteOutSchema(Schema):
    note_id = fields.String()
    goal_code = fields.String()
    period = fields.String()
    text = fields.String()
    branch = fields.String()
    source = fields.String()
    recorded_at = fields.AwareDateTime()
    position = fields.Integer()


class HistoricFigureSchema(Schema):
    """One figure for a goal and period, from the spreadsheets kept before."""

    goal_code = code(10, required=True, metadata={"example": "1.1"})
    period = period_field()
    indicator = fields.String(
        required=True, validate=valid_indicator, metadata={"example": "youth-loans"}
    )
    value = Number(required=True, validate=validate.Range(0, 1e12))
    note = text(1000, load_default=None)


class HistoryImportSchema(RecordSchema):
    """Up to 500 figures; all are checked before any is written."""

    class Meta:
        exclude = ("occurred_at",)

    items = fields.List(
        fields.Nested(HistoricFigureSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS),
    )

    @post_load
    def resolve_context(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["branch"] = resolve_branch(data.get("branch"))
        errors: dict[int, dict[str, list[str]]] = {}
        seen: dict[tuple[str, str, str], int] = {}
        for index, item in enumerate(data["items"]):
            problem = _item_problem(data["branch"], item)
            key = (item["goal_code"], item["period"], item["indicator"])
            first = seen.setdefault(key, index)
            if problem is None and first != index:
                problem = {"indicator": [f"the same goal and period as item {first}"]}
            if problem:
                errors[index] = problem
        if errors:
            raise ValidationError({"items": errors})
        return data


def _item_problem(branch: str, item: dict[str, Any]) -> dict[str, list[str]] | None:
    """What is wrong with an item in its agreement; it gains its context if nothing."""
    zone = current_app.extensions["bieb_config"].zone
    period = parse_period(item["period"])
    begins = datetime.combine(period.start, time(), zone)
    agreement = agreement_for(branch, begins)
    if begins > datetime.now(zone):
        return {"period": ["has not begun"]}
    if agreement is None or not ends_within(agreement, period):
        return {"period": [OUTSIDE]}
    try:
        check_goals(agreement, item, ("goal_code",))
    except ValidationError as error:
        return error.normalized_messages()
    item.update(
        period=period.label,
        occurred_at=begins,
        municipality=agreement.municipality.code,
    )
    return None


class HistoryQuerySchema(Schema):
    goal = fields.String(load_default=None, metadata={"example": "1.1"})
    period = fields.String(load_default=None, metadata={"example": "2024-H1"})


class HistoricFigureOutSchema(Schema):
    goal_code = fields.String()
    period = fields.String()
    indicator = fields.String()
    value = fields.Float()
    note = fields.String(allow_none=True)
    municipality = fields.String()
    branch = fields.String()
    source = fields.String()
    recorded_at = fields.AwareDateTime()
    position = fields.Integer()


class HistoryImportedSchema(Schema):
    """The answer to a history import: figures written, and those already so."""

    imported = fields.Integer()
    unchanged = fields.Integer()
    positions = fields.List(fields.Integer())
