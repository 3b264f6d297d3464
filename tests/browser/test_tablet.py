"""The tablet's check-in page (/tablet): taps offline, sent once, counted once.

Each test drives Debian's Chromium against the live app and then reads the
store itself: the events the taps made are the proof, not the page's word.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest

from app.accounts import revoke_account
from tests.support.browser import axe_check, shoot
from workers.projections import projections
from workers.projections.base import catch_up

CHECKIN, OPENED, CLOSED = "ParticipantCheckedIn", "SessionOpened", "SessionClosed"
RETRACTED = "RecordRetracted"
EN_DASH = "\u2013"  # the page shows "4\u201311 jaar"
WAIT = 15_000  # ms: a sync retried after a lost answer comes within a few seconds


def zone(app):
    return app.extensions["bieb_config"].zone


def plan(api, app, title: str, target_group: str = "everyone") -> str:
    """An activity at the tablet's branch that starts now (so: today)."""
    now = datetime.now(zone(app)).replace(microsecond=0)
    body = {
        "title": title,
        "kind": "reading_aloud",
        "goal_codes": ["1.2"],
        "target_group": target_group,
        "age_band": "all",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
        "branch": "heemstede",
    }
    response = api.post("/activities", body, as_="staff")
    assert response.status_code == 201, response.json
    return response.json["id"]


def events(app, *types: str) -> list:
    return app.extensions["store"].read_types(list(types))


def of_session(found: list, session_id: str) -> list:
    return [e for e in found if e.stream_id == f"session-{session_id}"]


def ready(page) -> None:
    """The page is drawn and its service worker controls it.

    clients.claim() takes only the pages that exist when the worker starts: a
    page that was loading just then is taken over by its next load (as a
    tablet's next visit would be), so the test loads it once more.
    """
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => document.getElementById('sync-status').textContent !== ''"
    )


def waiting(page, count: int, timeout: int = WAIT) -> None:
    page.wait_for_selector(f'#sync-status[data-waiting="{count}"]', timeout=timeout)


def count_is(page, value: int, timeout: int = WAIT) -> None:
    page.wait_for_function(
        f"() => document.getElementById('count').textContent.trim() === '{value}'",
        timeout=timeout,
    )


def session_id_of(page) -> str:
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def start(page, title: str) -> str:
    """Press an activity's Start button; the session's id, made by the page."""
    page.get_by_role("button", name=f"Start: {title}").click()
    page.wait_for_url("**/tablet/sessie/*")
    page.wait_for_selector(".tap-band")
    return session_id_of(page)


def queued(page, action) -> None:
    """Do what puts something in the queue, and wait until the page has put it."""
    before = int(page.locator("[data-screen]").get_attribute("data-acted") or 0)
    action()
    page.wait_for_selector(f'[data-screen][data-acted="{before + 1}"]')


def tap(page, band: str, role: str | None = None) -> None:
    """One check-in: a role (unless the activity chose it) and an age band."""
    if role:
        page.get_by_role("button", name=role, exact=True).click()
    name = f"{band.replace('-', EN_DASH)} jaar: inchecken"
    queued(page, page.get_by_role("button", name=name).click)


def undo(page) -> None:
    queued(page, page.get_by_role("button", name="Laatste tik ongedaan maken").click)


def sync_now(page) -> None:
    page.evaluate("window.biebTablet.queue.sync()")


def project(app) -> None:
    store = app.extensions["store"]
    for projection in projections(store, zone(app)):
        catch_up(projection, store)


def half_year(app) -> str:
    today = datetime.now(zone(app))
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def indicator(api, goal: str, code: str, period: str) -> dict:
    response = api.get(f"/goals/{goal}/progress", as_="staff", period=period)
    assert response.status_code == 200, response.json
    return next(i for i in response.json["indicators"] if i["code"] == code)


class TestOffline:
    @pytest.mark.parametrize("backend", ["sqlite", "postgres"])
    def test_taps_made_offline_and_a_reload_reach_the_store_once(
        self, page, app, api, pair
    ):
        pair(page, "tablet")
        plan(api, app, "Voorlezen", target_group="children")
        plan(api, app, "Taalcafe")
        page.goto("/tablet")
        ready(page)

        # Online: a session of the children's activity, whose role is chosen.
        first = start(page, "Voorlezen")
        assert (
            page.get_by_role("button", name="Kind").get_attribute("aria-pressed")
            == "true"
        )
        for band in ("0-3", "4-11", "4-11"):
            tap(page, band)
        waiting(page, 0)
        count_is(page, 3)

        # Offline: open a new session, tap, reload, close.
        page.get_by_role("link", name="Alle sessies").click()
        page.wait_for_url("**/tablet")
        ready(page)
        page.context.set_offline(True)
        second = start(page, "Taalcafe")
        taps = [("18-29", "Volwassene"), ("30-64", "Ouder"), ("4-11", "Kind"),
                ("65+", "Vrijwilliger")]  # fmt: skip
        for band, role in taps:
            tap(page, band, role)
        count_is(page, 4)
        waiting(page, 5)  # the opening and four check-ins
        assert "Geen verbinding" in page.locator("#sync-status").inner_text()

        page.reload()  # the service worker serves the shell; the queue fills it
        page.wait_for_selector(".tap-band")
        count_is(page, 4)
        waiting(page, 5)
        assert page.locator("#session-title").inner_text() == "Taalcafe"

        page.get_by_role("button", name="Sessie sluiten").click()
        page.get_by_label("Geteld aantal aanwezigen (optioneel)").fill("")
        page.locator("#close-dialog").get_by_role(
            "button", name="Sessie sluiten"
        ).click()
        page.wait_for_url("**/tablet")
        waiting(page, 6)
        assert events(app, CHECKIN) and not of_session(events(app, OPENED), second)

        # Back online: everything goes, once.
        page.context.set_offline(False)
        waiting(page, 0)
        status = page.locator("#sync-status").inner_text()
        assert re.fullmatch(r"0 wachtend · laatst gesynchroniseerd \d\d:\d\d", status)

        checkins = events(app, CHECKIN)
        assert len(checkins) == 7
        assert len(of_session(checkins, first)) == 3
        assert len({e.event_id for e in checkins}) == 7
        assert len(of_session(events(app, OPENED), second)) == 1
        assert len(of_session(events(app, CLOSED), second)) == 1
        assert not of_session(events(app, CLOSED), first)
        roles = Counter(e.data["role"] for e in of_session(checkins, second))
        assert roles == {"adult": 1, "parent": 1, "child": 1, "volunteer": 1}

        # The page and the API agree with the store.
        page.reload()
        card = page.locator(f'[data-session-id="{second}"]')
        assert card.locator(".card-count").inner_text() == "4"
        assert "Gesloten" in card.inner_text()
        session = api.get(f"/sessions/{second}", as_="staff").json
        assert (session["status"], session["checkins"]) == ("closed", 4)
        project(app)
        period = half_year(app)
        assert indicator(api, "1.2", "participants", period)["value"] == 7
        assert indicator(api, "1.2", "sessions", period)["value"] == 2

    def test_a_lost_answer_is_sent_again_and_counted_once(self, page, app, api, pair):
        pair(page, "tablet")
        plan(api, app, "Workshop")
        page.goto("/tablet")
        ready(page)
        answers = []
        lost = []

        def lose_the_first_answer(route):
            response = route.fetch()  # the server has it, and answers
            answers.append(response.json())
            if not lost:
                lost.append(response.status)
                route.abort()  # ... but the answer never arrives
            else:
                route.fulfill(response=response)

        page.route("**/api/v1/sync/batch", lose_the_first_answer)
        session = start(page, "Workshop")
        tap(page, "12-17", "Kind")
        tap(page, "30-64", "Ouder")
        waiting(page, 0)
        count_is(page, 2)

        assert lost == [200]
        sent = [r for answer in answers for r in answer["results"]]
        first_ids = {r["id"] for r in answers[0]["results"]}
        again = [r for r in sent[len(answers[0]["results"]) :] if r["id"] in first_ids]
        assert again and all(r["status"] == 200 and r["duplicate"] for r in again)
        checkins = of_session(events(app, CHECKIN), session)
        assert len(checkins) == 2
        assert len(of_session(events(app, OPENED), session)) == 1
        page.unroute_all(behavior="ignoreErrors")


class TestTogether:
    def test_two_tablets_check_in_to_one_session_at_once(
        self, page, browser, live_server, app, api, pair
    ):
        pair(page, "tablet")
        plan(api, app, "Spelletjesmiddag")
        page.goto("/tablet")
        ready(page)
        session = start(page, "Spelletjesmiddag")
        waiting(page, 0)

        other_context = browser.new_context(
            base_url=live_server.url, viewport={"width": 800, "height": 1280},
            locale="nl-NL", timezone_id="Europe/Amsterdam",
        )  # fmt: skip
        other = other_context.new_page()
        pair(other, "tablet")
        other.goto("/tablet")
        ready(other)
        other.get_by_role("link", name="Verder: Spelletjesmiddag").click()
        other.wait_for_selector(".tap-band")
        assert session_id_of(other) == session

        bands = ["0-3", "4-11", "12-17", "18-29", "30-64", "65+"]
        for band in bands:
            tap(page, band, "Kind")
            tap(other, band, "Volwassene")
        waiting(page, 0)
        waiting(other, 0)
        checkins = of_session(events(app, CHECKIN), session)
        assert len(checkins) == 12
        devices = Counter(e.metadata.device for e in checkins)
        assert sorted(devices.values()) == [6, 6]
        for tablet in (page, other):
            sync_now(tablet)  # reads the session again: the other's taps too
            count_is(tablet, 12)
        # The start screen reads today's counts after each sync: both land there.
        other.get_by_role("link", name="Alle sessies").click()
        other.wait_for_url("**/tablet")
        card = other.locator(f'[data-session-id="{session}"] .card-count')
        tap_on_page = page.get_by_role("button", name="Kind", exact=True)
        tap_on_page.wait_for()
        tap(page, "65+", "Kind")
        waiting(page, 0)
        other.evaluate("window.biebTablet.refresh()")
        other.wait_for_function(
            "() => document.querySelector("
            f"'[data-session-id=\"{session}\"] .card-count').textContent === '13'"
        )
        assert card.inner_text() == "13"
        other_context.close()


class TestUndo:
    def test_the_last_tap_undone_queued_or_synced_is_not_counted(
        self, page, app, api, pair
    ):
        pair(page, "tablet")
        plan(api, app, "Koffieochtend", target_group="seniors")
        page.goto("/tablet")
        ready(page)
        session = start(page, "Koffieochtend")
        waiting(page, 0)

        # Still queued (offline): the tap leaves the queue, the server never sees it.
        page.context.set_offline(True)
        tap(page, "65+")
        tap(page, "30-64")
        waiting(page, 2)
        undo(page)
        waiting(page, 1)
        count_is(page, 1)
        page.context.set_offline(False)
        waiting(page, 0)
        checkins = of_session(events(app, CHECKIN), session)
        assert [e.data["age_band"] for e in checkins] == ["65+"]

        # Synced already: a retraction is queued and sent.
        tap(page, "18-29")
        waiting(page, 0)
        count_is(page, 2)
        undo(page)
        waiting(page, 0)
        count_is(page, 1)
        retracted = of_session(events(app, RETRACTED), session)
        last = of_session(events(app, CHECKIN), session)[-1]
        assert [str(e.data["retracted_event_id"]) for e in retracted] == [
            str(last.event_id)
        ]
        assert api.get(f"/sessions/{session}", as_="staff").json["checkins"] == 1


class TestErrors:
    def test_a_revoked_tablet_goes_back_to_pairing_with_its_message(
        self, page, app, api, pair
    ):
        paired = pair(page, "tablet")
        plan(api, app, "Lezing")
        page.goto("/tablet")
        ready(page)
        start(page, "Lezing")
        waiting(page, 0)
        revoke_account(app.extensions["store"].engine, paired.account.name)
        tap(page, "30-64", "Volwassene")
        alert = page.get_by_role("alert")
        alert.filter(has_text="Deze tablet is niet meer gekoppeld").wait_for()
        page.wait_for_url("**/koppelen?ontkoppeld=1")
        assert "Dit apparaat is ontkoppeld" in page.locator("main").inner_text()

    def test_a_session_closed_meanwhile_says_so_and_takes_no_more_taps(
        self, page, app, api, pair
    ):
        pair(page, "tablet")
        plan(api, app, "Taalsoos")
        page.goto("/tablet")
        ready(page)
        session = start(page, "Taalsoos")
        waiting(page, 0)
        # Offline while staff close it, so the page cannot learn of the close
        # before the tap: it hears of it from the sync answer.
        page.context.set_offline(True)
        closed = api.post(f"/sessions/{session}/close", {}, as_="staff")
        assert closed.status_code == 201, closed.json
        tap(page, "30-64", "Volwassene")
        waiting(page, 1)
        page.context.set_offline(False)
        waiting(page, 0)
        alert = page.get_by_role("alert")
        alert.filter(has_text="Deze sessie is intussen gesloten").wait_for()
        assert "1 tik(ken) zijn niet meegeteld" in alert.inner_text()
        assert page.locator("#closed-panel").is_visible()
        assert not page.locator(".tap-band").first.is_visible()
        assert not of_session(events(app, CHECKIN), session)

    def test_a_stale_csrf_token_is_renewed_not_taken_for_a_revoked_tablet(
        self, page, app, api, pair
    ):
        pair(page, "tablet")
        plan(api, app, "Voorleesuur")
        page.goto("/tablet")
        ready(page)
        session = start(page, "Voorleesuur")
        waiting(page, 0)
        # Flask's own session cookie holds the CSRF secret: without it the
        # page's token is refused (403, /problems/csrf) until renewed.
        kept = [c for c in page.context.cookies() if c["name"] != "session"]
        page.context.clear_cookies()
        page.context.add_cookies(kept)
        refused = []
        # On the context: a sync sent through the service worker is seen too.
        page.context.on("response", lambda r: r.status == 403 and refused.append(r.url))
        tap(page, "4-11", "Kind")
        waiting(page, 0)
        assert refused and "/tablet/sessie/" in page.url
        assert len(of_session(events(app, CHECKIN), session)) == 1

    def test_a_lost_network_says_the_taps_wait(self, page, app, api, pair):
        pair(page, "tablet")
        plan(api, app, "Film")
        page.goto("/tablet")
        ready(page)
        session = start(page, "Film")
        waiting(page, 0)
        page.context.set_offline(True)
        tap(page, "18-29", "Volwassene")
        waiting(page, 1)
        status = page.locator("#sync-status").inner_text()
        assert status == (
            "Geen verbinding. 1 wachtend: ze worden verstuurd zodra het netwerk "
            "terug is."
        )
        shoot(page, "tablet-session-offline")
        page.context.set_offline(False)
        waiting(page, 0)

        # Closed with a typed headcount: it replaces the taps in the figures.
        page.get_by_role("button", name="Sessie sluiten").click()
        field = page.get_by_label("Geteld aantal aanwezigen (optioneel)")
        dialog = page.locator("#close-dialog")
        field.fill("-3")
        dialog.get_by_role("button", name="Sessie sluiten").click()
        assert "heel getal" in dialog.locator("#headcount-error").inner_text()
        assert field.get_attribute("aria-invalid") == "true"
        field.fill("25")
        dialog.get_by_role("button", name="Sessie sluiten").click()
        page.wait_for_url("**/tablet")
        waiting(page, 0)
        [closed] = of_session(events(app, CLOSED), session)
        assert closed.data["headcount"] == 25
        project(app)
        assert indicator(api, "1.2", "participants", half_year(app))["value"] == 25


class TestLooks:
    @pytest.mark.parametrize("backend", ["sqlite"])
    def test_screens_look_right_and_are_accessible(self, page, app, api, pair):
        pair(page, "tablet")
        plan(api, app, "Voorlezen voor peuters", target_group="children")
        plan(api, app, "Digitaal spreekuur")
        page.goto("/tablet")
        ready(page)
        start(page, "Voorlezen voor peuters")
        tap(page, "0-3")
        tap(page, "4-11")
        waiting(page, 0)
        page.get_by_role("link", name="Alle sessies").click()
        page.wait_for_url("**/tablet")
        ready(page)
        axe_check(page)
        shoot(page, "tablet-start")

        page.get_by_role("link", name="Verder: Voorlezen voor peuters").click()
        page.wait_for_selector(".tap-band")
        count_is(page, 2)
        page.get_by_role("button", name="Heemstede-Zuid").click()
        axe_check(page)
        shoot(page, "tablet-session")
        page.get_by_role("button", name="Sessie sluiten").click()
        axe_check(page)
        shoot(page, "tablet-close")

    def test_keyboard_alone_checks_in(self, page, app, api, pair):
        pair(page, "tablet")
        plan(api, app, "Schaakclub")
        page.goto("/tablet")
        ready(page)
        page.get_by_role("button", name="Start: Schaakclub").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/tablet/sessie/*")
        page.wait_for_selector(".tap-band")
        page.get_by_role("button", name="Professional").focus()
        page.keyboard.press("Space")
        pressed = page.get_by_role("button", name="Professional")
        assert pressed.get_attribute("aria-pressed") == "true"
        page.keyboard.press("Tab")  # the last role
        page.keyboard.press("Tab")  # the first age band
        assert page.evaluate("document.activeElement.dataset.band") == "0-3"
        page.keyboard.press("Enter")
        count_is(page, 1)
        waiting(page, 0)
        [checkin] = events(app, CHECKIN)
        assert checkin.data["role"] == "professional"
        assert checkin.data["age_band"] == "0-3"


def test_the_service_worker_is_served_for_the_tablet_pages(app):
    answer = app.test_client().get("/tablet/sw.js")
    assert answer.status_code == 200
    assert answer.headers["Service-Worker-Allowed"] == "/tablet"
    assert answer.mimetype == "application/javascript"
    body = answer.get_data(as_text=True)
    assert "__VERSION__" not in body and "__PRECACHE__" not in body
    assert '"/tablet/sessie/"' in body and '"/static/js/queue.js"' in body
