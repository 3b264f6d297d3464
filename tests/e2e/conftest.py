"""The end-to-end stack: a database, a private Redis, the app and a real worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.config import Config
from tests.support.processes import RedisServer, Worker


@dataclass
class Stack:
    """What a test drives: the app in-process, and real processes beside it."""

    app: Flask
    redis: RedisServer
    worker: Worker
    env: dict[str, str]  # what the worker (and any other process) is started with
    folder: Path


@pytest.fixture
def make_stack(postgres_databases, tmp_path) -> Iterator[Callable[..., Stack]]:
    """`make_stack(**extra_env)`: a PostgreSQL database, a private Redis, a worker."""
    made: list[Stack] = []

    def make(**extra: str) -> Stack:
        redis = RedisServer(tmp_path).start()
        env = {
            "BIEB_DATABASE_URL": postgres_databases.create(),
            "BIEB_BROKER_URL": redis.url,
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            **extra,
        }
        app = create_app(Config.from_env({**env, "BIEB_TESTING": "1"}))
        worker = Worker(env, tmp_path / "worker.log")
        made.append(Stack(app, redis, worker, env, tmp_path))
        return made[-1]

    yield make
    for stack in made:
        stack.worker.stop()
        stack.redis.stop()
        stack.app.extensions["store"].engine.dispose()
