"""The Alembic revisions build exactly the schema the code declares, both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

import migrations
from app.cli import main
from events.store import SqlEventStore, create_store_engine
from events.store.tables import metadata
from tests.factories import make_event


def test_the_migrated_schema_matches_the_tables_in_code(engine):
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert drift == []


def test_downgrade_removes_everything_and_upgrade_restores_it(database_url):
    migrations.downgrade(database_url, "base")
    engine = create_store_engine(database_url)
    assert "events" not in inspect(engine).get_table_names()
    migrations.upgrade(database_url)
    SqlEventStore(engine).append("s", [make_event()])
    assert len(SqlEventStore(engine).read_all()) == 1
    engine.dispose()


def test_bieb_db_upgrade_creates_the_store(backend, request, tmp_path):
    if backend == "postgres":
        url = request.getfixturevalue("postgres_databases").create(migrated=False)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {
        "BIEB_DATABASE_URL": url,
        "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
        "BIEB_TESTING": "1",
    }
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    engine = create_store_engine(url)
    SqlEventStore(engine).append("s", [make_event()])
    engine.dispose()
    # Running it again is harmless.
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
