"""Backup and restore: a pg_dump of a live system, restored elsewhere, says the same.

The source takes writes through the API while `pg_dump` runs. The dump is
restored into a new database with the commands of docs/OPERATIONS.md, and its
read models are rebuilt from the log there. Then every goal's figures on the
restored database equal the source's at the dump's log position, the stored
report is the same to the byte, the old tokens still sign in, new writes
continue the log, and the database still refuses to change an event.

That writes overlap the dump is made certain, not left to timing: a lock held
on a table the writes never touch keeps `pg_dump` waiting after it has taken
its snapshot, and the test waits until more writes have committed meanwhile.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.cli import main
from app.config import Config
from events.catalogue import load_agreement
from events.store.reports import reports
from events.store.tables import events
from tests.conftest import require
from tests.support import databases
from tests.support.api import ApiClient
from tests.support.processes import wait_for
from workers.projections import projections
from workers.projections.base import catch_up
from workers.reports.produce import produce, recompile

pytestmark = pytest.mark.postgres

AGREEMENT = load_agreement("heemstede-2024-2027")
PERIOD = "2025-H1"
# Debian keeps the server's client tools here when they are not on PATH.
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# A table the writes never touch: locked, it holds pg_dump inside its snapshot.
UNTOUCHED = "report_deliveries"
WRITES_DURING_DUMP = 5

# What March 2025 brought: several goals, each kind of measure.
PLANS = [
    ("Voorlezen", "reading_aloud", ["1.2", "4.2"], "children"),
    ("Digicafé", "workshop", ["2.2"], "adults"),
    ("Taalcafé", "language_cafe", ["1.4", "5.3"], "newcomers"),
]
CHECK_IN = {"role": "adult", "age_band": "30-64"}
REFERRAL = {"help_kind": "referral", "referred_to": "WIJ Heemstede"}
LOANS = [("youth", "fiction", 412), ("youth", "picture_books", 230),
         ("adult", "fiction", 655)]  # fmt: skip
MEMBERS = [("2025-01-01", 2410), ("2025-03-31", 2455)]
VISITORS = [(4, 41), (6, 63), (12, 38), (13, 57)]  # weekdays, open hours
WORKPLACES = [(4, 22), (12, 31)]
HOURS = {"staffed_hours": 38.5, "self_service_hours": 56}
PARTNER = {"organisation": "Kinderopvang De Ark", "kind": "childcare",
           "goal_codes": ["1.3"]}  # fmt: skip
NEWSLETTER = {"channel": "newsletter", "title": "Nieuwsbrief maart",
              "published_on": "2025-03-10"}  # fmt: skip
EFFORT = {"goal_code": "4.3", "period": PERIOD,
          "text": "Podium voor de jeugdcommunity: drie avonden."}  # fmt: skip


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(PG_BIN))
    require(None if found else f"{name} is not installed (postgresql-client)")
    return str(found)


def libpq(url: str) -> str:
    """A SQLAlchemy URL as the libpq URI that pg_dump and pg_restore take."""
    return (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def march(day: int, hour: int = 11, minute: int = 0) -> str:
    """A moment in March 2025 (CET), in the first half year."""
    return f"2025-03-{day:02d}T{hour:02d}:{minute:02d}:00+01:00"


def question(day: int, minute: int) -> dict[str, Any]:
    return {
        "themes": ["digid", "toeslagen"] if minute % 2 else ["uwv"],
        "help_kind": "hands_on",
        "channel": "desk",
        "occurred_at": march(day, 14, minute),
    }


def post(api: ApiClient, path: str, body: dict[str, Any], as_: str = "staff") -> str:
    response = api.post(path, body, as_=as_)
    assert response.status_code == 201, (path, response.get_json())
    return response.get_json()["id"]


def record_march(api: ApiClient) -> None:
    """A March of check-ins, IDO questions, loans, members, samples, hours, notes.

    One month only: the report then draws no trend charts, which keeps it quick.
    """
    for day, (title, kind, goals, group) in enumerate(PLANS, start=3):
        activity = post(api, "/activities", plan(title, kind, goals, group, day))
        opened = {"activity_id": activity, "occurred_at": march(day, 10)}
        session = post(api, "/sessions", opened, as_="tablet")
        for minute in range(day + 2):
            tap = {**CHECK_IN, "occurred_at": march(day, 10, minute + 1)}
            post(api, f"/sessions/{session}/checkins", tap, as_="tablet")
        close = {"occurred_at": march(day, 12), "headcount": 3 * day}
        post(api, f"/sessions/{session}/close", close, as_="tablet")
    for minute in range(6):
        post(api, "/ido/questions", question(10, minute))
    post(api, "/ido/questions", {**question(11, 0), **REFERRAL})
    for audience, collection, loans in LOANS:
        body = {"month": "2025-03", "audience": audience, "collection": collection}
        post(api, "/loans", {**body, "loans": loans})
    for day, members in MEMBERS:
        post(api, "/memberships", {"counted_on": day, "audience": "youth",
                                   "members": members})  # fmt: skip
    for day, people in VISITORS:
        sample = {"zone": "plein1", "window_start": march(day), "minutes": 30}
        post(api, "/samples/visitors", {**sample, "people": people, "method": "tally"})
    for day, occupied in WORKPLACES:
        sample = {"zone": "study_area", "window_start": march(day, 15), "places": 40}
        post(api, "/samples/workplaces", {**sample, "occupied": occupied}, as_="tablet")
    for week in ("2025-W10", "2025-W11"):
        post(api, "/service-hours", {**HOURS, "week": week})
    post(api, "/partners", {**PARTNER, "occurred_at": march(3, 9)})
    post(api, "/communications", {**NEWSLETTER, "occurred_at": march(10, 16)})
    post(api, "/efforts", EFFORT)


def plan(title: str, kind: str, goals: list[str], group: str, day: int) -> dict:
    return {
        "title": title,
        "kind": kind,
        "goal_codes": goals,
        "target_group": group,
        "age_band": "all",
        "starts_at": march(day, 10),
        "ends_at": march(day, 12),
    }


class Writer(threading.Thread):
    """Staff at the IDO desk: posts questions until told to stop."""

    def __init__(self, app: Flask, token: str) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}
        self.stop = threading.Event()
        self.posted = 0
        self.failures: list[Any] = []

    def run(self) -> None:
        while not self.stop.is_set() and not self.failures:
            body = question(20 + self.posted % 8, self.posted % 60)
            response = self.client.post("/api/v1/ido/questions", json=body,
                                        headers=self.headers)  # fmt: skip
            if response.status_code == 201:
                self.posted += 1
            else:
                self.failures.append((response.status_code, response.get_json()))

    def has_posted(self, count: int) -> bool:
        """Whether `count` questions were saved; a refused one fails at once."""
        assert not self.failures, self.failures
        return self.posted >= count


@contextmanager
def locked(url: str, table: str) -> Iterator[None]:
    """Hold an ACCESS EXCLUSIVE lock on `table` until the block ends."""
    with psycopg.connect(libpq(url)) as conn:
        conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield
        conn.rollback()


def dump_waiting(url: str) -> bool:
    """Whether a pg_dump of the database is waiting for a lock."""
    name = make_url(url).database
    query = """SELECT count(*) FROM pg_stat_activity WHERE datname = %s
               AND application_name = 'pg_dump' AND wait_event_type = 'Lock'"""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        return conn.execute(query, (name,)).fetchone()[0] > 0


def bieb(url: str, instance: Path, *args: str) -> Result:
    """A `bieb` command, as an operator runs it, against the database at `url`.

    One role here (the shared server's): owner and runtime URL are the same.
    """
    env = {"BIEB_DATABASE_URL": url, "BIEB_OWNER_DATABASE_URL": url,
           "BIEB_INSTANCE_DIR": str(instance), "BIEB_TESTING": "1"}  # fmt: skip
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def app_on(url: str, instance: Path) -> Flask:
    config = {"BIEB_DATABASE_URL": url, "BIEB_INSTANCE_DIR": str(instance),
              "BIEB_TESTING": "1"}  # fmt: skip
    return create_app(Config.from_env(config))


def alembic_version(url: str) -> str:
    with psycopg.connect(libpq(url)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def triggers_on_events(url: str) -> set[tuple[str, str, str]]:
    """The triggers on `events`: name, definition, and whether they fire."""
    query = """SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger
               WHERE tgrelid = 'events'::regclass AND NOT tgisinternal"""
    with psycopg.connect(libpq(url)) as conn:
        return set(conn.execute(query).fetchall())


@dataclass
class Restore:
    """The source as it ran on, the restored copy, and what was seen meanwhile."""

    source: Flask
    restored: Flask
    api: ApiClient  # on the source; its tokens are in the copy too
    source_url: str
    restored_url: str
    report_id: str
    dump_head: int  # the restored log's head: the dump's position
    head_seen_waiting: int  # the source's head when pg_dump was seen waiting
    written_during_dump: int
    upgrade: tuple[str, str]  # the Alembic revision before and after
    said: dict[str, str]  # what each `bieb` command of the restore printed

    def get(self, app: Flask, path: str, **params: Any):
        token = self.api.tokens["viewer"]
        return app.test_client().get(
            f"/api/v1{path}", query_string=params,
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip

    def head(self, app: Flask) -> int:
        return app.extensions["store"].head()


@pytest.fixture(scope="module")
def restore(postgres_databases, tmp_path_factory) -> Iterator[Restore]:
    pg_dump, pg_restore, createdb = (
        tool("pg_dump"),
        tool("pg_restore"),
        tool("createdb"),
    )
    instance = tmp_path_factory.mktemp("instance")
    source_url = postgres_databases.create()
    source = app_on(source_url, instance)
    api = ApiClient(source)
    record_march(api)
    store = source.extensions["store"]
    for projection in projections(store, source.extensions["bieb_config"].zone):
        catch_up(projection, store)
    config = source.extensions["bieb_config"]
    report_id = produce(store, config, AGREEMENT, PERIOD, requested_by="test")

    # The dump, while the IDO desk keeps posting.
    dump = tmp_path_factory.mktemp("backup") / "bieb.dump"
    writer = Writer(source, api.tokens["staff"])
    writer.start()
    try:
        wait_for(lambda: writer.has_posted(3), 30, "the desk's first writes")
        with locked(source_url, UNTOUCHED):
            dumping = subprocess.Popen(
                [pg_dump, "--format=custom", f"--file={dump}",
                 f"--dbname={libpq(source_url)}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            wait_for(
                lambda: dump_waiting(source_url), 30, "pg_dump inside its snapshot"
            )
            head_seen_waiting, before = store.head(), writer.posted
            wait_for(lambda: writer.has_posted(before + WRITES_DURING_DUMP), 30,
                     "writes while pg_dump runs")  # fmt: skip
        _, errors = dumping.communicate(timeout=60)
        assert dumping.returncode == 0, errors
        written_during_dump = writer.posted - before
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert not writer.failures, writer.failures

    # The restore, as docs/OPERATIONS.md gives it.
    name = f"bieb_restored_{uuid.uuid4().hex[:10]}"
    postgres_databases.created.append(name)  # dropped with the others
    server = libpq(databases.POSTGRES_URL)
    owner = make_url(databases.POSTGRES_URL).username
    subprocess.run(
        [createdb, f"--maintenance-db={server}", f"--owner={owner}", name], check=True
    )
    restored_url = databases.database_url(name)
    restoring = subprocess.run(
        [pg_restore, "--exit-on-error", "--single-transaction", "--no-owner",
         "--no-privileges", f"--dbname={libpq(restored_url)}", str(dump)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert restoring.returncode == 0, restoring.stderr
    before_upgrade = alembic_version(restored_url)
    said = {"db upgrade": bieb(restored_url, instance, "db", "upgrade").output}
    upgrade = (before_upgrade, alembic_version(restored_url))
    for command in ("projections status", "projections rebuild"):
        said[command] = bieb(restored_url, instance, *command.split()).output
    said["projections status, rebuilt"] = bieb(
        restored_url, instance, "projections", "status"
    ).output
    said["report show"] = bieb(
        restored_url, instance, "report", "show", report_id, "--numbers"
    ).output
    restored = app_on(restored_url, instance)
    yield Restore(
        source=source, restored=restored, api=api, source_url=source_url,
        restored_url=restored_url, report_id=report_id,
        dump_head=restored.extensions["store"].head(),
        head_seen_waiting=head_seen_waiting,
        written_during_dump=written_during_dump, upgrade=upgrade, said=said,
    )  # fmt: skip
    for app in (source, restored):
        app.extensions["store"].engine.dispose()


def test_the_restored_log_is_the_source_log_up_to_the_dump(restore):
    """A consistent snapshot: a prefix of the log, without what came during the dump."""
    head = restore.dump_head
    assert 0 < head <= restore.head_seen_waiting
    assert restore.head(restore.source) >= head + restore.written_during_dump
    query = select(events).where(events.c.position <= head).order_by(events.c.position)
    later = select(events.c.event_id).where(events.c.position > head)
    with (
        restore.source.extensions["store"].engine.connect() as source,
        restore.restored.extensions["store"].engine.connect() as restored,
    ):
        assert restored.execute(query).all() == source.execute(query).all()
        # Nothing the source took after the snapshot (the copy's own writes aside).
        taken_later = set(source.execute(later).scalars())
        assert len(taken_later) >= restore.written_during_dump
        assert not taken_later & set(restored.execute(later).scalars())


def test_migrations_are_a_no_op_and_the_read_models_rebuild(restore):
    before, after = restore.upgrade
    assert before == after != ""
    assert before == alembic_version(restore.source_url)
    head = restore.dump_head
    # The dumped read models lag the dumped log (the desk's last writes were not
    # projected yet); the rebuild replays the whole log and leaves no lag.
    before = restore.said["projections status"]
    assert f"log head: {head}\n" in before and "\tlag 0" not in before
    assert f"goal_figures: rebuilt from {head} events" in restore.said[
        "projections rebuild"
    ]  # fmt: skip
    after = restore.said["projections status, rebuilt"]
    assert f"goal_figures\tposition {head}\tlag 0" in after


def test_every_goal_shows_the_figures_the_source_had_at_the_dump(restore):
    head = restore.dump_head
    # The source moved on: its live figures are no longer those of the dump.
    store = restore.source.extensions["store"]
    for projection in projections(store, restore.source.extensions["bieb_config"].zone):
        catch_up(projection, store)
    compared = 0
    for goal in AGREEMENT.goals:
        path = f"/goals/{goal.code}/progress"
        there = restore.get(restore.restored, path, period=PERIOD)
        then = restore.get(restore.source, path, period=PERIOD, as_of=head)
        assert there.status_code == then.status_code == 200, goal.code
        there, then = there.get_json(), then.get_json()
        assert there["position"] == then["as_of"] == head
        assert {**there, "as_of": head} == then, goal.code
        compared += sum(line["value"] is not None for line in there["indicators"])
    assert compared >= 15
    now = restore.get(restore.source, "/goals/2.2/progress", period=PERIOD).get_json()
    there = restore.get(restore.restored, "/goals/2.2/progress", period=PERIOD)
    assert now["indicators"] != there.get_json()["indicators"]


def test_the_stored_report_is_the_same_to_the_byte(restore):
    query = select(reports).order_by(reports.c.id)
    with (
        restore.source.extensions["store"].engine.connect() as source,
        restore.restored.extensions["store"].engine.connect() as restored,
    ):
        [row] = restored.execute(query).all()
        assert row == source.execute(query).one()
    assert row.id == restore.report_id
    shown = json.loads(restore.said["report show"])
    assert shown == json.loads(row.numbers) and shown["position"] == row.position
    path = f"/reports/{restore.report_id}.pdf"
    pdf = restore.get(restore.restored, path)
    assert pdf.status_code == 200 and pdf.data == row.pdf
    # Compiled again at its position on the copy, it shows the same numbers.
    store = restore.restored.extensions["store"]
    config = restore.restored.extensions["bieb_config"]
    again = recompile(store, config, AGREEMENT, restore.report_id)
    assert json.loads(json.dumps(again.numbers())) == json.loads(row.numbers)


def test_the_copy_refuses_to_change_an_event_and_continues_the_log(restore):
    assert triggers_on_events(restore.restored_url) == triggers_on_events(
        restore.source_url
    )
    engine = restore.restored.extensions["store"].engine
    with (
        pytest.raises(DBAPIError, match="events are immutable"),
        engine.begin() as conn,
    ):
        conn.execute(text("UPDATE events SET stream_id = 'tampered'"))
    # A token made before the dump still signs in; the new event follows the log
    # (the sequence was dumped after the snapshot: positions may skip a few).
    token = restore.api.tokens["staff"]
    response = restore.restored.test_client().post(
        "/api/v1/ido/questions", json=question(28, 1),
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    [new] = restore.restored.extensions["store"].read_all(after=restore.dump_head)
    assert new.type == "IdoQuestionLogged"
    assert new.data["question_id"] == response.get_json()["id"]
