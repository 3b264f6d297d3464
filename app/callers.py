"""The current request as commands see it: its caller and the app's services."""

from __future__ import annotations

from flask import current_app, g, request

from app.auth import current_account
from app.commands import Caller, Services


def services() -> Services:
    """The app's command services, made once at start-up."""
    return current_app.extensions["services"]


def caller() -> Caller:
    """The signed-in account, its request ids and its idempotency key."""
    account = current_account()
    request_id = g.get("request_id")
    return Caller(
        account_id=str(account.account_id),
        role=account.role,
        municipality=account.municipality,
        branch=account.branch,
        key=g.get("idempotency_key"),
        request_id=request_id,
        correlation_id=request.headers.get("X-Correlation-ID") or request_id,
        causation_id=request.headers.get("X-Causation-ID"),
    )
