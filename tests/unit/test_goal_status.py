"""The status rule (events.figures.status), branch by branch, with its Dutch reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.catalogue import CATALOGUE_DIR, CatalogueError, load_file
from events.catalogue.indicators import Target
from events.figures.status import IndicatorFigures, goal_status, hours_status

HALF = 6  # months of a half year
NO_TARGET = "Geen streefwaarde in de afspraak."
FINE = "Geen daling van meer dan 20% en geen ontbrekende gegevens."
UNRELIABLE = {
    "reliable": False,
    "reliability": ["few_samples"],
    "reliability_text": "Onbetrouwbare schatting: minder dan 20 steekproeven. "
    "Geen steekproeven op: zaterdagochtend.",
}


def figure(value, previous=None, earlier=None, **more) -> IndicatorFigures:
    return IndicatorFigures("Deelnemers", value, previous, earlier, **more)


def test_no_figure_and_no_notes_is_no_data():
    found = goal_status([figure(None), figure(None)], [], months=HALF)
    assert (found.code, found.label) == ("no_data", "geen gegevens")
    assert found.reason == (
        "Geen cijfers en geen inspanningen voor deze periode geregistreerd."
    )


def test_a_goal_with_only_notes_shows_its_notes():
    notes = ["Drie avonden podium.", "Gesprek met de jeugdraad " + "x" * 200]
    found = goal_status([figure(None)], notes, months=HALF)
    assert (found.code, found.label) == ("efforts", "inspanningen")
    assert found.reason.startswith("2 inspanningen genoteerd: Drie avonden podium. / ")
    assert found.reason.endswith("x\u2026") and len(found.reason) < 250


def test_an_obligation_of_effort_is_judged_by_its_notes():
    noted = goal_status([figure(5)], ["Podium."], months=HALF, effort=True)
    assert (noted.code, noted.reason) == ("efforts", "1 inspanning genoteerd: Podium.")
    silent = goal_status([figure(5)], [], months=HALF, effort=True)
    assert silent.code == "attention"
    assert "geen inspanningen genoteerd bij deze inspanningsverplichting" in (
        silent.reason
    )


def test_steady_figures_without_a_target_are_on_track():
    found = goal_status([figure(90, 100, 100)], [], months=HALF)
    assert (found.code, found.label) == ("on_track", "op koers")
    assert found.reason == f"{NO_TARGET} {FINE}"


def test_a_fall_counts_only_against_every_comparison_with_a_figure():
    against_both = goal_status([figure(70, 100, 120)], [], months=HALF)
    assert against_both.code == "attention"
    assert against_both.reason == (
        f"{NO_TARGET} Aandacht: Deelnemers 30% lager dan de vorige periode en 42% "
        "lager dan een jaar eerder."
    )
    # Up on a year earlier: a seasonal dip, not news.
    assert goal_status([figure(70, 100, 60)], [], months=HALF).code == "on_track"
    # Only one comparison has a figure: it alone decides.
    assert goal_status([figure(70, 100, None)], [], months=HALF).code == "attention"
    assert goal_status([figure(81, 100, None)], [], months=HALF).code == "on_track"
    # Nothing to compare with: no trend.
    assert goal_status([figure(1, None, None)], [], months=HALF).code == "on_track"


def test_missing_months_and_indicators_without_figures_need_attention():
    months = figure(90, 100, months_without_data=["2025-03", "2025-04", "2024-12"])
    found = goal_status([months, IndicatorFigures("Lessen", None)], [], months=HALF)
    assert found.code == "attention"
    assert found.reason == (
        f"{NO_TARGET} Aandacht: Deelnemers: geen gegevens voor maart en april 2025 "
        "en december 2024; geen gegevens voor Lessen."
    )


def test_an_unreliable_estimate_needs_attention_without_the_plans_gaps():
    visitors = IndicatorFigures(
        "Bezoekers", 90000, method="estimated", estimate=UNRELIABLE
    )
    found = goal_status([visitors], [], months=HALF)
    assert found.code == "attention"
    assert found.reason == (
        f"{NO_TARGET} Aandacht: Bezoekers: onbetrouwbare schatting (minder dan 20 "
        "steekproeven)."
    )
    reliable = {**UNRELIABLE, "reliable": True, "reliability": []}
    trusted = IndicatorFigures("Bezoekers", 9e4, method="estimated", estimate=reliable)
    assert goal_status([trusted], [], months=HALF).code == "on_track"


def test_a_yearly_target_counts_pro_rata_for_a_half_year():
    target = Target(value=1000, per="year")
    below = goal_status([figure(450, target=target)], [], months=HALF)
    assert below.code == "attention"
    assert below.reason == (
        "Aandacht: Deelnemers 450, onder de streefwaarde 500 (pro rata voor 6 "
        "maanden: 1.000 per jaar)."
    )
    met = goal_status([figure(500, target=target)], [], months=HALF)
    assert met.code == "on_track"
    assert (
        met.reason == f"Streefwaarde gehaald: Deelnemers 500 (streefwaarde 500). {FINE}"
    )
    # A whole year against a half-yearly target: twice it.
    per_half = Target(value=300, per="half-year")
    assert goal_status([figure(550, target=per_half)], [], months=12).code == (
        "attention"
    )


def test_a_share_keeps_its_target_whatever_the_period():
    occupancy = IndicatorFigures(
        "Bezetting (%)", 55, target=Target(60, "year"), grows_with_period=False
    )
    found = goal_status([occupancy], [], months=HALF)
    assert found.reason == "Aandacht: Bezetting (%) 55, onder de streefwaarde 60."


def test_an_estimate_below_its_target_says_ca():
    visitors = IndicatorFigures(
        "Bezoekers", 40000, method="estimated", target=Target(100000, "year")
    )
    assert "Bezoekers ca. 40.000, onder de streefwaarde 50.000" in (
        goal_status([visitors], [], months=HALF).reason
    )


def test_hours_every_week_recorded_and_kept():
    kept = hours_status(38.5, None, weeks=26, recorded=26, complying=26)
    assert (kept.code, kept.reason) == (
        "on_track", "Alle 26 weken voldeden aan de norm (38,5 uur per week)."
    )  # fmt: skip
    short = hours_status(55, 57, weeks=26, recorded=25, complying=0)
    assert (short.code, short.label) == ("attention", "aandacht")
    assert short.reason == (
        "0 van 26 weken voldeden aan de norm (55\u201357 uur per week): 25 weken "
        "buiten de norm en 1 week niet geregistreerd."
    )
    unrecorded = hours_status(38.5, None, weeks=26, recorded=0, complying=0)
    assert unrecorded.code == "no_data"


def with_target(tmp_path: Path, target: str) -> Path:
    """The shipped agreement with a streefwaarde on 1.2's participants."""
    text = (CATALOGUE_DIR / "heemstede-2024-2027.toml").read_text(encoding="utf-8")
    anchor = 'code = "participants"\nlabel = "Deelnemers aan activiteiten"\n'
    assert anchor in text
    path = tmp_path / "heemstede-2024-2027.toml"
    path.write_text(text.replace(anchor, anchor + target, 1), encoding="utf-8")
    return path


def test_a_target_is_read_from_the_agreement_file(tmp_path):
    path = with_target(tmp_path, 'streefwaarde = { value = 1200, per = "year" }\n')
    goal = load_file(path).goal("1.2")
    found = {i.code: i.target for i in goal.indicators}
    assert found["participants"] == Target(value=1200.0, per="year")
    assert found["sessions"] is None
    shipped = load_file(CATALOGUE_DIR / "heemstede-2024-2027.toml")
    assert all(i.target is None for g in shipped.goals for i in g.indicators)


@pytest.mark.parametrize(
    "bad",
    [
        'streefwaarde = { value = 1200, per = "month" }\n',
        'streefwaarde = { value = -1, per = "year" }\n',
        'streefwaarde = { value = 1200, per = "year", jaar = 2025 }\n',
        "streefwaarde = 1200\n",
    ],
)
def test_a_bad_target_is_refused_by_name(tmp_path, bad):
    with pytest.raises(CatalogueError, match=r"streefwaarde|per|value|jaar"):
        load_file(with_target(tmp_path, bad))
