"""Accounts and their bearer tokens: admin, staff, tablet, viewer.

A token is shown once when made; only its SHA-256 is kept. Tokens are 256 random
bits, so a plain hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from events.store.tables import accounts

ROLES = ("admin", "staff", "tablet", "viewer")


class AccountError(ValueError):
    """An account cannot be made or changed as asked."""


@dataclass(frozen=True)
class Account:
    account_id: uuid.UUID
    name: str
    role: str
    municipality: str | None
    branch: str | None

    @property
    def actor(self) -> str:
        """How events name this account: by id, never by name."""
        return f"{self.role}:{self.account_id}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(
    engine: Engine,
    name: str,
    role: str,
    municipality: str | None = None,
    branch: str | None = None,
) -> tuple[Account, str]:
    """Make an account; returns it with its token (shown this once)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role == "tablet" and not branch:
        raise AccountError("a tablet is bound to a branch: give --branch")
    account = Account(uuid.uuid4(), name, role, municipality, branch)
    token = f"bieb_{secrets.token_urlsafe(32)}"
    row = {
        **account.__dict__,
        "token_hash": _hash(token),
        "created_at": datetime.now(UTC),
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(accounts), row)
    except IntegrityError:
        raise AccountError(f"an account named {name!r} exists already") from None
    return account, token


def authenticate(engine: Engine, token: str) -> Account | None:
    """The live account a token belongs to, or None."""
    query = select(
        accounts.c.account_id,
        accounts.c.name,
        accounts.c.role,
        accounts.c.municipality,
        accounts.c.branch,
    ).where(accounts.c.token_hash == _hash(token), accounts.c.revoked_at.is_(None))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return Account(*row) if row else None


def list_accounts(engine: Engine) -> list[dict[str, object]]:
    """Every account, revoked ones included, without token hashes."""
    columns = [c for c in accounts.c if c.name != "token_hash"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(accounts.c.name))
        return [dict(row._mapping) for row in rows]


def revoke_account(engine: Engine, name: str) -> bool:
    """Stop an account's token working; False if there is no such live account."""
    stmt = (
        update(accounts)
        .where(accounts.c.name == name, accounts.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    with engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def rotate_token(engine: Engine, name: str) -> str:
    """Give a live account a new token; the old one stops working."""
    token = f"bieb_{secrets.token_urlsafe(32)}"
    stmt = (
        update(accounts)
        .where(accounts.c.name == name, accounts.c.revoked_at.is_(None))
        .values(token_hash=_hash(token))
    )
    with engine.begin() as conn:
        if conn.execute(stmt).rowcount != 1:
            raise AccountError(f"no live account named {name!r}")
    return token
