"""People's way in: the landing page, password sign-in, accounts for admins.

Driven through Flask's test client as a browser would (CSRF token from the
page, the `bieb_page` cookie); the browser tour is tests/browser/test_sign_in.py.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

import app.accounts as accounts_module
from app.accounts import (
    account_changes,
    create_account,
    page_session,
    redeem_pairing_code,
    set_password,
    sign_in_with_password,
)
from app.auth import SESSION_COOKIE
from app.cli import users
from app.first_hour import (
    PASSWORD_FILE,
    make_first_admin,
    welcome,
    welcome_when_ready,
)
from events.store.tables import accounts
from tests.support.api import ROLES

PASSWORD = "correct horse battery"
REFUSED = "Deze naam en dit wachtwoord horen niet bij een account"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch, request) -> None:
    """A lighter scrypt (still scrypt) but for the test that checks the real one."""
    if "real_scrypt" not in request.fixturenames:
        monkeypatch.setattr(accounts_module, "PASSWORD_METHOD", "scrypt:1024:8:1")
        monkeypatch.setattr(accounts_module, "_dummy_hash", [])


@pytest.fixture
def real_scrypt() -> None:
    """Asked for by a test that must see the production work factor."""


@pytest.fixture
def backend() -> str:
    """Most tests need one backend; the whole way in is run on both once."""
    return "sqlite"


def _engine(app):
    return app.extensions["store"].engine


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _person(app, role: str, name: str | None = None) -> str:
    name = name or f"{role}-person"
    create_account(_engine(app), name, **ROLES[role])
    set_password(_engine(app), name, PASSWORD)
    return name


class Person:
    """A test client that signs in at /inloggen, as a browser would."""

    def __init__(self, app, name: str, password: str = PASSWORD) -> None:
        self.client = app.test_client()
        self.response = self.post("/inloggen", name=name, password=password)

    def token(self, path: str = "/") -> str:
        return _csrf(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, **form: str):
        return self.client.post(path, data={"csrf_token": self.token(), **form})

    def text(self, path: str) -> str:
        return self.client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_person_signs_in_with_a_scrypt_password_and_sees_where_to_work(
    app, real_scrypt
):
    name = _person(app, "staff")
    with _engine(app).connect() as conn:
        stored = conn.execute(
            select(accounts.c.password_hash).where(accounts.c.name == name)
        ).scalar()
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored

    before = app.test_client().get("/").get_data(as_text=True)
    assert "Prestatieregister van de bibliotheek" in before
    assert 'href="/inloggen"' in before and 'href="/koppelen"' in before

    person = Person(app, name)
    assert person.response.status_code == 302
    assert person.response.headers["Location"] == "/"
    [cookie] = [
        c for c in person.response.headers.getlist("Set-Cookie")
        if c.startswith(f"{SESSION_COOKIE}=")
    ]  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP here; set on TLS as for pairing
    home = person.text("/")
    assert f"Ingelogd als {name}" in home
    assert 'href="/ido"' in home and 'href="/steekproef"' in home
    assert "/beheer/accounts" not in home  # staff manage no accounts


def test_an_admin_sees_the_accounts_link(app):
    admin = Person(app, _person(app, "admin"))
    assert 'href="/beheer/accounts"' in admin.text("/")


def test_a_wrong_name_and_a_wrong_password_get_the_same_answer_and_work(
    app, monkeypatch
):
    _person(app, "staff", "desk")
    create_account(_engine(app), "tablet-1", **ROLES["tablet"])  # no password
    checks = []
    real = accounts_module.check_password_hash
    monkeypatch.setattr(
        accounts_module,
        "check_password_hash",
        lambda stored, given: checks.append(stored) or real(stored, given),
    )
    answers = [
        Person(app, "nobody").response,
        Person(app, "desk", "wrong password!").response,
        Person(app, "tablet-1", PASSWORD).response,
    ]
    assert [a.status_code for a in answers] == [422, 422, 422]
    messages = {
        re.search(r'class="error-message"[^>]*>([^<]+)<', a.get_data(as_text=True))[1]
        for a in answers
    }
    assert len(messages) == 1 and REFUSED in messages.pop()
    # Each took one scrypt check, also for the unknown name: no timing tell.
    assert len(checks) == 3 and all(h.startswith("scrypt:") for h in checks)
    assert SESSION_COOKIE not in str([a.headers for a in answers])


def test_ten_failed_sign_ins_then_even_the_right_password_is_refused(app):
    name = _person(app, "staff")
    for _ in range(10):
        assert Person(app, name, "not the password").response.status_code == 422
    blocked = Person(app, name).response
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Te vaak mislukt inloggen" in blocked.get_data(as_text=True)
    assert SESSION_COOKIE not in str(blocked.headers)


def test_a_persons_session_lasts_a_working_day(app):
    name = _person(app, "staff")
    then = datetime.now(UTC) - timedelta(hours=12, minutes=1)
    _account, token = sign_in_with_password(_engine(app), name, PASSWORD, now=then)
    assert page_session(_engine(app), token).state == "expired"
    _account, token = sign_in_with_password(_engine(app), name, PASSWORD)
    assert page_session(_engine(app), token).state == "live"


def test_signing_out_ends_a_persons_session_and_returns_to_sign_in(app):
    person = Person(app, _person(app, "admin"))
    assert person.client.get("/beheer/accounts").status_code == 200
    out = person.post("/afmelden")
    assert out.status_code == 302 and out.headers["Location"] == "/inloggen"
    again = person.client.get("/beheer/accounts")
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/inloggen")


FORMS = (
    "/inloggen",
    "/afmelden",
    "/beheer/accounts",
    "/beheer/accounts/intrekken",
    "/beheer/accounts/wachtwoord",
    "/beheer/accounts/koppelcode",
)


def test_every_form_refuses_a_post_without_its_csrf_token(app):
    admin = Person(app, _person(app, "admin"))
    _person(app, "staff", "desk")
    form = {"name": "desk", "role": "staff", "password": "another password"}
    for path in FORMS:
        refused = admin.client.post(path, data=form)
        assert refused.status_code == 403, path
        assert "Dit formulier is verlopen" in refused.get_data(as_text=True)
    with _engine(app).connect() as conn:
        assert conn.execute(select(account_changes)).all() == []
        live = conn.execute(select(accounts.c.revoked_at)).scalars().all()
    assert live == [None, None]
    assert Person(app, "desk").response.status_code == 302  # password unchanged
    assert admin.client.get("/beheer/accounts").status_code == 200  # still signed in


def test_staff_and_viewers_get_a_dutch_403_on_accounts(app):
    for role in ("staff", "viewer"):
        person = Person(app, _person(app, role))
        page = person.client.get("/beheer/accounts")
        assert page.status_code == 403
        assert "Geen toegang" in page.get_data(as_text=True)
        forged = person.post(
            "/beheer/accounts", name="x", role="admin", password=PASSWORD
        )
        assert forged.status_code == 403
    assert Person(app, "x").response.status_code == 422  # no account was made


def test_without_signing_in_accounts_sends_to_sign_in_and_back(app):
    page = app.test_client().get("/beheer/accounts")
    assert page.status_code == 302
    assert page.headers["Location"] == "/inloggen?next=/beheer/accounts"
    admin = Person(app, _person(app, "admin"))
    back = admin.client.post(
        "/inloggen",
        data={"csrf_token": admin.token("/inloggen"), "name": "admin-person",
              "password": PASSWORD, "next": "//evil.example/"},
    )  # fmt: skip
    assert back.headers["Location"] == "/"  # never off the site


def test_an_admin_manages_accounts_and_each_change_names_the_admin(app):
    admin_name = _person(app, "admin")
    admin = Person(app, admin_name)
    added = admin.post(
        "/beheer/accounts", name="Anna", role="staff", place="m:heemstede",
        password="first password",
    )  # fmt: skip
    assert added.status_code == 302
    assert "Account Anna is toegevoegd" in admin.text("/beheer/accounts")
    assert Person(app, "Anna", "first password").response.status_code == 302

    short = admin.post("/beheer/accounts", name="Bob", role="staff", password="short")
    assert short.status_code == 422
    assert "Een wachtwoord heeft minstens 10 tekens" in short.get_data(as_text=True)
    no_branch = admin.post("/beheer/accounts", name="tab", role="tablet", place="")
    assert "kies de vestiging" in no_branch.get_data(as_text=True)

    tablet = admin.post(
        "/beheer/accounts", name="tab", role="tablet", place="b:heemstede:heemstede"
    )
    code = re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', tablet.text)[1]
    assert redeem_pairing_code(_engine(app), code)[0].name == "tab"

    reset = admin.post(
        "/beheer/accounts/wachtwoord", name="Anna", password="second one!"
    )
    assert reset.status_code == 302
    assert Person(app, "Anna", "first password").response.status_code == 422
    assert Person(app, "Anna", "second one!").response.status_code == 302

    withdrawn = admin.post("/beheer/accounts/intrekken", name="Anna")
    assert withdrawn.status_code == 302
    assert Person(app, "Anna", "second one!").response.status_code == 422
    own = admin.post("/beheer/accounts/intrekken", name=admin_name)
    assert "eigen account niet intrekken" in own.get_data(as_text=True)

    with _engine(app).connect() as conn:
        changes = conn.execute(
            select(account_changes).order_by(account_changes.c.change_id)
        ).all()
    actor = f"admin:{admin_name and _id(app, admin_name)}"
    assert [(c.action, c.actor) for c in changes] == [
        ("added", actor),
        ("password", actor),
        ("added", actor),
        ("pairing_code", actor),
        ("password", actor),
        ("revoked", actor),
    ]
    listing = admin.text("/beheer/accounts")
    assert "ingetrokken op" in listing and f"door {admin_name}" in listing


def _id(app, name: str):
    with _engine(app).connect() as conn:
        return conn.execute(
            select(accounts.c.account_id).where(accounts.c.name == name)
        ).scalar()


def test_bieb_users_password_asks_twice_and_is_recorded(app):
    runner = app.test_cli_runner()
    assert runner.invoke(users, ["add", "boss", "--role", "admin"]).exit_code == 0
    mismatch = runner.invoke(
        users, ["password", "boss"], input="first password\nother password\n" * 3
    )
    assert mismatch.exit_code != 0
    result = runner.invoke(
        users, ["password", "boss"], input="a good password\na good password\n"
    )
    assert result.exit_code == 0, result.output
    assert "a good password" not in result.output  # not echoed
    assert Person(app, "boss", "a good password").response.status_code == 302
    create_account(_engine(app), "tab", **ROLES["tablet"])
    tablet = runner.invoke(users, ["password", "tab", "--password", "tablets pair"])
    assert tablet.exit_code != 0
    with _engine(app).connect() as conn:
        rows = conn.execute(select(account_changes.c.action, account_changes.c.actor))
        assert sorted(rows.all()) == [("added", "cli"), ("password", "cli")]


def test_the_first_admin_gets_a_one_time_password_in_a_private_file(app, tmp_path):
    first = make_first_admin(_engine(app), tmp_path)
    assert first.password_file == tmp_path / PASSWORD_FILE
    assert stat.S_IMODE(os.stat(first.password_file).st_mode) == 0o600
    password = first.password_file.read_text().strip()
    assert len(password) >= 16
    assert Person(app, "admin", password).response.status_code == 302
    block = welcome("http://127.0.0.1:8000", tmp_path)
    assert "http://127.0.0.1:8000/inloggen as 'admin'" in block
    assert str(first.password_file) in block and password not in block
    assert make_first_admin(_engine(app), tmp_path) is None  # once only


def test_the_block_comes_once_the_api_answers_and_not_if_it_died(tmp_path, capsys):
    def livez(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server("127.0.0.1", 0, livez)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bind = f"127.0.0.1:{server.server_port}"
    alive = subprocess.Popen(["sleep", "30"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        welcome_when_ready(bind, alive, tmp_path)
        assert f"ready at http://{bind}/" in capsys.readouterr().out
        welcome_when_ready(bind, dead, tmp_path)
        assert capsys.readouterr().out == ""
    finally:
        alive.kill()
        alive.wait()
        server.shutdown()
