"""Upcasters: pure functions that lift a stored payload one schema version up.

Keyed by (TYPE, from_version). On read they run in a loop until no upcaster is
left, so a v1 event stored years ago reads as the current version today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]
UpcasterTable = Mapping[tuple[str, int], Upcaster]

# v1 age bands overlapped at their edges: a 12-year-old fitted "4-12" and
# "12-18". v2 bands are whole years, both ends inclusive, one band per age. Each
# v1 band is renamed to the v2 band it meant: the same people, so every figure
# stays as it was ("0-3", "65+" and an activity's "all" are unchanged).
AGE_BANDS_V1_TO_V2 = {
    "4-12": "4-11",
    "12-18": "12-17",
    "18-30": "18-29",
    "30-65": "30-64",
}


def age_band_v1_to_v2(data: Payload) -> Payload:
    """A check-in's or a plan's v1 age band, by its v2 name."""
    band = data.get("age_band")
    if band not in AGE_BANDS_V1_TO_V2:
        return data
    return {**data, "age_band": AGE_BANDS_V1_TO_V2[band]}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ParticipantCheckedIn", 1): age_band_v1_to_v2,
    ("ActivityPlanned", 1): age_band_v1_to_v2,
    ("ActivityChanged", 1): age_band_v1_to_v2,
}


def upcast(
    type_name: str, version: int, data: Payload, table: UpcasterTable = UPCASTERS
) -> tuple[int, Payload]:
    """Apply upcasters from `version` on; return the final version and payload."""
    while (step := table.get((type_name, version))) is not None:
        data = step(data)
        version += 1
    return version, data
