"""Figures of a span, written through their commands without Flask.

Loans, memberships, service hours, effort notes and the figures from before
the register: their rules (a span inside the agreement, each month once, a
re-upload writing nothing new) hold for any caller, not just the API.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from app.agreements import load_all
from app.commands import Caller, Invalid, Services
from app.commands.efforts import EffortNote, note_effort
from app.commands.history import HistoricFigure, HistoryImport, import_history
from app.commands.hours import ServiceHours, record_hours
from app.commands.loan_imports import import_loans
from app.commands.loan_rows import LoanRow, LoanUpload
from app.commands.loans import LoanFigures, record_loans
from app.commands.memberships import MembershipCount, count_members
from app.commands.uploads import RowProblem, RowsRefused
from app.schemas.derive import input_schema
from events.store import SqlEventStore, create_store_engine
from tests.support.databases import sqlite_url

NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)
STAFF = Caller(account_id="s1", role="staff", municipality="heemstede")
LOAN = LoanFigures(month="2025-01", audience="youth", collection="comics", loans=90)


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    url = sqlite_url(tmp_path_factory.mktemp("counts"))
    store = SqlEventStore(create_store_engine(url))
    return Services(store=store, agreements=load_all(), clock=lambda: NOW)


def row(number: int, month: str, collection: str, **cells) -> LoanRow:
    values = {"branch": "heemstede", "audience": "adult", "loans": 10, **cells}
    return LoanRow(number=number, month=month, collection=collection, **values)


def loan_events(services: Services, stream: str) -> list:
    return services.store.read_stream(stream)


class TestLoans:
    def test_a_figure_occurs_at_local_midnight_of_its_month(self, services):
        recorded = record_loans(services, STAFF, LOAN)
        assert recorded.id == "heemstede:2025-01:youth:comics"
        [event] = loan_events(services, "loans-heemstede-2025-01")
        # Midnight on 1 January in Amsterdam is 23:00 UTC the day before.
        assert event.occurred_at == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
        assert event.data["loans"] == 90
        assert recorded.source == "backdated"

    @pytest.mark.parametrize("month", ["2023-12", "2025-04", "2031-01"])
    def test_a_month_outside_the_agreement_or_to_come_names_the_month(
        self, services, month
    ):
        with pytest.raises(Invalid) as refused:
            record_loans(services, STAFF, dataclasses.replace(LOAN, month=month))
        assert list(refused.value.fields) == ["month"]

    def test_a_branch_out_of_reach_names_the_branch(self, services):
        other = Caller(account_id="s2", role="staff", municipality="haarlem")
        with pytest.raises(Invalid) as refused:
            record_loans(services, other, LOAN)
        assert list(refused.value.fields) == ["branch"]


class TestLoanImports:
    def test_a_re_upload_writes_nothing_new(self, services):
        rows = [row(2, "2025-02", "atlas"), row(3, "2025-02", "maps", loans=4)]
        upload = LoanUpload(content=b"file one", rows=rows)
        first = import_loans(services, STAFF, upload)
        again = import_loans(services, STAFF, upload)
        assert (first.imported, first.unchanged) == (2, 0)
        assert (again.imported, again.unchanged, again.positions) == (0, 2, [])
        assert len(loan_events(services, "loans-heemstede-2025-02")) == 2

    def test_every_bad_row_is_named_by_its_column_and_nothing_written(self, services):
        rows = [
            row(2, "2024-11", "globes"),
            row(3, "2023-11", "globes"),  # before the agreement
            row(4, "2024-11", "globes", loans=11),  # the same month as row 2
            row(5, "2024-11", "x111222333", branch="atlantis"),
        ]
        unread = [RowProblem(5, "loans", "not a number")]
        columns = {"month": "maand", "branch": "vestiging"}
        upload = LoanUpload(content=b"bad", rows=rows, unread=unread, columns=columns)
        with pytest.raises(RowsRefused) as refused:
            import_loans(services, STAFF, upload)
        assert [(p.row, p.field) for p in refused.value.problems] == [
            (3, "maand"),
            (4, "(row)"),
            (5, "vestiging"),
            (5, "collection"),
            (5, "loans"),
        ]
        assert loan_events(services, "loans-heemstede-2024-11") == []

    def test_an_upload_without_rows_is_refused(self, services):
        with pytest.raises(RowsRefused) as refused:
            import_loans(services, STAFF, LoanUpload(content=b"", rows=[]))
        assert refused.value.problems[0].field == "(row)"


class TestSpans:
    def test_a_count_and_a_week_name_their_own_field(self, services):
        count = MembershipCount(counted_on=date(2023, 12, 31), audience="youth",
                                members=4000)  # fmt: skip
        with pytest.raises(Invalid) as refused:
            count_members(services, STAFF, count)
        assert list(refused.value.fields) == ["counted_on"]
        hours = ServiceHours(week="2025-W53", staffed_hours=38.5,
                             self_service_hours=56)  # fmt: skip
        with pytest.raises(Invalid) as refused:
            record_hours(services, STAFF, hours)
        assert list(refused.value.fields) == ["week"]

    def test_a_week_counts_from_its_thursday(self, services):
        hours = ServiceHours(week="2025-W01", staffed_hours=38.5,
                             self_service_hours=56)  # fmt: skip
        record_hours(services, STAFF, hours)
        [event] = services.store.read_stream("hours-heemstede-2025-W01")
        assert event.occurred_at == datetime(2025, 1, 1, 23, 0, tzinfo=UTC)

    def test_a_note_occurs_at_its_period_start_and_names_a_bad_goal(self, services):
        note = EffortNote(goal_code="4.3", period="2025-Q1", text="Podium")
        recorded = note_effort(services, STAFF, note)
        [event] = services.store.read_stream(f"effort-{recorded.id}")
        assert event.occurred_at == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
        with pytest.raises(Invalid) as refused:
            note_effort(services, STAFF, dataclasses.replace(note, goal_code="9.9"))
        assert list(refused.value.fields) == ["goal_code"]


class TestHistory:
    ITEM = HistoricFigure(goal_code="1.1", period="2024-H1",
                          indicator="youth-loans", value=41230)  # fmt: skip

    def test_a_retried_import_writes_nothing_twice(self, services):
        batch = HistoryImport(items=[self.ITEM])
        first = import_history(services, STAFF, batch)
        again = import_history(services, STAFF, batch)
        assert (first.imported, again.imported, again.unchanged) == (1, 0, 1)

    def test_each_bad_item_is_named_by_its_index(self, services):
        items = [dataclasses.replace(self.ITEM, goal_code="7.1"), self.ITEM,
                 self.ITEM]  # fmt: skip
        with pytest.raises(Invalid) as refused:
            import_history(services, STAFF, HistoryImport(items=items))
        assert list(refused.value.fields) == ["items.0.goal_code", "items.2.indicator"]

    def test_the_derived_schema_loads_nested_items_and_checks_their_form(self):
        schema = input_schema(HistoryImport)()
        batch = schema.load({"items": [{**dataclasses.asdict(self.ITEM)}]})
        assert batch.items == [self.ITEM]
        with pytest.raises(ValidationError) as refused:
            schema.load({"items": [{**dataclasses.asdict(self.ITEM), "period": "H7"}]})
        assert list(refused.value.messages["items"][0]) == ["period"]
