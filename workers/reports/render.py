"""A compiled report as HTML (Jinja2, Dutch) and as an A4 PDF (WeasyPrint).

`render_html` is a pure function of the content (and the optional compile moment,
shown as its day in the configured time zone, BIEB_TIME_ZONE, but not one of the
report's numbers): the same content gives the same HTML string. `render_pdf`
reads nothing from the network; only the stylesheet beside the templates and
inline data are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import HTML, URLFetcher

from events.dutch import NO_DATA, dutch_number, method_name, period_name
from events.dutch import hours_norm as norm_text
from events.figures.shown import UNKNOWN
from events.figures.status import DROP_PERCENT
from events.i18n import DEFAULT, MESSAGES, t
from workers.reports import charts
from workers.reports.content import (
    GoalSection,
    HoursLine,
    IndicatorLine,
    ReportContent,
)

TEMPLATES = Path(__file__).parent / "templates"
MONTH_NAMES = tuple(t(f"month.{number}") for number in range(1, 13))
COMPACT_ROWS = 12  # an indicator table this short is kept on one page
COUNTERS = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
# Dimension item keys the IDO desk already translates; report keys come first.
ITEM_PREFIXES = {
    "themes": "ido.theme",
    "help_kind": "ido.help",
    "channel": "ido.channel",
}


def render_html(
    content: ReportContent,
    zone: tzinfo,
    *,
    compiled_at: datetime | None = None,
    report_id: str = "",
) -> str:
    """The report as one Dutch HTML document (inline SVG charts, linked CSS)."""
    template = _environment().get_template("report.html")
    return template.render(
        report=content,
        report_id=report_id,
        compiled_day=_day(compiled_at.astimezone(zone)) if compiled_at else None,
        kind=t(f"report.kind.{'year' if _is_year(content.period) else 'half-year'}"),
        compiled=_long_date(compiled_at.astimezone(zone)) if compiled_at else None,
        indicator_count=sum(len(goal.indicators) for goal in content.goals),
        effort_count=sum(len(goal.efforts) for goal in content.goals),
        missing_count=len(content.missing)
        + sum(len(goal.missing) for goal in content.goals),
        page_footer=_page_footer(),
    )


def render_pdf(html: str) -> bytes:
    """The HTML as an A4 PDF; relative links resolve in the templates folder."""
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)
    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
    return document.write_pdf()


def dimension_name(dimension: str) -> str:
    """A dimension key in Dutch ('themes' -> 'thema'); the key itself if unknown."""
    return _known(f"report.dimension.{dimension}") or dimension.replace("_", " ")


def item_name(dimension: str, item: str, names: Mapping[str, str] | None = None) -> str:
    """A dimension item in Dutch ('digid' -> 'DigiD', a district's name from the
    agreement in `names`); the raw value if unknown."""
    if item == UNKNOWN:
        return t("report.item.unknown")
    if names and item in names:
        return names[item]
    keys = [f"report.item.{dimension}.{item}"]
    if dimension in ITEM_PREFIXES:
        keys.append(f"{ITEM_PREFIXES[dimension]}.{item}")
    return next((text for key in keys if (text := _known(key))), item.replace("_", " "))


def hours_norm(line: HoursLine) -> str:
    """'38,5 uur per week' or '55-57 uur per week' (with an en dash)."""
    return norm_text(line.min_per_week, line.max_per_week)


def chart(line: IndicatorLine) -> Markup | None:
    """The indicator's monthly trend chart as inline SVG, when it has one."""
    if not charts.wants_chart(line):
        return None
    title = t("report.chart.title").format(label=line.label)
    # The SVG is built by matplotlib, which escapes every text it writes.
    return Markup(charts.trend_svg(line.months, title, dutch_number))


def key_line(goal: GoalSection) -> IndicatorLine | None:
    """The goal's key figure for the summary: its first indicator with a figure."""
    shown = [line for line in goal.indicators if line.value]
    return (shown or list(goal.indicators) or [None])[0]


def table_rows(goal: GoalSection) -> int:
    """The rows of a goal's indicator table: one per indicator and split item."""
    splits = (
        values for line in goal.indicators for values in line.by_dimension.values()
    )
    return len(goal.indicators) + sum(len(values) + 1 for values in splits)


def split_items(values: dict[str, float]) -> list[tuple[str, float]]:
    """A dimension's items, the largest first; ties in key order (deterministic)."""
    return sorted(values.items(), key=lambda item: (-item[1], item[0]))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        number=dutch_number,
        period=period_name,
        method=method_name,
        dimension=dimension_name,
        norm=hours_norm,
    )
    environment.globals.update(
        t=t, chart=chart, item=item_name, split=split_items, no_data=NO_DATA
    )
    environment.globals.update(rows_of=table_rows, compact_rows=COMPACT_ROWS)
    environment.globals.update(key_line=key_line, status_drop=DROP_PERCENT)
    return environment


def _known(key: str) -> str | None:
    return MESSAGES[DEFAULT].get(key)


def _page_footer() -> Markup:
    # CSS content for "pagina X van Y": the Dutch words around the two counters.
    parts = re.split(r"(\{page\}|\{pages\})", t("report.page"))
    values = [COUNTERS.get(part) or _css_string(part) for part in parts if part]
    return Markup(" ".join(values))


def _css_string(text: str) -> str:
    # Inside <style> nothing is HTML-decoded: keep the string a plain CSS string.
    clean = "".join(char for char in text if char.isprintable() and char not in '<>\\"')
    return f'"{clean}"'


def _is_year(period: str) -> bool:
    return period.isdigit()


def _long_date(when: datetime) -> str:
    return t("report.compiled").format(date=_day(when))


def _day(when: datetime) -> str:
    return f"{when.day} {MONTH_NAMES[when.month - 1]} {when.year}"
