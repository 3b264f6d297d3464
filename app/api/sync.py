"""Offline tablet sync: a batch of session writes, check-ins and samples, in order.

Each item is appended on its own; a session opened by an item takes the
check-ins of the items after it.

Every item carries the client's event id, so a batch re-sent after a lost answer
or a partial failure writes each good item exactly once: an item already in the
log is answered as a duplicate with its original position.
"""

from __future__ import annotations

import logging
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy.exc import DataError

from app.auth import CHECK_IN, requires
from app.callers import caller, services
from app.commands import Refused
from app.commands.checkins import Sessions
from app.commands.sync import ITEMS
from app.errors import flatten, refusal
from app.schemas.derive import input_schema
from app.schemas.sync import SyncAnswerSchema, SyncBatchSchema
from events.store import EventIdConflict, PersonalDataFound, WrongExpectedVersion

log = logging.getLogger(__name__)
blp = Blueprint("sync", __name__, url_prefix="/sync", description="Offline tablet sync")


def _apply(item: Any, sessions: Sessions) -> Any:
    if not isinstance(item, dict):
        raise ValidationError({"(item)": ["must be an object"]})
    if item.get("kind") not in ITEMS:
        raise ValidationError({"kind": [f"must be one of: {', '.join(ITEMS)}"]})
    item_type, handler = ITEMS[item["kind"]]
    loaded = input_schema(item_type)().load({k: v for k, v in item.items()
                                            if k != "kind"})  # fmt: skip
    return handler(services(), caller(), loaded, sessions)


def sync_item(item: Any, sessions: Sessions) -> dict[str, Any]:
    """One item appended on its own: its status, position or named errors."""
    item_id = item.get("id") if isinstance(item, dict) else None
    try:
        result = _apply(item, sessions).result
    except ValidationError as error:
        errors = list(flatten(error.messages, "json"))
        return {"id": item_id, "status": 422, "errors": errors}
    except (Refused, PersonalDataFound, EventIdConflict,
            WrongExpectedVersion) as error:  # fmt: skip
        status, errors = refusal(error)
        return {"id": item_id, "status": status, "errors": errors}
    except DataError:
        # A value the database refuses that the schemas let through: this item
        # is refused; the items before it stay written, the ones after still run.
        log.warning("sync item refused by the database", exc_info=True)
        error = {"field": "(item)", "in": "json",
                 "detail": "holds a value that cannot be stored"}  # fmt: skip
        return {"id": item_id, "status": 422, "errors": [error]}
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
        sessions = Sessions(services(), caller())
        return {"results": [sync_item(item, sessions) for item in batch["items"]]}
