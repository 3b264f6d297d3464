"""The typed input of commands, and the markers that say what a field accepts.

A command's input is a frozen dataclass; each field's type says its shape and
`Annotated` markers its limits (annotated-types' `Len`, `MaxLen`, `Interval`,
plus `Doc`, `NotBlank` and `Distinct` below). The HTTP edge derives its schema
from this declaration (`app.schemas.derive`), so a new field is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from annotated_types import Interval, Len, MaxLen

__all__ = [
    "Distinct", "Doc", "GoalCode", "GoalCodes", "Interval", "Len", "MaxLen",
    "NotBlank", "RecordInput",
]  # fmt: skip


@dataclass(frozen=True)
class Doc:
    """A field's description and example, for the OpenAPI document."""

    description: str = ""
    example: Any = None


@dataclass(frozen=True)
class NotBlank:
    """Text that must hold more than white space."""


@dataclass(frozen=True)
class Distinct:
    """A list that names each value once."""


GoalCode = Annotated[str, Len(1, 10)]
# The goals a record counts for, each named once; checked against the agreement.
GoalCodes = Annotated[list[GoalCode], Len(1, 20), Distinct()]


@dataclass(frozen=True, kw_only=True)
class RecordInput:
    """What every write names: the branch and the moment (both may be implied)."""

    branch: Annotated[
        str | None, Doc("Branch code; a tablet's own branch by default.")
    ] = None
    occurred_at: Annotated[
        datetime | None, Doc("When it happened; now when left out.")
    ] = None
