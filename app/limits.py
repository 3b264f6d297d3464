"""Limits on what a request may carry, checked before any view parses it.

- **Size.** A body above `MAX_BYTES` is answered 413 (Flask's
  MAX_CONTENT_LENGTH); the loan CSV import allows its 5 MB file
  (app/api/loans_csv.py) and some room for a form's boundaries.
- **Depth.** JSON nested deeper than `MAX_DEPTH` is answered 400 before it is
  parsed: Python's parser would recurse until a RecursionError.
- **Characters.** A query parameter or a path with a control character (a NUL
  byte, which PostgreSQL refuses in text) is answered 422 or 404. The JSON
  fields are checked by their schemas (app/schemas/common.py: Text).
"""

from __future__ import annotations

import re
from itertools import accumulate

from flask import Flask, Response, request

from app.errors import problem
from app.schemas.common import text_problem

MAX_BYTES = 2 * 1024 * 1024
LOANS_CSV_BYTES = 5 * 1024 * 1024 + 64 * 1024
LARGE_BODIES = {"counts.LoansImport": LOANS_CSV_BYTES}
MAX_DEPTH = 32

# A JSON string (its brackets are no nesting), and everything but a bracket.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[b] for b in brackets), default=0)


def _is_json() -> bool:
    mimetype = request.mimetype
    return mimetype == "application/json" or mimetype.endswith("+json")


def check_request() -> Response | None:
    """before_request: refuse a body too large or too deep, bad characters."""
    limit = LARGE_BODIES.get(request.endpoint or "")
    if limit:
        request.max_content_length = limit
    if _control_in_path():
        return problem(404, "Not Found", "No such resource.")
    errors = [
        {"field": name, "in": "query", "detail": reason}
        for name, value in request.args.items(multi=True)
        for reason in [text_problem(name) or text_problem(value)]
        if reason
    ]
    if errors:
        names = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Unprocessable Entity", f"Invalid input: {names}",
                       "validation", errors)  # fmt: skip
    if _is_json() and request.method in {"POST", "PUT", "PATCH"}:
        depth = json_depth(request.get_data(cache=True))  # 413 above the limit
        if depth > MAX_DEPTH:
            detail = f"The JSON nests {depth} levels deep; at most {MAX_DEPTH}."
            errors = [{"field": "(body)", "in": "json", "detail": detail}]
            return problem(400, "Bad Request", detail, "validation", errors)
    return None


def _control_in_path() -> bool:
    return text_problem(request.path) is not None


def init_app(app: Flask) -> None:
    """The size limit (413 problem+json, as every HTTP error), and the check of
    every request before its view."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BYTES
    app.before_request(check_request)
