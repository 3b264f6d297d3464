"""An offline tablet's session: opened, checked in to, retracted and closed by batch.

Every item's id is the id of the event it writes, so a batch sent again after a
lost answer, or cut in two and sent with overlap, writes each thing once.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from app.accounts import create_account
from app.commands import sessions
from events import Metadata, NewEvent
from events.activities import ParticipantCheckedIn
from tests.api.test_activities import PLAN, events_of, haarlem, plan, put  # noqa: F401
from tests.api.test_goals import indicator, progress, project
from tests.api.test_sessions import CHECK_IN, SESSION_TYPES, state
from tests.api.test_sync import sync

OPENED = datetime.fromisoformat("2025-03-14T14:00:00+01:00")
N = 6


def at(minutes: float) -> str:
    return (OPENED + timedelta(minutes=minutes)).isoformat()


def item(kind, minutes, **fields):
    return {"id": str(uuid.uuid4()), "kind": kind, "occurred_at": at(minutes),
            **fields}  # fmt: skip


def opening(activity_id, session_id=None, minutes=0):
    return item("session_open", minutes, activity_id=activity_id,
                session_id=session_id or uuid.uuid4().hex)  # fmt: skip


def tap(session_id, minutes, **change):
    return item("checkin", minutes, session_id=session_id, **{**CHECK_IN, **change})


def offline(activity_id, taps=N):
    """A session kept offline: open, `taps` check-ins, the first retracted, close."""
    opened = opening(activity_id)
    sid = opened["session_id"]
    checkins = [tap(sid, 1 + i) for i in range(taps)]
    retract = item("checkin_retract", taps + 2, session_id=sid,
                   checkin_id=checkins[0]["id"])  # fmt: skip
    close = item("session_close", taps + 3, session_id=sid, tickets_issued=taps)
    return sid, [opened, *checkins, retract, close]


def stored(app) -> Counter:
    return Counter(e.type for e in events_of(app, *SESSION_TYPES))


WHOLE = Counter(SessionOpened=1, ParticipantCheckedIn=N, RecordRetracted=1,
                SessionClosed=1)  # fmt: skip


@pytest.fixture
def activity_id(api):
    return plan(api)  # goals 1.2 and 4.2


@pytest.fixture
def second_tablet(api):
    """Another tablet account of the same branch."""
    engine = api.app.extensions["store"].engine
    spec = {"role": "tablet", "municipality": "heemstede", "branch": "heemstede"}
    api.tokens["tablet-2"] = create_account(engine, "test-tablet-2", **spec)[1]
    return "tablet-2"


class TestOneBatch:
    def test_open_check_ins_a_retraction_and_the_close_each_land_once(
        self, api, app, activity_id
    ):
        sid, items = offline(activity_id)
        results = sync(api, items)
        assert [(r["id"], r["status"]) for r in results] == [
            (i["id"], 201) for i in items
        ]
        written = events_of(app, *SESSION_TYPES)
        assert [str(e.event_id) for e in written] == [i["id"] for i in items]
        assert [r["position"] for r in results] == [e.position for e in written]
        assert {e.stream_id for e in written} == {f"session-{sid}"}
        opened, retraction = written[0], written[-2]
        assert opened.data["goal_codes"] == ["1.2", "4.2"]
        assert opened.data["activity_id"] == activity_id
        assert opened.occurred_at == OPENED
        assert retraction.data["retracted_event_id"] == items[1]["id"]
        shown = state(api, sid)
        assert (shown["status"], shown["checkins"], shown["participants"]) == (
            "closed", N - 1, N - 1,
        )  # fmt: skip
        assert shown["tickets_issued"] == N
        assert datetime.fromisoformat(shown["closed_at"]) == OPENED + timedelta(
            minutes=N + 3
        )
        assert all(e.metadata.device.startswith("tablet:") for e in written)

    def test_the_same_batch_sent_again_is_all_duplicates(self, api, app, activity_id):
        sid, items = offline(activity_id)
        first = sync(api, items)
        again = sync(api, items)
        assert again == [
            {"id": r["id"], "status": 200, "duplicate": True,
             "position": r["position"]}
            for r in first
        ]  # fmt: skip
        assert stored(app) == WHOLE
        assert state(api, sid)["checkins"] == N - 1

    @pytest.mark.parametrize(
        ("cut", "overlap"),
        [(1, 1), (4, 2), (N + 1, 3), (N + 2, 1), (N + 3, N + 3)],
        ids=["after-open", "among-taps", "before-retract", "before-close", "all"],
    )
    def test_a_batch_cut_in_two_and_sent_with_overlap(
        self, api, app, activity_id, cut, overlap
    ):
        sid, items = offline(activity_id)
        first = sync(api, items[:cut])
        second = sync(api, items[cut - overlap :])
        assert [r["status"] for r in first] == [201] * cut
        assert [r["status"] for r in second] == (
            [200] * overlap + [201] * (len(items) - cut)
        )
        positions = {r["id"]: r["position"] for r in first}
        assert all(r["position"] == positions[r["id"]] for r in second[:overlap])
        assert stored(app) == WHOLE
        assert state(api, sid)["checkins"] == N - 1

    def test_the_goals_progress_counts_n_minus_one_once_projected(
        self, api, app, activity_id
    ):
        _, items = offline(activity_id)
        sync(api, items)
        sync(api, items)  # the answer was lost: sent again
        project(app)
        for goal in ("1.2", "4.2"):
            body = progress(api, goal, period="2025-H1")
            assert indicator(body, "participants")["value"] == N - 1, goal
            assert indicator(body, "sessions")["value"] == 1, goal


class TestInOrder:
    def test_a_check_in_before_its_session_is_opened_is_404_then_taken(
        self, api, activity_id
    ):
        opened = opening(activity_id)
        sid = opened["session_id"]
        early, late = tap(sid, 1), tap(sid, 2)
        results = sync(api, [early, opened, late, early])
        assert [r["status"] for r in results] == [404, 201, 201, 201]
        assert results[0]["errors"][0]["field"] == "session_id"
        assert state(api, sid)["checkins"] == 2

    def test_a_close_in_the_batch_holds_the_check_ins_after_it(self, api, activity_id):
        opened = opening(activity_id)
        sid = opened["session_id"]
        close = item("session_close", 30, session_id=sid)
        items = [opened, tap(sid, 5), close, tap(sid, 29), tap(sid, 31)]
        results = sync(api, items)
        assert [r["status"] for r in results] == [201, 201, 201, 201, 409]
        assert results[4]["errors"][0]["field"] == "occurred_at"
        assert state(api, sid)["checkins"] == 2

    def test_a_session_opened_online_takes_offline_items(self, api, activity_id):
        sid = api.post("/sessions", {"activity_id": activity_id,
                                     "occurred_at": at(0)}).json["id"]  # fmt: skip
        checkin = tap(sid, 1)
        retract = item("checkin_retract", 2, session_id=sid,
                       checkin_id=checkin["id"])  # fmt: skip
        close = item("session_close", 3, session_id=sid, headcount=12)
        results = sync(api, [checkin, tap(sid, 1.5), retract, close])
        assert [r["status"] for r in results] == [201] * 4
        shown = state(api, sid)
        assert (shown["checkins"], shown["participants"]) == (1, 12)


class TestTwoTablets:
    def test_interleaved_batches_to_one_session_all_land(
        self, api, app, activity_id, second_tablet
    ):
        opened = opening(activity_id)
        sid = opened["session_id"]
        ours = [tap(sid, 1 + i) for i in range(5)]
        theirs = [tap(sid, 1.5 + i, role="parent", age_band="30-64")
                  for i in range(5)]  # fmt: skip
        batches = [
            ("tablet", [opened, *ours[:2]]),
            (second_tablet, theirs[:3]),
            ("tablet", ours[1:4]),  # one sent before, its answer lost
            (second_tablet, theirs[2:]),
            ("tablet", [*ours[4:], item("session_close", 10, session_id=sid)]),
        ]
        for who, batch in batches:
            assert {r["status"] for r in sync(api, batch, as_=who)} <= {200, 201}
        shown = state(api, sid)
        assert shown["checkins"] == 10
        assert shown["by_role"] == {"child": 5, "parent": 5}
        devices = Counter(e.metadata.device
                          for e in events_of(app, "ParticipantCheckedIn"))  # fmt: skip
        assert sorted(devices.values()) == [5, 5]

    def test_concurrent_batches_to_one_session_all_land(
        self, api, activity_id, second_tablet
    ):
        opened = opening(activity_id)
        sid = opened["session_id"]
        sync(api, [opened])
        tablets = ["tablet", second_tablet]
        start = threading.Barrier(len(tablets))

        def send(who: str) -> list[int]:
            client = api.app.test_client()
            start.wait()
            statuses = []
            for batch in range(4):
                items = [tap(sid, 1 + batch) for _ in range(5)]
                response = client.post("/api/v1/sync/batch", json={"items": items},
                                       headers=api.headers(who, None))  # fmt: skip
                statuses += [r["status"] for r in response.get_json()["results"]]
            return statuses

        with ThreadPoolExecutor(len(tablets)) as pool:
            answers = list(pool.map(send, tablets))
        assert answers == [[201] * 20] * 2
        assert state(api, sid)["checkins"] == 40

    def test_a_close_racing_a_check_in_is_tried_again(
        self, api, app, activity_id, monkeypatch
    ):
        """A check-in lands between the close's read and its append: the close
        reads the session again and lands after it, not refused."""
        opened = opening(activity_id)
        sid = opened["session_id"]
        sync(api, [opened])
        real, raced = sessions.session_in_reach, []

        def read_then_race(*args, **kwargs):
            session = real(*args, **kwargs)
            if not raced:
                raced.append(_append_check_in(app, sid))
            return session

        monkeypatch.setattr(sessions, "session_in_reach", read_then_race)
        [result] = sync(api, [item("session_close", 20, session_id=sid)])
        assert result["status"] == 201
        shown = state(api, sid)
        assert (shown["status"], shown["checkins"]) == ("closed", 1)


def _append_check_in(app, session_id: str) -> int:
    """Another tablet's check-in, straight into the store."""
    event = ParticipantCheckedIn(municipality="heemstede", branch="heemstede",
                                 session_id=session_id, role="child",
                                 age_band="4-11")  # fmt: skip
    new = NewEvent(type=event.TYPE, version=event.VERSION, data=event.to_data(),
                   occurred_at=OPENED + timedelta(minutes=10),
                   metadata=Metadata("tablet:other"))  # fmt: skip
    return app.extensions["store"].append(f"session-{session_id}", [new]).positions[0]


class TestOnce:
    def test_a_session_id_taken_is_409_naming_session_id(self, api, app, activity_id):
        opened = opening(activity_id)
        sync(api, [opened])
        other = {**opening(activity_id), "session_id": opened["session_id"]}
        [result] = sync(api, [other])
        assert result["status"] == 409
        assert result["errors"][0]["field"] == "session_id"
        assert stored(app) == Counter(SessionOpened=1)

    def test_an_item_id_reused_for_another_opening_is_409_naming_id(
        self, api, app, activity_id
    ):
        opened = opening(activity_id)
        sync(api, [opened])
        elsewhere = {**opened, "activity_id": plan(api)}
        [result] = sync(api, [elsewhere])
        assert (result["status"], result["errors"][0]["field"]) == (409, "id")
        assert stored(app) == Counter(SessionOpened=1)

    def test_an_opening_sent_again_after_its_activity_changed_is_a_duplicate(
        self, api, app, activity_id
    ):
        opened = opening(activity_id)
        [first] = sync(api, [opened])
        assert put(api, activity_id, {**PLAN, "goal_codes": ["3.2"]}).status_code == 201
        api.post(f"/activities/{activity_id}/cancel")
        [again] = sync(api, [opened])
        assert (again["status"], again["position"]) == (200, first["position"])
        [event] = events_of(app, "SessionOpened")
        assert event.data["goal_codes"] == ["1.2", "4.2"]  # as it was opened

    def test_another_close_is_409_and_the_same_close_a_duplicate(
        self, api, app, activity_id
    ):
        opened = opening(activity_id)
        sid = opened["session_id"]
        close = item("session_close", 30, session_id=sid, headcount=9)
        late = tap(sid, 10)  # taken before the close, synced after it
        other = item("session_close", 40, session_id=sid, headcount=11)
        results = sync(api, [opened, close, late, close, other])
        assert [r["status"] for r in results] == [201, 201, 201, 200, 409]
        assert results[3]["position"] == results[1]["position"]
        assert results[4]["errors"][0]["field"] == "session_id"
        [again] = sync(api, [close])
        assert (again["status"], again["position"]) == (200, results[1]["position"])
        rest = api.post(f"/sessions/{sid}/close", {"headcount": 11})
        assert (rest.status_code, rest.json["type"]) == (409, "/problems/closed")
        assert state(api, sid)["headcount"] == 9
        assert stored(app)["SessionClosed"] == 1

    def test_a_retraction_lands_once_and_another_is_409(self, api, app, activity_id):
        opened = opening(activity_id)
        sid = opened["session_id"]
        checkin = tap(sid, 1)
        retract = item("checkin_retract", 2, session_id=sid,
                       checkin_id=checkin["id"], reason="dubbel getikt")  # fmt: skip
        other = {**retract, "id": str(uuid.uuid4())}
        results = sync(api, [opened, checkin, retract, retract, other])
        assert [r["status"] for r in results] == [201, 201, 201, 200, 409]
        assert results[4]["errors"][0]["field"] == "checkin_id"
        path = f"/sessions/{sid}/checkins/{checkin['id']}/retract"
        assert api.post(path, as_="tablet").status_code == 409
        [event] = events_of(app, "RecordRetracted")
        assert (str(event.event_id), event.data["reason"]) == (
            retract["id"], "dubbel getikt",
        )  # fmt: skip
        assert state(api, sid)["checkins"] == 0

    def test_retracting_what_is_no_check_in_of_the_session_is_404(
        self, api, activity_id
    ):
        first, second = opening(activity_id), opening(activity_id)
        there = tap(second["session_id"], 1)
        sync(api, [first, second, there])
        sid = first["session_id"]
        items = [item("checkin_retract", 3, session_id=sid, checkin_id=ident)
                 for ident in (there["id"], str(uuid.uuid4()))]  # fmt: skip
        items.append(item("checkin_retract", 3, session_id="nope",
                          checkin_id=there["id"]))  # fmt: skip
        results = sync(api, items)
        assert [(r["status"], r["errors"][0]["field"]) for r in results] == [
            (404, "checkin_id"), (404, "checkin_id"), (404, "session_id"),
        ]  # fmt: skip


class TestRefused:
    @pytest.mark.parametrize(
        ("kind", "change", "field"),
        [
            ("session_open", {"session_id": None}, "session_id"),
            ("session_open", {"session_id": ""}, "session_id"),
            ("session_open", {"session_id": "a b"}, "session_id"),
            ("session_open", {"session_id": "x" * 65}, "session_id"),
            ("session_open", {"session_id": "sessie/1"}, "session_id"),
            ("session_open", {"activity_id": None}, "activity_id"),
            ("session_open", {"occurred_at": None}, "occurred_at"),
            ("session_open", {"headcount": 3}, "headcount"),
            ("session_close", {"headcount": -1}, "headcount"),
            ("session_close", {"tickets_issued": "7"}, "tickets_issued"),
            ("session_close", {"session_id": None}, "session_id"),
            ("checkin_retract", {"checkin_id": "not-a-uuid"}, "checkin_id"),
            ("checkin_retract", {"checkin_id": None}, "checkin_id"),
            ("checkin_retract", {"reason": "mail jan@example.nl"}, "reason"),
        ],
    )
    def test_a_bad_item_is_refused_alone(
        self, api, app, activity_id, kind, change, field
    ):
        good = opening(activity_id)
        sid = good["session_id"]
        checkin = tap(sid, 1)
        base = {
            "session_open": opening(activity_id),
            "session_close": item("session_close", 5, session_id=sid),
            "checkin_retract": item("checkin_retract", 5, session_id=sid,
                                    checkin_id=checkin["id"]),
        }[kind]  # fmt: skip
        results = sync(api, [good, checkin, {**base, **change}])
        assert [r["status"] for r in results] == [201, 201, 422], results
        assert field in [e["field"] for e in results[2]["errors"]]
        assert stored(app) == Counter(SessionOpened=1, ParticipantCheckedIn=1)

    def test_an_unknown_or_cancelled_activity_is_refused(self, api, app, activity_id):
        api.post(f"/activities/{activity_id}/cancel")
        results = sync(api, [opening("nope"), opening(activity_id)])
        assert [(r["status"], r["errors"][0]["field"]) for r in results] == [
            (404, "activity_id"), (409, "activity_id"),
        ]  # fmt: skip
        assert stored(app) == Counter()

    def test_another_branchs_activity_and_session_are_out_of_reach(
        self,
        api,
        app,
        haarlem,  # noqa: F811
    ):
        theirs = plan(api, as_="admin", branch=haarlem)
        results = sync(api, [opening(theirs)])
        assert (results[0]["status"], results[0]["errors"][0]["field"]) == (
            404, "activity_id",
        )  # fmt: skip
        sid = uuid.uuid4().hex
        body = {"activity_id": theirs, "branch": haarlem, "session_id": sid,
                "occurred_at": at(0)}  # fmt: skip
        assert api.post("/sessions", body, as_="admin").status_code == 201
        items = [tap(sid, 1), item("session_close", 2, session_id=sid)]
        assert [r["status"] for r in sync(api, items)] == [404, 404]
        # Its id is taken all the same: no tablet can open a session under it.
        [taken] = sync(api, [opening(plan(api), session_id=sid)])
        assert (taken["status"], taken["errors"][0]["field"]) == (409, "session_id")

    def test_a_viewer_may_not_sync_a_session(self, api, app, activity_id):
        _, items = offline(activity_id)
        response = api.post("/sync/batch", {"items": items}, as_="viewer")
        assert response.status_code == 403
        assert stored(app) == Counter()
