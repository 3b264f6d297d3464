"""The way in for people: landing page, sign-in, accounts, sign-out, roles."""

from __future__ import annotations

import re

import pytest

import app.accounts as accounts_module
from app.accounts import create_account, set_password
from tests.support.browser import axe_check, shoot

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch) -> None:
    """Still scrypt, at a lighter cost: the real cost is checked in
    tests/integration/test_sign_in.py."""
    monkeypatch.setattr(accounts_module, "PASSWORD_METHOD", "scrypt:1024:8:1")
    monkeypatch.setattr(accounts_module, "_dummy_hash", [])


def _admin(app, name: str = "beheer") -> str:
    engine = app.extensions["store"].engine
    create_account(engine, name, "admin")
    set_password(engine, name, PASSWORD)
    return name


def _sign_in(page, name: str, password: str, go: bool = True) -> None:
    if go:
        page.goto("/inloggen")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_an_admin_adds_staff_who_signs_in_and_may_not_manage_accounts(page, app):
    admin = _admin(app)
    page.goto("/")
    main = page.locator("main")
    assert "Prestatieregister van de bibliotheek" in main.inner_text()
    assert "prestatieafspraken met de gemeente" in main.inner_text()
    assert page.get_by_role("link", name="Tablet koppelen").get_attribute("href") == (
        "/koppelen"
    )
    axe_check(page)
    shoot(page, "landing")

    page.get_by_role("link", name="Inloggen").click()
    page.wait_for_url("**/inloggen")
    axe_check(page)
    shoot(page, "inloggen")
    _sign_in(page, admin, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    assert f"Ingelogd als {admin}" in main.inner_text()
    axe_check(page)
    shoot(page, "landing-beheerder")

    page.locator("nav").get_by_role("link", name="Accounts").click()
    page.wait_for_url("**/beheer/accounts")
    page.get_by_label("Naam", exact=True).fill("Sanne")
    page.get_by_label("Rol").select_option(label="Medewerker")
    page.get_by_label("Waar").select_option(label="Heemstede")
    page.get_by_label("Eerste wachtwoord").fill("sanne's password")
    page.get_by_role("button", name="Account toevoegen").click()
    assert "Account Sanne is toegevoegd" in page.locator(".notice-ok").inner_text()
    row = page.locator("tr", has=page.locator("th", has_text="Sanne"))
    assert "Medewerker" in row.inner_text() and "actief" in row.inner_text()
    axe_check(page)
    shoot(page, "accounts")

    page.get_by_label("Naam", exact=True).fill("Tablet zaal 1")
    page.get_by_label("Rol").select_option(label="Tablet")
    page.get_by_label("Waar").select_option(label="Bibliotheek Heemstede (Plein1)")
    page.get_by_role("button", name="Account toevoegen").click()
    code = page.locator(".shown-code .code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    axe_check(page)
    shoot(page, "accounts-koppelcode")

    page.get_by_role("link", name="Afmelden").click()
    assert "weer inloggen met uw naam" in main.inner_text()
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url("**/inloggen")

    _sign_in(page, "Sanne", "sanne's password")
    page.wait_for_url(re.compile(r"/$"))
    assert "Ingelogd als Sanne" in main.inner_text()
    assert page.get_by_role("link", name="IDO-balie").count() >= 1
    assert page.get_by_role("link", name="Accounts").count() == 0
    refused = page.goto("/beheer/accounts")
    assert refused.status == 403
    assert "Geen toegang" in page.locator("h1").inner_text()


def test_ten_bad_passwords_then_the_next_sign_in_is_blocked(page, app):
    admin = _admin(app)
    page.goto("/inloggen")
    for attempt in range(10):  # the refusal comes back with the form: type again
        with page.expect_navigation():
            _sign_in(page, admin, f"wrong {attempt}", go=False)
        error = page.locator(".error-message")
        assert "horen niet bij een account" in error.inner_text()
    assert page.get_by_label("Wachtwoord").get_attribute("aria-invalid") == "true"
    axe_check(page)
    shoot(page, "inloggen-fout")
    with page.expect_navigation() as answer:
        _sign_in(page, admin, PASSWORD, go=False)  # the right one, too late
    assert answer.value.status == 429
    assert "Te vaak mislukt inloggen" in page.locator(".error-message").inner_text()
    axe_check(page)
    shoot(page, "inloggen-geblokkeerd")
    page.goto("/beheer/accounts")
    page.wait_for_url("**/inloggen?next=/beheer/accounts")
