"""Activities, schools, communities, partners, communication: rules without Flask."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from app.agreements import load_all
from app.commands import Caller, Conflict, Invalid, NotFound, Services
from app.commands import activities as act
from app.commands.communications import CommunicationItem, publish
from app.commands.communities import (
    Community,
    Meeting,
    end_community,
    hold_meeting,
    register_community,
)
from app.commands.lifespans import Ending
from app.commands.partners import Partnership, join, leave
from app.commands.schools import AdviceConversation, SchoolLesson, record_lesson
from app.commands.writing import CONTEXT
from events import outreach
from events.activities import ActivityPlanned
from events.store import SqlEventStore, create_store_engine
from tests.support.databases import sqlite_url

NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)
STAFF = Caller(account_id="u1", role="staff", municipality="heemstede")
PLAN = act.Plan(
    title="Voorlezen",
    kind="reading_aloud",
    goal_codes=["1.2"],
    target_group="children",
    age_band="4-11",
    starts_at=datetime(2025, 3, 20, 13, 0, tzinfo=UTC),
    ends_at=datetime(2025, 3, 20, 14, 0, tzinfo=UTC),
)


def at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    url = sqlite_url(tmp_path_factory.mktemp("outreach"))
    store = SqlEventStore(create_store_engine(url))
    return Services(store=store, agreements=load_all(), clock=lambda: NOW)


def planned(services: Services) -> int:
    return len(services.store.read_types([ActivityPlanned.TYPE], limit=10_000))


def change(**fields) -> act.PlanChange:
    return act.PlanChange(**{**dataclasses.asdict(PLAN), **fields})


class TestActivities:
    def test_an_unknown_goal_code_is_refused_by_field_and_nothing_written(
        self, services
    ):
        before = planned(services)
        plan = dataclasses.replace(PLAN, goal_codes=["1.2", "9.9"])
        with pytest.raises(Invalid) as refused:
            act.plan_activity(services, STAFF, plan)
        detail = refused.value.fields["goal_codes"]
        assert detail.startswith("unknown goal code at index 1 (")
        assert "9.9" not in detail
        assert planned(services) == before

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"ends_at": at(3, 20).replace(hour=12)}, "ends_at"),
            ({"starts_at": datetime(2023, 12, 31, 12, tzinfo=UTC)}, "starts_at"),
            ({"ends_at": datetime(2028, 1, 2, tzinfo=UTC)}, "ends_at"),
        ],
    )
    def test_both_ends_lie_inside_the_agreement_in_order(self, services, fields, field):
        with pytest.raises(Invalid) as refused:
            act.plan_activity(services, STAFF, dataclasses.replace(PLAN, **fields))
        assert list(refused.value.fields) == [field]

    def test_a_code_given_twice_counts_once(self, services):
        plan = dataclasses.replace(PLAN, goal_codes=["3.2", "1.2", "3.2"])
        recorded = act.plan_activity(services, STAFF, plan)
        [event] = services.store.read_stream(f"activity-{recorded.id}")
        assert event.data["goal_codes"] == ["3.2", "1.2"]
        assert event.data["starts_at"] == "2025-03-20T13:00:00+00:00"

    def test_a_cancelled_activity_is_neither_changed_nor_cancelled_again(
        self, services
    ):
        activity_id = act.plan_activity(services, STAFF, PLAN).id
        act.cancel_activity(services, STAFF, activity_id, act.Cancellation())
        with pytest.raises(Conflict) as refused:
            act.change_activity(services, STAFF, activity_id, change(title="Later"))
        assert refused.value.kind == "cancelled"
        with pytest.raises(Conflict):
            act.cancel_activity(services, STAFF, activity_id, act.Cancellation())
        assert act.activity_in_reach(services, STAFF, activity_id).version == 2

    def test_a_stale_version_is_a_conflict(self, services):
        activity_id = act.plan_activity(services, STAFF, PLAN).id
        act.change_activity(services, STAFF, activity_id, change(expected_version=1))
        with pytest.raises(Conflict) as refused:
            act.change_activity(
                services, STAFF, activity_id, change(expected_version=1)
            )
        assert refused.value.kind == "version-conflict"

    def test_another_municipality_finds_no_activity(self, services):
        activity_id = act.plan_activity(services, STAFF, PLAN).id
        other = Caller(account_id="u2", role="staff", municipality="zandvoort")
        with pytest.raises(NotFound):
            act.activity_in_reach(services, other, activity_id)


class TestOutreach:
    def test_uncounted_pupils_are_classes_times_the_average_class(self, services):
        lesson = SchoolLesson(school="De Evenaar", school_kind="primary",
                              grade="groep 5", classes=2)  # fmt: skip
        recorded = record_lesson(services, STAFF, lesson)
        [event] = services.store.read_stream(f"school-lesson-{recorded.id}")
        assert (event.data["pupils"], event.data["pupils_estimated"]) == (46, True)

    def test_an_ended_community_holds_no_meeting_after_its_end(self, services):
        community = Community(name="Breiclub", target_group="seniors",
                              occurred_at=at(1, 10))  # fmt: skip
        community_id = register_community(services, STAFF, community).id
        end_community(services, STAFF, community_id, Ending(occurred_at=at(3, 1)))
        meeting = Meeting(participants=8, organised_by_community=True,
                          open_to_others=False, occurred_at=at(3, 5))  # fmt: skip
        with pytest.raises(Conflict) as refused:
            hold_meeting(services, STAFF, community_id, meeting)
        assert refused.value.kind == "ended"
        early = dataclasses.replace(meeting, occurred_at=at(1, 5))
        with pytest.raises(Invalid) as invalid:
            hold_meeting(services, STAFF, community_id, early)
        assert list(invalid.value.fields) == ["occurred_at"]

    def test_a_partner_cannot_leave_before_it_joined(self, services):
        partner = Partnership(organisation="WIJ Heemstede", kind="welfare",
                              goal_codes=["2.2"], occurred_at=at(2, 1))  # fmt: skip
        partner_id = join(services, STAFF, partner).id
        with pytest.raises(Invalid) as refused:
            leave(services, STAFF, partner_id, Ending(occurred_at=at(1, 20)))
        assert list(refused.value.fields) == ["occurred_at"]

    def test_an_item_published_outside_the_agreement_is_refused(self, services):
        item = CommunicationItem(channel="website", title="Nieuws",
                                 published_on=date(2028, 1, 1))  # fmt: skip
        with pytest.raises(Invalid) as refused:
            publish(services, STAFF, item)
        assert list(refused.value.fields) == ["published_on"]


@pytest.mark.parametrize(
    ("input_type", "event_type", "derived"),
    [
        (act.Plan, ActivityPlanned, set()),
        (act.PlanChange, ActivityPlanned, {"expected_version"}),
        (SchoolLesson, outreach.SchoolLessonGiven, set()),
        (AdviceConversation, outreach.AdviceConversationHeld, set()),
        (Community, outreach.CommunityRegistered, set()),
        (Meeting, outreach.CommunityMeetingHeld, set()),
        (Partnership, outreach.PartnerJoined, set()),
        (CommunicationItem, outreach.CommunicationPublished, set()),
    ],
)
def test_every_input_field_is_carried_by_the_event(input_type, event_type, derived):
    fields = {f.name for f in dataclasses.fields(input_type)} - CONTEXT - derived
    assert fields <= set(event_type.__dataclass_fields__)
