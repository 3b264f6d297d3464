"""The append-only event log: one implementation, two backends."""

from events.store.engine import create_store_engine, normalise_url
from events.store.errors import (
    EventIdConflict,
    PersonalDataFound,
    StoreError,
    StreamContended,
    WrongExpectedVersion,
)
from events.store.sql import ANY, AppendResult, SqlEventStore

__all__ = [
    "ANY",
    "AppendResult",
    "EventIdConflict",
    "PersonalDataFound",
    "SqlEventStore",
    "StoreError",
    "StreamContended",
    "WrongExpectedVersion",
    "create_store_engine",
    "normalise_url",
]
