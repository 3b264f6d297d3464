"""Pairing a browser by one-time code, and what revoking its account does."""

from __future__ import annotations

import pytest

from app.accounts import revoke_account
from app.auth import SESSION_COOKIE
from app.cli import users
from tests.support.browser import axe_check, shoot

REFUSED = "Deze code werkt niet"
UNPAIRED = "Dit apparaat is ontkoppeld"


def _enter(page, code: str) -> None:
    page.goto("/koppelen")
    page.get_by_label("Koppelcode").fill(code)
    page.get_by_role("button", name="Koppelen").click()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_code_pairs_once_and_a_second_use_is_refused_in_dutch(
    page, browser, live_server, pairing_code
):
    paired = pairing_code("staff")
    _enter(page, paired.code.lower().replace("-", " "))  # typed loosely still works
    page.wait_for_url("**/ido")
    header = page.locator("header")
    assert "Medewerker" in header.inner_text()
    [cookie] = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    other = browser.new_context(base_url=live_server.url)
    second = other.new_page()
    _enter(second, paired.code)
    assert REFUSED in second.locator(".error-message").inner_text()
    assert second.get_by_label("Koppelcode").get_attribute("aria-invalid") == "true"
    other.close()


def test_revoking_the_account_sends_the_browser_back_unpaired(page, app, pair):
    paired = pair(page, "tablet")
    revoke_account(app.extensions["store"].engine, paired.account.name)
    page.goto("/tablet")
    page.wait_for_url("**/koppelen?ontkoppeld=1")
    assert UNPAIRED in page.locator("main").inner_text()
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]


def test_signing_out_ends_the_session(page, pair):
    pair(page, "staff")
    page.get_by_role("link", name="Afmelden").click()
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url("**/koppelen")
    page.goto("/ido")
    page.wait_for_url("**/koppelen")


def test_the_pairing_page_looks_right_and_is_accessible(page, pairing_code):
    page.goto("/koppelen")
    axe_check(page)
    shoot(page, "koppelen")
    _enter(page, "AAAA-BBBB")
    assert REFUSED in page.locator(".error-message").inner_text()
    axe_check(page)
    shoot(page, "koppelen-refused")


def test_bieb_users_pair_prints_a_code_that_pairs(page, app):
    runner = app.test_cli_runner()
    added = ["add", "balie", "--role", "staff", "--municipality", "heemstede"]
    assert runner.invoke(users, added).exit_code == 0
    result = runner.invoke(users, ["pair", "balie"])
    assert result.exit_code == 0, result.output
    code = result.output.strip().splitlines()[-1]
    assert len(code) == 9 and code[4] == "-"
    _enter(page, code)
    page.wait_for_url("**/ido")
    assert runner.invoke(users, ["pair", "nobody"]).exit_code != 0
