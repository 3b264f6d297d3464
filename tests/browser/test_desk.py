"""The IDO desk page: a question in three taps, listed, in the API and figures."""

from __future__ import annotations

from datetime import datetime

from app.commands.ido import THEMES
from events.i18n import t
from events.periods import period_of
from tests.support.browser import axe_check, shoot
from workers.projections import projections
from workers.projections.base import catch_up

PERSONAL = "Geen persoonsgegevens: laat namen, BSN, e-mail en telefoonnummers weg."


def _period(app) -> str:
    zone = app.extensions["bieb_config"].zone
    return period_of(datetime.now(zone), "half", zone).label


def _questions(app) -> list:
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == "IdoQuestionLogged"]


def _ido_figure(app, api) -> float | None:
    store = app.extensions["store"]
    for projection in projections(store, app.extensions["bieb_config"].zone):
        catch_up(projection, store)
    body = api.get("/goals/2.2/progress", as_="viewer", period=_period(app)).json
    [found] = [i for i in body["indicators"] if i["code"] == "ido-questions"]
    return found["value"]


def test_a_question_in_three_taps_is_listed_in_the_api_and_retractable(
    page, app, api, pair
):
    pair(page, "staff")
    page.goto("/ido")
    assert page.get_by_role("checkbox").count() == len(THEMES)
    taps = 0

    def tap(locator) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    tap(page.locator("label.choice", has_text="DigiD"))
    tap(page.locator("label.choice", has_text=t("ido.help.hands_on")))
    tap(page.get_by_role("button", name="Opslaan"))
    page.get_by_text("Vraag opgeslagen.").wait_for()
    assert taps == 3

    listed = page.locator(".records li")
    assert listed.count() == 1
    assert (
        "DigiD" in listed.inner_text() and "Hulp bij uitvoeren" in listed.inner_text()
    )
    [question] = api.get("/ido/questions", period=_period(app)).json
    assert question["themes"] == ["digid"] and question["help_kind"] == "hands_on"
    assert question["source"] == "live"
    assert _ido_figure(app, api) == 1
    axe_check(page)
    shoot(page, "ido")

    listed.get_by_role("button", name="Intrekken").click()
    page.get_by_text("Vraag ingetrokken.").wait_for()
    assert page.locator(".records li").count() == 0
    assert api.get("/ido/questions", period=_period(app)).json == []
    assert _ido_figure(app, api) in (0, None)


def test_several_themes_and_the_optional_details(page, app, api, pair):
    pair(page, "staff")
    page.goto("/ido")
    page.locator("label.choice", has_text="Toeslagen").click()
    page.locator("label.choice", has_text="Belastingdienst").click()
    page.locator("label.choice", has_text=t("ido.help.referral")).click()
    page.get_by_text("Meer vastleggen").click()
    page.get_by_label("Minuten").fill("20")
    page.get_by_label("Doorverwezen naar").fill("WIJ Heemstede")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Vraag opgeslagen.").wait_for()
    [question] = api.get("/ido/questions", period=_period(app)).json
    assert sorted(question["themes"]) == ["belastingdienst", "toeslagen"]
    assert question["minutes"] == 20 and question["referred_to"] == "WIJ Heemstede"


def test_personal_data_in_the_note_is_refused_at_the_field_and_nothing_written(
    page, app, pair
):
    pair(page, "staff")
    page.goto("/ido")
    page.locator("label.choice", has_text="DigiD").click()
    page.locator("label.choice", has_text=t("ido.help.information")).click()
    page.get_by_text("Meer vastleggen").click()
    page.get_by_label("Notitie").fill("Mevrouw wil antwoord op j.jansen@example.nl")
    page.get_by_role("button", name="Opslaan").click()
    error = page.locator("#note-error")
    error.wait_for()
    assert error.inner_text() == PERSONAL
    assert page.get_by_label("Notitie").get_attribute("aria-invalid") == "true"
    # What was typed stays, to be corrected rather than typed again.
    assert page.locator("input[value=digid]").is_checked()
    assert _questions(app) == []
    axe_check(page)
    shoot(page, "ido-refused")


def test_a_form_without_theme_or_help_says_what_to_do(page, app, pair):
    pair(page, "staff")
    page.goto("/ido")
    page.get_by_role("button", name="Opslaan").click()
    page.locator("#themes-error").wait_for()
    assert page.locator("#themes-error").inner_text() == "Kies minstens één thema."
    assert page.locator("#help_kind-error").inner_text() == "Kies de soort hulp."
    assert _questions(app) == []


def test_a_lost_network_keeps_the_form_and_says_so_in_dutch(page, app, pair):
    pair(page, "staff")
    page.goto("/ido")
    page.locator("label.choice", has_text="UWV").click()
    page.locator("label.choice", has_text=t("ido.help.information")).click()
    page.context.set_offline(True)
    page.get_by_role("button", name="Opslaan").click()
    status = page.locator("form .form-status")
    status.wait_for()
    assert "Geen verbinding" in status.inner_text()
    assert page.locator("input[value=uwv]").is_checked()
    assert _questions(app) == []
    page.context.set_offline(False)
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Vraag opgeslagen.").wait_for()
    assert len(_questions(app)) == 1


def test_the_keyboard_alone_logs_a_question_with_focus_visible(page, app, pair):
    pair(page, "staff")
    page.goto("/ido")
    digid = page.locator("input[value=digid]")
    digid.focus()
    ring = digid.evaluate("el => getComputedStyle(el.nextElementSibling).boxShadow")
    assert ring != "none"
    page.keyboard.press("Space")
    page.locator("input[value=information]").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Vraag opgeslagen.").wait_for()
    [question] = _questions(app)
    assert question.data["themes"] == ["digid"]


def test_touch_targets_are_at_least_44_px(page, pair):
    pair(page, "staff")
    for size in ({"width": 1280, "height": 800}, {"width": 800, "height": 1280}):
        page.set_viewport_size(size)
        page.goto("/ido")
        targets = page.locator(".choice span, button, .top a")
        for i in range(targets.count()):
            box = targets.nth(i).bounding_box()
            assert box["height"] >= 44, targets.nth(i).inner_text()
