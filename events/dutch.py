"""Numbers, periods and names as a Dutch reader sees them, in the API and the report.

One place for them, so the progress API's labels and the report's texts say the
same thing ("eerste halfjaar 2025", "12.345", "geteld").
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from events.i18n import DEFAULT, MESSAGES, t

TENTH = Decimal("0.1")
NO_DATA = "\u2014"  # an em dash: no figure for this period


def dutch_number(value: float | None) -> str:
    """12345.0 -> '12.345', 38.25 -> '38,3', None -> an em dash (no data)."""
    if value is None or not math.isfinite(value):
        return NO_DATA
    # Half up, as people round: 57.25 -> 57,3 (float round() would give 57,2).
    rounded = Decimal(str(float(value))).quantize(TENTH, rounding=ROUND_HALF_UP)
    rounded = rounded if rounded else abs(rounded)  # no "-0"
    text = f"{rounded:,.0f}" if rounded == rounded.to_integral() else f"{rounded:,.1f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def period_name(code: str) -> str:
    """'2025-H1' -> 'eerste halfjaar 2025', '2025' -> 'jaar 2025'; else as given."""
    year, _, half = code.partition("-")
    if not year.isdigit():
        return code
    if not half:
        return t("report.period.year").format(year=year)
    if half in {"H1", "H2"}:
        return t(f"report.period.{half}").format(year=year)
    return code


def method_name(method: str) -> str:
    """How a figure was obtained, in Dutch ('geteld', 'geschat uit steekproeven')."""
    return known(f"report.method.{method}") or method


def measure_name(measure: str) -> str:
    """What a measure takes, in Dutch ('count' -> 'aantal')."""
    return known(f"measure.{measure}") or measure


def hours_norm(min_per_week: float, max_per_week: float | None) -> str:
    """'38,5 uur per week' or '55-57 uur per week' (with an en dash)."""
    low = dutch_number(min_per_week)
    if max_per_week is None:
        return t("report.hours.min").format(min=low)
    return t("report.hours.range").format(min=low, max=dutch_number(max_per_week))


def known(key: str) -> str | None:
    """The Dutch text of a key, or None where there is none."""
    return MESSAGES[DEFAULT].get(key)
