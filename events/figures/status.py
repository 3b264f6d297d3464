"""A goal's status for a period: one rule for the API, the report and the dashboard.

The rule, written so that a municipality can apply it by hand (docs/REPORTS.md,
"Stand per doel"):

1. No indicator of the goal has a figure for the period: its effort notes are
   its status (`efforts`), or, without notes, `no_data` ("geen gegevens").
2. An obligation of effort (kind "effort") is judged by its notes: with notes
   its status is `efforts`; without, `attention`.
3. `attention` ("aandacht") when any of these holds for an indicator:
   - a target is set and the figure is below it; a target per year counts
     pro rata for a shorter period (half for a half year) where the figure
     adds up over time (counts, sums, estimates; not a share or a stock);
   - the figure fell by more than DROP_PERCENT against every comparison that has
     a figure (the previous period and the same period a year earlier);
   - data is incomplete: a month without a record, no figure at all while the
     goal's other indicators have one, or an estimate flagged as unreliable.
4. Otherwise `on_track` ("op koers").

Where the agreement names no target, the reason says so and the status rests on
the trend and completeness alone. The reason is one short Dutch text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from events.catalogue.indicators import TARGET_MONTHS, Target
from events.dutch import dutch_number, hours_norm
from events.i18n import t

DROP_PERCENT = 20  # a fall larger than this, against every comparison, is news
NOTE_LENGTH = 160  # an effort note is cut to this in a status line
CODES = ("on_track", "attention", "no_data", "efforts")


@dataclass(frozen=True)
class Status:
    """A status code, its Dutch label and the reason in a short Dutch text."""

    code: str  # one of CODES
    label: str  # "op koers", "aandacht", "geen gegevens", "inspanningen"
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "reason": self.reason}


@dataclass(frozen=True)
class IndicatorFigures:
    """What the rule reads of one indicator for the period."""

    label: str
    value: float | None
    previous: float | None = None
    year_earlier: float | None = None
    method: str = "counted"  # counted | estimated | imported
    months_without_data: Sequence[str] = ()
    estimate: Mapping[str, Any] | None = None  # with `reliable`, `reliability_text`
    target: Target | None = None
    grows_with_period: bool = True  # whether a target scales pro rata


def status(code: str, reason: str) -> Status:
    """A status with its Dutch label."""
    return Status(code, t(f"status.{code}"), reason)


def goal_status(
    indicators: Sequence[IndicatorFigures],
    notes: Sequence[str],
    *,
    months: int,
    effort: bool = False,
) -> Status:
    """A goal's status for a period, by the rule of this module's docstring."""
    figured = [i for i in indicators if i.value is not None]
    if not figured or (effort and notes):
        if notes:
            return status("efforts", _notes(notes))
        return status("no_data", t("status.reason.nothing"))
    missing = [i.label for i in indicators if i.value is None]
    concerns = [c for i in figured for c in _concerns(i, months)]
    if missing:
        concerns.append(t("status.reason.no_figure").format(label=_joined(missing)))
    if effort:
        concerns.insert(0, t("status.reason.no_efforts"))
    targets = _targets_note(figured, months)
    if concerns:
        items = t("status.reason.attention").format(items="; ".join(concerns))
        return status("attention", _sentences(targets, items))
    fine = t("status.reason.fine").format(drop=DROP_PERCENT)
    return status("on_track", _sentences(targets, fine))


def hours_status(
    min_per_week: float,
    max_per_week: float | None,
    *,
    weeks: int,
    recorded: int,
    complying: int,
) -> Status:
    """A general agreement on hours: each week of the period recorded and kept."""
    norm = hours_norm(min_per_week, max_per_week)
    if not recorded:
        return status("no_data", t("status.hours.no_data").format(norm=norm))
    items = [
        _counted("status.hours.not_kept", recorded - complying),
        _counted("status.hours.unrecorded", weeks - recorded),
    ]
    items = [item for item in items if item]
    if not items:
        return status("on_track", t("status.hours.on_track").format(
            weeks=weeks, norm=norm))  # fmt: skip
    text = t("status.hours.attention").format(
        complying=complying, weeks=weeks, norm=norm, items=_joined(items)
    )
    return status("attention", text)


# -- the concerns ---------------------------------------------------------------


def _concerns(figures: IndicatorFigures, months: int) -> list[str]:
    label = figures.label
    found = []
    target = _target(figures, months)
    if target is not None and figures.value < target:
        text = t("status.reason.below_target").format(
            label=label, value=_shown(figures, figures.value),
            target=dutch_number(target),
        )  # fmt: skip
        found.append(text + _pro_rata(figures, months))
    drops = _drops(figures)
    if drops:
        found.append(t("status.reason.fell").format(label=label, drops=drops))
    if figures.months_without_data:
        months = _months(figures.months_without_data)
        found.append(t("status.reason.months").format(label=label, months=months))
    estimate = figures.estimate or {}
    if estimate.get("reliable") is False:
        text = _unreliable(estimate)
        found.append(t("status.reason.unreliable").format(label=label, text=text))
    return found


def _unreliable(estimate: Mapping[str, Any]) -> str:
    """Why an estimate is not to be leaned on: its verdict, without the plan's gaps."""
    text = estimate.get("reliability_text") or ""
    verdict, gaps = (_prefix(key) for key in ("estimate.unreliable", "estimate.gaps"))
    text = text.split(gaps)[0].strip().rstrip(".")
    if not text.startswith(verdict):
        return t("status.reason.unreliable.default")
    return t("status.reason.unreliable.why").format(why=text[len(verdict) :])


def _prefix(key: str) -> str:
    """A message's words before its first placeholder."""
    return t(key).split("{")[0]


def _drops(figures: IndicatorFigures) -> str | None:
    """'35% lager dan de vorige periode en ...' when it fell against every one."""
    value = figures.value or 0.0
    compared = {
        key: before
        for key, before in (
            ("previous", figures.previous), ("year_earlier", figures.year_earlier)
        )
        if before  # a comparison without a figure (or of nought) says nothing
    }  # fmt: skip
    falls = {key: (before - value) / before * 100 for key, before in compared.items()}
    if not falls or not all(fall > DROP_PERCENT for fall in falls.values()):
        return None
    return _joined([
        t(f"status.reason.fell.{key}").format(percent=round(fall))
        for key, fall in falls.items()
    ])  # fmt: skip


def _target(figures: IndicatorFigures, months: int) -> float | None:
    if figures.target is None:
        return None
    return figures.target.for_period(months, figures.grows_with_period)


def _pro_rata(figures: IndicatorFigures, months: int) -> str:
    target = figures.target
    if target is None or not figures.grows_with_period:
        return ""
    if months == TARGET_MONTHS[target.per]:
        return ""
    return t("status.reason.pro_rata").format(
        months=months,
        target=dutch_number(target.value),
        per=t(f"status.per.{target.per}"),
    )


def _targets_note(figured: Sequence[IndicatorFigures], months: int) -> str:
    """'Geen streefwaarde in de afspraak.', or the targets met."""
    met = [
        t("status.reason.target_item").format(
            label=f.label, value=_shown(f, f.value),
            target=dutch_number(_target(f, months)),
        )
        for f in figured
        if f.target is not None and f.value is not None
        and f.value >= (_target(f, months) or 0.0)
    ]  # fmt: skip
    if not any(f.target for f in figured):
        return t("status.reason.no_target")
    if not met:
        return ""
    return t("status.reason.target_met").format(items="; ".join(met))


# -- wording --------------------------------------------------------------------


def _shown(figures: IndicatorFigures, value: float | None) -> str:
    number = dutch_number(value)
    if figures.method == "estimated":
        return f"{t('report.estimate.about')} {number}"
    return number


def _notes(notes: Sequence[str]) -> str:
    cut = [n if len(n) <= NOTE_LENGTH else n[: NOTE_LENGTH - 1] + "\u2026"
           for n in (" ".join(note.split()) for note in notes)]  # fmt: skip
    key = "status.reason.efforts" + (".one" if len(cut) == 1 else "")
    return t(key).format(count=len(cut), notes=" / ".join(cut))


def _months(months: Sequence[str]) -> str:
    """'2025-03', '2025-04' -> 'maart en april 2025'."""
    years: dict[str, list[str]] = {}
    for month in months:
        year, _, number = month.partition("-")
        years.setdefault(year, []).append(t(f"month.{int(number)}"))
    return _joined([f"{_joined(names)} {year}" for year, names in years.items()])


def _sentences(*texts: str) -> str:
    return " ".join(text for text in texts if text)


def _counted(key: str, count: int) -> str:
    if count <= 0:
        return ""
    return t(f"{key}.one") if count == 1 else t(key).format(count=count)


def _joined(items: Sequence[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('status.and')} {items[-1]}"
