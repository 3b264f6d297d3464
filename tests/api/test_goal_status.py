"""The progress API's status per goal and its Dutch labels beside the field names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events.catalogue import load_file
from events.dutch import dutch_number
from tests.integration.test_goal_figures import write
from tests.unit.test_goal_status import with_target
from workers.projections import projections
from workers.projections.base import catch_up

ZONE = ZoneInfo("Europe/Amsterdam")
LABELS = {
    "on_track": "op koers",
    "attention": "aandacht",
    "no_data": "geen gegevens",
    "efforts": "inspanningen",
}
NOTE = "Podium voor de jeugdcommunity: drie avonden met eigen voorstellingen."


@pytest.fixture
def recorded(app, api):
    """Generated sessions, lessons and loans of 2025, and one effort note."""
    store = app.extensions["store"]
    write(store, seed=5, sessions=30, lessons=10, loans=15)
    note = {"goal_code": "4.3", "period": "2025-H1", "text": NOTE}
    assert api.post("/efforts", note).status_code == 201
    catch_up(projections(store, ZONE)[0], store)


def progress(api, goal, **query):
    response = api.get(f"/goals/{goal}/progress", as_="viewer", **query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_goal_has_a_status_in_dutch_beside_its_code(api, recorded):
    seen = {}
    for goal in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1",
                 "4.2", "4.3", "5.1", "5.2", "5.3"):  # fmt: skip
        status = progress(api, goal, period="2025-H1")["status"]
        assert status["label"] == LABELS[status["code"]], goal
        assert status["reason"].endswith("."), status
        seen[goal] = status
    assert seen["4.3"] == {
        "code": "efforts",
        "label": "inspanningen",
        "reason": f"1 inspanning genoteerd: {NOTE}",
    }
    # No record at all for 2.1 (communities) in the generated records.
    assert seen["2.1"]["code"] == "no_data"
    counted = [s for s in seen.values() if s["code"] in ("on_track", "attention")]
    assert counted and all(
        s["reason"].startswith("Geen streefwaarde in de afspraak.") for s in counted
    )


# The rest reads what the test above read on both backends: SQLite is enough.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_dutch_labels_beside_the_fields_and_the_current_half_year(api, recorded):
    body = progress(api, "1.2", period="2025-H1")
    assert (body["period"], body["period_label"]) == ("2025-H1", "eerste halfjaar 2025")
    assert body["previous_label"] == "tweede halfjaar 2024"
    assert body["year_earlier_label"] == "eerste halfjaar 2024"
    sessions = next(i for i in body["indicators"] if i["code"] == "sessions")
    assert (sessions["measure"], sessions["measure_label"]) == ("count", "aantal")
    assert (sessions["method"], sessions["method_label"]) == ("counted", "geteld")
    assert sessions["target"] is None
    # Without a period: the current half year, in the configured zone.
    now = datetime.now(ZONE)
    current = f"{now.year}-H{1 if now.month <= 6 else 2}"
    body = progress(api, "1.2")
    assert body["period"] == current
    assert body["status"]["label"] == LABELS[body["status"]["code"]]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_target_in_the_agreement_decides_the_status(app, api, recorded, tmp_path):
    shipped = app.extensions["agreements"]
    pro_rata = "(pro rata voor 6 maanden: 1.000.000 per jaar)"
    for target, code, reason in (
        (1_000_000, "attention", "{}, onder de streefwaarde 500.000 " + pro_rata),
        (2, None, "{} (streefwaarde 1)."),
    ):  # fmt: skip
        line = f'streefwaarde = {{ value = {target}, per = "year" }}\n'
        folder = tmp_path / str(target)
        folder.mkdir()
        agreement = load_file(with_target(folder, line))
        app.extensions["agreements"] = {branch: [agreement] for branch in shipped}
        body = progress(api, "1.2", period="2025-H1")
        shown = next(i for i in body["indicators"] if i["code"] == "participants")
        assert shown["target"] == {
            "value": target,
            "per": "year",
            "per_label": "per jaar",
        }
        status = body["status"]
        said = reason.format(dutch_number(shown["value"]))
        assert f"Deelnemers aan activiteiten {said}" in status["reason"], status
        assert "Geen streefwaarde" not in status["reason"]
        # 1.2's other indicators may still need attention when the target is met.
        assert code is None or status["code"] == code
    assert status["reason"].startswith("Streefwaarde gehaald: "), status
