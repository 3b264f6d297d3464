"""An estimate in the report: no "ca." before a missing figure; its verdict noted."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from events.catalogue import load_agreement
from events.figures.estimates import Estimate
from events.figures.measures.estimate import Estimate as EstimateMeasure
from events.figures.measures.estimate import _combined
from events.figures.shown import Shown
from tests.support.report_content import sample_report_content
from workers.reports.content import GoalSection
from workers.reports.render import render_html

ZONE = ZoneInfo("Europe/Amsterdam")


def first_cell(html: str, code: str) -> str:
    """The period's figure in the indicator table row of `code`."""
    start = html.index(f'data-code="{code}"')
    row = html[start : html.index("</tr>", start)]
    return re.findall(r'<td class="num">([^<]*)</td>', row)[0].strip()


def without_visitors(goal: GoalSection) -> GoalSection:
    """Goal 3.1 as it is without a single visitor sample: no figure."""
    lines = [
        replace(line, value=None) if line.code == "plein1-visitors" else line
        for line in goal.indicators
    ]
    return replace(goal, indicators=lines)


def test_no_estimate_prints_a_dash_without_ca():
    content = sample_report_content()
    ambitions = [
        replace(ambition, goals=[without_visitors(g) for g in ambition.goals])
        for ambition in content.ambitions
    ]
    none = replace(content, ambitions=ambitions)
    html = render_html(none, ZONE, compiled_at=datetime.now(UTC))
    assert first_cell(html, "plein1-visitors") == "\u2014"
    # An estimate with a figure keeps its "ca." (5.1's, in the same report).
    assert first_cell(html, "study-visitors").startswith("ca. ")


def test_an_unreliable_estimate_is_named_in_the_notes_with_its_gaps():
    made = Estimate(
        total=1000.0, low=300.0, high=2500.0, samples=12, strata=16,
        imputed_strata=["zaterdagochtend"], missing=["zaterdagochtend"],
        method="", assumptions={}, reliability=("few_samples", "wide_interval"),
    )  # fmt: skip
    estimate = _combined([made])
    assert estimate["reliable"] is False
    assert estimate["reliability"] == ["few_samples", "wide_interval"]
    assert estimate["unsampled"] == ["zaterdagochtend"]
    shown = Shown(value=1000.0, records=12, method="estimated", estimate=estimate)
    indicator = load_agreement("heemstede-2024-2027").goal("3.1").indicators[0]
    notes = EstimateMeasure().notes(None, indicator, None, shown)  # type: ignore[arg-type]
    assert notes[-1] == (
        f"{indicator.label}: onbetrouwbare schatting: minder dan 20 steekproeven; "
        "de onzekerheid (de helft van het 95%-interval) is groter dan 50% van de "
        "schatting. Geen steekproeven op: zaterdagochtend."
    )
