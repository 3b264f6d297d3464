"""Commands without Flask: the rules hold for any caller, not just the API."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from app.agreements import load_all
from app.commands import Caller, Conflict, Invalid, NotFound, Services
from app.commands.checkins import CheckIn, check_in
from app.commands.ido import IdoQuestion, log_question, retract_question
from app.commands.retractions import Retraction
from app.commands.sessions import Closing, close_session
from app.commands.where import locate
from app.commands.writing import CONTEXT, build
from app.schemas.derive import input_schema, output_schema
from events.ido import IdoQuestionLogged
from events.store import SqlEventStore, create_store_engine
from tests.support.databases import sqlite_url

NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)
STAFF = Caller(account_id="a1", role="staff", municipality="heemstede")


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    url = sqlite_url(tmp_path_factory.mktemp("commands"))
    store = SqlEventStore(create_store_engine(url))
    return Services(store=store, agreements=load_all(), clock=lambda: NOW)


QUESTION = IdoQuestion(themes=["digid"], help_kind="hands_on", minutes=10)


class TestIdo:
    def test_a_question_lands_in_its_own_stream(self, services):
        recorded = log_question(services, STAFF, QUESTION)
        [event] = services.store.read_stream(f"ido-{recorded.id}")
        assert event.data["themes"] == ["digid"]
        assert (event.data["municipality"], event.data["branch"]) == (
            "heemstede",
            "heemstede",
        )
        assert event.metadata.actor == "staff:a1"

    def test_a_keyed_retry_writes_once_and_names_the_same_record(self, services):
        keyed = dataclasses.replace(STAFF, key="k-1")
        first = log_question(services, keyed, QUESTION)
        again = log_question(services, keyed, QUESTION)
        assert (again.id, again.result.replayed) == (first.id, True)
        assert len(services.store.read_stream(f"ido-{first.id}")) == 1

    def test_a_date_outside_the_agreement_is_refused_by_field(self, services):
        old = dataclasses.replace(
            QUESTION, occurred_at=datetime(2019, 1, 1, tzinfo=UTC)
        )
        with pytest.raises(Invalid) as refused:
            log_question(services, STAFF, old)
        assert list(refused.value.fields) == ["occurred_at"]

    def test_another_municipality_cannot_write_here(self, services):
        other = Caller(account_id="a2", role="staff", municipality="zandvoort")
        asked = dataclasses.replace(QUESTION, branch="heemstede")
        with pytest.raises(Invalid) as refused:
            log_question(services, other, asked)
        assert list(refused.value.fields) == ["branch"]

    def test_a_retraction_twice_is_a_conflict(self, services):
        recorded = log_question(services, STAFF, QUESTION)
        retract_question(services, STAFF, recorded.id, Retraction())
        with pytest.raises(Conflict):
            retract_question(services, STAFF, recorded.id, Retraction())


class TestSessions:
    def test_an_unknown_session_is_not_found_by_its_field(self, services):
        checkin = CheckIn(role="adult", age_band="30-64")
        with pytest.raises(NotFound) as refused:
            check_in(services, STAFF, "nope", checkin, uuid.uuid4())
        assert refused.value.field == "session_id"

    def test_closing_an_unknown_session_is_not_found(self, services):
        with pytest.raises(NotFound):
            close_session(services, STAFF, "nope", Closing())


class TestBuild:
    def test_a_field_the_event_lacks_is_an_error_not_a_silent_drop(self, services):
        where = _where(services)
        with pytest.raises(TypeError, match="lacks"):
            build(IdoQuestionLogged, where, {"question_id": "q", "language": "nl"})

    def test_every_ido_input_field_is_carried_by_the_event(self):
        carried = set(IdoQuestionLogged.__dataclass_fields__)
        fields = {f.name for f in dataclasses.fields(IdoQuestion)} - CONTEXT
        assert fields <= carried


class TestDerivedSchemas:
    def test_the_input_schema_loads_into_the_command_input(self):
        loaded = input_schema(IdoQuestion)().load(
            {"themes": ["uwv"], "help_kind": "information"}
        )
        assert loaded == IdoQuestion(themes=["uwv"], help_kind="information")

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"themes": [], "help_kind": "information"}, "themes"),
            ({"themes": ["nope"], "help_kind": "information"}, "themes"),
            ({"themes": ["uwv"], "help_kind": "x"}, "help_kind"),
            (
                {"themes": ["uwv"], "help_kind": "information", "minutes": 481},
                "minutes",
            ),
            (
                {"themes": ["uwv"], "help_kind": "information", "minutes": "5"},
                "minutes",
            ),
            (
                {"themes": ["uwv"], "help_kind": "information", "note": "x" * 1001},
                "note",
            ),
        ],
    )
    def test_the_markers_become_validators(self, body, field):
        with pytest.raises(ValidationError) as refused:
            input_schema(IdoQuestion)().load(body)
        assert list(refused.value.messages) == [field]

    def test_the_output_schema_shows_every_event_field(self):
        shown = set(output_schema(IdoQuestionLogged)().fields)
        fields = {f.name for f in dataclasses.fields(IdoQuestionLogged)}
        assert shown == fields - {"municipality"}


def _where(services):
    return locate(services, STAFF, None, NOW)
