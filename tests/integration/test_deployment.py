"""docker-compose.yml stays in step with what the tests run and the code reads."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import psycopg
import redis
import yaml

from app.config import Config
from tests.support.databases import POSTGRES_URL, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def image_version(service: str) -> str:
    return SERVICES[service]["image"].rsplit(":", 1)[1]


def test_every_service_of_the_design_is_there_with_a_healthcheck():
    for name in ["postgres", "redis", "api", "worker", "scheduler", "mailpit"]:
        assert "healthcheck" in SERVICES[name], name


def test_postgres_image_is_the_major_version_the_tests_use(postgres_databases):
    dsn = POSTGRES_URL.replace("+psycopg", "")
    with psycopg.connect(dsn) as conn:
        major = conn.info.server_version // 10000
    assert image_version("postgres") == str(major)


def test_redis_image_is_the_version_the_tests_use(redis_url):
    version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    assert version.startswith(image_version("redis") + ".")


def test_every_variable_set_for_the_app_is_a_setting():
    settings = {f"BIEB_{f.name.upper()}" for f in dataclasses.fields(Config)}
    used = set(COMPOSE["x-bieb"]["environment"])
    assert used <= settings, used - settings


def test_the_commands_name_modules_that_exist():
    assert SERVICES["worker"]["command"][:3] == ["celery", "-A", "workers.main"]
    assert "app:create_app()" in SERVICES["api"]["command"]
    for module in ["workers.scheduler", "app"]:
        importlib.import_module(module)
    assert hasattr(importlib.import_module("app"), "create_app")
