"""Failed sign-in attempts, counted per client address, refused over a limit.

One kind of attempt is a `Throttle` (bearer tokens, pairing codes, a later
password page). Only failures count; once an address has failed too often,
every attempt of that kind from it is refused, good or bad, until the window
passes, without asking the database. A successful attempt is neither counted
nor slowed.

Flask-Limiter keeps the counts: in the broker's Redis when it is one (so every
gunicorn worker sees the same), else in this process's memory. A Redis that is
away lets attempts through rather than refuse everyone: the limit guards
against guessing, the database stays the judge of who signs in.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, make_response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from app.config import Config

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# Seconds a Redis that does not answer may hold up an attempt.
STORAGE_TIMEOUT = 0.5


def storage_uri(config: Config) -> str:
    """Where the counts live: the setting, else the broker's Redis, else memory."""
    if config.rate_limit_storage:
        return config.rate_limit_storage
    if config.broker_url.startswith(("redis://", "rediss://")):
        return config.broker_url
    return "memory://"


def init_app(app: Flask, config: Config) -> None:
    """A limiter for this app; no limit applies until a Throttle is used."""
    uri = storage_uri(config)
    options: dict[str, Any] = {}
    if uri.startswith("redis"):
        options = {"socket_timeout": STORAGE_TIMEOUT,
                   "socket_connect_timeout": STORAGE_TIMEOUT}  # fmt: skip
    limiter = Limiter(
        get_remote_address,
        storage_uri=uri,
        storage_options=options,
        strategy="fixed-window",
        key_prefix=config.rate_limit_prefix,
    )
    limiter.init_app(app)
    app.extensions["throttle"] = Counting(
        limiter, parse(config.sign_in_limit), config.rate_limit_prefix
    )


@dataclass(frozen=True)
class Counting:
    """An app's limiter, its limit and the prefix of its keys."""

    limiter: Limiter
    limit: RateLimitItem
    prefix: str


@dataclass(frozen=True)
class Throttle:
    """One kind of attempt (its `scope`), failures counted per client address."""

    scope: str

    def _key(self) -> tuple[Any, RateLimitItem, tuple[str, ...]]:
        counting: Counting = current_app.extensions["throttle"]
        key = (counting.prefix, self.scope, get_remote_address())
        return counting.limiter.limiter, counting.limit, key

    def retry_after(self) -> int | None:
        """Seconds until this address may try again, or None if it may now."""
        strategy, limit, key = self._key()
        try:
            if strategy.test(limit, *key):
                return None
            reset = strategy.get_window_stats(limit, *key).reset_time
        except Exception as error:  # the store is away: let the attempt through
            log.warning("rate limit store unavailable: %s", type(error).__name__)
            return None
        return max(1, math.ceil(reset - time.time()))

    def failed(self) -> None:
        """Count one failed attempt from this address."""
        strategy, limit, key = self._key()
        try:
            strategy.hit(limit, *key)
        except Exception as error:
            log.warning("rate limit store unavailable: %s", type(error).__name__)


def counting_failures(
    throttle: Throttle,
    failed: Callable[[Response], bool],
    refused: Callable[[int], Response],
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[F], F]:
    """Guard a sign-in view: answer `refused(seconds)` while the address is over
    its limit; count each answer `failed` says is a failed attempt."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if request.method not in methods:
                return view(*args, **kwargs)
            wait = throttle.retry_after()
            if wait is not None:
                response = refused(wait)
                response.headers["Retry-After"] = str(wait)
                return response
            response = make_response(view(*args, **kwargs))
            if failed(response):
                throttle.failed()
            return response

        return guarded  # type: ignore[return-value]

    return decorate


# Bearer tokens of integrations and scripts (app/auth.py).
BEARER = Throttle("bearer")
# Pairing codes typed at /koppelen (app/pages/pairing.py).
PAIRING = Throttle("pairing")
