"""The event feed for integrations: the log in position order, page by page.

Appends are serialised (events/store/postgres.py), so positions become visible
in order and a reader paging by `after` never skips one that commits late.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth import READERS, current_account, requires
from events import RecordedEvent

blp = Blueprint(
    "feed",
    __name__,
    url_prefix="/events",
    description="The event feed for integrations",
)

# A reader bound to a municipality skips the others' events; this many are read
# at most per request, so a page may hold fewer than `limit` before the head.
SCAN_BATCH = 500
MAX_BATCHES = 20
MAX_POSITION = 2**63 - 1  # a BIGINT


class FeedQuerySchema(Schema):
    """?after=0&limit=100"""

    after = fields.Integer(
        load_default=0,
        validate=validate.Range(0, MAX_POSITION),
        metadata={"description": "The last position already read (0: from the start)."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class FeedMetadataSchema(Schema):
    actor = fields.String()
    device = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    causation_id = fields.String(allow_none=True)
    source = fields.String(
        metadata={"description": "live, backdated or imported: how it was recorded"}
    )


class FeedEventSchema(Schema):
    position = fields.Integer()
    event_id = fields.UUID()
    stream_id = fields.String()
    stream_version = fields.Integer()
    type = fields.String()
    version = fields.Integer()
    data = fields.Dict()
    occurred_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()
    metadata = fields.Nested(FeedMetadataSchema)


class FeedPageSchema(Schema):
    """One page of the feed.

    A page may hold fewer than `limit` events, even none, before the head: an
    account bound to a municipality skips the others' events. Page on while
    `next_after` is below `head`.
    """

    events = fields.List(fields.Nested(FeedEventSchema))
    next_after = fields.Integer(
        metadata={"description": "Send as `after` for the next page."}
    )
    head = fields.Integer(metadata={"description": "The log's last position."})


@blp.route("")
class Feed(MethodView):
    @requires(*READERS)
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, FeedPageSchema)
    def get(self, query):
        """Events after a position, in log order; page on with `next_after`."""
        municipality = current_account().municipality
        events, next_after = _page(query["after"], query["limit"], municipality)
        head = current_app.extensions["store"].head()
        return {"events": events, "next_after": next_after, "head": head}


def _page(
    after: int, limit: int, municipality: str | None
) -> tuple[list[RecordedEvent], int]:
    """Up to `limit` visible events after `after`, and the last position read."""
    store = current_app.extensions["store"]
    if municipality is None:
        events = store.read_all(after=after, limit=limit)
        return events, events[-1].position if events else after
    page: list[RecordedEvent] = []
    for _ in range(MAX_BATCHES):
        batch = store.read_all(after=after, limit=SCAN_BATCH)
        after = _take(batch, municipality, page, limit, after)
        if len(page) == limit or len(batch) < SCAN_BATCH:
            break
    return page, after


def _take(
    batch: list[RecordedEvent], municipality: str, page: list, limit: int, after: int
) -> int:
    """Add a batch's events of the municipality to the page, up to `limit`.

    Returns the last position passed: the page's last event when it fills up,
    else the batch's last, whether visible or not.
    """
    for event in batch:
        after = event.position
        if event.data.get("municipality") == municipality:
            page.append(event)
            if len(page) == limit:
                break
    return after
