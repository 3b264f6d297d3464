"""A test client that speaks as one of the roles, as the tablets and staff do."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from app.accounts import create_account

ROLES = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff", "municipality": "heemstede"},
    "tablet": {"role": "tablet", "municipality": "heemstede", "branch": "heemstede"},
    "viewer": {"role": "viewer", "municipality": "heemstede"},
}


class ApiClient:
    """`api.post("/ido/questions", {...}, as_="staff")` against /api/v1."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        engine = app.extensions["store"].engine
        self.tokens = {
            name: create_account(engine, f"test-{name}", **spec)[1]
            for name, spec in ROLES.items()
        }

    def headers(self, as_: str | None, key: str | None) -> dict[str, str]:
        headers = {}
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.tokens[as_]}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, as_: str | None = "staff", **params: Any) -> TestResponse:
        return self.client.get(
            f"/api/v1{path}", query_string=params, headers=self.headers(as_, None)
        )

    def post(
        self,
        path: str,
        body: Any = None,
        as_: str | None = "staff",
        key: str | None = None,
    ) -> TestResponse:
        return self.client.post(
            f"/api/v1{path}", json=body if body is not None else {},
            headers=self.headers(as_, key),
        )  # fmt: skip

    def post_raw(
        self,
        path: str,
        data: Any,
        content_type: str,
        as_: str | None = "staff",
        key: str | None = None,
    ) -> TestResponse:
        """POST a body that is not JSON: a CSV file, a multipart form."""
        return self.client.post(
            f"/api/v1{path}",
            data=data,
            content_type=content_type,
            headers=self.headers(as_, key),
        )
