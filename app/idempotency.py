"""Idempotency-Key on every write: a retry gets the first answer, never a new event.

Two layers make this hold. The ids a keyed command makes are derived from the
account and the key (app.commands.caller), so even two copies racing each other
append once (the store dedupes on event id). And the first 2xx answer is kept,
so a retry is answered byte for byte as the first time; the same key with
another body is a 409.

Keeping the answer comes after the write committed. If that fails (the
database went away in between), the client still gets its 2xx: the write
landed, and a retry finds the same events through the derived ids.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from flask import Response, current_app, g, request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.errors import problem
from events.store.tables import idempotency_keys

log = logging.getLogger(__name__)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
HEADER = "Idempotency-Key"


def _request_hash() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def replay_or_continue() -> Response | None:
    """before_request: answer a repeated key from the record, or note the key."""
    g.idempotency_key = None
    key = request.headers.get(HEADER)
    if key is None or request.method not in WRITES or g.get("account") is None:
        return None
    if not 1 <= len(key) <= 200:
        return problem(400, "Bad Request", f"{HEADER} must be 1-200 characters")
    query = select(idempotency_keys.c.request_hash, idempotency_keys.c.status,
                   idempotency_keys.c.body).where(
        idempotency_keys.c.account_id == g.account.account_id,
        idempotency_keys.c.key == key,
    )  # fmt: skip
    with current_app.extensions["store"].engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        g.idempotency_key = key
        g.request_hash = _request_hash()
        return None
    if row.request_hash != _request_hash():
        detail = f"This {HEADER} was used for a different request."
        return problem(409, "Conflict", detail, kind="idempotency-key-reused")
    response = Response(row.body, status=row.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(response: Response) -> Response:
    """after_request: keep the first successful answer to a keyed write."""
    key = g.get("idempotency_key")
    if key is None or not 200 <= response.status_code < 300:
        return response
    row = {
        "account_id": g.account.account_id,
        "key": key,
        "request_hash": g.request_hash,
        "status": response.status_code,
        "body": response.get_data(as_text=True),
        "created_at": datetime.now(UTC),
    }
    try:
        _keep(row)
    except IntegrityError:
        pass  # a concurrent copy of this request answered first, with the same events
    except SQLAlchemyError as error:
        # The write is committed: a 5xx now would tell the client it may not
        # be. Answer it; a retry runs the command again and lands on the same
        # event ids, so it gets the same record, not a second one.
        log.warning("idempotent answer not kept: %s", type(error).__name__)
    return response


def _keep(row: dict) -> None:
    with current_app.extensions["store"].engine.begin() as conn:
        conn.execute(insert(idempotency_keys), row)
