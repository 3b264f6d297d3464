"""IDO desk questions: logged in seconds, exported for the national registration."""

from __future__ import annotations

from marshmallow import fields, validate

from app.schemas.common import RecordOutSchema, RecordSchema, choice, count, text

THEMES = (
    "belastingdienst",
    "digid",
    "toeslagen",
    "uwv",
    "svb",
    "gemeente",
    "duo",
    "zorg",
    "cjib",
    "rdw",
    "cak",
    "cbr",
    "overig",
)
HELP_KINDS = ("information", "hands_on", "referral")
CHANNELS = ("desk", "phone", "appointment")


class IdoQuestionSchema(RecordSchema):
    """One question at the IDO desk. No name, no BSN: what it was about and the help."""

    themes = fields.List(
        choice(THEMES),
        required=True,
        validate=validate.Length(min=1, max=len(THEMES)),
    )
    help_kind = choice(HELP_KINDS, required=True)
    channel = choice(CHANNELS, load_default="desk")
    referred_to = text(200, load_default=None, metadata={"example": "WIJ Heemstede"})
    minutes = count(480, load_default=None)
    visit_id = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "Groups the questions of one visitor's visit."},
    )
    note = text(1000, load_default=None)


class IdoQuestionOutSchema(RecordOutSchema):
    question_id = fields.String()
    themes = fields.List(fields.String())
    help_kind = fields.String()
    channel = fields.String()
    referred_to = fields.String(allow_none=True)
    minutes = fields.Integer(allow_none=True)
    visit_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
