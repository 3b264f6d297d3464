"""The IDO desk page (/ido): a question in three taps, today's questions listed.

Theme(s), kind of help, save: the form is parsed with the API's schema and
written by `app.commands.ido.log_question`; a retraction by `retract_question`.
Staff and admins record; a viewer sees the page read-only.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.api.reading import live_between
from app.auth import READERS, STAFF
from app.callers import caller, services
from app.commands import ido
from app.commands.retractions import Retraction
from app.commands.where import reach
from app.pages.forms import (
    FORM,
    PERSONAL,
    REFUSALS,
    keyed_caller,
    new_key,
    number,
    parse,
    refused,
    text,
)
from app.pages.guard import page_requires
from app.schemas.derive import input_schema
from events import RecordedEvent
from events.ido import IdoQuestionLogged
from events.periods import day_bounds

bp = Blueprint("desk", __name__)

QuestionSchema = input_schema(ido.IdoQuestion)
# Usual referral partners, offered as suggestions; any other name may be typed.
REFERRALS = (
    "WIJ Heemstede",
    "Gemeente Heemstede",
    "Belastingdienst",
    "Juridisch Loket",
)


def _messages() -> dict[str, str]:
    """What to do, per field, when the command refuses it."""
    return {
        "themes": _("Choose at least one theme."),
        "help_kind": _("Choose the kind of help."),
        "minutes": _("Minutes: a whole number from 0 to 480, or leave it empty."),
        "referred_to": _("Referred to: at most 200 characters."),
        "note": _("Note: at most 1000 characters."),
        "branch": _("Choose a branch."),
        "occurred_at": _(
            "The branch has no performance agreement for today: ask an administrator."
        ),
        PERSONAL: _(
            "No personal data: leave out names, BSN, e-mail addresses and phone "
            "numbers."
        ),
        FORM: _("Not saved. Check the form and try again."),
        "retracted": _("This question was retracted already."),
        "not_found": _("This question is not known (any more)."),
    }


def _branch() -> str | None:
    """The branch the page records for: asked for and in reach, else the first."""
    branches = reach(services(), caller())
    asked = request.values.get("branch")
    return asked if asked in branches else (branches[0] if branches else None)


def _today(branch: str | None) -> list[RecordedEvent]:
    """Today's live questions at the branch (local days), newest first."""
    zone = services().zone
    today = day_bounds(services().clock().astimezone(zone).date(), zone)
    questions = live_between([IdoQuestionLogged.TYPE], "ido-", [branch], today)
    return sorted(questions, key=lambda e: e.occurred_at, reverse=True)


def _form_data() -> dict[str, Any]:
    form = request.form
    return {
        "themes": form.getlist("themes"),
        "help_kind": form.get("help_kind") or None,
        "minutes": number(form.get("minutes")),
        "referred_to": text(form.get("referred_to")),
        "note": text(form.get("note")),
        "branch": form.get("branch") or None,
    }


def _page(branch: str | None, errors: dict[str, str], status: int = 200) -> Response:
    messages = _messages()
    shown = {
        field: messages[PERSONAL] if kind == PERSONAL else messages.get(field)
        or messages.get(kind) or messages[FORM]
        for field, kind in errors.items()
    }  # fmt: skip
    body = render_template(
        "ido.html",
        branch=branch,
        branches=reach(services(), caller()),
        questions=_today(branch),
        themes=ido.THEMES,
        help_kinds=ido.HELP_KINDS,
        referrals=REFERRALS,
        errors=shown,
        form=request.form if errors else {},
        form_key=request.form.get("key") if errors else new_key(),
        writers=g.page_writers,
    )
    return Response(body, status)


@bp.route("/ido", methods=["GET", "POST"])
@page_requires(*READERS, writers=STAFF)
def index() -> Response:
    """The desk: log a question (POST), or see the form and today's questions."""
    branch = _branch()
    if request.method == "GET":
        return _page(branch, {})
    question, errors = parse(QuestionSchema, _form_data())
    if not errors:
        try:
            ido.log_question(
                services(), keyed_caller(request.form.get("key")), question
            )
        except REFUSALS as error:
            errors = refused(error)
    if errors:
        return _page(branch, errors, 422)
    flash(_("Question saved."), "ok")
    return redirect(url_for(".index", branch=branch))


@bp.post("/ido/<question_id>/intrekken")
@page_requires(*READERS, writers=STAFF)
def retract(question_id: str) -> Response:
    """Retract a question logged in error; it stays in the log, marked so."""
    branch = _branch()
    try:
        ido.retract_question(services(), caller(), question_id, Retraction())
    except REFUSALS as error:
        kind = next(iter(refused(error).values()))
        messages = _messages()
        flash(messages.get(kind, messages[FORM]), "error")
    else:
        flash(_("Question retracted."), "ok")
    return redirect(url_for(".index", branch=branch))
