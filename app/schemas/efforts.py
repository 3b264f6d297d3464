"""Effort notes and figures from before the register: their queries and answers.

Their input is the commands' (`app.commands.efforts`, `app.commands.history`);
a listed note or figure shows its event's fields, derived from the event class.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import PeriodQuerySchema
from app.schemas.derive import output_schema
from events.efforts import EffortNoted, HistoricFigureImported


class EffortsQuerySchema(PeriodQuerySchema):
    """?period=2025&goal=4.3: the notes of periods within the one asked for."""

    goal = fields.String(load_default=None, metadata={"example": "4.3"})


class NotedOutSchema(Schema):
    """What a listed note or figure shows besides its own fields."""

    branch = fields.String()
    source = fields.String()
    recorded_at = fields.AwareDateTime()
    position = fields.Integer()


class ImportedOutSchema(NotedOutSchema):
    municipality = fields.String()


EffortNoteOutSchema = output_schema(EffortNoted, NotedOutSchema)
HistoricFigureOutSchema = output_schema(HistoricFigureImported, ImportedOutSchema)


class HistoryQuerySchema(Schema):
    goal = fields.String(load_default=None, metadata={"example": "1.1"})
    period = fields.String(load_default=None, metadata={"example": "2024-H1"})


class HistoryImportedSchema(Schema):
    """The answer to a history import: figures written, and those already so."""

    imported = fields.Integer()
    unchanged = fields.Integer()
    positions = fields.List(fields.Integer())
