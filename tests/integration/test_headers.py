"""Security headers on every answer, and pages that keep to their policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.hygiene import PAGES, POLICIES
from tests.integration.test_pages_auth import Browser

# Headers do not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

TEMPLATES = Path(__file__).parents[2] / "app" / "templates"
EVERY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_hygienic(response) -> None:
    for name, value in EVERY.items():
        assert response.headers.get(name) == value, (name, response.headers)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy


class TestEveryAnswer:
    def test_api_pages_static_errors_and_health(self, api, app):
        client = app.test_client()
        answers = [
            api.get("/activities", period="2025"),
            api.get("/activities/nope"),
            api.get("/activities", as_=None, period="2025"),
            api.post("/activities", {"title": 1}),
            client.get("/healthz"),
            client.get("/koppelen"),
            client.get("/static/css/bieb.css"),
            client.get("/no-such-page"),
            client.get("/api/openapi.json"),
        ]
        for response in answers:
            assert_hygienic(response)

    def test_a_page_allows_only_its_own_scripts_and_styles(self, app):
        policy = app.test_client().get("/koppelen").headers["Content-Security-Policy"]
        assert policy == PAGES
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "script-src 'self';" in policy and "style-src 'self';" in policy

    def test_each_special_policy_names_a_route_that_exists(self, app):
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
        assert set(POLICIES) <= endpoints


class TestSignedIn:
    def test_an_authenticated_answer_is_not_stored(self, api, app):
        response = api.get("/activities", period="2025")
        assert response.headers["Cache-Control"] == "no-store"
        assert "no-store" not in app.test_client().get("/healthz").headers.get(
            "Cache-Control", ""
        )

    def test_a_paired_page_is_not_stored_and_keeps_the_policy(self, app):
        tablet = Browser(app, "tablet")
        response = tablet.client.get(tablet.landing)
        assert response.status_code == 200
        assert_hygienic(response)
        assert response.headers["Content-Security-Policy"] == PAGES
        assert response.headers["Cache-Control"] == "no-store"
        # A view's own choice stands: the service worker is revalidated.
        assert tablet.client.get("/tablet/sw.js").headers["Cache-Control"] == (
            "no-cache"
        )

    def test_a_401_of_the_api_names_the_bearer_scheme(self, api):
        response = api.get("/activities", as_=None, period="2025")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        api.tokens["staff"] = "not-a-token"
        response = api.get("/activities", period="2025")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


class TestTemplatesKeepThePolicy:
    """No inline script, style or handler: the policy would block it."""

    @pytest.mark.parametrize(
        "template",
        sorted(TEMPLATES.rglob("*.html")),
        ids=lambda p: str(p.relative_to(TEMPLATES)),
    )
    def test_no_inline_code(self, template, backend):
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"<style\b", html)
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert "javascript:" not in html
