"""What a report says, before it is rendered: plain data, kept as its numbers.

`compile` fills a `ReportContent` from the read models at one log position;
`render` turns it into HTML and PDF. `numbers()` is what is stored beside the
report (DESIGN invariant 7): recompiling at the stored position must give an
equal value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from events.figures.measures import MEASURES
from events.figures.status import Status

Method = str  # "counted" | "estimated" | "imported"


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator: the period's figure beside the two it is compared with."""

    code: str
    label: str
    measure: str  # count | sum | latest | participants | active | stock | estimate
    value: float | None
    previous: float | None
    year_earlier: float | None
    method: Method = "counted"
    records: int = 0  # the records behind the figure
    # {"themes": {"digid": 12.0, ...}}: the figure split by a dimension
    by_dimension: dict[str, dict[str, float]] = field(default_factory=dict)
    # {"2025-01": 3.0, ...}: the months of the period, for a trend chart
    months: dict[str, float] = field(default_factory=dict)
    # a stock's value at the start of the period (memberships), else None
    at_start: float | None = None

    @property
    def additive(self) -> bool:
        """Whether the period's figure is the sum of its months (its measure says)."""
        return MEASURES[self.measure].additive

    @property
    def approximate(self) -> bool:
        """Whether the figure is an approximate count, shown with "ca."."""
        return MEASURES[self.measure].approximate


@dataclass(frozen=True)
class EstimateLine:
    """A visitor estimate from samples: figure, 95% interval, how it was made."""

    label: str
    total: float
    low: float
    high: float | None  # None when the samples cannot bound it
    samples: int
    display: str  # "ca. 41.000 (95%-interval: 38.000 tot 44.000)"
    method: str  # the method in Dutch
    missing: list[str] = field(default_factory=list)  # strata without samples


@dataclass(frozen=True)
class EffortLine:
    """An effort note: what the library did, in words (inspanningsverplichting)."""

    period: str
    text: str


@dataclass(frozen=True)
class GoalSection:
    code: str  # "1.2"
    text: str  # the goal's own text from the agreement
    target_group: str
    branch: str
    reach: str  # the agreement's "Bereik"
    partners: list[str]
    indicators: list[IndicatorLine]
    estimates: list[EstimateLine] = field(default_factory=list)
    efforts: list[EffortLine] = field(default_factory=list)
    # Dutch notes where data is missing ("Geen uitleencijfers voor maart 2025.")
    missing: list[str] = field(default_factory=list)
    # op koers / aandacht / geen gegevens / inspanningen (events.figures.status)
    status: Status | None = None
    # How figures were made where the table cannot say (Dutch sentences), and
    # the agreement's footnotes the goal's texts mark.
    explanations: list[str] = field(default_factory=list)
    footnotes: list[FootnoteLine] = field(default_factory=list)


@dataclass(frozen=True)
class FootnoteLine:
    """One of the agreement's footnotes that a goal's text refers to ("[1]")."""

    number: int
    text: str


@dataclass(frozen=True)
class AmbitionSection:
    number: int
    title: str
    text: str
    goals: list[GoalSection]


@dataclass(frozen=True)
class HoursLine:
    """A general agreement on hours per week, and how the weeks complied."""

    code: str
    label: str  # "Uren met dienstverlening door professionals"
    min_per_week: float
    max_per_week: float | None
    weeks: int  # weeks of the period
    weeks_recorded: int
    weeks_complying: int
    average: float | None  # mean hours per recorded week
    status: Status | None = None  # every week recorded and kept: op koers


@dataclass(frozen=True)
class ReportContent:
    municipality: str  # code, "heemstede"
    municipality_name: str  # "Heemstede"
    organisation: str  # "Bibliotheek Zuid-Kennemerland"
    agreement_title: str
    period: str  # "2025-H1", "2025"
    period_title: str  # "eerste halfjaar 2025", "jaar 2025"
    previous: str  # the period compared with: "2024-H2"
    year_earlier: str  # "2024-H1"
    position: int  # the log position the figures are counted to
    ambitions: list[AmbitionSection]
    hours: list[HoursLine]
    missing: list[str] = field(default_factory=list)  # notes for the whole report
    districts: dict[str, str] = field(default_factory=dict)  # code -> name
    agreement_name: str = ""  # "heemstede-2024-2027"
    agreement_version: int = 0

    def numbers(self) -> dict[str, Any]:
        """Every figure and text the report shows, as JSON-ready data."""
        return asdict(self)

    @property
    def goals(self) -> list[GoalSection]:
        return [goal for ambition in self.ambitions for goal in ambition.goals]
