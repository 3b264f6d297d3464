"""Marshmallow schemas derived from typed declarations, so a field is declared once.

`input_schema` turns a command's input dataclass into the schema the HTTP edge
parses with (it loads into the dataclass); `output_schema` turns an event class
into the schema a listed record is shown with. Types map to fields (a nested
input dataclass to a nested schema), and the `Annotated` markers of
`app.commands.inputs` (and `Parses` of `app.commands.formats`) to validators and
documentation.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from annotated_types import Ge, Interval, Le, Len, MaxLen, MinLen
from marshmallow import Schema, ValidationError, fields, post_load, validate

from app.commands.formats import Parses
from app.commands.inputs import Distinct, Doc, NotBlank
from app.schemas.common import Number, StrictBoolean, Text, not_blank

# Fields of every event that a listed record shows elsewhere, or never.
HIDDEN = ("municipality",)


def _distinct(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("each value once")


def _unwrap(hint: Any) -> tuple[Any, list[Any], bool]:
    """A type without Annotated and None: (type, markers, optional)."""
    markers: list[Any] = []
    optional = False
    while True:
        if typing.get_origin(hint) is typing.Annotated:
            markers.extend(hint.__metadata__)
            hint = hint.__origin__
        elif typing.get_origin(hint) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(hint))
            hint = args[0] if len(args) == 1 else hint
            if len(args) != 1:
                return hint, markers, optional
        else:
            return hint, markers, optional


def _parses(marker: Parses) -> Any:
    """A validator refusing text its parser refuses, with the parser's reason."""

    def check(value: str) -> None:
        try:
            marker.parse(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return check


def _length(markers: list[Any]) -> list[Any]:
    low = high = None
    for m in markers:
        if isinstance(m, Len):
            low, high = m.min_length, m.max_length
        elif isinstance(m, MinLen):
            low = m.min_length
        elif isinstance(m, MaxLen):
            high = m.max_length
    return [] if low is None and high is None else [validate.Length(low, high)]


def _range(markers: list[Any]) -> list[Any]:
    low = high = None
    for m in markers:
        if isinstance(m, Interval | Ge):
            low = getattr(m, "ge", low)
        if isinstance(m, Interval | Le):
            high = getattr(m, "le", high)
    return [] if low is None and high is None else [validate.Range(low, high)]


def _validators(hint: Any, markers: list[Any]) -> list[Any]:
    rules = _length(markers) + _range(markers)
    rules += [not_blank] * any(isinstance(m, NotBlank) for m in markers)
    rules += [_distinct] * any(isinstance(m, Distinct) for m in markers)
    rules += [_parses(m) for m in markers if isinstance(m, Parses)]
    if typing.get_origin(hint) is Literal:
        rules.append(validate.OneOf(typing.get_args(hint)))
    return rules


SCALARS: dict[Any, Any] = {
    str: lambda **kw: Text(**kw),
    int: lambda **kw: fields.Integer(strict=True, **kw),
    float: lambda **kw: Number(**kw),
    bool: lambda **kw: StrictBoolean(**kw),
    datetime: lambda **kw: fields.AwareDateTime(**kw),
    date: lambda **kw: fields.Date(**kw),
    uuid.UUID: lambda **kw: fields.UUID(**kw),
}


def field_for(hint: Any, **options: Any) -> fields.Field:
    """The marshmallow field of a type with its markers."""
    hint, markers, optional = _unwrap(hint)
    docs = next((m for m in markers if isinstance(m, Doc)), None)
    if docs is not None:
        meta = {"description": docs.description, "example": docs.example}
        options["metadata"] = {k: v for k, v in meta.items() if v not in ("", None)}
    options.setdefault("allow_none", optional)
    options["validate"] = _validators(hint, markers)
    if typing.get_origin(hint) is list:
        inner = field_for(typing.get_args(hint)[0])
        return fields.List(inner, **options)
    if typing.get_origin(hint) is Literal:
        return Text(**options)
    if dataclasses.is_dataclass(hint):
        return fields.Nested(input_schema(hint), **options)
    return SCALARS[hint](**options)


def _load_options(field: dataclasses.Field) -> dict[str, Any]:
    if field.default is not dataclasses.MISSING:
        return {"load_default": field.default}
    if field.default_factory is not dataclasses.MISSING:
        return {"load_default": field.default_factory}
    return {"required": True}


@cache
def input_schema(input_type: type, base: type[Schema] = Schema) -> type[Schema]:
    """A schema that loads JSON into an instance of the input dataclass."""
    hints = typing.get_type_hints(input_type, include_extras=True)
    declared = {
        f.name: field_for(hints[f.name], **_load_options(f))
        for f in dataclasses.fields(input_type)
        if f.init
    }

    def make(self: Schema, data: dict[str, Any], **_: Any) -> Any:
        return input_type(**data)

    attrs: dict[str, Any] = {**declared, "make": post_load(make)}
    attrs["__doc__"] = input_type.__doc__
    return type(f"{input_type.__name__}Schema", (base,), attrs)


@cache
def output_schema(event_type: type, base: type[Schema] = Schema) -> type[Schema]:
    """A schema that shows a recorded event's fields (less `HIDDEN`)."""
    hints = typing.get_type_hints(event_type, include_extras=True)
    declared = {
        f.name: field_for(hints[f.name], dump_only=True)
        for f in dataclasses.fields(event_type)
        if f.name not in HIDDEN and f.name not in base._declared_fields
    }
    return type(f"{event_type.__name__}OutSchema", (base,), declared)
