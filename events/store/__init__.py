"""The append-only event log: one implementation, two backends."""

# Imported for its tables: one MetaData holds the log and every read model.
from events.store import read_models, reports  # noqa: F401
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
