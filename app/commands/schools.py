"""School lessons (goals 1.2 and 4.2) and advice conversations (goal 4.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.inputs import (
    Doc,
    GoalCodes,
    Interval,
    Len,
    MaxLen,
    NotBlank,
    RecordInput,
)
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import check_goals, locate
from app.commands.writing import Recorded, create, payload
from events.outreach import AdviceConversationHeld, SchoolLessonGiven

SchoolKind = Literal["childcare", "primary", "secondary", "special"]
AdviceKind = Literal["school", "childcare"]
SCHOOL_KINDS: tuple[str, ...] = get_args(SchoolKind)
ADVICE_KINDS: tuple[str, ...] = get_args(AdviceKind)


@dataclass(frozen=True, kw_only=True)
class SchoolLesson(RecordInput):
    """A lesson at a school. Without `pupils`, reach is classes x average class size."""

    school: Annotated[str, Len(1, 200), NotBlank(), Doc(example="Nicolaas Beetsschool")]
    school_kind: SchoolKind
    grade: Annotated[str, Len(1, 50), NotBlank(), Doc(example="groep 5")]
    classes: Annotated[int, Interval(ge=1, le=50)]
    pupils: Annotated[int | None, Interval(ge=0, le=2000), Doc("If counted.")] = None
    goal_codes: Annotated[GoalCodes, Doc(example=["1.2"])] = field(
        default_factory=lambda: ["1.2"]
    )
    title: Annotated[str | None, MaxLen(200)] = None


@dataclass(frozen=True, kw_only=True)
class AdviceConversation(RecordInput):
    """Advice given to a school or childcare organisation (goal 4.2)."""

    organisation: Annotated[
        str, Len(1, 200), NotBlank(), Doc(example="Kinderopvang De Ark")
    ]
    organisation_kind: AdviceKind
    topic: Annotated[str | None, MaxLen(300)] = None
    goal_codes: Annotated[GoalCodes, Doc(example=["4.2"])] = field(
        default_factory=lambda: ["4.2"]
    )


def lesson_reach(classes: int, pupils: int | None, class_size: int) -> tuple[int, bool]:
    """Pupils reached and whether estimated: classes x class size if not counted."""
    if pupils is None:
        return classes * class_size, True
    return pupils, False


def record_lesson(services: Services, caller: Caller, lesson: SchoolLesson) -> Recorded:
    """Record a lesson given at a school; pupils are estimated if not counted."""
    where = locate(services, caller, lesson.branch, lesson.occurred_at)
    check_goals(where.agreement, "goal_codes", lesson.goal_codes)
    size = where.agreement.context.average_class_size
    pupils, estimated = lesson_reach(lesson.classes, lesson.pupils, size)
    data = payload(lesson, skip=("pupils",))
    return create(services, caller, where, SchoolLessonGiven, data, "lesson_id",
                  pupils=pupils, pupils_estimated=estimated)  # fmt: skip


def record_advice(
    services: Services, caller: Caller, conversation: AdviceConversation
) -> Recorded:
    """Record an advice conversation with a school or childcare organisation."""
    where = locate(services, caller, conversation.branch, conversation.occurred_at)
    check_goals(where.agreement, "goal_codes", conversation.goal_codes)
    data = payload(conversation)
    return create(services, caller, where, AdviceConversationHeld, data,
                  "conversation_id")  # fmt: skip


def retract_lesson(
    services: Services, caller: Caller, lesson_id: str, retraction: Retraction
) -> Recorded:
    """Retract a school lesson recorded in error."""
    stream = f"school-lesson-{lesson_id}"
    return retract(services, caller, stream, SchoolLessonGiven.TYPE, retraction)


def retract_advice(
    services: Services, caller: Caller, conversation_id: str, retraction: Retraction
) -> Recorded:
    """Retract an advice conversation recorded in error."""
    stream = f"advice-{conversation_id}"
    return retract(services, caller, stream, AdviceConversationHeld.TYPE, retraction)
