"""Accounts, their bearer tokens and their page sessions: admin, staff, tablet, viewer.

A token is shown once when made; only its SHA-256 is kept. Tokens are 256 random
bits, so a plain hash is enough (no password stretching needed).

Pages sign in by pairing: `bieb users pair NAME` prints a one-time code (8 letters
and digits without look-alikes, valid 24 hours, kept hashed); /koppelen takes it
once and starts a page session, a 256-bit cookie token kept hashed like the
bearer tokens. Revoking the account ends its page sessions at their next request.

People (admin, staff, viewer) may also sign in at /inloggen with a password,
hashed with scrypt (Werkzeug's default); their page session lasts a working
day. Every change to an account made through the pages or the CLI is kept in
`account_changes` with its actor.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import (
    Connection,
    Engine,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from events.store.tables import (
    account_changes,
    accounts,
    page_sessions,
    pairing_codes,
)

ROLES = ("admin", "staff", "tablet", "viewer")
# Who signs in with a password: people, never a tablet (it pairs).
PEOPLE = ("admin", "staff", "viewer")
PASSWORD_MIN_LENGTH = 10
# Werkzeug's scrypt (N=2**15, r=8, p=1): slow for a guesser, ~0.1 s for us.
PASSWORD_METHOD = "scrypt"
# A person's page session: a working day; a tablet's lasts a year (below).
PERSON_SESSION_VALID = timedelta(hours=12)

# The actor of a change made on the command line (whoever runs `bieb`).
CLI = "cli"


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
    actor: str | None = None,
) -> tuple[Account, str]:
    """Make an account; returns it with its token (shown this once).

    With an `actor` the change is recorded (pages and CLI); fixtures pass none.
    """
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
            _record(conn, actor, "added", account.account_id)
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
    secret = ("token_hash", "password_hash")
    columns = [c for c in accounts.c if c.name not in secret]
    has_password = accounts.c.password_hash.is_not(None).label("has_password")
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, has_password).order_by(accounts.c.name))
        return [dict(row._mapping) for row in rows]


def revoke_account(engine: Engine, name: str, actor: str | None = None) -> bool:
    """Stop an account's token working; False if there is no such live account."""
    stmt = (
        update(accounts)
        .where(accounts.c.name == name, accounts.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(accounts.c.account_id)
    )
    with engine.begin() as conn:
        account_id = conn.execute(stmt).scalar()
        _record(conn, actor, "revoked", account_id)
        return account_id is not None


def rotate_token(engine: Engine, name: str, actor: str | None = None) -> str:
    """Give a live account a new token; the old one stops working."""
    token = f"bieb_{secrets.token_urlsafe(32)}"
    stmt = (
        update(accounts)
        .where(accounts.c.name == name, accounts.c.revoked_at.is_(None))
        .values(token_hash=_hash(token))
        .returning(accounts.c.account_id)
    )
    with engine.begin() as conn:
        account_id = conn.execute(stmt).scalar()
        if account_id is None:
            raise AccountError(f"no live account named {name!r}")
        _record(conn, actor, "token", account_id)
    return token


def _record(
    conn: Connection, actor: str | None, action: str, account_id: uuid.UUID | None
) -> None:
    """Keep who changed which account, in the change's own transaction."""
    if actor is None or account_id is None:
        return
    row = {"at": datetime.now(UTC), "actor": actor, "action": action,
           "account_id": account_id}  # fmt: skip
    conn.execute(insert(account_changes), row)


def account_changes_of(engine: Engine, limit: int = 50) -> list[dict[str, object]]:
    """The latest changes to accounts, newest first, with the account's name."""
    query = (
        select(account_changes, accounts.c.name)
        .select_from(
            account_changes.join(
                accounts, accounts.c.account_id == account_changes.c.account_id
            )
        )
        .order_by(account_changes.c.change_id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


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


def create_pairing_code(
    engine: Engine, name: str, now: datetime | None = None, actor: str | None = None
) -> str:
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
        _record(conn, actor, "pairing_code", row["account_id"])
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
    with engine.begin() as conn:
        account_id = conn.execute(claim).scalar()
        account = _account(conn, account_id) if account_id else None
        if account is None:
            return None
        token = _start_page_session(conn, account.account_id, now, PAGE_SESSION_VALID)
    return account, token


def _start_page_session(
    conn: Connection, account_id: uuid.UUID, now: datetime, valid: timedelta
) -> str:
    """A new page-session token for the account (kept hashed)."""
    token = secrets.token_urlsafe(32)
    row = {"token_hash": _hash(token), "account_id": account_id,
           "created_at": now, "expires_at": now + valid}  # fmt: skip
    conn.execute(insert(page_sessions), row)
    return token


def password_problem(password: str) -> str | None:
    """Why a new password will not do ("too_short"), or None."""
    return "too_short" if len(password) < PASSWORD_MIN_LENGTH else None


def set_password(
    engine: Engine, name: str, password: str, actor: str | None = None
) -> None:
    """Give a live person's account a (new) password; kept as a scrypt hash."""
    if password_problem(password):
        raise AccountError(f"a password has {PASSWORD_MIN_LENGTH} characters or more")
    stmt = (
        update(accounts)
        .where(
            accounts.c.name == name,
            accounts.c.revoked_at.is_(None),
            accounts.c.role.in_(PEOPLE),
        )
        .values(password_hash=generate_password_hash(password, PASSWORD_METHOD))
        .returning(accounts.c.account_id)
    )
    with engine.begin() as conn:
        account_id = conn.execute(stmt).scalar()
        if account_id is None:
            raise AccountError(f"no live person's account named {name!r}")
        _record(conn, actor, "password", account_id)


_dummy_hash: list[str] = []


def _dummy() -> str:
    """A hash to check against when the name is unknown: the same time is taken."""
    if not _dummy_hash:
        dummy = generate_password_hash(secrets.token_urlsafe(16), PASSWORD_METHOD)
        _dummy_hash.append(dummy)
    return _dummy_hash[0]


def sign_in_with_password(
    engine: Engine, name: str, password: str, now: datetime | None = None
) -> tuple[Account, str] | None:
    """A live person's account and a new page-session token, or None.

    An unknown name, a tablet, a revoked account, an account without a password
    and a wrong password all give None, after the same one scrypt check.
    """
    now = now or datetime.now(UTC)
    query = select(*_ACCOUNT, accounts.c.password_hash).where(
        accounts.c.name == name,
        accounts.c.revoked_at.is_(None),
        accounts.c.role.in_(PEOPLE),
    )
    with engine.begin() as conn:
        row = conn.execute(query).first()
        stored = row.password_hash if row and row.password_hash else None
        matches = check_password_hash(stored or _dummy(), password)
        if not (stored and matches):
            return None
        account = Account(*row[:5])
        token = _start_page_session(conn, account.account_id, now, PERSON_SESSION_VALID)
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
