"""A measure: how an indicator's events become a figure, one module per measure.

Every measure answers the same questions, so that the catalogue, the counting,
the reading, the drill-down and the report ask the measure, not its name:

- declared: `name`, `additive` (a period's figure is the sum of its months'),
  `method` (counted or estimated), and `validate` (what a declaration must name);
- counted: `fold`, how one record (or its retraction) changes the read models;
- read: `shown`, a period's figure from the read models;
- traced: `behind`, the records behind a figure, read from the log;
- reported: `reported`, the figure as the report shows it, and `notes` on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from events.activities import SessionOpened
from events.registry import lookup
from events.sessions import Session, fold_session

if TYPE_CHECKING:
    from events import RecordedEvent
    from events.catalogue.indicators import Indicator
    from events.figures.fold import Fold
    from events.figures.read import GoalFigures
    from events.figures.shown import Shown
    from events.periods import Period


class Log(Protocol):
    """The log as a drill-down reads it: the live records of the branches asked."""

    zone: ZoneInfo

    def live(
        self, types: Sequence[str], prefix: str, period: Period | None = None
    ) -> list[RecordedEvent]:
        """Records of some types in streams with a prefix (in a period), live."""
        ...

    def stream(self, stream_id: str) -> list[RecordedEvent]:
        """A whole stream, in order."""
        ...


class Measure(ABC):
    """How an indicator's events become a figure: declared, counted, read, traced."""

    name: ClassVar[str]
    additive: ClassVar[bool] = True
    method: ClassVar[str] = "counted"  # or "estimated" (from samples)
    # Whether its figure is an approximate count, written "ca." wherever shown.
    approximate: ClassVar[bool] = False
    # A later record of the same figure replaces the earlier one, so taking it
    # back brings the one before it back (events.figures.count).
    replaces: ClassVar[bool] = False
    # What it counts of a session (events.figures.fold): "records" (the opening
    # and each check-in) or "participants" (headcount wins); None: nothing.
    session_part: ClassVar[str | None] = None

    def validate(self, indicator: Indicator) -> str | None:
        """What the declaration lacks for this measure, in words; None if nothing."""
        return None

    @abstractmethod
    def fold(
        self,
        fold: Fold,
        indicator: Indicator,
        event: RecordedEvent,
        sign: int,
        standing: RecordedEvent | None,
    ) -> None:
        """Count one record (sign -1: take it back; `standing` counts again then)."""

    @abstractmethod
    def shown(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> Shown:
        """The figure for a period, read from the read models."""

    def months_without_data(
        self, figures: GoalFigures, indicator: Indicator, period: Period
    ) -> list[str]:
        """Months of the period in which nothing was recorded (kept per month only)."""
        return []

    @abstractmethod
    def behind(
        self, log: Log, indicator: Indicator, period: Period
    ) -> list[dict[str, Any]]:
        """The live records behind the figure of a period, each with its share."""

    def reported(self, shown: Shown) -> Shown:
        """The figure as the report shows it."""
        return shown

    def notes(
        self, figures: GoalFigures, indicator: Indicator, period: Period, shown: Shown
    ) -> list[str]:
        """The report's notes where data the figure counts on is missing (Dutch)."""
        return []

    # -- what declarations name ---------------------------------------------------

    def needs_value(self, indicator: Indicator) -> str | None:
        """Unless it names it: the measure counts the field named in `value`."""
        if indicator.value is None:
            return f"a {self.name!r} indicator names the field in 'value'"
        return None

    def needs_key(self, indicator: Indicator) -> str | None:
        """Unless it names them: the fields in `key` name one figure or thing."""
        if not indicator.key:
            return f"a {self.name!r} indicator names its key fields in 'key'"
        return None


# -- shared by the measures ---------------------------------------------------------


def joined(data: dict[str, Any], names: Iterable[str]) -> str:
    """The fields naming one figure or thing, as one key: "heemstede|youth"."""
    return "|".join(str(data[name]) for name in names)


def dimensions_of(indicator: Indicator, data: dict[str, Any]) -> list[str]:
    """The total ("") and "name:value" for each value of each dimension field."""
    found = [""]
    for name in indicator.dimensions:
        values = data.get(name)
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                found.append(f"{name}:{value}")
    return found


def month_of(indicator: Indicator, event: RecordedEvent, zone: ZoneInfo) -> str:
    """The month a record counts in: its `date` field's, else its local month."""
    if indicator.date:
        return str(event.data[indicator.date])[:7]
    return event.occurred_at.astimezone(zone).strftime("%Y-%m")


def local_day(when: datetime, zone: ZoneInfo) -> date:
    """The local calendar day of an aware moment."""
    return when.astimezone(zone).date()


def record(event: RecordedEvent, value: float) -> dict[str, Any]:
    """A record as the drill-down shows it, with its share of the figure."""
    return {
        "event_id": str(event.event_id),
        "position": event.position,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "value": value,
        "data": event.data,
    }


def prefix_of(indicator: Indicator) -> str:
    """The stream prefix the indicator's event types share."""
    prefixes = {lookup(name).STREAM.split("{")[0] for name in indicator.events}
    return prefixes.pop() if len(prefixes) == 1 else ""


def sessions_in(
    log: Log, period: Period
) -> Iterator[tuple[RecordedEvent, Session, list[RecordedEvent]]]:
    """The sessions opened in a period: counted in the month they opened."""
    for opened in log.live([SessionOpened.TYPE], "session-", period):
        history = log.stream(opened.stream_id)
        session = fold_session(history)
        if session is not None:
            yield opened, session, history
