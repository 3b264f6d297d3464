"""Schools, partners, communities, communication: one blueprint, routes by topic.

The routes live in `schools`, `communities`, `partners` and `communications`,
imported at the end; what they share is in `reach`, `reading`, `recording` and
`lifespans`.
"""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "outreach",
    __name__,
    url_prefix="",
    description="Schools, partners, communities, communication",
)

# The route modules register on `blp`; imported last, as they import it from here.
from app.api import communications, communities, partners, schools  # noqa: E402, F401
