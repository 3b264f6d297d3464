"""GET /healthz reports the database and the broker, on both ways of running."""

from __future__ import annotations

import json
import logging

import pytest

from app import create_app
from app.config import Config
from app.logs import configure_logging


def make_config(tmp_path, database_url: str, broker_url: str) -> Config:
    return Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_BROKER_URL": broker_url,
            "BIEB_TESTING": "true",
        }
    )


def healthz(config: Config):
    return create_app(config).test_client().get("/healthz")


def test_embedded_default_is_healthy(tmp_path):
    config = Config.from_env(
        {"BIEB_INSTANCE_DIR": str(tmp_path / "instance"), "BIEB_TESTING": "1"}
    )
    response = healthz(config)
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["backend"] == "sqlite"
    assert response.json["broker"]["transport"] == "sqla+sqlite"


def test_production_services_are_healthy(tmp_path, postgres_databases, redis_url):
    response = healthz(make_config(tmp_path, postgres_databases.create(), redis_url))
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": {"ok": True, "backend": "postgresql"},
        "broker": {"ok": True, "transport": "redis"},
    }


def test_a_dead_broker_degrades_but_does_not_fail(tmp_path, database_url):
    response = healthz(make_config(tmp_path, database_url, "redis://127.0.0.1:1/0"))
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["broker"]["ok"] is False
    assert response.json["database"]["ok"] is True


def test_a_dead_database_is_503(tmp_path, redis_url):
    dead = "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    response = healthz(make_config(tmp_path, dead, redis_url))
    assert response.status_code == 503
    assert response.json["status"] == "down"
    assert "error" in response.json["database"]


def test_every_response_and_log_line_carries_the_request_id(tmp_path, capsys):
    config = Config.from_env(
        {"BIEB_INSTANCE_DIR": str(tmp_path / "instance"), "BIEB_TESTING": "1"}
    )
    client = create_app(config).test_client()
    configure_logging("INFO", "json")
    try:
        given = client.get("/healthz", headers={"X-Request-ID": "tablet-42-abc"})
        made = client.get("/healthz")
    finally:
        logging.getLogger().handlers[:] = []
    assert given.headers["X-Request-ID"] == "tablet-42-abc"
    assert len(made.headers["X-Request-ID"]) == 32
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    requests = [line for line in lines if line["message"] == "request"]
    assert [r["request_id"] for r in requests] == [
        "tablet-42-abc",
        made.headers["X-Request-ID"],
    ]
    assert requests[0]["path"] == "/healthz"
    assert requests[0]["status"] == 200
    assert requests[0]["level"] == "INFO"


@pytest.mark.parametrize("offered", ["x" * 65, "a b", "<script>"])
def test_unsafe_request_ids_are_replaced(tmp_path, offered):
    config = Config.from_env(
        {"BIEB_INSTANCE_DIR": str(tmp_path / "instance"), "BIEB_TESTING": "1"}
    )
    response = (
        create_app(config)
        .test_client()
        .get("/healthz", headers={"X-Request-ID": offered})
    )
    assert response.headers["X-Request-ID"] != offered
