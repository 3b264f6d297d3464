"""Who may open the desk pages: a tablet may not, a viewer only looks."""

from __future__ import annotations

import pytest

from tests.support.browser import axe_check, shoot

PAGES = ("/ido", "/steekproef")


def test_a_tablet_gets_a_dutch_403_on_the_staff_pages(page, pair):
    pair(page, "tablet")
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 403
        assert "Geen toegang" in page.locator("h1").inner_text()
        assert "mag deze pagina niet openen" in page.locator("main").inner_text()
    axe_check(page)
    shoot(page, "geen-toegang")


@pytest.mark.parametrize("path", PAGES)
def test_a_viewer_sees_no_submit_and_a_forged_post_is_refused(page, app, pair, path):
    pair(page, "viewer")
    page.goto(path)
    assert "U kijkt mee" in page.locator("main").inner_text()
    assert page.locator("main button[type=submit]").count() == 0
    enabled = page.locator("main form input:not([type=hidden]):enabled")
    assert enabled.count() == 0
    axe_check(page)
    shoot(page, f"meekijker{path.replace('/', '-')}")

    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    forged = page.request.post(
        path,
        form={
            "csrf_token": token,
            "themes": "digid",
            "help_kind": "information",
            "zone": "plein1",
            "people": "3",
        },
    )
    assert forged.status == 403
    assert "mag meekijken, niet registreren" in forged.text()
    api = page.request.post(
        "/api/v1/ido/questions",
        data={"themes": ["digid"], "help_kind": "information"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status == 403  # the API's own role check: a viewer writes nothing
    store = app.extensions["store"]
    assert store.read_all() == []
