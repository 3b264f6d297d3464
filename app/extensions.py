"""Extension objects as module globals; create_app binds them with init_app."""

from __future__ import annotations

from app.errors import ProblemApi

api = ProblemApi()
