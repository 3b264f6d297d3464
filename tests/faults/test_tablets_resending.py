"""50 tablets re-sending overlapping offline batches at once: every check-in
the server acknowledged is in the log once, and each session's figure is
exactly its tablet's check-ins (DESIGN invariant 3, by the items' client ids)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest

from tests.support.processes import wait_for
from tests.support.reliability import compare, mark, session_checkins, stored_marks
from tests.support.retrying_client import Ledger, RetryingClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

FAULT = "tablets-resending"
MONTH = "2025-04"
TABLETS = 50
CHECKINS = 8  # per tablet, each in several of its batches
# Each tablet's batches, as slices of its items (0: the session's opening):
# overlapping, and the second sent twice, as after an answer that was lost.
BATCHES = [(0, 5), (3, 7), (3, 7), (5, CHECKINS + 1)]
ACTIVITY = {
    "title": "Voorlezen op woensdag",
    "kind": "reading_aloud",
    "goal_codes": ["1.2", "4.2"],
    "target_group": "children",
    "age_band": "4-11",
    "starts_at": "2025-04-09T14:00:00+02:00",
    "ends_at": "2025-04-09T15:00:00+02:00",
}


def items(tablet: int, activity_id: str) -> list[dict]:
    """A tablet's session opening and its check-ins, each with its own moment."""
    session_id = uuid.uuid4().hex
    first = tablet * 100  # moments tablet*100 ... tablet*100 + CHECKINS
    opening = {"id": str(uuid.uuid4()), "kind": "session_open",
               "session_id": session_id, "activity_id": activity_id,
               "occurred_at": mark(MONTH, first).isoformat()}  # fmt: skip
    checkins = [
        {"id": str(uuid.uuid4()), "kind": "checkin", "session_id": session_id,
         "role": "child", "age_band": "4-11",
         "occurred_at": mark(MONTH, first + n).isoformat()}
        for n in range(1, CHECKINS + 1)
    ]  # fmt: skip
    return [opening, *checkins]


def test_fifty_tablets_resending_overlapping_batches_keep_each_checkin_once(stack):
    staff = RetryingClient(stack.api.url, stack.staff_token, Ledger())
    activity_id = staff.post("/activities", ACTIVITY, key=f"{FAULT}-plan").answer["id"]
    staff.close()
    tokens = [stack.account(f"{FAULT}-{t}", "tablet")[1] for t in range(TABLETS)]
    plans = [items(t, activity_id) for t in range(TABLETS)]
    ledger = Ledger()
    acknowledged: dict[str, str] = {}  # item id -> occurred_at, per 2xx item
    refused: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(TABLETS)

    def tablet(t: int) -> None:
        client = RetryingClient(stack.api.url, tokens[t], ledger)
        try:
            start.wait()
            for first, end in BATCHES:
                batch = plans[t][first:end]
                write = client.post("/sync/batch", {"items": batch}, key=None)
                for item, result in zip(batch, write.answer["results"], strict=True):
                    if result["status"] in (200, 201):
                        acknowledged[item["id"]] = item["occurred_at"]
                    else:
                        refused.append(result)
        except BaseException as error:  # shown by the main thread
            errors.append(error)
        finally:
            client.close()

    began = time.monotonic()
    threads = [threading.Thread(target=tablet, args=(t,)) for t in range(TABLETS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    synced = time.monotonic() - began
    assert not errors, errors[:3]
    assert not refused, refused[:3]

    sessions = {plan[0]["session_id"] for plan in plans}
    wait_for(stack.caught_up, 120, "the projections to catch up")
    marks = [datetime.fromisoformat(at).astimezone(UTC) for at in acknowledged.values()]
    stored = stored_marks(stack.engine, "ParticipantCheckedIn", MONTH)
    stored += stored_marks(stack.engine, "SessionOpened", MONTH)
    outcome = compare(FAULT, marks, stored)
    outcome.details = {
        "tablets": TABLETS,
        "batches_sent": len(ledger.writes),
        "items_sent": TABLETS * sum(end - first for first, end in BATCHES),
        "statuses": ledger.statuses(),
        "seconds_to_sync_all": round(synced, 2),
        "sessions_with_exact_figure": sum(
            1 for n in session_checkins(stack.engine, sessions).values()
            if n == CHECKINS
        ),
    }  # fmt: skip
    outcome.save()
    assert outcome.acknowledged == TABLETS * (CHECKINS + 1)
    assert outcome.stored == TABLETS * (CHECKINS + 1)
    assert (outcome.duplicates, outcome.lost) == (0, 0)
    assert session_checkins(stack.engine, sessions) == dict.fromkeys(sessions, CHECKINS)
