"""The answer to a write: what a command recorded, as the API shows it."""

from __future__ import annotations

from typing import Any

from app.commands import Recorded


def answered(recorded: Recorded) -> dict[str, Any]:
    """The 201 body of a command: the record's id, and where it is in the log."""
    result = recorded.result
    return {
        "id": recorded.id,
        "stream": result.stream_id,
        "positions": list(result.positions),
        "source": recorded.source,
    }
