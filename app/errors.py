"""Every error as application/problem+json (RFC 9457), naming each bad field.

flask-smorest routes every HTTPException through `handle_http_exception`; the
subclass below gives it the problem shape. Domain refusals (version conflicts,
reused ids, personal data) are mapped to 409 and 422 here too, so no view needs
its own try/except.
"""

from __future__ import annotations

import http
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
from flask import Flask, Response, json
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from app.commands.errors import Conflict, Invalid, NotFound, Refused
from app.commands.uploads import RowsRefused
from events.store import (
    EventIdConflict,
    PersonalDataFound,
    StreamContended,
    WrongExpectedVersion,
)

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"

# How long a client should wait before retrying when the database is away.
DATABASE_RETRY_AFTER = "5"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    kind: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": f"/problems/{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    response.headers.update(headers or {})
    return response


def flatten(messages: Any, location: str, path: str = "") -> Iterator[dict[str, str]]:
    """webargs' nested {field: [messages]} as a flat list naming each field."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = path if key == "_schema" else f"{path}.{key}" if path else str(key)
            yield from flatten(value, location, name)
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, dict | list):
                yield from flatten(message, location, path)
            else:
                yield {"field": path or "(body)", "in": location, "detail": message}
    else:
        yield {"field": path or "(body)", "in": location, "detail": str(messages)}


class FieldErrorSchema(Schema):
    field = fields.String(metadata={"description": "The bad field, dotted"})
    detail = fields.String()
    row = fields.Integer(metadata={"description": "The file row, for imports"})
    location = fields.String(data_key="in", metadata={"description": "json, query"})


class ProblemSchema(Schema):
    """An RFC 9457 problem: what went wrong, and each bad field."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as problem+json, and saying so."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        # As flask-smorest's, but errors are documented as application/problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
        if isinstance(error, InternalServerError):
            log.exception("unhandled error", exc_info=error.original_exception)
        data = getattr(error, "data", None) or {}
        errors: list[dict[str, str]] = []
        for location, messages in (data.get("messages") or {}).items():
            errors.extend(flatten(messages, location))
        errors.extend(data.get("errors") or [])
        return problem(
            error.code or 500,
            error.name,
            detail=data.get("message") or _default_detail(error, errors),
            kind="validation" if errors else data.get("kind"),
            errors=errors,
            headers=data.get("headers") or {},
        )


def _default_detail(error: HTTPException, errors: list[dict[str, str]]) -> str:
    if errors:
        names = ", ".join(sorted({e["field"] for e in errors}))
        return f"Invalid input: {names}"
    return error.description or error.name


PERSONAL = "Personal data is never recorded: remove it and send again."
# The store's own messages name streams and ids a client made: never echoed.
REUSED = "This id was used before for a different record."
BUSY = "The record is busy with other writes. Try again shortly."


def refusal(error: Exception) -> tuple[int, list[dict[str, str]]]:
    """A command's or the store's refusal: its status and the fields it names.

    The one mapping of refusals: the API's error answers and each item of an
    offline batch both use it.
    """
    if isinstance(error, Invalid):
        return 422, [{"field": f, "in": "json", "detail": d}
                     for f, d in error.fields.items()]  # fmt: skip
    if isinstance(error, PersonalDataFound):
        return 422, [
            {"field": f.field, "in": "json",
             "detail": f"contains personal data ({f.kind})"}
            for f in error.findings
        ]  # fmt: skip
    if isinstance(error, RowsRefused):
        return 422, [{"row": p.row, "field": p.field, "in": "body",
                      "detail": p.detail} for p in error.problems]  # fmt: skip
    if isinstance(error, NotFound | Conflict):
        field = error.field or "(item)"
        return error.status, [{"field": field, "in": "json", "detail": error.message}]
    if isinstance(error, Refused):
        return error.status, []
    if isinstance(error, WrongExpectedVersion):
        return 409, [{"field": "id", "in": "json", "detail": changed(error)}]
    return 409, [{"field": "id", "in": "json", "detail": REUSED}]


def changed(error: WrongExpectedVersion) -> str:
    return (f"The record changed meanwhile: it is at version {error.actual}, "
            f"not {error.expected}. Read it again.")  # fmt: skip


def register_domain_errors(app: Flask) -> None:
    """Map the commands', the store's and the screen's refusals to problem+json."""

    @app.errorhandler(Refused)
    def _refused(error: Refused) -> Response:
        status, errors = refusal(error)
        status_name = http.HTTPStatus(status).phrase
        if isinstance(error, NotFound | Conflict):
            return problem(status, status_name, error.message, error.kind)
        return problem(status, status_name, error.message, error.kind, errors)

    @app.errorhandler(WrongExpectedVersion)
    def _version(error: WrongExpectedVersion) -> Response:
        return problem(409, "Conflict", changed(error), kind="version-conflict")

    @app.errorhandler(EventIdConflict)
    def _event_id(error: EventIdConflict) -> Response:
        return problem(409, "Conflict", REUSED, kind="event-id-reused")

    @app.errorhandler(StreamContended)
    def _contended(error: StreamContended) -> Response:
        return problem(503, "Busy", BUSY, kind="busy", headers={"Retry-After": "1"})

    @app.errorhandler(PersonalDataFound)
    def _personal(error: PersonalDataFound) -> Response:
        _, errors = refusal(error)
        return problem(422, "Personal data", PERSONAL, "personal-data", errors)

    register_database_errors(app)


def database_unavailable(error: Exception) -> bool:
    """Is this the database being away (down, frozen, cut off, too slow)?

    Connection failures, lost connections, timeouts and cancelled statements
    (statement_timeout) are, and so is SQLite's "database is locked" (another
    writer held the lock past the busy timeout); a refused constraint or a bad
    query is not.
    """
    if isinstance(error, psycopg.OperationalError | PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        return (
            error.connection_invalidated
            or isinstance(error.orig, psycopg.OperationalError)
            or _sqlite_locked(error.orig)
        )
    return _sqlite_locked(error)


def _sqlite_locked(error: BaseException) -> bool:
    # "database is locked", "database table is locked": SQLITE_BUSY, SQLITE_LOCKED.
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def register_database_errors(app: Flask) -> None:
    """A database that is away: 503 problem+json with Retry-After, never a 500.

    Also for the before_request hooks (the account and idempotency lookups),
    whose errors reach these handlers too. The driver's text stays in the log.
    """

    def _unavailable(error: Exception) -> Response:
        if not database_unavailable(error):
            raise error  # any other database error stays a 500
        log.warning("database unavailable: %s", error.__class__.__name__,
                    exc_info=error)  # fmt: skip
        detail = "The database is not available. Try again shortly."
        headers = {"Retry-After": DATABASE_RETRY_AFTER}
        return problem(503, "Service Unavailable", detail, "database-unavailable",
                       headers=headers)  # fmt: skip

    for kind in (DBAPIError, psycopg.OperationalError, sqlite3.OperationalError,
                 PoolTimeout):  # fmt: skip
        app.register_error_handler(kind, _unavailable)
