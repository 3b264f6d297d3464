"""The report's summary page gives every goal's status, as the progress API gives it.

Generated records for 2025 (sessions, lessons, loans, visitor samples), a few
weeks of service hours and an effort note; the PDF is read back with pdftotext,
its summary and one goal page rendered with pdftoppm into test-artifacts/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app import create_app
from app.config import Config
from events.catalogue import load_agreement
from tests.integration.test_goal_figures import write as write_activities
from tests.integration.test_measures import write as write_samples
from tests.support.api import ApiClient
from workers.projections import projections
from workers.projections.base import catch_up
from workers.reports.produce import load, produce

ZONE = ZoneInfo("Europe/Amsterdam")
AGREEMENT = load_agreement("heemstede-2024-2027")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
NOTE = "Podium voor de jeugdcommunity: drie avonden met eigen voorstellingen."
LABELS = {"op koers", "aandacht", "geen gegevens", "inspanningen"}


@pytest.fixture
def backend() -> str:
    """SQLite only: a PDF takes some 20 s to render, and the status rule reads
    the figures both backends give alike (test_reports reads them on both)."""
    return "sqlite"


@pytest.fixture
def app(database_url, tmp_path):
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_TESTING": "1",
        }
    )
    app = create_app(config)
    yield app
    app.extensions["store"].engine.dispose()


@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def recorded(app, api):
    """2025's records, an effort note for 4.3 and the first weeks' hours."""
    store = app.extensions["store"]
    write_activities(store, seed=5, sessions=40, lessons=12, loans=20)
    write_samples(store, seed=6, n=20)
    note = {"goal_code": "4.3", "period": "2025-H1", "text": NOTE}
    assert api.post("/efforts", note).status_code == 201
    for week in range(2, 6):  # W02-W05 recorded; the self-service hours fall short
        hours = {"week": f"2025-W{week:02d}", "staffed_hours": 38.5,
                 "self_service_hours": 50}  # fmt: skip
        assert api.post("/service-hours", hours).status_code == 201
    catch_up(projections(store, ZONE)[0], store)
    return store


def pages_of(pdf: Path) -> list[str]:
    """Each page's text (pdftotext -layout), whitespace made single spaces."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return [re.sub(r"\s+", " ", page) for page in out.split("\f")]


def test_every_goal_has_its_status_on_the_summary_page_as_the_api_says(
    app, api, recorded, tmp_path
):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(load(recorded.engine, report_id).pdf)
    pages = pages_of(pdf)
    first = next(i for i, page in enumerate(pages) if "Stand per doel" in page)
    # The status table starts on the page after the cover, before the key figures.
    assert first == 1, "the statuses come up front, on the summary page"
    summary = " ".join(pages[first : first + 2]).split("Kerncijfers")[0]
    seen = set()
    for goal in AGREEMENT.goals:
        body = api.get(f"/goals/{goal.code}/progress", as_="viewer",
                       period="2025-H1").json  # fmt: skip
        status = body["status"]
        assert status["label"] in LABELS and status["reason"], goal.code
        line = f"{goal.code} {status['label']} {status['reason']}"
        assert line in summary, (line, summary)
        seen.add(status["code"])
    # The effort note is 4.3's status; a goal with figures is judged by them.
    assert f"4.3 inspanningen 1 inspanning genoteerd: {NOTE}" in summary
    assert {"efforts", "attention"} <= seen, seen
    # The hours: 4 of 26 weeks recorded, none with enough self-service hours.
    assert (
        "aandacht Selfservice-uren: 0 van 26 weken voldeden aan de norm "
        "(55\u201357 uur per week): 4 weken buiten de norm en 22 weken niet "
        "geregistreerd." in summary
    ), summary
    # And on the goal's own page, the same status under its facts.
    goal_page = next(p for p in pages[first + 1 :] if "Doel 4.3" in p)
    assert f"Stand: inspanningen 1 inspanning genoteerd: {NOTE}" in goal_page
    render_pages(pdf, first, pages.index(goal_page))


def render_pages(pdf: Path, *numbers: int) -> None:
    """The summary and a goal page as pictures, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        target = ARTIFACTS / f"status-page-{number + 1}"
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile",
                        "-f", str(number + 1), "-l", str(number + 1), str(pdf),
                        str(target)], check=True)  # fmt: skip
        assert target.with_suffix(".png").stat().st_size > 5_000
