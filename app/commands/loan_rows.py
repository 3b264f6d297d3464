"""The rows of a file of loan figures, checked: every problem of every row named.

A file's reader reads each cell into the value it gives, naming those it cannot
read; the checks here are the figures' rules, the same as for one figure typed
in: the branch in reach, the month begun and inside the agreement, the code
free of personal data, and each month, audience and collection once.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from app.commands.caller import Caller
from app.commands.dated import parsed
from app.commands.errors import Invalid
from app.commands.formats import collection_code
from app.commands.loans import AUDIENCES, MAX_LOANS, Audience, locate_month
from app.commands.services import Services
from app.commands.uploads import RowProblem, RowsRefused
from app.commands.where import Where, resolve_branch
from events.privacy import find_personal_data

NO_ROWS = "the file has no rows below its header"
DUPLICATE = "the same month, branch, audience and collection as row {}"
T = TypeVar("T")
Key = tuple[str, str, str, str]


@dataclass(frozen=True, kw_only=True)
class LoanRow:
    """One row of the file, each cell read as far as its reader could."""

    number: int
    month: str
    branch: str
    audience: Audience | None  # None: the reader named what is wrong with it
    collection: str
    loans: int | None  # None: the reader named what is wrong with it


# The order a row's problems are named in: the order of its cells.
CELLS = [f.name for f in dataclasses.fields(LoanRow)]


@dataclass(frozen=True, kw_only=True)
class LoanUpload:
    """A file of loan figures: its bytes, its rows, and what its reader refused."""

    content: bytes
    rows: Sequence[LoanRow]
    unread: Sequence[RowProblem] = ()
    # The file's name for each field, so that a refusal names what its reader sees.
    columns: Mapping[str, str] = field(default_factory=dict)


class Placed(NamedTuple):
    """A good row, and the branch, agreement and moment of its month."""

    row: LoanRow
    where: Where

    @property
    def key(self) -> Key:
        row = self.row
        return (self.where.branch, row.month, str(row.audience), row.collection)


def checked(services: Services, caller: Caller, upload: LoanUpload) -> list[Placed]:
    """Every row placed in its branch's month; RowsRefused naming each problem."""
    problems: dict[int, dict[str, str]] = defaultdict(dict)
    for problem in upload.unread:
        problems[problem.row][problem.field] = problem.detail
    placed = [
        p for row in upload.rows if (p := _place(services, caller, row, problems))
    ]
    _once_each(placed, problems)
    if any(problems.values()):
        raise RowsRefused(_named(problems, upload.columns))
    if not placed:
        raise RowsRefused([RowProblem(2, "(row)", NO_ROWS)])
    return placed


def _place(
    services: Services, caller: Caller, row: LoanRow, problems: dict[int, dict]
) -> Placed | None:
    """A row with its place, or None with its problems noted."""
    found = problems[row.number]
    _tried(found, resolve_branch, services, caller, row.branch)
    where = _tried(found, locate_month, services, caller, row.branch, row.month)
    _tried(found, parsed, collection_code, row.collection, "collection")
    _note(found, _values(row))
    return Placed(row, where) if where and not found else None


def _tried(found: dict[str, str], check: Callable[..., T], *args: Any) -> T | None:
    """What a check answers; None, its problems noted, if it refuses."""
    try:
        return check(*args)
    except Invalid as error:
        _note(found, error.fields)
        return None


def _note(found: dict[str, str], problems: Mapping[str, str]) -> None:
    """Note problems; a cell's first problem is the one named."""
    for name, detail in problems.items():
        found.setdefault(name, detail)


def _values(row: LoanRow) -> dict[str, str]:
    """An audience unknown, personal data in the code, or loans no month holds."""
    problems = {}
    if row.audience not in AUDIENCES:
        problems["audience"] = f"one of {', '.join(AUDIENCES)}"
    kinds = find_personal_data(row.collection)
    if kinds:
        problems["collection"] = f"contains personal data ({kinds[0]})"
    if row.loans is None or row.loans < 0:
        problems["loans"] = "a whole number of loans"
    elif row.loans > MAX_LOANS:
        problems["loans"] = f"more than {MAX_LOANS:,}"
    return problems


def _once_each(placed: list[Placed], problems: dict[int, dict[str, str]]) -> None:
    """Each month, branch, audience and collection once: a second row is refused."""
    seen: dict[Key, int] = {}
    for p in placed:
        first = seen.setdefault(p.key, p.row.number)
        if first != p.row.number:
            problems[p.row.number]["(row)"] = DUPLICATE.format(first)


def _named(
    problems: dict[int, dict[str, str]], columns: Mapping[str, str]
) -> list[RowProblem]:
    """The problems by row, then in the order of the row's cells, named as the file."""

    def order(name: str) -> int:
        return CELLS.index(name) if name in CELLS else len(CELLS)

    return [
        RowProblem(row, columns.get(name, name), found[name])
        for row, found in sorted(problems.items())
        for name in sorted(found, key=order)
    ]
