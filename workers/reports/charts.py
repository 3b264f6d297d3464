"""Monthly trend charts for the report, drawn by matplotlib as inline SVG.

When a chart is drawn (`wants_chart`): the indicator is additive (a count or sum
per month; not a stock, a set of active partners, an estimate or an occupancy),
the period has at least three months with a figure, and at least two of those
months are above zero.
With fewer months, or a single busy month, the table's number says it all.

The SVG keeps its text as <text> (svg.fonttype "none"): it stays small, the PDF
text layer holds the labels, and WeasyPrint draws it in DejaVu Sans, the font
matplotlib measured it with. A fixed hash salt and no date make the same figures
give the same SVG bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
from collections.abc import Callable, Mapping

from markupsafe import escape
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from events.i18n import t
from workers.reports.content import IndicatorLine

MONTHS = tuple(t(f"month.short.{number}") for number in range(1, 13))
MIN_MONTHS = 3
MIN_BUSY_MONTHS = 2
SIZE_INCHES = (3.4, 2.1)  # two charts side by side in the A4 text width
TITLE_WIDTH = 50  # characters of a title line at this size
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "bieb-register",
    "svg.id": None,
    "font.family": "DejaVu Sans",
    "text.parse_math": False,  # a "$" in a label is text, not TeX
    "font.size": 7.0,
    "axes.titlesize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BAR_COLOUR = "#1f5f8b"
# No date, creator or RDF block: they only add bytes and break determinism.
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def wants_chart(line: IndicatorLine) -> bool:
    """Whether a trend chart says more than the number: see the module docstring."""
    if not line.additive or line.at_start is not None:
        return False
    busy = sum(1 for value in line.months.values() if value)
    return len(line.months) >= MIN_MONTHS and busy >= MIN_BUSY_MONTHS


def month_label(month: str) -> str:
    """'2025-03' -> 'mrt': the Dutch short name of a month key."""
    return MONTHS[int(month[5:7]) - 1]


def trend_svg(
    months: Mapping[str, float | None], title: str, number: Callable[[float], str]
) -> str:
    """A bar chart of a value per month ('YYYY-MM' keys) as an inline <svg> string.

    Months between the first and the last that have no figure are left empty,
    not drawn as zero. `number` formats the bar labels and the y axis (Dutch).
    """
    keys = _month_range(sorted(months))
    values = [math.nan if months.get(key) is None else months[key] for key in keys]
    # The style is read when artists are made and when the SVG is written.
    with rc_context(STYLE):
        svg = _svg(_bar_figure(keys, values, title, number))
    svg = _own_ids(svg, hashlib.sha1(f"{title}{keys}{values}".encode()).hexdigest()[:8])
    return svg.replace(
        "<svg ", f'<svg class="chart" role="img" aria-label="{escape(title)}" ', 1
    )


def _bar_figure(
    keys: list[str], values: list[float], title: str, number: Callable[[float], str]
) -> Figure:
    figure = Figure(figsize=SIZE_INCHES)
    axes = figure.add_subplot()
    bars = axes.bar(range(len(keys)), values, color=BAR_COLOUR, width=0.65)
    axes.bar_label(bars, labels=[_bar_text(v, number) for v in values], fontsize=6)
    axes.set_xticks(range(len(keys)), [month_label(key) for key in keys])
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
    axes.set_ylim(0, _top(values))
    axes.set_xlabel(t("report.chart.x_label"))
    axes.set_ylabel(t("report.chart.y_label"))
    axes.set_title(textwrap.fill(title, TITLE_WIDTH), loc="left")
    figure.tight_layout(pad=0.4)
    return figure


def _month_range(keys: list[str]) -> list[str]:
    if not keys:
        return []
    (first_year, first_month), (last_year, last_month) = (
        (int(key[:4]), int(key[5:7])) for key in (keys[0], keys[-1])
    )
    count = (last_year - first_year) * 12 + last_month - first_month + 1
    steps = (first_year * 12 + first_month - 1 + i for i in range(count))
    return [f"{step // 12:04d}-{step % 12 + 1:02d}" for step in steps]


def _bar_text(value: float, number: Callable[[float], str]) -> str:
    return "" if math.isnan(value) else number(value)


def _top(values: list[float]) -> float:
    # Head room above the highest bar for its label.
    highest = max((v for v in values if not math.isnan(v)), default=0.0)
    return max(highest * 1.18, 1.0)


def _own_ids(svg: str, prefix: str) -> str:
    """Give the chart's element ids a prefix of its own.

    matplotlib numbers ids from 1 in every figure; inline in one HTML page, two
    charts would share ids (and a clip path of one could clip the other).
    """
    svg = re.sub(r'id="([^"]+)"', rf'id="c{prefix}-\1"', svg)
    return re.sub(r'(url\(#|href="#)([^")]+)', rf"\1c{prefix}-\2", svg)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata=NO_METADATA)
    text = buffer.getvalue()
    # Inline in HTML: drop the XML declaration and the DOCTYPE before <svg.
    return text[text.index("<svg") :]
