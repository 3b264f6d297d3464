"""`sum`: adds up a field (`value`) of each record, e.g. the pupils of a lesson."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.figures.measures.monthly import PerRecord

if TYPE_CHECKING:
    from events.catalogue.indicators import Indicator


class Sum(PerRecord):
    """The records' `value` field, added up."""

    name = "sum"

    def validate(self, indicator: Indicator) -> str | None:
        return self.needs_value(indicator)

    def value(self, indicator: Indicator, data: dict[str, Any]) -> float:
        return float(data[indicator.value])  # type: ignore[index]
