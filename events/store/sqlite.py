"""SQLite specifics: immutability by triggers.

Gap safety needs nothing more here: SQLite has one writer at a time (writers
BEGIN IMMEDIATE), so positions are handed out and committed in the same order.
"""

from __future__ import annotations

CREATE = [
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE on events refused'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE on events refused'); END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS events_no_delete",
    "DROP TRIGGER IF EXISTS events_no_update",
]
