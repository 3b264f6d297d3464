"""A generated half year of records for Heemstede, and the tally it must add up to.

`HalfYear` posts a seeded half year (2025-H1, plus a few records just before and
after it) through the API, as staff and the tablet would, and keeps its own plain
record of what it posted. `tally` computes from that record alone, not from the
log or the read models, what every indicator of the agreement must show for
2025-H1. Visitor estimates are recomputed by `tests.support.estimate_tally`, the
method of docs/ESTIMATES.md written again without the estimator's code. Occupancy
is the one exception by design: its method is `events.figures.estimates`, so the
tally feeds it the workplace samples the generator posted.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.commands.ido import THEMES
from events.catalogue import Agreement
from events.figures import estimates
from tests.support.api import ApiClient
from tests.support.estimate_tally import Posted as PostedSample
from tests.support.estimate_tally import Tallied, visitor_estimate

ZONE = ZoneInfo("Europe/Amsterdam")
PERIOD = "2025-H1"
FIRST, END = date(2025, 1, 1), date(2025, 7, 1)  # [FIRST, END): the half year
MONTHS = [f"2025-{m:02d}" for m in range(1, 7)]
DISTRICTS = ("heemstede-centrum", "heemstede-zuid", "heemstede-overig")
SESSION_GOALS = ("1.2", "1.4", "2.2", "3.1", "3.2", "4.2", "4.3", "5.2", "5.3")
# The goals of the activities: each session goal alone, and some pairs.
GOAL_SETS = [[g] for g in SESSION_GOALS] + [
    ["1.2", "4.2"], ["1.4", "5.3"], ["3.1", "3.2"], ["2.2", "5.2"], ["1.2", "3.2"],
    ["4.3", "1.4"],
]  # fmt: skip
COLLECTIONS = {
    "youth": ("fiction", "non_fiction", "picture_books"),
    "adult": ("fiction", "non_fiction"),
}
LOAN_MONTHS = ["2024-12", *MONTHS, "2025-07"]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def month_of(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m")


def in_period(moment: datetime | date) -> bool:
    day = moment.astimezone(ZONE).date() if isinstance(moment, datetime) else moment
    return FIRST <= day < END


# -- what the generator posted -------------------------------------------------------


@dataclass
class CheckIn:
    checkin_id: str
    new_target_group: str | None
    district: str | None
    retracted: bool = False


@dataclass
class Session:
    goals: list[str]
    opened: datetime
    checkins: list[CheckIn] = field(default_factory=list)
    headcount: int | None = None  # the last one typed in, which wins


@dataclass
class Posted:
    """One dated record and the fields that count; retracted ones stay, marked."""

    when: datetime
    data: dict[str, Any]
    retracted: bool = False


@dataclass
class Lifespan:
    """A community or a partnership: when it began and, if it did, ended."""

    began: datetime
    data: dict[str, Any]
    ended: datetime | None = None


@dataclass
class Record:
    sessions: list[Session] = field(default_factory=list)
    lessons: list[Posted] = field(default_factory=list)
    advice: list[Posted] = field(default_factory=list)
    communities: list[Lifespan] = field(default_factory=list)
    meetings: list[Posted] = field(default_factory=list)
    partners: list[Lifespan] = field(default_factory=list)
    communications: list[Posted] = field(default_factory=list)
    questions: list[Posted] = field(default_factory=list)
    loans: dict[tuple[str, str, str], int] = field(default_factory=dict)
    members: dict[tuple[str, date], int] = field(default_factory=dict)
    visitors: list[Posted] = field(default_factory=list)
    workplaces: list[Posted] = field(default_factory=list)


# -- the generator -------------------------------------------------------------------


class HalfYear:
    """Posts a seeded half year through the API; `record` is what it posted."""

    def __init__(self, api: ApiClient, agreement: Agreement, seed: int) -> None:
        self.api = api
        self.rng = random.Random(seed)
        self.hours = agreement.branch("heemstede").opening_hours
        self.class_size = agreement.context.average_class_size
        self.record = Record()
        self.plans: dict[str, dict[str, Any]] = {}
        self.requests = 0

    def post(self, path: str, body: dict[str, Any], as_: str = "staff") -> str:
        """POST, insist on a 201, and return the record's id."""
        response = self.api.post(path, body, as_=as_)
        self.requests += 1
        assert response.status_code == 201, (path, body, response.get_json())
        return response.get_json()["id"]

    def run(self) -> Record:
        for step in (
            self.activities, self.lessons, self.advice, self.communities,
            self.partners, self.communications, self.questions, self.loans,
            self.memberships, self.visitor_samples, self.workplace_samples,
        ):  # fmt: skip
            step()
        return self.record

    # -- time ---------------------------------------------------------------------

    def stamp(self, moment: datetime) -> str:
        """ISO 8601 with an offset: local, or now and then the same moment in UTC."""
        return (
            moment.astimezone(UTC) if self.rng.random() < 0.3 else moment
        ).isoformat()

    def day(self, first: date = FIRST, last: date = END - timedelta(days=1)) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def moment(
        self, first: date = FIRST, last: date = END - timedelta(days=1)
    ) -> datetime:
        """A random minute between 09:00 and 21:00 on a day in [first, last]."""
        return local(
            self.day(first, last), self.rng.randint(9, 20), self.rng.randint(0, 59)
        )

    def open_window(self, minutes: int) -> datetime:
        """The start of a window of `minutes` inside Plein1's opening hours in H1."""
        while True:
            day = self.day()
            stretches = self.hours.get(day.isoweekday(), [])
            if not stretches:
                continue
            start, end = self.rng.choice(stretches)
            first = start.hour * 60 + start.minute
            last = end.hour * 60 + end.minute - minutes
            if last >= first:
                at = self.rng.randint(first, last)
                return local(day, at // 60, at % 60)

    # -- activities, sessions, check-ins ------------------------------------------

    def activities(self) -> None:
        rng = self.rng
        for goals in GOAL_SETS:
            activity = self.plan(goals, self.day())
            for _ in range(rng.randint(1, 3)):
                self.session(activity, goals, self.moment())
        # Sessions just outside the half year, for the period before and after.
        activity = self.plan(["1.2", "1.4"], date(2024, 12, 20))
        self.session(activity, ["1.2", "1.4"], local(date(2024, 12, 20), 15))
        # 23:40 on 30 June is June; 00:10 on 1 July (22:10 UTC) is not.
        self.session(
            activity, ["1.2", "1.4"], datetime(2025, 6, 30, 21, 40, tzinfo=UTC)
        )
        self.session(
            activity, ["1.2", "1.4"], datetime(2025, 6, 30, 22, 10, tzinfo=UTC)
        )
        # Goal codes are those of the plan when a session opens.
        first, later = ["3.2"], ["3.2", "5.3"]
        activity = self.plan(first, date(2025, 2, 1))
        self.session(activity, first, local(date(2025, 2, 3), 10))
        self.change(activity, {**self.plans[activity], "goal_codes": later})
        self.session(activity, later, local(date(2025, 4, 7), 10))

    def change(self, activity: str, plan: dict[str, Any]) -> None:
        """PUT a whole new plan (the test client has no `put` of its own)."""
        response = self.api.client.put(
            f"/api/v1/activities/{activity}",
            json=plan,
            headers=self.api.headers("staff", None),
        )
        self.requests += 1
        assert response.status_code == 201, (plan, response.get_json())
        self.plans[activity] = plan

    def plan(self, goals: list[str], day: date) -> str:
        rng = self.rng
        start = local(day, 10)
        body = {
            "title": f"Activiteit {rng.randint(1, 999)}",
            "kind": rng.choice(["reading_aloud", "language_cafe", "workshop"]),
            "goal_codes": goals,
            "target_group": rng.choice(["children", "adults", "newcomers", "everyone"]),
            "age_band": "all",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        }
        activity = self.post("/activities", body)
        self.plans[activity] = body
        return activity

    def session(self, activity: str, goals: list[str], opened: datetime) -> None:
        """Open, check in (live or synced from an offline tablet), retract, close."""
        rng = self.rng
        body = {"activity_id": activity, "occurred_at": self.stamp(opened)}
        session_id = self.post("/sessions", body, as_="tablet")
        session = Session(goals, opened)
        self.record.sessions.append(session)
        base = f"/sessions/{session_id}"
        bodies = [
            self.checkin(session, opened + timedelta(minutes=m + 1))
            for m in range(rng.randint(0, 9))
        ]
        if bodies and rng.random() < 0.25:
            items = [
                {**b, "kind": "checkin", "session_id": session_id, "id": c.checkin_id}
                for c, b in zip(session.checkins, bodies, strict=True)
            ]
            self.sync(items)
        else:
            for checkin, body in zip(session.checkins, bodies, strict=True):
                checkin.checkin_id = self.post(f"{base}/checkins", body, as_="tablet")
        # The typed headcount wins whenever it comes: before or after the close,
        # and a close without one keeps the one typed before.
        steps = [self.retractions, self.close, self.correct]
        rng.shuffle(steps)
        for step in steps:
            step(session, base)

    def checkin(self, session: Session, when: datetime) -> dict[str, Any]:
        rng = self.rng
        checkin = CheckIn(
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            rng.choice(["newcomer", "refugee"]) if rng.random() < 0.3 else None,
            rng.choice(DISTRICTS) if rng.random() < 0.4 else None,
        )
        session.checkins.append(checkin)
        body = {
            "role": rng.choice(["child", "parent", "adult"]),
            "age_band": rng.choice(["4-11", "30-64", "65+"]),
            "occurred_at": self.stamp(when),
        }
        if checkin.new_target_group:
            body["new_target_group"] = checkin.new_target_group
        if checkin.district:
            body["district"] = checkin.district
        return body

    def sync(self, items: list[dict[str, Any]]) -> None:
        """An offline tablet's batch; sent twice, as after a lost answer."""
        for status in (201, 200):
            response = self.api.post("/sync/batch", {"items": items}, as_="tablet")
            self.requests += 1
            assert response.status_code == 200, response.get_json()
            answers = response.get_json()["results"]
            assert [a["status"] for a in answers] == [status] * len(items), answers

    def retractions(self, session: Session, base: str) -> None:
        later = self.stamp(session.opened + timedelta(minutes=30))
        for checkin in session.checkins:
            if self.rng.random() < 0.12:
                path = f"{base}/checkins/{checkin.checkin_id}/retract"
                self.post(path, {"occurred_at": later}, as_="tablet")
                checkin.retracted = True

    def close(self, session: Session, base: str) -> None:
        if self.rng.random() < 0.5:
            body = {"occurred_at": self.stamp(session.opened + timedelta(hours=2))}
            if self.rng.random() < 0.5:
                body["headcount"] = session.headcount = self.rng.randint(0, 40)
            self.post(f"{base}/close", body, as_="tablet")

    def correct(self, session: Session, base: str) -> None:
        if self.rng.random() < 0.2:
            headcount = self.rng.randint(0, 40)
            body = {
                "headcount": headcount,
                "reason": "geteld",
                "occurred_at": self.stamp(session.opened + timedelta(hours=3)),
            }
            self.post(f"{base}/headcount", body)
            session.headcount = headcount

    # -- school lessons and advice conversations -----------------------------------

    def lessons(self) -> None:
        rng = self.rng
        moments = [self.moment() for _ in range(18)]
        moments += [local(date(2024, 12, 16), 10), local(date(2025, 7, 7), 10)]
        for when in moments:
            body: dict[str, Any] = {
                "school": "Nicolaas Beetsschool",
                "school_kind": rng.choice(["childcare", "primary", "secondary"]),
                "grade": "groep 5",
                "classes": rng.randint(1, 3),
                "occurred_at": self.stamp(when),
            }
            goals = rng.choice([None, ["1.2"], ["1.2", "4.2"], ["4.2"]])
            if goals is not None:
                body["goal_codes"] = goals
            if rng.random() < 0.5:
                body["pupils"] = rng.randint(15, 70)
            lesson = self.post("/school-lessons", body)
            pupils = body.get("pupils", body["classes"] * self.class_size)
            posted = Posted(
                when, {**body, "goal_codes": goals or ["1.2"], "reached": pupils}
            )
            if rng.random() < 0.15:
                self.post(f"/school-lessons/{lesson}/retract", {"reason": "dubbel"})
                posted.retracted = True
            self.record.lessons.append(posted)

    def advice(self) -> None:
        rng = self.rng
        for when in [*(self.moment() for _ in range(10)), local(date(2025, 7, 2), 11)]:
            body: dict[str, Any] = {
                "organisation": "Kinderopvang De Ark",
                "organisation_kind": rng.choice(["school", "childcare"]),
                "occurred_at": self.stamp(when),
            }
            goals = rng.choice([None, ["4.2"], ["4.2", "1.3"], ["1.3"]])
            if goals is not None:
                body["goal_codes"] = goals
            conversation = self.post("/advice-conversations", body)
            posted = Posted(when, {**body, "goal_codes": goals or ["4.2"]})
            if rng.random() < 0.15:
                path = f"/advice-conversations/{conversation}/retract"
                self.post(path, {})
                posted.retracted = True
            self.record.advice.append(posted)

    # -- communities and partners: things with a lifespan -------------------------

    def lifespans(self) -> list[tuple[datetime, datetime | None]]:
        """(began, ended) around the half year, its edges included."""
        day = self.day
        return [
            (local(day(date(2024, 3, 1), date(2024, 10, 1)), 11), None),
            (local(date(2024, 5, 1), 11), local(date(2024, 11, 15), 11)),
            (local(date(2024, 9, 2), 11), local(day(), 11)),
            (local(day(FIRST, date(2025, 3, 31)), 11), None),
            (local(day(FIRST, date(2025, 2, 28)), 11), local(date(2025, 5, 20), 11)),
            (local(date(2024, 10, 1), 11), local(date(2025, 1, 1), 0, 30)),
            (local(date(2024, 10, 1), 11), local(date(2024, 12, 31), 23, 30)),
            (local(date(2024, 12, 31), 23, 30), None),
            (local(date(2025, 6, 30), 23, 30), None),
            (local(date(2025, 7, 1), 0, 30), None),
            (local(day(date(2025, 4, 1), date(2025, 6, 29)), 14), None),
        ]

    def communities(self) -> None:
        rng = self.rng
        for began, ended in self.lifespans():
            body = {
                "name": f"Community {rng.randint(1, 999)}",
                "target_group": rng.choice(["children", "youth", "adults", "mixed"]),
                "occurred_at": self.stamp(began),
            }
            community = self.post("/communities", body)
            self.record.communities.append(Lifespan(began, body, ended))
            last = ended or datetime(2025, 8, 31, tzinfo=ZONE)
            for _ in range(rng.randint(0, 4)):
                when = began + (last - began) * rng.random()
                if not began < when < last:
                    continue
                self.meeting(community, when)
            if ended is not None:
                self.post(
                    f"/communities/{community}/end", {"occurred_at": self.stamp(ended)}
                )

    def meeting(self, community: str, when: datetime) -> None:
        rng = self.rng
        body: dict[str, Any] = {
            "participants": rng.randint(2, 30),
            "organised_by_community": True,
            "open_to_others": rng.random() < 0.5,
            "occurred_at": self.stamp(when),
        }
        goals = rng.choice([None, ["2.1"], ["2.1", "4.3"], ["4.3"]])
        if goals is not None:
            body["goal_codes"] = goals
        meeting = self.post(f"/communities/{community}/meetings", body)
        posted = Posted(when, {**body, "goal_codes": goals or ["2.1"]})
        if rng.random() < 0.1:
            self.post(f"/communities/{community}/meetings/{meeting}/retract", {})
            posted.retracted = True
        self.record.meetings.append(posted)

    def partners(self) -> None:
        rng = self.rng
        spans = [*self.lifespans(), (local(self.day(), 9), None)]
        for began, ended in spans:
            goals = rng.choice([["1.3"], ["1.3"], ["1.3", "4.2"], ["4.2"]])
            body = {
                "organisation": f"Partner {rng.randint(1, 999)}",
                "kind": rng.choice(["childcare", "primary", "secondary"]),
                "goal_codes": goals,
                "occurred_at": self.stamp(began),
            }
            partner = self.post("/partners", body)
            self.record.partners.append(Lifespan(began, body, ended))
            if ended is not None:
                self.post(
                    f"/partners/{partner}/leave",
                    {"occurred_at": self.stamp(ended), "reason": "gestopt"},
                )

    # -- communication, IDO desk ---------------------------------------------------

    def communications(self) -> None:
        rng = self.rng
        days = [self.day() for _ in range(18)]
        days += [date(2024, 12, 31), FIRST, date(2025, 6, 30), END]
        for published in days:
            # Recorded a few days after it was published; counted by publication.
            when = local(published + timedelta(days=rng.randint(0, 3)), 16)
            body = {
                "channel": rng.choice(
                    ["website", "newsletter", "social_media", "press"]
                ),
                "title": "Nieuws uit de Bibliotheek",
                "published_on": published.isoformat(),
                "occurred_at": self.stamp(when),
            }
            item = self.post("/communications", body)
            posted = Posted(when, {**body, "published_on": published})
            if rng.random() < 0.1:
                self.post(f"/communications/{item}/retract", {})
                posted.retracted = True
            self.record.communications.append(posted)

    def questions(self) -> None:
        rng = self.rng
        moments = [self.moment() for _ in range(40)]
        moments += [
            datetime(2025, 6, 30, 21, 30, tzinfo=UTC),  # 23:30 local: June
            datetime(2025, 6, 30, 22, 15, tzinfo=UTC),  # 00:15 on 1 July
            datetime(2024, 12, 31, 22, 45, tzinfo=UTC),  # 23:45 on 31 December
            datetime(2024, 12, 31, 23, 10, tzinfo=UTC),  # 00:10 on 1 January
            datetime(2025, 3, 30, 1, 30, tzinfo=UTC),  # 03:30, just after DST
        ]
        for when in moments:
            body: dict[str, Any] = {
                "themes": rng.sample(THEMES, rng.randint(1, 3)),
                "help_kind": rng.choice(["information", "hands_on", "referral"]),
                "occurred_at": when.isoformat(),
            }
            if rng.random() < 0.6:
                body["channel"] = rng.choice(["desk", "phone", "appointment"])
            if body["help_kind"] == "referral":
                body["referred_to"] = "WIJ Heemstede"
            question = self.post("/ido/questions", body)
            posted = Posted(when, {**body, "channel": body.get("channel", "desk")})
            if rng.random() < 0.08:
                self.post(f"/ido/questions/{question}/retract", {})
                posted.retracted = True
            self.record.questions.append(posted)

    # -- figures counted elsewhere: loans, members ---------------------------------

    def loans(self) -> None:
        """Typed in, or imported as the library system's monthly CSV export."""
        rng = self.rng
        for month in LOAN_MONTHS:
            keys = [
                (month, a, c)
                for a, cs in COLLECTIONS.items()
                for c in cs
                if rng.random() < 0.9
            ]
            figures = {key: rng.randint(0, 900) for key in keys}
            if rng.random() < 0.4:
                self.import_loans(figures)
            else:
                for key, loans in figures.items():
                    self.loan(key, loans)
        # Some are sent again, later: a correction that replaces the first.
        for key in rng.sample(sorted(self.record.loans), 6):
            self.loan(key, rng.randint(0, 900))
        march = {k: rng.randint(0, 900) for k in self.record.loans if k[0] == "2025-03"}
        if march:
            self.import_loans(march)

    def loan(self, key: tuple[str, str, str], loans: int) -> None:
        month, audience, collection = key
        body = {
            "month": month,
            "audience": audience,
            "collection": collection,
            "loans": loans,
        }
        self.post("/loans", body)
        self.record.loans[key] = loans

    def import_loans(self, figures: dict[tuple[str, str, str], int]) -> None:
        dutch = {"youth": "jeugd", "adult": "volwassenen"}
        rows = ["maand;vestiging;doelgroep;collectie;uitleningen"]
        rows += [
            f"{m};heemstede;{dutch[a]};{c};{n}" for (m, a, c), n in figures.items()
        ]
        content = "\r\n".join(rows).encode()
        response = self.api.post_raw("/loans/import", content, "text/csv")
        self.requests += 1
        assert response.status_code == 201, (rows, response.get_json())
        self.record.loans.update(figures)

    def memberships(self) -> None:
        rng = self.rng
        counts = [
            ("youth", date(2024, 12, 1)),
            ("youth", FIRST),
            ("youth", FIRST),
            ("youth", date(2025, 3, 31)),
            ("youth", date(2025, 6, 30)),
            ("youth", date(2025, 6, 30)),
            ("youth", END),
            ("adult", FIRST),
            ("adult", date(2025, 6, 15)),
        ]
        for audience, day in counts:
            members = rng.randint(2000, 3000)
            body = {
                "counted_on": day.isoformat(),
                "audience": audience,
                "members": members,
            }
            self.post("/memberships", body)
            self.record.members[(audience, day)] = members

    # -- samples --------------------------------------------------------------------

    def visitor_samples(self) -> None:
        rng = self.rng
        zones = ["plein1"] * 45 + ["study_area"] * 25 + ["children_area"] * 4
        for zone in zones:
            method = rng.choice(["tally", "headcount"])
            minutes = rng.randint(15, 60) if method == "tally" else rng.randint(1, 5)
            start = self.open_window(minutes)
            self.visitor_sample(zone, start, minutes, method)
        self.offline_samples()
        # Outside the half year: in its own months, never in H1's estimate.
        self.visitor_sample("plein1", local(date(2024, 12, 30), 10), 30, "tally")
        self.visitor_sample("plein1", local(date(2025, 7, 1), 10), 30, "tally")

    def visitor_sample(
        self, zone: str, start: datetime, minutes: int, method: str
    ) -> None:
        rng = self.rng
        people = rng.randint(5, 120) if method == "tally" else rng.randint(3, 60)
        body = {
            "zone": zone,
            "window_start": self.stamp(start),
            "minutes": minutes,
            "people": people,
            "method": method,
        }
        as_ = rng.choice(["staff", "tablet"])
        sample = self.post("/samples/visitors", body, as_=as_)
        posted = Posted(start, {**body, "window_start": start})
        if rng.random() < 0.06:
            self.post(f"/samples/visitors/{sample}/retract", {}, as_=as_)
            posted.retracted = True
        self.record.visitors.append(posted)

    def offline_samples(self) -> None:
        """Samples a tablet took offline, synced in one batch."""
        rng, items = self.rng, []
        for zone in ["plein1"] * 5 + ["study_area"] * 3:
            minutes = rng.randint(15, 45)
            start = self.open_window(minutes)
            body = {
                "zone": zone,
                "window_start": self.stamp(start),
                "minutes": minutes,
                "people": rng.randint(5, 90),
                "method": "tally",
            }
            items.append(
                {
                    **body,
                    "kind": "visitor_sample",
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "occurred_at": self.stamp(start + timedelta(minutes=minutes)),
                }
            )
            self.record.visitors.append(Posted(start, {**body, "window_start": start}))
        self.sync(items)

    def workplace_samples(self) -> None:
        rng = self.rng
        zones = ["study_area"] * 22 + ["library"] * 4
        starts = [self.open_window(0) for _ in zones]
        zones += ["study_area", "study_area"]
        starts += [local(date(2024, 12, 30), 14), local(date(2025, 7, 2), 14)]
        for zone, start in zip(zones, starts, strict=True):
            places = 40 if start.month < 4 else 44
            body = {
                "zone": zone,
                "window_start": self.stamp(start),
                "places": places,
                "occupied": rng.randint(0, places),
            }
            sample = self.post("/samples/workplaces", body, as_="tablet")
            posted = Posted(start, {**body, "window_start": start})
            if rng.random() < 0.08:
                self.post(f"/samples/workplaces/{sample}/retract", {}, as_="tablet")
                posted.retracted = True
            self.record.workplaces.append(posted)


# -- the tally ----------------------------------------------------------------------


@dataclass
class Expected:
    """What an indicator must show for 2025-H1."""

    value: float | None
    months: dict[str, float | None] | None = None  # None: no record that month
    by_dimension: dict[str, dict[str, float]] | None = None
    at_start: float | None = None
    estimate: Tallied | None = None


def additive(
    items: Iterable[tuple[str, float, dict[str, Any]]], dimensions: tuple[str, ...]
) -> Expected:
    """(month, value, fields) items summed over H1, by month and by dimension."""
    months: Counter = Counter()
    split: dict[str, Counter] = defaultdict(Counter)
    for month, value, fields in items:
        if month not in MONTHS:
            continue
        months[month] += value  # a month with a record is a key, even at 0
        for name in dimensions:
            found = fields.get(name)
            for item in found if isinstance(found, list) else [found]:
                if item is not None:
                    split[name][item] += value
    total = float(sum(months.values()))
    by_dimension = {
        n: {k: float(v) for k, v in c.items() if v} for n, c in split.items()
    }
    for items in by_dimension.values():
        if items and sum(items.values()) < total:  # records that did not say
            items["unknown"] = total - sum(items.values())
    return Expected(
        value=total if months else None,
        months={m: float(months[m]) if m in months else None for m in MONTHS},
        by_dimension={n: items for n, items in by_dimension.items() if items},
    )


def counted(
    posted: Iterable[Posted], goal: str | None = None, dimensions: tuple = ()
) -> Expected:
    """One per live record (of a goal, if given) in the month it occurred."""
    return additive(
        (
            (month_of(p.when), 1, p.data)
            for p in posted
            if not p.retracted and (goal is None or goal in p.data["goal_codes"])
        ),
        dimensions,
    )


def active(spans: Iterable[Lifespan], dimension: str) -> Expected:
    """Things that began before the half year's end and did not end before it."""
    alive = [
        s
        for s in spans
        if s.began.astimezone(ZONE).date() < END
        and (s.ended is None or s.ended.astimezone(ZONE).date() >= FIRST)
    ]
    split = Counter(s.data[dimension] for s in alive)
    return Expected(
        float(len(alive)),
        by_dimension={dimension: {k: float(v) for k, v in split.items()}},
    )


def session_figures(sessions: list[Session], goal: str) -> tuple[Expected, Expected]:
    """Sessions opened for a goal, and their participants: typed headcount wins."""
    mine = [s for s in sessions if goal in s.goals]
    opened = additive(((month_of(s.opened), 1, {}) for s in mine), ())
    participants = additive(
        (
            (
                month_of(s.opened),
                s.headcount
                if s.headcount is not None
                else sum(not c.retracted for c in s.checkins),
                {},
            )
            for s in mine
        ),
        (),
    )
    return opened, participants


def samples_of(record: Record, zone: str) -> list[PostedSample]:
    return [
        PostedSample(
            p.data["window_start"],
            p.data["minutes"],
            p.data["people"],
            p.data["method"],
        )
        for p in record.visitors
        if p.data["zone"] == zone and not p.retracted
    ]


def estimated(record: Record, zone: str, agreement: Agreement) -> Expected:
    """The method recomputed from the samples posted, over the open days of H1."""
    branch = agreement.branch("heemstede")
    hours, closed = branch.opening_hours, branch.closed_between(FIRST, END)
    samples = samples_of(record, zone)
    days = [FIRST + timedelta(days=i) for i in range((END - FIRST).days)]
    whole = visitor_estimate(samples, hours, days, closed, ZONE)
    months = {}
    for month in MONTHS:
        in_month = [d for d in days if d.strftime("%Y-%m") == month]
        part = visitor_estimate(samples, hours, in_month, closed, ZONE)
        months[month] = part.total if part else 0.0
    return Expected(whole.total if whole else None, months=months, estimate=whole)


def occupied(record: Record) -> Expected:
    found = estimates.occupancy(
        [
            estimates.OccupancySample(
                p.data["window_start"], p.data["places"], p.data["occupied"]
            )
            for p in record.workplaces
            if p.data["zone"] == "study_area" and not p.retracted and in_period(p.when)
        ],
        zone=ZONE,
    )
    return Expected(None if found is None else round(100 * found.mean_rate, 1))


def stock(members: dict[tuple[str, date], int], audience: str) -> Expected:
    """The last count before the half year's end; at_start: on or before day one."""
    days = {day: n for (a, day), n in members.items() if a == audience}
    before_end = [d for d in days if d < END]
    on_start = [d for d in days if d <= FIRST]
    return Expected(
        float(days[max(before_end)]) if before_end else None,
        at_start=float(days[max(on_start)]) if on_start else None,
    )


def loans(record: Record, audience: str | None, dimensions: tuple) -> Expected:
    return additive(
        (
            (m, n, {"audience": a, "collection": c})
            for (m, a, c), n in record.loans.items()
            if audience in (None, a)
        ),
        dimensions,
    )


def tally(record: Record, agreement: Agreement) -> dict[tuple[str, str], Expected]:
    """Every indicator's 2025-H1 figure, from the generator's record alone."""
    found: dict[tuple[str, str], Expected] = {}
    for goal in SESSION_GOALS:
        opened, participants = session_figures(record.sessions, goal)
        found[(goal, "sessions")] = opened
        found[(goal, "participants")] = participants
    newcomers = (
        (
            month_of(s.opened),
            1,
            {"new_target_group": c.new_target_group, "district": c.district},
        )
        for s in record.sessions
        if "1.4" in s.goals
        for c in s.checkins
        if not c.retracted and c.new_target_group
    )
    found[("1.4", "new-target-groups")] = additive(
        newcomers, ("new_target_group", "district")
    )
    found[("1.1", "youth-members")] = stock(record.members, "youth")
    found[("1.1", "youth-loans")] = loans(record, "youth", ("collection",))
    found[("4.1", "loans")] = loans(record, None, ("audience", "collection"))
    pupils = (
        (month_of(p.when), p.data["reached"], p.data)
        for p in record.lessons
        if not p.retracted and "1.2" in p.data["goal_codes"]
    )
    found[("1.2", "school-pupils")] = additive(pupils, ("school_kind",))
    for goal in ("1.2", "4.2"):
        found[(goal, "school-lessons")] = counted(
            record.lessons, goal, ("school_kind",)
        )
    found[("4.2", "advice-conversations")] = counted(
        record.advice, "4.2", ("organisation_kind",)
    )
    found[("1.3", "partners")] = active(
        [p for p in record.partners if "1.3" in p.data["goal_codes"]], "kind"
    )
    found[("2.1", "communities-active")] = active(record.communities, "target_group")
    found[("2.1", "communities-new")] = counted(
        [Posted(c.began, c.data) for c in record.communities],
        None,
        ("target_group",),
    )
    for goal in ("2.1", "4.3"):
        found[(goal, "community-meetings")] = counted(record.meetings, goal)
    found[("2.1", "community-participants")] = additive(
        (
            (month_of(p.when), p.data["participants"], {})
            for p in record.meetings
            if not p.retracted and "2.1" in p.data["goal_codes"]
        ),
        (),
    )
    found[("2.2", "ido-questions")] = counted(
        record.questions, None, ("themes", "help_kind", "channel")
    )
    found[("5.2", "communication-items")] = additive(
        (
            (p.data["published_on"].strftime("%Y-%m"), 1, p.data)
            for p in record.communications
            if not p.retracted
        ),
        ("channel",),
    )
    found[("3.1", "plein1-visitors")] = estimated(record, "plein1", agreement)
    found[("5.1", "study-visitors")] = estimated(record, "study_area", agreement)
    found[("5.1", "workplace-occupancy")] = occupied(record)
    return found
