"""Two database roles: the owner migrates, the runtime role can only append to the log.

Roles are cluster-wide on the shared server: each run makes its own, with
unique names, and drops them (and its databases) afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import migrations
from app import create_app
from app.cli import main
from app.config import Config
from events.store import SqlEventStore, create_store_engine
from migrations import grants
from tests.conftest import require
from tests.factories import make_event
from tests.support import databases
from tests.support.api import ApiClient
from workers.projections import projections
from workers.projections.base import catch_up
from workers.scheduler import _stored_runs

pytestmark = pytest.mark.postgres

QUESTION = {
    "themes": ["digid"],
    "help_kind": "hands_on",
    "channel": "desk",
    "occurred_at": "2025-03-14T10:15:00+01:00",
}


def admin(sql: str) -> None:
    url = make_url(databases.POSTGRES_URL).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        conn.autocommit = True
        conn.execute(sql)


def url_as(role: str, database: str) -> str:
    return (
        make_url(databases.POSTGRES_URL)
        .set(drivername="postgresql+psycopg", username=role, password=None,
             database=database)
        .render_as_string(hide_password=False)
    )  # fmt: skip


@dataclass
class Roles:
    owner: str
    runtime: str
    instance: Path
    databases: list[str]

    def new_database(self, owner: str | None = None) -> str:
        """A database as README "Database roles" sets it up: the owner owns it."""
        name = f"bieb_lp_{uuid.uuid4().hex[:10]}"
        admin(f'CREATE DATABASE "{name}" OWNER "{owner or self.owner}"')
        self.databases.append(name)
        return name

    def env(self, database: str) -> dict[str, str]:
        return {
            "BIEB_DATABASE_URL": url_as(self.runtime, database),
            "BIEB_OWNER_DATABASE_URL": url_as(self.owner, database),
            "BIEB_INSTANCE_DIR": str(self.instance),
            "BIEB_TESTING": "1",
        }

    def upgrade(self, database: str) -> str:
        """`bieb db upgrade`, as the migrate service runs it; its output."""
        result = CliRunner().invoke(main, ["db", "upgrade"], env=self.env(database))
        assert result.exit_code == 0, result.output
        return result.output


@pytest.fixture(scope="module")
def roles(tmp_path_factory) -> Iterator[Roles]:
    require(databases.postgres_available())
    tag = uuid.uuid4().hex[:10]
    found = Roles(f"bieb_own_{tag}", f"bieb_run_{tag}",
                  tmp_path_factory.mktemp("instance"), [])  # fmt: skip
    # The README's SQL, with this run's names (no passwords: trust on loopback).
    admin(f'CREATE ROLE "{found.owner}" LOGIN')
    admin(f'CREATE ROLE "{found.runtime}" LOGIN')
    admin(f'GRANT "{found.runtime}" TO "{found.owner}"')
    try:
        yield found
    finally:
        for name in found.databases:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin(f'DROP ROLE IF EXISTS "{found.runtime}"')
        admin(f'DROP ROLE IF EXISTS "{found.owner}"')


@pytest.fixture(scope="module")
def database(roles) -> str:
    """One database migrated by the owner for the whole module."""
    name = roles.new_database()
    output = roles.upgrade(name)
    # Every table the migrations make is either granted or the runtime's own.
    assert "no access to: alembic_version\n" in output
    return name


@pytest.fixture
def runtime_store(roles, database) -> Iterator[SqlEventStore]:
    engine = create_store_engine(url_as(roles.runtime, database))
    yield SqlEventStore(engine)
    engine.dispose()


def noted():
    """An event no indicator counts: the projections pass it by."""
    return make_event("TestNoted", municipality="heemstede")


def test_the_runtime_role_appends_and_reads_events(runtime_store):
    before = runtime_store.head()
    runtime_store.append(f"s-{uuid.uuid4().hex}", [noted(), noted()])
    assert runtime_store.head() == before + 2
    assert len(runtime_store.read_all(after=before)) == 2


REFUSED = {
    "update": "UPDATE events SET stream_id = 'tampered'",
    "delete": "DELETE FROM events",
    "truncate": "TRUNCATE events",
    "disable trigger": "ALTER TABLE events DISABLE TRIGGER events_immutable",
    "disable all triggers": "ALTER TABLE events DISABLE TRIGGER ALL",
    "alter table": "ALTER TABLE events ADD COLUMN note text",
    "drop table": "DROP TABLE events",
    "replace the trigger's function": """
        CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$""",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=list(REFUSED))
def test_the_runtime_role_may_not_change_the_log(runtime_store, statement):
    runtime_store.append(f"s-{uuid.uuid4().hex}", [noted()])
    before = runtime_store.read_all()
    with pytest.raises(DBAPIError) as refused, runtime_store.engine.begin() as conn:
        conn.execute(text(statement))
    # Refused for want of privilege, not by the immutability trigger.
    assert refused.value.orig.sqlstate == "42501"
    assert "events are immutable" not in str(refused.value.orig)
    assert runtime_store.read_all() == before


def test_the_register_runs_as_the_runtime_role(roles, database):
    """API writes, projections, a rebuild by `bieb`, the scheduler's job store."""
    env = roles.env(database)
    app = create_app(Config.from_env(env))
    try:
        api = ApiClient(app)  # accounts are made as the runtime role too
        assert api.post("/ido/questions", QUESTION).status_code == 201
        store = app.extensions["store"]
        catch_up(projections(store, Config.from_env(env).zone)[0], store)
        assert ido_questions(api) == 1

        runner = CliRunner()
        rebuilt = runner.invoke(main, ["projections", "rebuild"], env=env)
        assert rebuilt.exit_code == 0, rebuilt.output
        assert ido_questions(api) == 1
        _stored_runs(Config.from_env(env))  # APScheduler makes its table

        # The next upgrade finds the runtime's swapped-in tables and job store.
        assert "no access to: alembic_version\n" in roles.upgrade(database)
        assert api.post("/ido/questions", QUESTION).status_code == 201
        assert runner.invoke(main, ["projections", "run"], env=env).exit_code == 0
        assert ido_questions(api) == 2
        rebuilt = runner.invoke(main, ["projections", "rebuild"], env=env)
        assert rebuilt.exit_code == 0, rebuilt.output
        assert ido_questions(api) == 2
        _stored_runs(Config.from_env(env))
    finally:
        app.extensions["store"].engine.dispose()


def ido_questions(api: ApiClient) -> float:
    response = api.get("/goals/2.2/progress", as_="viewer", period="2025-H1")
    assert response.status_code == 200, response.json
    found = (i for i in response.json["indicators"] if i["code"] == "ido-questions")
    return next(found)["value"]


def test_a_single_role_database_moves_to_two_roles(roles):
    """The runtime role owned the database and made (and owned) the log."""
    name = roles.new_database(owner=roles.runtime)
    migrations.upgrade(url_as(roles.runtime, name))
    refused = CliRunner().invoke(main, ["db", "upgrade"], env=roles.env(name))
    # The schema's owner may drop any table in it: no grant could limit it.
    assert refused.exit_code != 0
    assert "owns the schema (or the database)" in refused.output
    # README "Database roles": hand the database over, then upgrade once.
    admin(f'ALTER DATABASE "{name}" OWNER TO "{roles.owner}"')
    assert "no access to: alembic_version\n" in roles.upgrade(name)
    engine = create_store_engine(url_as(roles.runtime, name))
    try:
        for statement in [REFUSED["disable trigger"],
                          REFUSED["replace the trigger's function"]]:  # fmt: skip
            with pytest.raises(DBAPIError) as denied, engine.begin() as conn:
                conn.execute(text(statement))
            assert denied.value.orig.sqlstate == "42501"
        SqlEventStore(engine).append("s", [noted()])
    finally:
        engine.dispose()


def test_one_role_or_sqlite_needs_no_grants(tmp_path):
    one = {"BIEB_DATABASE_URL": "postgresql://bieb@db/bieb",
           "BIEB_INSTANCE_DIR": str(tmp_path)}  # fmt: skip
    assert Config.from_env(one).migrating_url == "postgresql://bieb@db/bieb"
    two = {**one, "BIEB_OWNER_DATABASE_URL": "postgresql://bieb_owner@db/bieb"}
    assert Config.from_env(two).migrating_url == "postgresql://bieb_owner@db/bieb"
    pg = "postgresql://bieb@db/bieb"
    assert grants.runtime_role(pg, pg) is None
    assert grants.runtime_role("sqlite:///x.db", "sqlite:///x.db") is None
    assert grants.runtime_role("postgresql://bieb_owner@db/bieb", pg) == "bieb"
    with pytest.raises(grants.GrantsError):
        grants.runtime_role("postgresql://bieb_owner@db/other", pg)
