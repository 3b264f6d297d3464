"""Guessing is slowed: failed sign-ins are limited per client address.

After 10 unknown bearer tokens (or wrong pairing codes) in a minute, an address
is answered 429 with Retry-After for every attempt of that kind, good or bad,
until the window passes; the database is not asked. Other addresses, and
successful sign-ins, are not touched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import func, select

from app import auth, create_app
from app.accounts import create_account, create_pairing_code
from app.config import Config
from app.throttle import storage_uri
from events.store.tables import accounts, events
from tests.support import databases

GUESSER = "198.51.100.7"
NEIGHBOUR = "198.51.100.8"
ATTEMPTS = 200
LIMIT = 10


def make_app(tmp_path, **env: str):
    config = Config.from_env({
        "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
        "BIEB_DATABASE_URL": env.pop("url", None) or databases.sqlite_url(tmp_path),
        "BIEB_TESTING": "1",
        **env,
    })  # fmt: skip
    return create_app(config)


@pytest.fixture
def app(tmp_path) -> Iterator:
    app = make_app(tmp_path)  # the embedded default: counts in memory
    yield app
    app.extensions["store"].engine.dispose()


def client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def get(client, token: str):
    return client.get("/api/v1/ido/questions", query_string={"period": "2025-H1"},
                      headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def staff_token(app) -> str:
    engine = app.extensions["store"].engine
    return create_account(engine, f"staff-{uuid.uuid4().hex[:6]}", "staff",
                          "heemstede")[1]  # fmt: skip


def counts(app) -> list[int]:
    with app.extensions["store"].engine.connect() as conn:
        return [
            conn.execute(select(func.count()).select_from(table)).scalar()
            for table in (accounts, events)
        ]


def guess(app, address: str = GUESSER) -> list:
    guesser = client(app, address)
    return [get(guesser, f"bieb_guess{n}") for n in range(ATTEMPTS)]


class TestBearerTokens:
    def test_after_ten_unknown_tokens_the_address_is_told_to_wait(
        self, app, monkeypatch
    ):
        good = staff_token(app)
        before = counts(app)
        asked = []
        real = auth.authenticate
        monkeypatch.setattr(auth, "authenticate",
                            lambda *a: asked.append(1) or real(*a))  # fmt: skip
        answers = guess(app)
        assert [a.status_code for a in answers[:LIMIT]] == [401] * LIMIT
        assert {a.status_code for a in answers[LIMIT:]} == {429}
        refused = answers[-1]
        assert refused.mimetype == "application/problem+json"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.get_json()["type"] == "/problems/too-many-sign-ins"
        assert len(asked) == LIMIT  # the database was not asked again
        # A good token from that address waits too, until the window passes.
        assert get(client(app, GUESSER), good).status_code == 429
        assert counts(app) == before

    def test_another_address_is_not_affected(self, app):
        good = staff_token(app)
        guess(app)
        neighbour = client(app, NEIGHBOUR)
        assert get(neighbour, good).status_code == 200
        assert get(neighbour, "bieb_typo").status_code == 401

    def test_successful_sign_ins_are_never_counted(self, app):
        good = staff_token(app)
        user = client(app, GUESSER)
        assert {get(user, good).status_code for _ in range(3 * LIMIT)} == {200}
        assert get(user, "bieb_typo").status_code == 401


@pytest.mark.redis
def test_counts_in_the_brokers_redis_are_shared_by_every_process(tmp_path, redis_url):
    """Two apps (two gunicorn workers) on one Redis: one limit for both."""
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    url = databases.sqlite_url(tmp_path)
    env = {"BIEB_BROKER_URL": redis_url, "BIEB_RATE_LIMIT_PREFIX": prefix}
    first = make_app(tmp_path, url=url, **env)
    second = make_app(tmp_path, url=url, **env)
    assert storage_uri(first.extensions["bieb_config"]) == redis_url
    server = redis.Redis.from_url(redis_url)
    try:
        good = staff_token(first)
        answers = [get(client(first, GUESSER), "bieb_wrong") for _ in range(LIMIT)]
        assert {a.status_code for a in answers} == {401}
        assert server.keys(f"*{prefix}*"), "nothing counted in Redis"
        assert get(client(second, GUESSER), good).status_code == 429
        assert get(client(second, NEIGHBOUR), good).status_code == 200
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        for app in (first, second):
            app.extensions["store"].engine.dispose()


def test_a_redis_that_is_away_lets_sign_ins_through(tmp_path):
    """The limit guards against guessing; it never locks everyone out."""
    app = make_app(tmp_path, BIEB_RATE_LIMIT_STORAGE="redis://127.0.0.1:1/0")
    good = staff_token(app)
    assert get(client(app, GUESSER), good).status_code == 200
    assert get(client(app, GUESSER), "bieb_wrong").status_code == 401
    app.extensions["store"].engine.dispose()


def test_the_embedded_default_counts_in_memory(tmp_path):
    assert storage_uri(Config.from_env({"BIEB_INSTANCE_DIR": str(tmp_path)})) == (
        "memory://"
    )


class TestPairingCodes:
    def pair(self, browser, code: str):
        page = browser.get("/koppelen").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return browser.post("/koppelen", data={"code": code, "csrf_token": token})

    def test_after_ten_wrong_codes_the_page_asks_to_wait_in_dutch(self, app):
        create_account(app.extensions["store"].engine, "desk", "staff", "heemstede")
        code = create_pairing_code(app.extensions["store"].engine, "desk")
        guesser = client(app, GUESSER)
        wrong = [self.pair(guesser, f"AAAA-{n:04d}") for n in range(LIMIT + 5)]
        assert [a.status_code for a in wrong[:LIMIT]] == [422] * LIMIT
        assert {a.status_code for a in wrong[LIMIT:]} == {429}
        page = wrong[-1].get_data(as_text=True)
        assert "te veel verkeerde codes" in page
        assert int(wrong[-1].headers["Retry-After"]) >= 1
        # The right code waits too; on another network it pairs at once.
        assert self.pair(guesser, code).status_code == 429
        assert self.pair(client(app, NEIGHBOUR), code).status_code == 302
