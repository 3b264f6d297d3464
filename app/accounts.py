"""Accounts, their bearer tokens and their page sessions: admin, staff, tablet, viewer.

A token is shown once when made; only its SHA-256 is kept. Tokens are 256 random
bits, so a plain hash is enough (no password stretching needed).

Pages sign in by pairing: `bieb users pair NAME` prints a one-time code (8 letters
and digits without look-alikes, valid 24 hours, kept hashed); /koppelen takes it
once and starts a page session, a 256-bit cookie token kept hashed like the
bearer tokens. Revoking the account ends its page sessions at their next request.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from events.store.tables import accounts, page_sessions, pairing_codes

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


# Pairing codes: no 0/O, 1/I/L look-alikes; 32 ** 8 = 2 ** 40 codes, each valid a day.
PAIRING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAIRING_LENGTH = 8
PAIRING_VALID = timedelta(hours=24)
# A paired tablet stays paired for a year, unless its account is revoked.
PAGE_SESSION_VALID = timedelta(days=365)

SessionState = Literal["live", "revoked", "expired", "ended", "unknown"]


@dataclass(frozen=True)
class PageSession:
    """What a page cookie stands for: the live account, or why there is none."""

    account: Account | None
    state: SessionState


def normalise_code(text: str) -> str:
    """A typed pairing code as stored: upper case, without spaces or dashes."""
    return "".join(c for c in text.upper() if c.isalnum())


def _live_account_id(conn, name: str) -> uuid.UUID:
    query = select(accounts.c.account_id).where(
        accounts.c.name == name, accounts.c.revoked_at.is_(None)
    )
    account_id = conn.execute(query).scalar()
    if account_id is None:
        raise AccountError(f"no live account named {name!r}")
    return account_id


def create_pairing_code(engine: Engine, name: str, now: datetime | None = None) -> str:
    """A one-time code that pairs a browser as the account (shown as ABCD-EFGH)."""
    now = now or datetime.now(UTC)
    code = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_LENGTH))
    with engine.begin() as conn:
        row = {
            "code_hash": _hash(code),
            "account_id": _live_account_id(conn, name),
            "created_at": now,
            "expires_at": now + PAIRING_VALID,
        }
        conn.execute(insert(pairing_codes), row)
    return f"{code[:4]}-{code[4:]}"


def redeem_pairing_code(
    engine: Engine, code: str, now: datetime | None = None
) -> tuple[Account, str] | None:
    """Use a pairing code once: its live account and a new page-session token.

    None if the code is unknown, used, expired or its account revoked.
    """
    now = now or datetime.now(UTC)
    claim = (
        update(pairing_codes)
        .where(
            pairing_codes.c.code_hash == _hash(normalise_code(code)),
            pairing_codes.c.used_at.is_(None),
            pairing_codes.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(pairing_codes.c.account_id)
    )
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        account_id = conn.execute(claim).scalar()
        account = _account(conn, account_id) if account_id else None
        if account is None:
            return None
        conn.execute(
            insert(page_sessions),
            {
                "token_hash": _hash(token),
                "account_id": account.account_id,
                "created_at": now,
                "expires_at": now + PAGE_SESSION_VALID,
            },
        )
    return account, token


def _account(conn, account_id: uuid.UUID) -> Account | None:
    query = select(*_ACCOUNT).where(
        accounts.c.account_id == account_id, accounts.c.revoked_at.is_(None)
    )
    row = conn.execute(query).first()
    return Account(*row) if row else None


_ACCOUNT = (
    accounts.c.account_id,
    accounts.c.name,
    accounts.c.role,
    accounts.c.municipality,
    accounts.c.branch,
)


def page_session(
    engine: Engine, token: str, now: datetime | None = None
) -> PageSession:
    """The account a page cookie signs in as, or why it signs in no one."""
    now = now or datetime.now(UTC)
    query = (
        select(
            *_ACCOUNT,
            accounts.c.revoked_at,
            page_sessions.c.expires_at,
            page_sessions.c.ended_at,
        )
        .select_from(
            page_sessions.join(
                accounts, accounts.c.account_id == page_sessions.c.account_id
            )
        )
        .where(page_sessions.c.token_hash == _hash(token))
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return PageSession(None, "unknown")
    if row.ended_at is not None:
        return PageSession(None, "ended")
    if row.revoked_at is not None:
        return PageSession(None, "revoked")
    if row.expires_at <= now:
        return PageSession(None, "expired")
    return PageSession(Account(*row[:5]), "live")


def end_page_session(engine: Engine, token: str) -> None:
    """Sign a browser out: its page-session token stops working."""
    stmt = (
        update(page_sessions)
        .where(
            page_sessions.c.token_hash == _hash(token),
            page_sessions.c.ended_at.is_(None),
        )
        .values(ended_at=datetime.now(UTC))
    )
    with engine.begin() as conn:
        conn.execute(stmt)
