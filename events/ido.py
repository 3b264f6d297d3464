"""The IDO desk (Informatiepunt Digitale Overheid): questions on e-government."""

from __future__ import annotations

from dataclasses import dataclass

from events.base import Event
from events.registry import register


@register
@dataclass(frozen=True, kw_only=True)
class IdoQuestionLogged(Event):
    """One question; a visitor asking three questions is three of these, one visit."""

    TYPE = "IdoQuestionLogged"
    STREAM = "ido-{question_id}"

    question_id: str
    themes: list[str]
    help_kind: str
    channel: str
    referred_to: str | None = None
    minutes: int | None = None
    visit_id: str | None = None
    note: str | None = None
