"""Throwaway databases for tests: one migrated template, cheap copies of it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

import migrations

POSTGRES_URL = os.environ.get(
    "BIEB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BIEB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def postgres_available() -> str | None:
    """None if the server answers, else why not."""
    try:
        with psycopg.connect(_admin_dsn(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}"
    return None


def database_url(name: str) -> str:
    return (
        make_url(POSTGRES_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


class PostgresDatabases:
    """Creates migrated databases by copying a template migrated once per run."""

    def __init__(self) -> None:
        self.template = f"bieb_tpl_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []
        self._execute(f'CREATE DATABASE "{self.template}"')
        migrations.upgrade(database_url(self.template))

    def _execute(self, sql: str) -> None:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(sql)

    def create(self, migrated: bool = True) -> str:
        name = f"bieb_t_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{template}')
        self.created.append(name)
        return database_url(name)

    def drop_all(self) -> None:
        for name in [*self.created, self.template]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(folder: Path, migrated: bool = True) -> str:
    url = f"sqlite:///{folder / f'bieb-{uuid.uuid4().hex[:8]}.db'}"
    if migrated:
        migrations.upgrade(url)
    return url


def redis_available() -> str | None:
    """None if the Redis server answers, else why not."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} is not reachable: {error}"
    return None
