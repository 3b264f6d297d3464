"""Accounts and tokens: made and revoked with `bieb users`, stored only as hashes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.accounts import AccountError, authenticate, create_account
from app.cli import main
from events.store.tables import accounts


def bieb(app, *args: str):
    config = app.extensions["bieb_config"]
    env = {
        "BIEB_DATABASE_URL": config.database_url,
        "BIEB_INSTANCE_DIR": str(config.instance_dir),
        "BIEB_TESTING": "1",
    }
    return CliRunner().invoke(main, list(args), env=env)


def test_add_list_use_and_revoke_a_tablet(app):
    added = bieb(app, "users", "add", "tablet-kinderhoek", "--role", "tablet",
                 "--branch", "heemstede")  # fmt: skip
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    engine = app.extensions["store"].engine
    account = authenticate(engine, token)
    assert (account.role, account.branch) == ("tablet", "heemstede")
    listed = bieb(app, "users", "list")
    assert "tablet-kinderhoek\ttablet\theemstede\tactive" in listed.output
    assert token not in listed.output
    assert bieb(app, "users", "revoke", "tablet-kinderhoek").exit_code == 0
    assert authenticate(engine, token) is None
    assert "revoked" in bieb(app, "users", "list").output


def test_tokens_are_stored_hashed(app):
    engine = app.extensions["store"].engine
    _, token = create_account(engine, "staff-1", "staff", "heemstede")
    with engine.connect() as conn:
        stored = conn.execute(select(accounts.c.token_hash)).scalar_one()
    assert token not in stored
    assert len(stored) == 64


def test_a_new_token_replaces_the_old(app):
    engine = app.extensions["store"].engine
    _, old = create_account(engine, "viewer-1", "viewer", "heemstede")
    rotated = bieb(app, "users", "token", "viewer-1")
    new = rotated.output.strip()
    assert authenticate(engine, old) is None
    assert authenticate(engine, new).name == "viewer-1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "add", "x", "--role", "tablet"], "bound to a branch"),
        (["users", "add", "x", "--role", "wizard"], "Invalid value"),
        (["users", "revoke", "nobody"], "no active account"),
    ],
)
def test_mistakes_are_explained(app, args, message):
    result = bieb(app, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_names_are_unique(app):
    engine = app.extensions["store"].engine
    create_account(engine, "same", "staff")
    with pytest.raises(AccountError, match="exists already"):
        create_account(engine, "same", "viewer")
