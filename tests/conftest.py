"""Fixtures shared by every tier: databases on both backends, the store, a clock."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app import create_app
from app.config import Config
from events.store import SqlEventStore, create_store_engine
from tests.support import databases
from tests.support.api import ApiClient

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(problem: str | None) -> None:
    """Skip on a developer's machine; fail in CI, where every service must run."""
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"{problem} (CI=true: a missing service is a failure)")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[databases.PostgresDatabases]:
    require(databases.postgres_available())
    pool = databases.PostgresDatabases()
    yield pool
    pool.drop_all()


@pytest.fixture(scope="session")
def redis_url() -> str:
    require(databases.redis_available())
    return databases.REDIS_URL


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """A new, migrated database on the backend under test."""
    if backend == "postgres":
        return request.getfixturevalue("postgres_databases").create()
    return databases.sqlite_url(tmp_path)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> SqlEventStore:
    return SqlEventStore(engine)


@pytest.fixture
def pg_store(postgres_databases) -> Iterator[SqlEventStore]:
    """A store on a new PostgreSQL database, for what only PostgreSQL has."""
    engine = create_store_engine(postgres_databases.create())
    yield SqlEventStore(engine)
    engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    """The Flask app on the backend under test, with the embedded broker."""
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_TESTING": "1",
        }
    )
    app = create_app(config)
    yield app
    app.extensions["store"].engine.dispose()


@pytest.fixture
def api(app) -> ApiClient:
    return ApiClient(app)
