"""Issue #4: a half year posted through the API, counted by a real Celery worker.

A seeded generator posts a few hundred records of 2025-H1 (and a few just
outside it) for Heemstede through the API while `celery worker` runs on a private
Redis and PostgreSQL. When the worker has caught up with the log, every indicator
of every goal of the agreement must show what the test's own tally of the posted
records says: the value, its months, its split by dimension, a stock's value at
the start, an estimate and its interval.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from events.catalogue import load_agreement
from tests.support.api import ApiClient
from tests.support.half_year import PERIOD, Expected, HalfYear, tally
from tests.support.processes import wait_for

pytestmark = pytest.mark.slow

RUN = "workers.tasks.run_projections"
AGREEMENT = "heemstede-2024-2027"


@pytest.fixture
def setup(make_stack):
    stack = make_stack()
    return stack.app, stack.worker


def head(api: ApiClient) -> int:
    """The log's last position, as the event feed tells it."""
    return api.get("/events", after=0, limit=1).get_json()["head"]


def progress(api: ApiClient, goal: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"/goals/{goal}/progress", period=PERIOD, **params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def same(shown: float | None, expected: float | None) -> bool:
    if shown is None or expected is None:
        return shown is expected
    return math.isclose(shown, expected, rel_tol=1e-6, abs_tol=1e-9)


def same_map(shown: dict[str, float], expected: dict[str, float]) -> bool:
    return shown.keys() == expected.keys() and all(
        same(shown[k], expected[k]) for k in shown
    )


def differences(shown: dict[str, Any], expected: Expected) -> list[str]:
    """How an indicator's figure in the API differs from the tally; [] if not."""
    found = []
    if not same(shown["value"], expected.value):
        found.append(f"value {shown['value']!r}, tally {expected.value!r}")
    if expected.months is not None and not same_map(shown["months"], expected.months):
        found.append(f"months {shown['months']}, tally {expected.months}")
    if expected.by_dimension is not None:
        # A split whose records were all retracted may stay behind as a 0.
        split = {
            name: {k: v for k, v in items.items() if v}
            for name, items in shown["by_dimension"].items()
        }
        split = {name: items for name, items in split.items() if items}
        wanted = {name: items for name, items in expected.by_dimension.items() if items}
        if split.keys() != wanted.keys() or not all(
            same_map(split[n], wanted[n]) for n in split
        ):
            found.append(f"by_dimension {split}, tally {wanted}")
    if shown["measure"] == "stock" and not same(shown["at_start"], expected.at_start):
        found.append(f"at_start {shown['at_start']!r}, tally {expected.at_start!r}")
    if expected.estimate is not None:
        made, interval = expected.estimate, shown["estimate"] or {}
        high = made.high if math.isfinite(made.high) else None
        if not (
            same(interval.get("low"), made.low)
            and same(interval.get("high"), high)
            and interval.get("samples") == made.samples
        ):
            found.append(
                f"estimate {interval}, tally low={made.low} high={high} "
                f"samples={made.samples}"
            )
    return found


def test_a_half_year_through_the_api_equals_an_independent_tally(setup):
    app, worker = setup
    api = ApiClient(app)
    agreement = load_agreement(AGREEMENT)
    # The worker runs while the records arrive: each append nudges it.
    worker.start()
    generator = HalfYear(api, agreement, seed=2025)
    record = generator.run()
    assert generator.requests >= 400
    expected = tally(record, agreement)

    app.extensions["celery"].send_task(RUN)
    last = head(api)
    wait_for(
        lambda: progress(api, "1.1")["position"] == last, 60, "the worker to catch up"
    )

    goals = api.get("/goals").get_json()
    codes = [g["code"] for a in goals["ambitions"] for g in a["goals"]]
    shown = {
        (goal, indicator["code"]): indicator
        for goal in codes
        for indicator in progress(api, goal)["indicators"]
    }
    # The same figures replayed from the log up to its head (`as_of`).
    replayed = {
        (goal, indicator["code"]): indicator
        for goal in codes
        for indicator in progress(api, goal, as_of=last)["indicators"]
    }
    declared = {(g.code, i.code) for g in agreement.goals for i in g.indicators}
    # Nothing is left out: every indicator of the agreement is shown and tallied.
    assert len(declared) == 37
    assert set(shown) == declared
    assert set(replayed) == declared
    assert set(expected) == declared
    # The generator gave every indicator something to count.
    assert all(e.value for e in expected.values()), [
        k for k, e in expected.items() if not e.value
    ]

    wrong = [
        f"{goal} {code} ({how}): {problem}"
        for (goal, code), figure in sorted(expected.items())
        for how, figures in (("live", shown), ("as_of", replayed))
        for problem in differences(figures[(goal, code)], figure)
    ]
    assert not wrong, "\n".join(wrong)
