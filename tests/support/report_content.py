"""A realistic ReportContent for Heemstede's first half of 2025, for render tests.

Goals, ambitions and indicator labels come from the shipped catalogue; the
figures are invented but plausible. The sample has every kind of line a report
shows: monthly trends (one with a month missing), a stock with start and end, a
dimension split (IDO questions by theme), an estimate with its interval and
missing strata, effort notes, missing-data notes and the hours agreements.
"""

from __future__ import annotations

from dataclasses import replace

from events.catalogue import Agreement, Goal, load_agreement
from events.catalogue.indicators import Indicator
from workers.reports.content import (
    AmbitionSection,
    EffortLine,
    EstimateLine,
    GoalSection,
    HoursLine,
    IndicatorLine,
    ReportContent,
)

AGREEMENT = "heemstede-2024-2027"
MONTHS = tuple(f"2025-{month:02d}" for month in range(1, 7))

# (goal, indicator) -> figures per month Jan-Jun 2025; None: no figure that month.
MONTHLY: dict[tuple[str, str], tuple[float | None, ...]] = {
    ("1.1", "youth-loans"): (4210, 3985, None, 4120, 3870, 3655),
    ("1.2", "school-pupils"): (322, 414, 391, 276, 345, 184),
    ("1.2", "school-lessons"): (14, 18, 17, 12, 15, 8),
    ("1.2", "sessions"): (6, 7, 9, 6, 5, 4),
    ("1.2", "participants"): (118, 142, 171, 109, 96, 88),
    ("1.4", "sessions"): (8, 8, 9, 7, 8, 6),
    ("1.4", "participants"): (61, 66, 72, 58, 63, 49),
    ("1.4", "new-target-groups"): (6, 9, 11, 7, 8, 7),
    ("2.1", "communities-new"): (0, 1, 0, 0, 1, 0),
    ("2.1", "community-meetings"): (5, 6, 6, 5, 7, 4),
    ("2.1", "community-participants"): (74, 88, 91, 70, 102, 55),
    ("2.2", "sessions"): (4, 5, 5, 4, 4, 3),
    ("2.2", "participants"): (29, 35, 38, 27, 31, 22),
    ("2.2", "ido-questions"): (41, 57, 88, 63, 39, 28),
    ("3.1", "sessions"): (3, 4, 4, 3, 5, 4),
    ("3.1", "participants"): (96, 131, 118, 104, 187, 142),
    ("3.2", "sessions"): (0, 0, 3, 0, 0, 0),  # one busy month: no chart
    ("3.2", "participants"): (0, 0, 57, 0, 0, 0),
    ("4.1", "loans"): (15840, 14920, 16310, 15275, 14480, 13990),
    ("4.2", "sessions"): (2, 3, 3, 2, 2, 1),
    ("4.2", "participants"): (44, 61, 66, 39, 41, 23),
    ("4.2", "school-lessons"): (3, 4, 4, 2, 3, 1),
    ("4.3", "community-meetings"): (1, 0, 1, 1, 0, 1),
    ("5.2", "sessions"): (2, 2, 3, 2, 2, 2),
    ("5.2", "participants"): (38, 41, 55, 36, 40, 33),
    ("5.2", "communication-items"): (21, 18, 24, 19, 22, 17),
}

# Figures that are one number for the period, with no months.
SPLITS: dict[tuple[str, str], dict[str, dict[str, float]]] = {
    ("1.1", "youth-loans"): {"collection": {"fiction": 14520, "non_fiction": 5320}},
    ("1.2", "school-pupils"): {"school_kind": {"primary": 1748, "childcare": 184}},
    ("1.3", "partners"): {"kind": {"childcare": 5, "primary": 7, "secondary": 2}},
    ("1.4", "new-target-groups"): {
        "new_target_group": {"refugee": 31, "newcomer": 17},
        "district": {"heemstede-zuid": 21, "heemstede-centrum": 15, "overig": 12},
    },
    ("2.1", "communities-active"): {
        "target_group": {"youth": 3, "seniors": 3, "families": 2, "mixed": 1}
    },
    ("2.2", "ido-questions"): {
        "themes": {
            **{"digid": 84, "belastingdienst": 71, "toeslagen": 52, "uwv": 19},
            **{"svb": 14, "gemeente": 23, "duo": 8, "zorg": 17, "cjib": 3},
            **{"rdw": 6, "cak": 4, "cbr": 5, "overig": 12, "mijnoverheid": 9},
        },
        "help_kind": {"information": 142, "hands_on": 139, "referral": 35},
    },
    ("4.1", "loans"): {
        "audience": {"youth": 23840, "adult": 66975},
        "collection": {"fiction": 51230, "non_fiction": 33120, "other": 6465},
    },
    ("5.2", "communication-items"): {
        "channel": {"website": 38, "newsletter": 6, "social_media": 71, "press": 6}
    },
}

# Figures that are one number for the period (not a sum of months):
# (goal, indicator) -> (value, previous, year earlier, value at the start).
PERIOD: dict[tuple[str, str], tuple[float | None, ...]] = {
    ("1.1", "youth-members"): (3418, 3377, 3302, 3377),
    ("1.3", "partners"): (14, 13, 11, None),
    ("2.1", "communities-active"): (9, 8, 7, None),
    ("3.1", "plein1-visitors"): (41000, 39000, None, None),
    ("5.1", "study-visitors"): (9900, 9100, 8700, None),
    ("5.1", "workplace-occupancy"): (62.5, None, 57.25, None),
}
METHODS = {"estimate": "estimated", "occupancy": "estimated", "stock": "imported"}

ESTIMATES: dict[str, EstimateLine] = {
    "3.1": EstimateLine(
        label="Bezoekers Plein1",
        total=41230.0,
        low=38150.0,
        high=44310.0,
        samples=64,
        display="ca. 41.000 (95%-interval: 38.000 tot 44.000)",
        method="Geschat uit 64 steekproeven, gestratificeerd naar weekdag en dagdeel; "
        "95%-interval",
        missing=["zondagmiddag", "donderdagavond"],
    ),
    "5.1": EstimateLine(
        label="Bezoekers studie- en werkplekken",
        total=9870.0,
        low=8100.0,
        high=None,
        samples=12,
        display="ca. 9.900 (95%-interval: onbekend)",
        method="Geschat uit 12 steekproeven; aanwezigen omgerekend met een "
        "verblijfsduur van 45 minuten",
    ),
}

EFFORTS: dict[str, list[str]] = {
    "1.3": ["Overleg met de kinderopvang over een gezamenlijke voorleesweek."],
    "4.3": [
        "Podium geboden aan de jongerencommunity voor een expositie van eigen werk.",
        "Met school en sportvereniging een maakmiddag voorbereid voor het najaar.",
    ],
    "5.3": [
        "Taalcoaches spreken wekelijks af op de leestafel; acht koppels vaste gast.",
        "Drie gezinnen van de VoorleesExpress bezochten samen de bibliotheek.",
    ],
}

MISSING: dict[str, list[str]] = {
    "1.1": ["Geen uitleencijfers voor maart 2025."],
    "3.1": ["Geen bezoekerssteekproeven op zondagmiddag en donderdagavond."],
}


def sample_report_content() -> ReportContent:
    """The half-year report of Heemstede for 2025-H1, all 5 ambitions, 14 goals."""
    agreement = load_agreement(AGREEMENT)
    ambitions = [
        AmbitionSection(
            number=ambition.number,
            title=ambition.theme,
            text=ambition.text,
            goals=[
                _goal(agreement, goal) for goal in agreement.goals_of(ambition.number)
            ],
        )
        for ambition in agreement.ambitions
    ]
    return ReportContent(
        municipality="heemstede",
        municipality_name="Heemstede",
        organisation=agreement.organisation,
        agreement_title=agreement.title,
        period="2025-H1",
        period_title="eerste halfjaar 2025",
        previous="2024-H2",
        year_earlier="2024-H1",
        position=18342,
        ambitions=ambitions,
        hours=_hours(agreement),
        missing=["Selfservice-uren van week 2025-W14 niet geregistreerd."],
    )


def with_effort(content: ReportContent, code: str, text: str) -> ReportContent:
    """The content with one more effort note on goal `code`."""
    ambitions = [
        replace(a, goals=[_add_effort(g, code, text) for g in a.goals])
        for a in content.ambitions
    ]
    return replace(content, ambitions=ambitions)


def _add_effort(goal: GoalSection, code: str, text: str) -> GoalSection:
    if goal.code != code:
        return goal
    return replace(goal, efforts=[*goal.efforts, EffortLine("2025-H1", text)])


def _goal(agreement: Agreement, goal: Goal) -> GoalSection:
    branch = agreement.branch(goal.branch).name if goal.branch else ""
    return GoalSection(
        code=goal.code,
        text=goal.text,
        target_group=goal.target_group,
        branch=branch,
        reach=goal.reach,
        partners=list(goal.partners),
        indicators=[_line(indicator) for indicator in goal.indicators],
        estimates=[ESTIMATES[goal.code]] if goal.code in ESTIMATES else [],
        efforts=[EffortLine("2025-H1", text) for text in EFFORTS.get(goal.code, [])],
        missing=MISSING.get(goal.code, []),
    )


def _line(indicator: Indicator) -> IndicatorLine:
    key = (indicator.goal, indicator.code)
    if indicator.additive:
        return _monthly_line(indicator, MONTHLY.get(key, (1, 0, 2, 1, 0, 1)))
    value, previous, year_earlier, at_start = PERIOD.get(key, (5, 5, 4, None))
    return IndicatorLine(
        code=indicator.code,
        label=indicator.label,
        measure=indicator.measure,
        value=value,
        previous=previous,
        year_earlier=year_earlier,
        method=METHODS.get(indicator.measure, "counted"),
        records=12,
        by_dimension=SPLITS.get(key, {}),
        at_start=at_start,
    )


def _monthly_line(
    indicator: Indicator, figures: tuple[float | None, ...]
) -> IndicatorLine:
    months = {
        m: float(v) for m, v in zip(MONTHS, figures, strict=True) if v is not None
    }
    value = sum(months.values())
    return IndicatorLine(
        code=indicator.code,
        label=indicator.label,
        measure=indicator.measure,
        value=value,
        previous=round(value * 0.94),
        year_earlier=round(value * 0.87),
        records=int(value) if indicator.measure != "latest" else len(months),
        by_dimension=SPLITS.get((indicator.goal, indicator.code), {}),
        months=months,
    )


def _hours(agreement: Agreement) -> list[HoursLine]:
    recorded = {"staffed": (25, 24, 38.7), "self-service": (26, 25, 56.1)}
    return [
        HoursLine(
            code=hours.code,
            label=hours.name,
            min_per_week=hours.min_per_week,
            max_per_week=hours.max_per_week,
            weeks=26,
            weeks_recorded=recorded[hours.code][0],
            weeks_complying=recorded[hours.code][1],
            average=recorded[hours.code][2],
        )
        for hours in agreement.service_hours
    ]
