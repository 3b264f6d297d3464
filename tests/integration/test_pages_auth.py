"""Page sign-in: pairing codes, page sessions, revocation, CSRF on cookie writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts import (
    PAIRING_ALPHABET,
    AccountError,
    create_account,
    create_pairing_code,
    page_session,
    redeem_pairing_code,
    revoke_account,
)
from app.auth import SESSION_COOKIE
from app.cli import users
from events.store.tables import page_sessions, pairing_codes
from tests.support.api import ROLES

QUESTION = {"themes": ["digid"], "help_kind": "information"}


def _engine(app):
    return app.extensions["store"].engine


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


class Browser:
    """A test client paired as one role, as a browser would be."""

    def __init__(self, app, role: str, name: str | None = None) -> None:
        self.name = name or f"page-{role}"
        create_account(_engine(app), self.name, **ROLES[role])
        self.client = app.test_client()
        code = create_pairing_code(_engine(app), self.name)
        page = self.client.get("/koppelen").get_data(as_text=True)
        response = self.client.post(
            "/koppelen", data={"code": code, "csrf_token": _csrf(page)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        self.landing = response.headers["Location"]
        self.cookie = response.headers.getlist("Set-Cookie")

    def token(self, path: str = "/koppelen") -> str:
        return _csrf(self.client.get(path).get_data(as_text=True))


class TestPairingCodes:
    def test_a_code_is_short_readable_and_kept_only_as_a_hash(self, app):
        create_account(_engine(app), "desk", "staff", "heemstede")
        code = create_pairing_code(_engine(app), "desk")
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        assert set(code.replace("-", "")) <= set(PAIRING_ALPHABET)
        assert not set("01OIL") & set(PAIRING_ALPHABET)
        with _engine(app).connect() as conn:
            [row] = conn.execute(select(pairing_codes)).all()
        assert code.replace("-", "") not in str(tuple(row))
        assert row.expires_at - row.created_at == timedelta(hours=24)

    def test_a_code_works_once(self, app):
        create_account(_engine(app), "desk", "staff", "heemstede")
        code = create_pairing_code(_engine(app), "desk")
        account, token = redeem_pairing_code(_engine(app), code.lower())
        assert account.name == "desk" and len(token) >= 40
        assert redeem_pairing_code(_engine(app), code) is None

    def test_a_code_expires_after_a_day(self, app):
        create_account(_engine(app), "desk", "staff", "heemstede")
        then = datetime.now(UTC) - timedelta(hours=24, minutes=1)
        code = create_pairing_code(_engine(app), "desk", now=then)
        assert redeem_pairing_code(_engine(app), code) is None

    def test_no_code_for_an_unknown_or_revoked_account(self, app):
        with pytest.raises(AccountError):
            create_pairing_code(_engine(app), "nobody")
        create_account(_engine(app), "gone", "viewer", "heemstede")
        code = create_pairing_code(_engine(app), "gone")
        revoke_account(_engine(app), "gone")
        with pytest.raises(AccountError):
            create_pairing_code(_engine(app), "gone")
        assert redeem_pairing_code(_engine(app), code) is None

    def test_bieb_users_pair_prints_a_code(self, app):
        runner = app.test_cli_runner()
        runner.invoke(users, ["add", "t1", "--role", "tablet", "--branch", "heemstede"])
        result = runner.invoke(users, ["pair", "t1"])
        assert result.exit_code == 0, result.output
        code = result.output.split()[-1]
        assert redeem_pairing_code(_engine(app), code)[0].role == "tablet"


class TestPageSessions:
    def test_pairing_sets_an_http_only_strict_cookie_kept_hashed(self, app):
        browser = Browser(app, "staff")
        assert browser.landing == "/ido"
        [cookie] = [c for c in browser.cookie if c.startswith(f"{SESSION_COOKIE}=")]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Secure" not in cookie
        token = cookie.split(";")[0].split("=", 1)[1]
        with _engine(app).connect() as conn:
            [row] = conn.execute(select(page_sessions)).all()
        assert row.token_hash != token
        assert page_session(_engine(app), token).account.name == browser.name

    def test_the_cookie_is_secure_over_tls(self, app):
        create_account(_engine(app), "desk", "staff", "heemstede")
        client = app.test_client()
        base = "https://localhost"
        html = client.get("/koppelen", base_url=base).get_data(as_text=True)
        code = create_pairing_code(_engine(app), "desk")
        response = client.post(
            "/koppelen", base_url=base,
            data={"code": code, "csrf_token": _csrf(html)},
            headers={"Referer": f"{base}/koppelen"},
        )  # fmt: skip
        [cookie] = [
            c for c in response.headers.getlist("Set-Cookie")
            if c.startswith(SESSION_COOKIE)
        ]  # fmt: skip
        assert "Secure" in cookie

    def test_each_role_lands_on_its_page(self, app):
        assert Browser(app, "tablet").landing == "/tablet"
        assert Browser(app, "viewer").landing == "/ido"
        assert Browser(app, "admin").landing == "/ido"

    def test_without_a_session_a_page_sends_to_pairing(self, app):
        response = app.test_client().get("/ido")
        assert response.status_code == 302
        assert response.headers["Location"] == "/koppelen"

    def test_revoking_the_account_ends_its_sessions_at_the_next_request(self, app):
        first, second = Browser(app, "tablet"), None
        second = app.test_client()
        second.set_cookie(SESSION_COOKIE, _token_of(first))
        assert first.client.get("/tablet").status_code == 200
        revoke_account(_engine(app), first.name)
        for client in (first.client, second):
            response = client.get("/tablet")
            assert response.status_code == 302
            assert response.headers["Location"] == "/koppelen?ontkoppeld=1"
            assert client.get("/api/v1/ido/questions?period=2025").status_code == 401
        page = first.client.get("/koppelen?ontkoppeld=1").get_data(as_text=True)
        assert "Dit apparaat is ontkoppeld" in page

    def test_signing_out_ends_the_session(self, app):
        browser = Browser(app, "staff")
        token = browser.token("/afmelden")
        response = browser.client.post("/afmelden", data={"csrf_token": token})
        assert response.headers["Location"] == "/koppelen"
        assert browser.client.get("/ido").status_code == 302

    def test_sign_out_needs_the_csrf_token(self, app):
        browser = Browser(app, "staff")
        assert browser.client.post("/afmelden").status_code == 403
        assert browser.client.get("/ido").status_code == 200


class TestRoles:
    def test_a_tablet_may_not_open_the_staff_pages(self, app):
        tablet = Browser(app, "tablet")
        for path in ("/ido", "/steekproef"):
            response = tablet.client.get(path)
            assert response.status_code == 403
            assert "Geen toegang" in response.get_data(as_text=True)

    def test_a_viewer_reads_and_may_not_post(self, app):
        viewer = Browser(app, "viewer")
        for path in ("/ido", "/steekproef"):
            assert viewer.client.get(path).status_code == 200
            token = viewer.token(path)
            forged = viewer.client.post(path, data={"csrf_token": token})
            assert forged.status_code == 403


class TestCsrfOnCookieWrites:
    def test_a_cookie_write_without_the_header_is_refused(self, app):
        staff = Browser(app, "staff")
        response = staff.client.post("/api/v1/ido/questions", json=QUESTION)
        assert response.status_code == 403
        assert response.content_type == "application/problem+json"
        assert response.json["type"] == "/problems/csrf"

    def test_a_cookie_write_with_a_wrong_token_is_refused(self, app):
        staff = Browser(app, "staff")
        response = staff.client.post(
            "/api/v1/ido/questions", json=QUESTION, headers={"X-CSRF-Token": "nope"}
        )
        assert response.status_code == 403

    def test_a_cookie_write_with_the_pages_token_is_accepted(self, app):
        staff = Browser(app, "staff")
        response = staff.client.post(
            "/api/v1/ido/questions", json=QUESTION,
            headers={"X-CSRF-Token": staff.token("/ido")},
        )  # fmt: skip
        assert response.status_code == 201, response.json
        assert response.json["positions"]

    def test_a_bearer_write_needs_no_token(self, api):
        assert api.post("/ido/questions", QUESTION).status_code == 201

    def test_a_bearer_header_is_judged_alone_even_with_a_cookie(self, app, api):
        staff = Browser(app, "staff")
        response = staff.client.post(
            "/api/v1/ido/questions", json=QUESTION,
            headers={"Authorization": "Bearer wrong"},
        )  # fmt: skip
        assert response.status_code == 401

    def test_cookie_reads_need_no_token(self, app):
        viewer = Browser(app, "viewer")
        response = viewer.client.get("/api/v1/ido/questions?period=2025")
        assert response.status_code == 200

    def test_an_api_write_signed_in_by_nobody_is_still_a_401(self, app):
        response = app.test_client().post("/api/v1/ido/questions", json=QUESTION)
        assert response.status_code == 401


def _token_of(browser: Browser) -> str:
    [cookie] = [c for c in browser.cookie if c.startswith(f"{SESSION_COOKIE}=")]
    return cookie.split(";")[0].split("=", 1)[1]
