"""The event log's tables, in SQLAlchemy 2.0 Core: one MetaData for every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

JsonDocument = JSON().with_variant(JSONB(), "postgresql")
# SQLite only numbers an INTEGER PRIMARY KEY itself; PostgreSQL gets BIGINT.
Position = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no offset, so values are stored as UTC and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", Uuid(), nullable=False, unique=True),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("metadata", JsonDocument, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    # Positions only grow: never reuse one after a rolled-back insert.
    sqlite_autoincrement=True,
)

Index("ix_events_type_position", events.c.event_type, events.c.position)
Index("ix_events_occurred_at", events.c.occurred_at)

# Who may write and read: staff, tablets (devices bound to a branch), viewers.
# Names live here, in a table that can be changed and emptied, never in events:
# events carry only the account id as their actor.
accounts = Table(
    "accounts",
    metadata,
    Column("account_id", Uuid(), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("municipality", String(100), nullable=True),
    Column("branch", String(100), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    # People sign in with a password (scrypt hash); tablets pair and have none.
    Column("password_hash", String(255), nullable=True),
)

# Every change to an account (added, revoked, a password, a pairing code, a
# token) with who made it: kept, never edited.
account_changes = Table(
    "account_changes",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),  # "admin:<id>", or "cli"
    Column("action", String(40), nullable=False),
    Column("account_id", Uuid(), nullable=False),
)
Index("ix_account_changes_account_id", account_changes.c.account_id)

# Pages: a one-time pairing code (shown once, kept hashed, valid a day) starts a
# long-lived page session, whose random cookie token is kept hashed too. Both
# hang off their account, so revoking the account ends them at the next request.
pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("account_id", Uuid(), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime(), nullable=True),
)

page_sessions = Table(
    "page_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Uuid(), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=True),
)

# The first answer to each write sent with an Idempotency-Key, replayed on retry.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", Uuid(), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
