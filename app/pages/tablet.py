"""The tablet's check-in page (/tablet): one or two taps a participant, no names.

Two screens, both server-rendered: today's sessions and planned activities at
the account's branches (/tablet), and one session's taps (/tablet/sessie/<id>).
Every write goes through the offline queue in the browser (static/js/queue.js)
to POST /api/v1/sync/batch, so the page works the same with and without a
network; a service worker (/tablet/sw.js, static/js/sw.js) keeps the shell.

The role rule: an activity's target group may name the one role most of its
participants have (DEFAULT_ROLE). That role is then chosen already, so a
check-in is one tap (the age band); another role is one tap more, and the
choice returns to the activity's role after each check-in. Activities for
everyone start with no role chosen: two taps.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.api.reading import read_every
from app.auth import CHECK_IN
from app.callers import caller, services
from app.commands import NotFound, where
from app.commands.checkins import NEW_TARGET_GROUPS, PERSON_AGE_BANDS, ROLES
from app.commands.sessions import session_in_reach
from app.pages.guard import page_requires
from events.activities import (
    ActivityCancelled,
    ActivityChanged,
    ActivityPlanned,
    SessionOpened,
)
from events.periods import day_bounds
from events.sessions import Activity, Session, fold_activity, fold_session

bp = Blueprint("tablet", __name__, url_prefix="/tablet")

STATIC = Path(__file__).resolve().parent.parent / "static"
# What the service worker keeps, so that the page opens without a network.
SHELL_FILES = ("css/bieb.css", "css/tablet.css", "js/bieb.js", "js/queue.js",
               "js/tablet.js")  # fmt: skip
SHELL_PAGES = ("/tablet", "/tablet/sessie/")

# The one role an activity's target group names (the module's docstring).
DEFAULT_ROLE = {
    "children": "child",
    "youth": "child",
    "parents": "parent",
    "adults": "adult",
    "seniors": "adult",
    "newcomers": "adult",
    "professionals": "professional",
}
ACTIVITY_TYPES = [ActivityPlanned.TYPE, ActivityChanged.TYPE, ActivityCancelled.TYPE]


def role_labels() -> dict[str, str]:
    return {
        "child": _("Child"),
        "parent": _("Parent"),
        "adult": _("Adult"),
        "professional": _("Professional"),
        "volunteer": _("Volunteer"),
    }


def new_group_labels() -> dict[str, str]:
    return {
        "newcomer": _("Newcomer"),
        "refugee": _("Refugee"),
    }


def strings() -> dict[str, str]:
    """The Dutch the script shows; {n}, {time}, {what} are filled in there."""
    return {
        "waiting": _("{n} waiting"),
        "synced_at": _("last synchronised {time}"),
        "never_synced": _("not synchronised yet"),
        "offline": _(
            "No connection. {n} waiting: they are sent as soon as the network is back."
        ),
        "offline_none": _("No connection. Taps are kept on this tablet."),
        "server_trouble": _(
            "The server cannot take the taps now. {n} waiting: they are sent later."
        ),
        "revoked": _(
            "This tablet is no longer paired. Ask an administrator for a new "
            "pairing code."
        ),
        "closed_meanwhile": _(
            "This session was closed in the meantime (on another tablet or by "
            "staff). {n} tap(s) were not counted."
        ),
        "closed_already": _("This session was closed already."),
        "refused": _("{n} tap(s) were refused: {what}"),
        "open_refused": _("This session could not be opened: {what}"),
        "session_unknown": _(
            "This session is not known on this tablet. Go back to the start screen."
        ),
        "choose_role": _("Choose a role first."),
        "checked_in": _("Checked in: {what}. {n} present."),
        "undone": _("Undone: {what}. {n} present."),
        "nothing_to_undo": _("Nothing to undo."),
        "opened_here": _("opened on this tablet"),
        "closing": _("The session is closed. Back to the start screen..."),
        "headcount_invalid": _(
            "Enter a whole number from 0 to 5000, or leave it empty."
        ),
        "closed": _("Closed"),
        "since": _("since %(time)s", time="{time}"),
        "to_open_session": _("To the open session"),
        "continue_title": _("Continue: %(title)s", title="{title}"),
        "years": _("years"),
    }


@dataclass(frozen=True)
class Day:
    """Today in the register's zone, and its bounds."""

    day: date
    start: datetime
    end: datetime

    @classmethod
    def today(cls) -> Day:
        zone = services().zone
        day = services().clock().astimezone(zone).date()
        return cls(day, *day_bounds(day, zone))


def _branches() -> list[str]:
    return where.reach(services(), caller())


def _activities_on(day: Day, branches: list[str]) -> list[Activity]:
    """The activities (not cancelled) that start today at the branches."""
    streams: dict[str, list] = {}
    for event in read_every(ACTIVITY_TYPES, "activity-"):
        streams.setdefault(event.stream_id, []).append(event)
    found = [fold_activity(history) for history in streams.values()]
    return sorted(
        (a for a in found if a is not None and not a.cancelled
         and a.branch in branches and _starts(a, day)),
        key=lambda a: (a.plan["starts_at"], a.activity_id),
    )  # fmt: skip


def _starts(activity: Activity, day: Day) -> bool:
    starts = datetime.fromisoformat(str(activity.plan["starts_at"]))
    return day.start <= starts < day.end


def _sessions_on(day: Day, branches: list[str]) -> list[Session]:
    """The sessions opened today at the branches: open ones first."""
    opened = read_every([SessionOpened.TYPE], "session-",
                       occurred_from=day.start, occurred_to=day.end)  # fmt: skip
    store = current_app.extensions["store"]
    found = [
        fold_session(store.read_stream(e.stream_id))
        for e in opened
        if e.data["branch"] in branches
    ]
    return sorted(
        (s for s in found if s is not None),
        key=lambda s: (s.status != "open", -s.opened_at.timestamp()),
    )


def _clock(moment: datetime | str) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(services().zone).strftime("%H:%M")


def _activity_card(activity: Activity, open_session: Session | None) -> dict[str, Any]:
    plan = activity.plan
    return {
        "activity_id": activity.activity_id,
        "branch": activity.branch,
        "title": plan["title"],
        "room": plan.get("room"),
        "time": f"{_clock(plan['starts_at'])}\u2013{_clock(plan['ends_at'])}",
        "default_role": DEFAULT_ROLE.get(plan["target_group"]),
        "open_session": open_session.session_id if open_session else None,
    }


def _session_card(session: Session, titles: dict[str, str]) -> dict[str, Any]:
    return {
        "session_id": session.session_id,
        "activity_id": session.activity_id,
        "title": titles.get(session.activity_id) or _("Activity"),
        "status": session.status,
        "opened": _clock(session.opened_at),
        "closed": _clock(session.closed_at) if session.closed_at else None,
        "checkins": len(session.checkins),
    }


def _title_of(activity_id: str) -> tuple[str | None, str | None]:
    """An activity's title and the role its target group names."""
    store = current_app.extensions["store"]
    activity = fold_activity(store.read_stream(f"activity-{activity_id}"))
    if activity is None:
        return None, None
    return activity.plan["title"], DEFAULT_ROLE.get(activity.plan["target_group"])


def _districts() -> list[dict[str, str]]:
    """The districts of the agreement covering the account's branch today."""
    account = g.account
    branches = [account.branch] if account.branch else _branches()
    for branch in branches:
        agreement = services().agreement_for(branch, services().clock())
        if agreement is not None:
            return [{"code": d.code, "name": d.name} for d in agreement.districts]
    return []


def _page_data(session: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the script needs: its Dutch, the choices, the addresses, the session."""
    roles = role_labels()
    groups = new_group_labels()
    return {
        "strings": strings(),
        "roles": [{"code": r, "label": roles[r]} for r in ROLES],
        "age_bands": list(PERSON_AGE_BANDS),
        "new_target_groups": [
            {"code": c, "label": groups[c]} for c in NEW_TARGET_GROUPS
        ],
        "urls": {
            "batch": "/api/v1/sync/batch",
            "session": "/api/v1/sessions/",
            "sessions": "/api/v1/sessions",
            "csrf": "/tablet/csrf",
            "start": "/tablet",
            "session_page": "/tablet/sessie/",
            "pairing": "/koppelen?ontkoppeld=1",
            "worker": "/tablet/sw.js",
        },
        "session": session,
    }


def band_label(band: str) -> str:
    return band.replace("-", "\u2013")


@bp.get("")
@page_requires(*CHECK_IN)
def start() -> str:
    """Today's sessions (open ones first) and today's activities, each to start."""
    day = Day.today()
    branches = _branches()
    activities = _activities_on(day, branches)
    sessions = _sessions_on(day, branches)
    titles = {a.activity_id: a.plan["title"] for a in activities}
    for session in sessions:
        if session.activity_id not in titles:
            titles[session.activity_id] = _title_of(session.activity_id)[0] or ""
    open_by_activity = {s.activity_id: s for s in sessions if s.status == "open"}
    return render_template(
        "tablet/start.html",
        day=day.day,
        activities=[
            _activity_card(a, open_by_activity.get(a.activity_id)) for a in activities
        ],
        sessions=[_session_card(s, titles) for s in sessions],
        page_data=_page_data(),
    )


@bp.get("/sessie/", defaults={"session_id": None})
@bp.get("/sessie/<session_id>")
@page_requires(*CHECK_IN)
def session(session_id: str | None) -> str:
    """One session's taps. Without an id (or one the server does not know yet,
    opened offline) the page is the shell the script fills from the tablet."""
    found = None
    if session_id:
        try:
            state = session_in_reach(services(), caller(), session_id)
        except NotFound:
            state = None
        if state is not None:
            title, default_role = _title_of(state.activity_id)
            found = {
                "session_id": state.session_id,
                "activity_id": state.activity_id,
                "branch": state.branch,
                "title": title or _("Activity"),
                "status": state.status,
                "server_count": len(state.checkins),
                "server_known": True,
                "default_role": default_role,
                "opened": _clock(state.opened_at),
            }
    roles = role_labels()
    return render_template(
        "tablet/session.html",
        session=found,
        tap_roles=[(r, roles[r]) for r in ROLES],
        age_bands=[(b, band_label(b)) for b in PERSON_AGE_BANDS],
        districts=_districts(),
        new_groups=list(new_group_labels().items()),
        page_data=_page_data(found),
    )


@bp.get("/csrf")
@page_requires(*CHECK_IN)
def csrf() -> Response:
    """A fresh CSRF token for the script (the page's may come from the cache)."""
    response = Response(json.dumps({"token": generate_csrf()}),
                        mimetype="application/json")  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, its scope /tablet; its version follows the files it keeps."""
    body, _version = _worker()
    response = Response(body, mimetype="application/javascript")
    response.headers["Service-Worker-Allowed"] = "/tablet"
    response.headers["Cache-Control"] = "no-cache"
    return response


@cache
def _worker_cached(stamp: tuple[float, ...]) -> tuple[str, str]:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((STATIC / name).read_bytes())
    version = digest.hexdigest()[:16]
    urls = [*SHELL_PAGES, *(f"/static/{name}" for name in SHELL_FILES)]
    source = (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    body = source.replace('"__VERSION__"', json.dumps(version)).replace(
        "__PRECACHE__", json.dumps(urls)
    )
    return body, version


def _worker() -> tuple[str, str]:
    names = [*SHELL_FILES, "js/sw.js"]
    return _worker_cached(tuple((STATIC / n).stat().st_mtime for n in names))
