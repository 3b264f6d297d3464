"""docker-compose.yml stays in step with what the tests run and the code reads."""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import redis
import yaml
from sqlalchemy.engine import make_url

from app.config import Config
from tests.conftest import require
from tests.support.databases import POSTGRES_URL, REDIS_URL, postgres_available

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
    used = set(COMPOSE["x-bieb"]["environment"]) | set(environment("migrate"))
    assert used <= settings, used - settings


def environment(service: str) -> dict[str, str]:
    return SERVICES[service].get("environment", COMPOSE["x-bieb"]["environment"])


def test_the_owner_migrates_and_the_rest_run_as_the_runtime_role():
    owner = SERVICES["postgres"]["environment"]["POSTGRES_USER"]
    migrate = environment("migrate")
    owner_url = make_url(migrate["BIEB_OWNER_DATABASE_URL"])
    assert (owner, owner_url.username) == ("bieb_owner", "bieb_owner")
    assert SERVICES["migrate"]["command"] == ["bieb", "db", "upgrade"]
    for name in ["migrate", "api", "worker", "scheduler"]:
        runtime = make_url(environment(name)["BIEB_DATABASE_URL"])
        assert runtime.username == "bieb", name
        assert runtime.database == owner_url.database, name
    for name in ["api", "worker", "scheduler"]:
        assert "BIEB_OWNER_DATABASE_URL" not in environment(name), name
        assert owner not in str(environment(name)), name


INIT_DIR = "/docker-entrypoint-initdb.d/"


def init_script() -> Path:
    """The SQL the postgres service runs on an empty volume."""
    [mount] = [v for v in SERVICES["postgres"]["volumes"] if INIT_DIR in v]
    source, target, *_ = mount.split(":")
    assert target.startswith(INIT_DIR) and target.endswith(".sql")
    return ROOT / source


def test_the_init_script_makes_the_runtime_login_role():
    """Run by psql as the image does, in a transaction that is rolled back."""
    require(postgres_available())
    psql = shutil.which("psql")
    assert psql, "psql (postgresql-client) is needed"
    runtime = make_url(environment("api")["BIEB_DATABASE_URL"]).username
    script = (
        "BEGIN;\n"
        + init_script().read_text()
        + f"\nSELECT rolcanlogin, rolpassword IS NOT NULL FROM pg_authid"
        f" WHERE rolname = '{runtime}';\nROLLBACK;\n"
    )
    dsn = make_url(POSTGRES_URL).set(drivername="postgresql")
    command = [psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
               dsn.render_as_string(hide_password=False)]  # fmt: skip
    env = {**os.environ, "BIEB_RUNTIME_PASSWORD": "s3cret"}
    ran = subprocess.run(command, input=script, env=env, capture_output=True,
                         text=True, timeout=30)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["t|t"]
    env.pop("BIEB_RUNTIME_PASSWORD")
    unset = subprocess.run(command, input=script, env=env, capture_output=True,
                           text=True, timeout=30)  # fmt: skip
    assert unset.returncode != 0  # no password, no role


def test_the_commands_name_modules_that_exist():
    assert SERVICES["worker"]["command"][:3] == ["celery", "-A", "workers.main"]
    assert "app:create_app()" in SERVICES["api"]["command"]
    for module in ["workers.scheduler", "app"]:
        importlib.import_module(module)
    assert hasattr(importlib.import_module("app"), "create_app")
