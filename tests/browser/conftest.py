"""Browser tests: the real app on loopback, driven by Debian's Chromium.

Fixtures: `live_server` (the app of tests/conftest.py served by threads; its
database is PostgreSQL, or both backends where a test parametrizes `backend`),
`browser` (one Chromium per run), `page` (a fresh context at 1280x800, Dutch,
Europe/Amsterdam), `pairing_code(role)` (an account and its one-time code) and
`pair(page, role)` (the browser signed in as that role). Tools in
tests/support/browser.py: `shoot(page, name)`, `axe_check(page)`.
Every test here is marked `browser` (`pytest -m browser`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.accounts import Account, create_account, create_pairing_code
from tests.conftest import require
from tests.support.api import ROLES
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, chromium_missing

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def backend() -> str:
    """PostgreSQL by default; `@pytest.mark.parametrize("backend", [...])` for more."""
    return "postgres"


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    require(chromium_missing())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 800},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@dataclass(frozen=True)
class Paired:
    account: Account
    code: str


@pytest.fixture
def pairing_code(app) -> Callable[..., Paired]:
    """`pairing_code("tablet")`: a new account of that role and a one-time code."""
    engine = app.extensions["store"].engine

    def make(role: str = "staff", name: str | None = None, **spec: str) -> Paired:
        name = name or f"{role}-{uuid.uuid4().hex[:6]}"
        account, _ = create_account(engine, name, **{**ROLES[role], **spec})
        return Paired(account, create_pairing_code(engine, name))

    return make


@pytest.fixture
def pair(pairing_code) -> Callable[..., Paired]:
    """`pair(page, "staff")`: pair the page's browser as a new account of a role."""

    def sign_in(page, role: str = "staff", **spec: str) -> Paired:
        paired = pairing_code(role, **spec)
        page.goto("/koppelen")
        page.get_by_label("Koppelcode").fill(paired.code)
        page.get_by_role("button", name="Koppelen").click()
        page.wait_for_url(lambda url: "/koppelen" not in url)
        return paired

    return sign_in
