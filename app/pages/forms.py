"""What the page forms share: reading fields, a keyed caller, refusals by field.

A page parses its form into the command's input with the API's derived schema
and calls the command; every rule stays in the command. Refusals come back per
field, for the page to say in Dutch what to do.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from marshmallow import Schema, ValidationError

from app.callers import caller
from app.commands import Caller
from app.commands.errors import Conflict, Invalid, NotFound
from events.store import EventIdConflict, PersonalDataFound

# A refusal that names no field of the form.
FORM = "_form"
PERSONAL = "personal"


def number(text: str | None) -> int | str | None:
    """A typed whole number as int; empty as None; anything else as typed."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def text(value: str | None) -> str | None:
    """Typed text without its surrounding blanks; None when empty."""
    value = (value or "").strip()
    return value or None


def new_key() -> str:
    """A form's own idempotency key: a double tap on save records once."""
    return uuid.uuid4().hex


def keyed_caller(key: str | None) -> Caller:
    """The signed-in caller, keyed by the form's key, as an API retry would be."""
    who = caller()
    if key and len(key) <= 64 and key.isalnum():
        return dataclasses.replace(who, key=f"page:{key}")
    return who


def parse(schema: type[Schema], data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """The command's input from form data, or the fields the schema refused."""
    try:
        return schema().load({k: v for k, v in data.items() if v is not None}), {}
    except ValidationError as error:
        fields = error.messages if isinstance(error.messages, dict) else {}
        return None, {str(name).split(".")[0]: "invalid" for name in fields} or {
            FORM: "invalid"
        }


def refused(error: Exception) -> dict[str, str]:
    """A command's or the store's refusal, as {field: kind of problem}."""
    if isinstance(error, PersonalDataFound):
        return {f.field: PERSONAL for f in error.findings}
    if isinstance(error, Invalid):
        return dict.fromkeys(error.fields, "invalid")
    if isinstance(error, NotFound):
        return {FORM: "not_found"}
    if isinstance(error, Conflict):
        return {FORM: error.kind or "conflict"}
    if isinstance(error, EventIdConflict):
        return {FORM: "saved_already"}
    raise error


REFUSALS = (Invalid, NotFound, Conflict, PersonalDataFound, EventIdConflict)
