"""Offline tablet sync: a batch of check-ins and samples, each appended on its own.

Every item carries the client's event id, so a batch re-sent after a lost answer
or a partial failure writes each good item exactly once: an item already in the
log is answered as a duplicate with its original position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from app.api.checkins import Sessions, check_in
from app.api.recording import Appended
from app.api.samples import take_sample
from app.auth import CHECK_IN, requires
from app.errors import PersonalDataFound, flatten
from app.schemas.sync import (
    CheckInItemSchema,
    SyncAnswerSchema,
    SyncBatchSchema,
    VisitorItemSchema,
    WorkplaceItemSchema,
)
from events.store import EventIdConflict, WrongExpectedVersion

blp = Blueprint("sync", __name__, url_prefix="/sync", description="Offline tablet sync")

Handler = Callable[[dict[str, Any], Sessions], Appended]


def _checkin(data: dict[str, Any], sessions: Sessions) -> Appended:
    return check_in(data["session_id"], data, data["id"], sessions)


def _sample(kind: str) -> Handler:
    return lambda data, _: take_sample(kind, data, data["id"])


ITEMS: dict[str, tuple[type[Schema], Handler]] = {
    "checkin": (CheckInItemSchema, _checkin),
    "visitor_sample": (VisitorItemSchema, _sample("visitors")),
    "workplace_sample": (WorkplaceItemSchema, _sample("workplaces")),
}
# The field a refusal without its own field list is about.
REFUSED_FIELD = {
    404: "session_id",
    "event-id-reused": "id",
    "session-closed": "occurred_at",
}


def _apply(item: Any, sessions: Sessions) -> Appended:
    if not isinstance(item, dict):
        raise ValidationError({"(item)": ["must be an object"]})
    if item.get("kind") not in ITEMS:
        raise ValidationError({"kind": [f"must be one of: {', '.join(ITEMS)}"]})
    schema, handler = ITEMS[item["kind"]]
    return handler(schema().load(item), sessions)


def _refused(error: Exception) -> tuple[int, list[dict[str, str]]]:
    """The status and the named fields of an item's refusal."""
    if isinstance(error, ValidationError):
        return 422, list(flatten(error.messages, "json"))
    if isinstance(error, PersonalDataFound):
        return 422, [
            {
                "field": f.field,
                "in": "json",
                "detail": f"contains personal data ({f.kind})",
            }
            for f in error.findings
        ]
    if isinstance(error, HTTPException):
        data = getattr(error, "data", None) or {}
        field = REFUSED_FIELD.get(data.get("kind")) or REFUSED_FIELD.get(error.code)
        detail = data.get("message") or error.description
        return error.code, data.get("errors") or [
            {"field": field or "(item)", "in": "json", "detail": detail}
        ]
    return 409, [{"field": "id", "in": "json", "detail": str(error)}]


def sync_item(item: Any, sessions: Sessions) -> dict[str, Any]:
    """One item appended on its own: its status, position or named errors."""
    item_id = item.get("id") if isinstance(item, dict) else None
    try:
        result = _apply(item, sessions).result
    except (ValidationError, PersonalDataFound, HTTPException,
            EventIdConflict, WrongExpectedVersion) as error:  # fmt: skip
        status, errors = _refused(error)
        return {"id": item_id, "status": status, "errors": errors}
    if result.replayed:
        return {"id": item_id, "status": 200, "duplicate": True,
                "position": result.positions[0]}  # fmt: skip
    return {"id": item_id, "status": 201, "position": result.positions[0]}


@blp.route("/batch")
class Batch(MethodView):
    @requires(*CHECK_IN)
    @blp.arguments(SyncBatchSchema)
    @blp.response(200, SyncAnswerSchema)
    def post(self, batch):
        """Sync what a tablet recorded offline: each item stands or falls alone."""
        sessions = Sessions()
        return {"results": [sync_item(item, sessions) for item in batch["items"]]}
