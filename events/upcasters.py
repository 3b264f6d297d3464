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

# Filled as event schemas change: {("CheckInRecorded", 1): check_in_v1_to_v2, ...}
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(
    type_name: str, version: int, data: Payload, table: UpcasterTable = UPCASTERS
) -> tuple[int, Payload]:
    """Apply upcasters from `version` on; return the final version and payload."""
    while (step := table.get((type_name, version))) is not None:
        data = step(data)
        version += 1
    return version, data
