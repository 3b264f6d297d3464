"""The read models kept from the log. Each entry has `catch_up() -> int`.

The per-goal projections arrive with the projections issue; the tick and the
task that drive them are in place from the start.
"""

from __future__ import annotations

from typing import Protocol


class Projection(Protocol):
    name: str

    def catch_up(self) -> int: ...


PROJECTIONS: list[Projection] = []
