"""The loan figures CSV from the library system: read the file into rows.

The layout is in docs/LOANS_CSV.md. This module only reads: the file, its
header, and each cell into the value it gives. Whether the rows may be written
(their branch, their month in the agreement, each month once) is the rule of
`app.commands.loan_imports`, which names every problem of every row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import request
from flask_smorest import abort

from app.commands.loan_rows import LoanRow, LoanUpload
from app.commands.uploads import RowProblem, RowsRefused

HEADER = ["maand", "vestiging", "doelgroep", "collectie", "uitleningen"]
FIELDS = ["month", "branch", "audience", "collection", "loans"]
COLUMNS = dict(zip(FIELDS, HEADER, strict=True))
AUDIENCES = {"jeugd": "youth", "volwassenen": "adult"}
CSV_TYPES = {"text/csv", "application/csv", "text/plain"}
MAX_BYTES = 5 * 1024 * 1024  # far above a library's years of monthly rows
WHOLE = "write the loans as a whole number without separators, e.g. 1250"


def refuse(row: int, field: str, detail: str) -> RowsRefused:
    """The file refused for one problem, as a refusal of its rows is answered."""
    return RowsRefused([RowProblem(row, field, detail)])


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
        raise refuse(1, "(file)", "not UTF-8: save the export as 'CSV UTF-8'") from None


def parse(content: bytes) -> LoanUpload:
    """The file's rows, each cell read; RowsRefused if the file is no such CSV."""
    lines = records(decode(content))
    _, header = next(lines, (1, None))
    if header is None:
        raise refuse(1, "(header)", "the file is empty")
    if [cell.strip().lower() for cell in header] != HEADER:
        raise refuse(1, "(header)", f"the first row must be {';'.join(HEADER)}")
    rows: list[LoanRow] = []
    unread: list[RowProblem] = []
    for number, cells in lines:
        if any(cell.strip() for cell in cells):
            row = read_row(number, cells, unread)
            rows.extend([row] if row else [])
    return LoanUpload(content=content, rows=rows, unread=unread, columns=COLUMNS)


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with their line numbers; refused where it is not CSV at all."""
    # Universal newlines: "\r\n", "\n" and an old Mac's "\r" all end a row.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=";")
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as problem:
        detail = f"not readable as CSV: {problem}"
        raise refuse(reader.line_num, "(file)", detail) from None


def read_row(number: int, cells: list[str], unread: list[RowProblem]) -> LoanRow | None:
    """A row's cells as values; what cannot be read is noted in `unread`."""
    if len(cells) != len(HEADER):
        detail = f"expected {len(HEADER)} columns separated by ';', found {len(cells)}"
        unread.append(RowProblem(number, "(row)", detail))
        return None
    month, branch, audience, collection, loans = (cell.strip() for cell in cells)
    audience = AUDIENCES.get(audience.lower())
    if audience is None:
        unread.append(RowProblem(number, "audience", "write jeugd or volwassenen"))
    # Far more digits than any count would hold: int() of thousands is refused.
    whole = loans.isascii() and loans.isdigit() and len(loans) < 100
    if not whole:
        unread.append(RowProblem(number, "loans", WHOLE))
    return LoanRow(number=number, month=month, branch=branch.lower(),
                   audience=audience, collection=collection.lower(),
                   loans=int(loans) if whole else None)  # fmt: skip
