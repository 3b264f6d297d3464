"""The loan figures CSV from the library system: read the file, check every row.

The layout is in docs/LOANS_CSV.md. Every problem of every row is named (the
first MAX_ERRORS of them), and nothing is imported unless every row is good;
`loans_import` appends the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from flask import current_app, request
from flask_smorest import abort

from app.agreements import agreement_for
from app.api.reach import branches_in_reach
from app.schemas.common import OUTSIDE
from app.schemas.counts import COLLECTION, MONTH, month_start
from events.privacy import find_personal_data

HEADER = ["maand", "vestiging", "doelgroep", "collectie", "uitleningen"]
AUDIENCES = {"jeugd": "youth", "volwassenen": "adult"}
CSV_TYPES = {"text/csv", "application/csv", "text/plain"}
MAX_BYTES = 5 * 1024 * 1024  # far above a library's years of monthly rows
MAX_ERRORS = 500
MAX_LOANS = 1_000_000


@dataclass(frozen=True)
class Row:
    number: int
    month: str
    branch: str
    audience: str
    collection: str
    loans: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.month, self.audience, self.collection)


def error(row: int, field: str, detail: str) -> dict[str, Any]:
    return {"row": row, "field": field, "in": "body", "detail": detail}


def refuse(errors: list[dict[str, Any]]) -> None:
    """422 naming every bad row (the first MAX_ERRORS of them)."""
    shown = errors[:MAX_ERRORS]
    more = f" ({len(errors)} problems, the first {MAX_ERRORS} shown)"
    detail = "Nothing was imported: correct these rows and send the file again."
    if len(errors) > MAX_ERRORS:
        detail += more
    abort(422, message=detail, errors=shown)


def read_body() -> bytes:
    """The CSV sent: the request body, or the multipart field `file`."""
    # Some room above the limit for a form's boundaries and part headers.
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        _too_large()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            detail = "send the CSV in the field 'file'"
            abort(422, errors=[{"field": "file", "in": "files", "detail": detail}])
        return upload.read(MAX_BYTES + 1)
    if request.mimetype not in CSV_TYPES:
        abort(415, message="Send text/csv, or multipart/form-data with 'file'.")
    return request.get_data()


def _too_large() -> None:
    abort(413, message=f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")


def decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        _too_large()
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse([error(1, "(file)", "not UTF-8: save the export as 'CSV UTF-8'")])


def parse(content: bytes) -> list[Row]:
    """Every data row of the file, checked; 422 naming each bad row otherwise."""
    lines = records(decode(content))
    number, header = next(lines, (1, None))
    if header is None:
        refuse([error(1, "(header)", "the file is empty")])
    if [cell.strip().lower() for cell in header] != HEADER:
        refuse([error(1, "(header)", f"the first row must be {';'.join(HEADER)}")])
    checker = RowChecker()
    for number, cells in lines:
        if any(cell.strip() for cell in cells):
            checker.check(number, cells)
    if checker.errors:
        refuse(checker.errors)
    if not checker.rows:
        refuse([error(2, "(row)", "the file has no rows below its header")])
    return checker.rows


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with their line numbers; 422 where it is not CSV at all."""
    # Universal newlines: "\r\n", "\n" and an old Mac's "\r" all end a row.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=";")
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as problem:
        refuse([error(reader.line_num, "(file)", f"not readable as CSV: {problem}")])


class RowChecker:
    """Checks rows one by one, keeping the good ones and every problem."""

    def __init__(self) -> None:
        self.reach = set(branches_in_reach())
        self.zone = current_app.extensions["bieb_config"].zone
        self.now = datetime.now(self.zone)
        self.rows: list[Row] = []
        self.errors: list[dict[str, Any]] = []
        self.seen: dict[tuple[str, ...], int] = {}

    def check(self, number: int, cells: list[str]) -> None:
        if len(cells) != len(HEADER):
            found = f"found {len(cells)}"
            detail = f"expected {len(HEADER)} columns separated by ';', {found}"
            self.errors.append(error(number, "(row)", detail))
            return
        values = dict(zip(HEADER, (cell.strip() for cell in cells), strict=True))
        problems = {name: self.problem(name, values) for name in HEADER}
        bad = [error(number, f, d) for f, d in problems.items() if d]
        if bad:
            self.errors.extend(bad)
            return
        self.keep(number, values)

    def problem(self, name: str, values: dict[str, str]) -> str | None:
        return getattr(self, f"_{name}")(values[name].lower(), values)

    def keep(self, number: int, values: dict[str, str]) -> None:
        row = Row(
            number=number,
            month=values["maand"],
            branch=values["vestiging"].lower(),
            audience=AUDIENCES[values["doelgroep"].lower()],
            collection=values["collectie"].lower(),
            loans=int(values["uitleningen"]),
        )
        first = self.seen.setdefault((row.branch, *row.key), number)
        if first != number:
            detail = f"the same month, branch, audience and collection as row {first}"
            self.errors.append(error(number, "(row)", detail))
        else:
            self.rows.append(row)

    def _maand(self, month: str, values: dict[str, str]) -> str | None:
        if not MONTH.fullmatch(month):
            return "write the month as YYYY-MM, e.g. 2025-03"
        begins = datetime.combine(month_start(month), time(), self.zone)
        if begins > self.now:
            return "lies in the future"
        branch = values["vestiging"].lower()
        if branch in self.reach and agreement_for(branch, begins) is None:
            return OUTSIDE
        return None

    def _vestiging(self, branch: str, _: dict[str, str]) -> str | None:
        return None if branch in self.reach else f"unknown branch {branch!r}"

    def _doelgroep(self, audience: str, _: dict[str, str]) -> str | None:
        return None if audience in AUDIENCES else "write jeugd or volwassenen"

    def _collectie(self, collection: str, _: dict[str, str]) -> str | None:
        if not COLLECTION.fullmatch(collection):
            return "a code of letters, digits and _, starting with a letter"
        found = find_personal_data(collection)
        return f"contains personal data ({found[0]})" if found else None

    def _uitleningen(self, loans: str, _: dict[str, str]) -> str | None:
        if not loans.isascii() or not loans.isdigit():
            return "write the loans as a whole number without separators, e.g. 1250"
        return None if int(loans) <= MAX_LOANS else f"more than {MAX_LOANS:,}"
