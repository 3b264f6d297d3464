"""The rendered report: Dutch HTML, an A4 PDF with every goal, charts with axes.

One sample report (Heemstede, first half of 2025) is rendered once per module;
its PDF and page images go to test-artifacts/report/ for people to look at.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from PIL import Image
from pypdf import PdfReader

from tests.support.report_content import sample_report_content, with_effort
from workers.reports import charts
from workers.reports.content import GoalSection, IndicatorLine, ReportContent
from workers.reports.render import dutch_number, render_html, render_pdf

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
A4_POINTS = (595.28, 841.89)
# 00:30 on 1 July in Amsterdam (the configured zone), still 30 June in UTC.
ZONE = ZoneInfo("Europe/Amsterdam")
COMPILED = datetime(2025, 6, 30, 22, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def content() -> ReportContent:
    return sample_report_content()


@pytest.fixture(scope="module")
def html(content: ReportContent) -> str:
    return render_html(content, ZONE, compiled_at=COMPILED)


@pytest.fixture(scope="module")
def pdf_path(html: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    path = ARTIFACTS / "halfjaarverslag-2025-H1.pdf"
    path.write_bytes(render_pdf(html))
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf_path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def pages(pdf_path: Path) -> list[Path]:
    prefix = ARTIFACTS / "page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", pdf_path, prefix], check=True)
    return sorted(ARTIFACTS.glob("page-*.png"))


def flat(text: str) -> str:
    """Whitespace collapsed, and a word split at a hyphen across lines rejoined."""
    return re.sub(r"\s+", " ", text).replace("- ", "-")


def goal_html(html: str, code: str) -> str:
    start = html.index(f'<section class="goal" id="doel-{code}">')
    return html[start : html.index("</section>", start)]


def indicator_row(section: str, code: str) -> str:
    start = section.index(f'<tr class="indicator" data-code="{code}">')
    return section[start : section.index("</tr>", start)]


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td.*?</td>", row)]


def annual(content: ReportContent, months: dict[str, float]) -> ReportContent:
    """The sample as an annual report, with 4.1's loans given for every month."""

    def goal(section: GoalSection) -> GoalSection:
        if section.code != "4.1":
            return section
        lines = [replace(line, months=months) for line in section.indicators]
        return replace(section, indicators=lines)

    ambitions = [
        replace(ambition, goals=[goal(g) for g in ambition.goals])
        for ambition in content.ambitions
    ]
    return replace(
        content,
        period="2025",
        period_title="jaar 2025",
        previous="2024",
        year_earlier="2024",
        ambitions=ambitions,
    )


class TestHtml:
    def test_every_goal_is_shown_with_its_own_text(self, html, content):
        assert len(content.goals) == 14
        for goal in content.goals:
            section = goal_html(html, goal.code)
            assert f"Doel {goal.code}" in section
            assert str(escape(goal.text)) in section
            assert str(escape(goal.reach)) in section
            assert str(escape(", ".join(goal.partners))) in section

    def test_title_names_the_period_and_the_day_not_the_position(self, html, content):
        assert "<h1>Halfjaarverslag</h1>" in html
        assert "Over het eerste halfjaar 2025" in html
        title = html.split('<section class="title-page">')[1].split("</section>")[0]
        assert "18342" not in title and "positie" not in title
        assert "Samengesteld op 1 juli 2025" in html  # the day in ZONE
        in_utc = render_html(content, ZoneInfo("UTC"), compiled_at=COMPILED)
        assert "Samengesteld op 30 juni 2025" in in_utc
        assert '<html lang="nl">' in html

    def test_the_closing_section_says_how_to_reproduce_the_figures(self, content):
        html = render_html(content, ZONE, compiled_at=COMPILED, report_id="r-1")
        closing = html.split('id="verantwoording"')[1]
        assert "Verantwoording" in closing and "op 1 juli 2025" in closing
        assert "tot en met registratie 18.342" in closing
        assert "r-1" in closing
        assert f"--position {content.position}" in closing
        assert f"as_of={content.position}" in closing

    def test_each_indicator_shows_its_three_figures_in_dutch(self, html, content):
        for goal in content.goals:
            section = goal_html(html, goal.code)
            for line in goal.indicators:
                row = cells(indicator_row(section, line.code))
                assert dutch_number(line.value) in row[1], (goal.code, line.code)
                assert row[2].strip() == dutch_number(line.previous)
                assert row[3].strip() == dutch_number(line.year_earlier)

    def test_figures_use_dutch_separators_and_a_dash_for_no_data(self, html):
        loans = cells(indicator_row(goal_html(html, "4.1"), "loans"))
        assert [c.strip() for c in loans[1:4]] == ["90.815", "85.366", "79.009"]
        occupancy = cells(indicator_row(goal_html(html, "5.1"), "workplace-occupancy"))
        assert [c.strip() for c in occupancy[1:4]] == ["62,5", "\u2014", "57,3"]

    def test_a_stock_shows_start_and_end(self, html):
        members = cells(indicator_row(goal_html(html, "1.1"), "youth-members"))
        assert flat(members[1]).strip() == "begin 3.377 eind 3.418"

    def test_how_each_figure_was_obtained(self, html):
        assert "overgenomen uit eerdere registratie" in goal_html(html, "1.1")
        assert "geschat uit steekproeven" in goal_html(html, "3.1")
        assert "geteld" in goal_html(html, "2.2")

    def test_ido_questions_are_split_by_translated_theme(self, html):
        section = goal_html(html, "2.2")
        assert "naar thema" in section and "naar soort hulp" in section
        for shown in (
            "DigiD",
            "Belastingdienst",
            "Zorg(verzekering)",
            "Doorverwijzing",
        ):
            assert f"<td>{shown}</td>" in section
        assert "<td>mijnoverheid</td>" in section  # no translation: the raw value

    def test_estimate_shows_interval_method_and_missing_strata(self, html):
        section = goal_html(html, "3.1")
        assert "ca. 41.000 (95%-interval: 38.000 tot 44.000)" in section
        assert "gestratificeerd naar weekdag en dagdeel" in section
        assert "zondagmiddag, donderdagavond" in section

    def test_efforts_and_missing_data_are_visible(self, html):
        assert "Drie gezinnen van de VoorleesExpress" in goal_html(html, "5.3")
        section = goal_html(html, "1.1")
        assert "Ontbrekende gegevens" in section
        assert "Geen uitleencijfers voor maart 2025." in section

    def test_hours_are_shown_as_compliance_with_the_norm(self, html):
        hours = html[html.index('<section class="hours">') :]
        assert "38,5 uur per week" in hours
        assert "55\u201357 uur per week" in hours
        assert "24 van 25 geregistreerde weken" in hours
        assert "1 van 26 weken niet geregistreerd" in hours
        assert "38,7 uur" in hours and "56,1 uur" in hours

    def test_same_content_gives_the_same_html(self, html, content):
        assert render_html(content, ZONE, compiled_at=COMPILED) == html

    def test_an_annual_report_is_titled_and_charts_the_whole_year(self, content):
        year = {f"2025-{month:02d}": 1000.0 + month for month in range(1, 13)}
        html = render_html(annual(content, year), ZONE)
        assert "<h1>Jaarverslag</h1>" in html and "Over het jaar 2025" in html
        section = goal_html(html, "4.1")
        assert "jaar 2024" in section  # the previous period's column
        assert all(f">{month}</text>" in section for month in charts.MONTHS)
        assert ">12.078</text>" not in section  # bars are labelled per month...
        assert ">1.012</text>" in section  # ...December's loans

    def test_an_effort_note_cannot_inject_markup(self, content):
        note = '<script>alert("x")</script> & <b>vet</b>'
        html = render_html(with_effort(content, "4.3", note), ZONE)
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in html
        assert "<script" not in html and "<b>vet" not in html


class TestCharts:
    def test_trend_chart_has_dutch_months_axes_and_title(self):
        months = {f"2025-{m:02d}": float(m * 10) for m in range(1, 13)}
        svg = charts.trend_svg(months, "Uitleningen per maand", dutch_number)
        labels = re.findall(r">([^<>]+)</text>", svg)
        assert [label for label in labels if label in charts.MONTHS] == list(
            charts.MONTHS
        )
        assert {"Maand", "Aantal", "Uitleningen per maand", "120"} <= set(labels)
        assert svg.startswith("<svg") and 'role="img"' in svg

    def test_chart_is_deterministic_and_small(self):
        months = {"2025-01": 1200.0, "2025-02": 950.0, "2025-04": 1010.0}
        first = charts.trend_svg(months, "Deelnemers", dutch_number)
        assert first == charts.trend_svg(months, "Deelnemers", dutch_number)
        assert len(first) < 20_000
        assert ">1.200</text>" in first  # the bar label in Dutch
        assert ">mrt</text>" in first  # a month without a figure keeps its place

    @pytest.mark.parametrize(
        ("measure", "months", "at_start", "drawn"),
        [
            ("count", {"2025-01": 3, "2025-02": 0, "2025-03": 4}, None, True),
            ("count", {"2025-01": 3, "2025-02": 4}, None, False),
            ("count", {"2025-01": 0, "2025-02": 0, "2025-03": 4}, None, False),
            ("stock", {"2025-01": 3, "2025-02": 4, "2025-03": 5}, 3, False),
            ("estimate", {"2025-01": 3, "2025-02": 4, "2025-03": 5}, None, False),
        ],
    )
    def test_a_chart_is_drawn_only_where_a_trend_shows(
        self, measure, months, at_start, drawn
    ):
        line = IndicatorLine(
            code="x",
            label="x",
            measure=measure,
            value=1,
            previous=None,
            year_earlier=None,
            months=months,
            at_start=at_start,
        )
        assert charts.wants_chart(line) is drawn

    def test_report_embeds_charts_where_the_rule_says(self, html, content):
        for goal in content.goals:
            expected = sum(charts.wants_chart(line) for line in goal.indicators)
            assert goal_html(html, goal.code).count("<svg") == expected, goal.code
        assert "Uitleningen jeugdcollectie per maand" in goal_html(html, "1.1")
        assert "<svg" not in goal_html(html, "3.2")  # one busy month: no trend


class TestPdf:
    def test_every_page_is_a4(self, pdf_path):
        reader = PdfReader(pdf_path)
        assert len(reader.pages) >= 14
        for page in reader.pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert size == pytest.approx(A4_POINTS, abs=1)

    def test_every_goal_code_and_text_is_in_the_pdf(self, pdf_text, content):
        text = flat(pdf_text)
        for goal in content.goals:
            assert f"Doel {goal.code}" in text
            assert flat(goal.text) in text, goal.code

    def test_figures_and_notes_are_in_the_pdf(self, pdf_text, content: ReportContent):
        text = flat(pdf_text)
        for figure in ("90.815", "19.840", "1.932", "62,5", "57,3", "ca. 41.000"):
            assert figure in text
        goals: list[GoalSection] = content.goals
        for line in (line for goal in goals for line in goal.indicators):
            assert dutch_number(line.value) in text
        assert "Ontbrekende gegevens" in text
        assert "55\u201357 uur per week" in text
        assert "jan feb mrt apr mei jun" in text  # a chart's month axis, as text

    def test_pages_are_numbered_in_dutch(self, pdf_path, pdf_text):
        count = len(PdfReader(pdf_path).pages)
        assert f"pagina 2 van {count}" in pdf_text
        assert f"pagina {count} van {count}" in pdf_text

    def test_page_images_are_written_for_review(self, pdf_path, pages):
        assert len(pages) == len(PdfReader(pdf_path).pages)
        for page in pages:
            assert page.stat().st_size > 5_000
            with Image.open(page) as image:
                width, height = image.size
            assert width / height == pytest.approx(
                A4_POINTS[0] / A4_POINTS[1], rel=0.01
            )


def test_the_key_figure_of_a_goal_is_its_first_indicator_with_a_figure(content):
    from workers.reports.render import key_line

    goal = next(g for g in content.goals if len(g.indicators) >= 2)
    first, second = goal.indicators[:2]
    quiet = replace(goal, indicators=[replace(first, value=0.0), *goal.indicators[1:]])
    assert key_line(quiet).code == (second.code if second.value else first.code)
    nothing = replace(
        goal, indicators=[replace(i, value=None) for i in goal.indicators]
    )
    assert key_line(nothing).code == first.code
    assert key_line(replace(goal, indicators=[])) is None
