"""A file refused whole: every problem of every row named, nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.commands.errors import Refused

MAX_ERRORS = 500
NOTHING = "Nothing was imported: correct these rows and send the file again."


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one row of a file, and in which of its columns."""

    row: int
    field: str
    detail: str


class RowsRefused(Refused):
    """A file with problems: the first MAX_ERRORS of them are named."""

    status = 422
    kind = "validation"

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        message = NOTHING
        if len(problems) > MAX_ERRORS:
            message += f" ({len(problems)} problems, the first {MAX_ERRORS} shown)"
        super().__init__(message)
        self.problems = list(problems[:MAX_ERRORS])
