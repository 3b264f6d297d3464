"""The agreement's goals and their figures: progress per period, and the records.

The records behind a figure are checked for every registered measure
(events.figures.measures): a new measure is covered once it says, in MAKES,
how its records make its figure.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest

from events.activities import ParticipantCheckedIn, SessionOpened
from events.catalogue import Branch, load_agreement
from events.catalogue.parts import Municipality
from events.corrections import RecordRetracted, retracted
from events.counts import LoanFiguresRecorded
from events.figures import estimates
from events.figures.measures import MEASURES
from events.ido import IdoQuestionLogged
from events.periods import parse_period
from tests.integration.test_goal_figures import HERE, ZONE, Writer, write
from tests.integration.test_measures import write as write_kinds
from workers.projections import projections
from workers.projections.base import catch_up

H1 = [f"2025-0{m}" for m in range(1, 7)]
THEMES = ["digid", "toeslagen", "uwv"]


def project(app) -> None:
    store = app.extensions["store"]
    catch_up(projections(store, ZONE)[0], store)


def ido(writer: Writer, when: datetime, themes: list[str], channel="desk") -> None:
    question = IdoQuestionLogged(**HERE, question_id=uuid.uuid4().hex, themes=themes,
                                 help_kind="hands_on", channel=channel)  # fmt: skip
    writer.add(question, when)


def loan(writer: Writer, month: str, loans: int, audience="youth") -> None:
    event = LoanFiguresRecorded(**HERE, month=month, audience=audience,
                                collection="fiction", loans=loans)  # fmt: skip
    writer.add(event, datetime.fromisoformat(f"{month}-02T10:00:00+01:00"))


@pytest.fixture
def haarlem(app) -> str:
    """A second municipality with its own branch, out of heemstede's reach."""
    agreements = app.extensions["agreements"]
    other = dataclasses.replace(
        agreements["heemstede"][0],
        name="haarlem-test",
        municipality=Municipality("haarlem", "Haarlem"),
        branches=(Branch("haarlem", "Bibliotheek Haarlem"),),
    )
    agreements["haarlem"] = [other]
    return "haarlem"


@pytest.fixture
def tally(app) -> Counter:
    """Sessions, lessons and loans in 2025-H1, IDO questions too; then projected."""
    store = app.extensions["store"]
    found = write(store, seed=7, sessions=25, lessons=10, loans=12)
    writer = Writer(store, seed=8)
    for index in range(30):
        themes = writer.rng.sample(THEMES, writer.rng.randint(1, 2))
        when = writer.when()
        ido(writer, when, themes, channel=["desk", "phone"][index % 2])
        found[("2.2", "ido-questions", when.astimezone(ZONE).strftime("%Y-%m"))] += 1
    project(app)
    return found


def progress(api, goal, as_="viewer", **query):
    response = api.get(f"/goals/{goal}/progress", as_=as_, **query)
    assert response.status_code == 200, response.json
    return response.json


def indicator(body, code):
    return next(i for i in body["indicators"] if i["code"] == code)


def records(api, goal, code, period="2025-H1", **query):
    path = f"/goals/{goal}/indicators/{code}/records"
    response = api.get(path, as_="staff", period=period, **query)
    assert response.status_code == 200, response.json
    return response.json


class TestAgreement:
    def test_ambitions_goals_and_indicators(self, api):
        body = api.get("/goals", as_="viewer").json
        assert body["title"] == "Prestatieafspraken gemeente Heemstede (2024-2027)"
        assert body["years"] == [2024, 2025, 2026, 2027]
        assert body["municipality"] == {"code": "heemstede", "name": "Heemstede"}
        assert [a["number"] for a in body["ambitions"]] == [1, 2, 3, 4, 5]
        goals = {g["code"]: g for a in body["ambitions"] for g in a["goals"]}
        assert len(goals) == 14
        assert goals["1.2"]["text"].startswith("Kinderen en ouders worden")
        assert goals["1.2"]["ambition"] == 1
        assert goals["4.3"]["kind"] == "effort"
        assert goals["1.3"]["partners"] == ["Kinderopvang", "Basisonderwijs",
                                            "Voortgezet onderwijs"]  # fmt: skip
        assert all(goal["indicators"] for goal in goals.values())
        assert goals["1.3"]["indicators"] == [{
            "code": "partners",
            "label": "Partners actief in de periode",
            "measure": "active",
            "method": "counted",
        }]  # fmt: skip
        assert goals["5.1"]["indicators"][0]["method"] == "estimated"
        assert goals["2.2"]["indicators"][-1] == {
            "code": "ido-questions",
            "label": "Vragen bij het Informatiepunt Digitale Overheid",
            "measure": "count",
            "method": "counted",
        }

    def test_an_admin_names_the_municipality_when_there_are_several(self, api, haarlem):
        assert api.get("/goals", as_="admin").status_code == 422
        asked = api.get("/goals", as_="admin", municipality="heemstede")
        assert asked.json["municipality"]["code"] == "heemstede"
        assert api.get("/goals", as_="admin", municipality="haarlem").status_code == 200
        refused = api.get("/goals", as_="staff", municipality="haarlem")
        assert refused.status_code == 422
        assert refused.json["errors"][0]["field"] == "municipality"


class TestProgress:
    def test_figures_equal_the_generators_tally(self, api, tally):
        for goal, code in {(g, i) for g, i, _ in tally}:
            shown = indicator(progress(api, goal, period="2025-H1"), code)
            # A month nothing was recorded in has no figure: null, not 0.
            months = {m: tally.get((goal, code, m)) for m in H1}
            assert shown["months"] == pytest.approx(months), (goal, code)
            total = [v for v in months.values() if v is not None]
            assert shown["value"] == (pytest.approx(sum(total)) if total else None)
            assert shown["method"] == "counted"
        body = progress(api, "1.2", as_="admin", period="2025-Q1", branch="heemstede")
        q1 = sum(tally[("1.2", "sessions", m)] for m in H1[:3])
        assert indicator(body, "sessions")["value"] == q1

    def test_previous_and_year_earlier_periods(self, api, app):
        writer = Writer(app.extensions["store"], seed=1)
        for when, count in [("2024-03-05", 2), ("2024-09-05", 3), ("2025-02-05", 5)]:
            for _ in range(count):
                ido(writer, datetime.fromisoformat(f"{when}T10:00:00+01:00"), ["uwv"])
        project(app)
        body = progress(api, "2.2", period="2025-H1")
        assert (body["period"], body["previous"], body["year_earlier"]) == (
            "2025-H1", "2024-H2", "2024-H1",
        )  # fmt: skip
        shown = indicator(body, "ido-questions")
        assert (shown["value"], shown["previous"], shown["year_earlier"]) == (5, 3, 2)
        assert shown["records"] == 5
        assert progress(api, "2.2", period="2025")["previous"] == "2024"

    def test_dimensions_split_the_total(self, api, tally):
        shown = indicator(progress(api, "2.2", period="2025-H1"), "ido-questions")
        assert shown["value"] == 30
        assert sum(shown["by_dimension"]["channel"].values()) == 30
        assert shown["by_dimension"]["channel"] == {"desk": 15, "phone": 15}
        themes = shown["by_dimension"]["themes"]
        assert set(themes) <= set(THEMES)
        assert sum(themes.values()) >= 30  # a question may have two themes
        newcomers = indicator(progress(api, "1.4", period="2025-H1"),
                              "new-target-groups")  # fmt: skip
        split = newcomers["by_dimension"].get("new_target_group", {})
        assert sum(split.values()) == newcomers["value"]

    def test_a_split_by_an_optional_field_adds_up_with_unknown(self, api, app):
        # Five newcomers check in; three say their district, two do not.
        writer = Writer(app.extensions["store"], seed=4)
        start = datetime(2025, 3, 5, 14, tzinfo=UTC)
        writer.add(SessionOpened(**HERE, session_id="s1", activity_id="a",
                                 goal_codes=["1.4"]), start)  # fmt: skip
        for district in ["heemstede-zuid", "heemstede-zuid", "heemstede-centrum",
                         None, None]:  # fmt: skip
            writer.add(ParticipantCheckedIn(
                **HERE, session_id="s1", role="adult", age_band="30-64",
                new_target_group="refugee", district=district), start)  # fmt: skip
        project(app)
        shown = indicator(progress(api, "1.4", period="2025-H1"), "new-target-groups")
        assert shown["value"] == 5
        assert shown["by_dimension"]["district"] == {
            "heemstede-zuid": 2, "heemstede-centrum": 1, "unknown": 2}  # fmt: skip
        assert shown["by_dimension"]["new_target_group"] == {"refugee": 5}

    def test_months_without_data(self, api, app):
        writer = Writer(app.extensions["store"], seed=2)
        for month, loans in [("2025-01", 300), ("2025-02", 280), ("2025-04", 310)]:
            loan(writer, month, loans)
        loan(writer, "2025-02", 290)  # a correction replaces the figure
        project(app)
        shown = indicator(progress(api, "1.1", period="2025-H1"), "youth-loans")
        assert shown["value"] == 900
        assert shown["months"]["2025-02"] == 290
        assert shown["months_without_data"] == ["2025-03", "2025-05", "2025-06"]
        assert shown["by_dimension"] == {"collection": {"fiction": 900}}
        empty = indicator(progress(api, "1.2", period="2025-H1"), "sessions")
        assert (empty["value"], empty["months_without_data"]) == (None, H1)
        assert empty["months"] == dict.fromkeys(H1)  # null, not 0
        assert shown["months"]["2025-03"] is None

    def test_imported_history_is_shown_where_nothing_is_counted(self, api, app):
        item = {"goal_code": "2.2", "indicator": "ido-questions", "value": 318}
        items = [{**item, "period": "2024-H1", "note": "spreadsheet"},
                 {**item, "period": "2025-H1", "value": 99}]  # fmt: skip
        assert api.post("/history", {"items": items}).status_code == 201
        writer = Writer(app.extensions["store"], seed=3)
        ido(writer, datetime(2025, 3, 1, 10, tzinfo=UTC), ["digid"])
        project(app)
        body = progress(api, "2.2", period="2025-H1")
        shown = indicator(body, "ido-questions")
        assert (shown["value"], shown["method"]) == (1, "counted")  # counted wins
        earlier = (shown["year_earlier"], shown["year_earlier_method"])
        assert earlier == (318, "imported")
        assert (shown["previous"], shown["previous_method"]) == (None, "counted")
        assert body["imported"] == [
            {"indicator": "ido-questions", "period": "2025-H1", "value": 99,
             "note": None}
        ]  # fmt: skip
        before = indicator(progress(api, "2.2", period="2024-H1"), "ido-questions")
        assert (before["value"], before["method"], before["records"]) == (
            318, "imported", 0,
        )  # fmt: skip

    def test_effort_notes_are_listed(self, api):
        text = "Podium voor de jeugdcommunity: drie avonden."
        for goal, period in [("4.3", "2025-H1"), ("4.3", "2025-03"), ("5.3", "2025-H1"),
                             ("4.3", "2025"), ("4.3", "2024-H2")]:  # fmt: skip
            note = {"goal_code": goal, "period": period, "text": f"{text} {period}"}
            assert api.post("/efforts", note).status_code == 201
        efforts = progress(api, "4.3", period="2025-H1")["efforts"]
        assert [(e["period"], e["text"]) for e in efforts] == [
            ("2025-H1", f"{text} 2025-H1"),
            ("2025-03", f"{text} 2025-03"),
        ]
        assert set(efforts[0]) == {"note_id", "period", "text"}
        unsampled = progress(api, "5.1", period="2025-H1")
        # No samples: no estimate at all, rather than an estimate of nought.
        assert [(i["value"], i["method"]) for i in unsampled["indicators"]] == [
            (None, "estimated"), (None, "estimated")
        ]  # fmt: skip
        assert unsampled["efforts"] == []

    def test_the_position_counted_up_to(self, api, app, tally):
        assert progress(api, "1.2", period="2025-H1")["position"] == (
            app.extensions["store"].head()
        )


def records_and_sum(shown, behind, period) -> None:
    """The figure is the sum of the records' shares, and they are its records."""
    assert sum(r["value"] for r in behind) == pytest.approx(shown["value"] or 0.0)
    assert len(behind) == shown["records"]


def last_figures(shown, behind, period) -> None:
    """Each record adds what its figure changed; a figure of nought is no record."""
    assert sum(r["value"] for r in behind) == pytest.approx(shown["value"] or 0.0)
    assert len([r for r in behind if r["value"]]) == shown["records"]
    assert (shown["value"] is None) == (shown["records"] == 0)  # no figure, not 0


def estimated(shown, behind, period) -> None:
    """The estimate made again from exactly these samples is the figure."""
    branch = load_agreement("heemstede-2024-2027").branch("heemstede")
    samples = [
        estimates.Sample(datetime.fromisoformat(r["data"]["window_start"]),
                         r["data"]["minutes"], r["data"]["people"],
                         r["data"]["method"])
        for r in behind
    ]  # fmt: skip
    days = estimates.period_days(period.start, period.end)
    closed = branch.closed_between(period.start, period.end)
    made = estimates.estimate(samples, branch.opening_hours, days, closed, zone=ZONE)
    if made is None:
        assert (shown["value"], behind) == (None, [])
        return
    assert (shown["value"], shown["records"]) == (
        pytest.approx(made.total), made.samples,
    )  # fmt: skip


def occupied_share(shown, behind, period) -> None:
    """The share of places these samples found occupied is the figure."""
    if not behind:
        assert shown["value"] is None
        return
    places = sum(r["data"]["places"] for r in behind)
    share = round(100 * sum(r["value"] for r in behind) / places, 1)
    assert (shown["value"], shown["records"]) == (share, len(behind))


# How the records behind a figure make the figure, per measure: a new measure
# adds its line (test_the_records_behind_every_measure fails until it does).
MAKES = {
    "count": records_and_sum, "sum": records_and_sum, "latest": last_figures,
    "participants": records_and_sum, "active": records_and_sum,
    "stock": records_and_sum, "estimate": estimated, "occupancy": occupied_share,
}  # fmt: skip


@pytest.fixture
def every_measure(app, tally) -> None:
    """The tally's records, and partners, memberships and samples; projected."""
    write_kinds(app.extensions["store"], seed=11, n=25)
    project(app)


class TestRecords:
    @pytest.mark.parametrize("measure", list(MEASURES))
    def test_the_records_behind_every_measure(self, api, app, every_measure, measure):
        """Every number traced to its events (invariant 7), whatever its measure."""
        assert measure in MAKES, f"say in MAKES how {measure!r} makes its figure"
        agreement = load_agreement("heemstede-2024-2027")
        declared = [(goal.code, wanted) for goal in agreement.goals
                    for wanted in goal.indicators
                    if wanted.measure == measure]  # fmt: skip
        store = app.extensions["store"]
        gone = retracted(store.read_types([RecordRetracted.TYPE], limit=100_000))
        counted = []
        for goal, wanted in declared:
            for label in ("2025-H1", "2025-Q2", "2025-03"):
                shown = indicator(progress(api, goal, period=label), wanted.code)
                behind = records(api, goal, wanted.code, label)
                found = behind["records"]
                assert {r["type"] for r in found} <= {*wanted.events, "SessionOpened"}
                assert all(wanted.accepts(r["data"]) for r in found)
                assert not {r["event_id"] for r in found} & gone
                assert behind["value"] == pytest.approx(sum(r["value"] for r in found))
                MAKES[measure](shown, found, parse_period(label))
                if label == "2025-H1":
                    counted.append(shown["value"])
        assert any(counted), f"no figure of {measure!r} in 2025-H1 to trace"

    def test_participants_show_the_headcount_or_the_checkins(self, api, tally):
        behind = records(api, "1.2", "participants")["records"]
        for record in behind:
            data = record["data"]
            counted = (
                data["checkins"] if data["headcount"] is None else data["headcount"]
            )
            assert record["value"] == counted
            assert "1.2" in data["goal_codes"]
        shown = indicator(progress(api, "1.2", period="2025-H1"), "participants")
        assert shown["records"] == len(behind)

    def test_a_latest_figure_shows_once_with_its_last_value(self, api, app):
        writer = Writer(app.extensions["store"], seed=4)
        loan(writer, "2025-02", 280)
        loan(writer, "2025-02", 290)
        loan(writer, "2025-03", 100, audience="adult")
        project(app)
        behind = records(api, "1.1", "youth-loans")
        assert [(r["data"]["month"], r["value"]) for r in behind["records"]] == [
            ("2025-02", 290)
        ]
        assert records(api, "4.1", "loans", "2025-Q1")["value"] == 390


class TestRefusals:
    @pytest.mark.parametrize(
        ("as_", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
    )
    def test_roles(self, api, as_, status):
        for path in ("/goals", "/goals/1.2/progress",
                     "/goals/1.2/indicators/sessions/records"):  # fmt: skip
            assert api.get(path, as_=as_, period="2025-H1").status_code == status

    @pytest.mark.parametrize(
        ("path", "query", "status", "field"),
        [
            ("/goals/9.9/progress", {}, 404, None),
            ("/goals/1.2/indicators/loans/records", {}, 404, None),
            ("/goals/1.2/progress", {"period": "2025-H3"}, 422, "period"),
            ("/goals/1.2/progress", {"period": "2019"}, 422, "period"),
            ("/goals/1.2/progress", {"branch": "haarlem"}, 422, "branch"),
            ("/goals/1.2/indicators/sessions/records", {"period": "x"}, 422, "period"),
        ],
    )
    def test_not_found_and_bad_queries(self, api, haarlem, path, query, status, field):
        response = api.get(path, as_="staff", **{"period": "2025-H1", **query})
        assert response.status_code == status, response.json
        assert response.content_type == "application/problem+json"
        if field:
            assert response.json["errors"][0]["field"] == field

    def test_an_admin_asks_for_a_branch_of_the_municipality(self, api, haarlem):
        query = {"period": "2025-H1", "municipality": "heemstede"}
        path = "/goals/1.2/progress"
        assert api.get(path, as_="admin", **query).status_code == 200
        wrong = api.get(path, as_="admin", branch="haarlem", **query)
        assert wrong.status_code == 422
        assert wrong.json["errors"][0]["field"] == "branch"


class TestAsOf:
    def test_figures_as_they_stood_at_a_position_and_a_moment(self, api, app, tally):
        store = app.extensions["store"]
        then = progress(api, "1.2", period="2025-H1")
        moment = datetime.now(UTC).isoformat()
        position = then["position"]
        write(store, seed=99, sessions=10, lessons=5, loans=0)
        project(app)
        now = progress(api, "1.2", period="2025-H1")
        assert now["position"] > position
        assert now["indicators"] != then["indicators"]
        for as_of in (str(position), moment):
            past = progress(api, "1.2", period="2025-H1", as_of=as_of)
            assert (past["position"], past["as_of"]) == (position, position)
            assert past["indicators"] == then["indicators"]

    @pytest.mark.parametrize("as_of", ["yesterday", "2025-07-01T00:00:00", "-3"])
    def test_a_bad_as_of_is_named(self, api, as_of):
        response = api.get("/goals/1.2/progress", as_="viewer", period="2025-H1",
                           as_of=as_of)  # fmt: skip
        assert response.status_code == 422
        assert "as_of" in str(response.json)
