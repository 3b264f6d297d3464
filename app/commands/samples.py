"""Samples: Plein1 has no door counter, so visitors and workplaces are sampled."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal

from app.commands.caller import Caller
from app.commands.errors import Invalid
from app.commands.inputs import Interval, RecordInput
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import FUTURE_SLACK, Where, covered, locate
from app.commands.writing import Recorded, build, payload, write
from events.counts import VisitorSampleTaken, WorkplaceOccupancySampled

Zone = Literal["plein1", "library", "study_area", "children_area"]
Method = Literal["headcount", "tally"]


@dataclass(frozen=True, kw_only=True)
class Sample(RecordInput):
    """What both samples share: where, and the window the count was taken in.

    Without `occurred_at` the sample happened at its `moment`: the window's end
    for a visitor count, its start for an occupancy snapshot.
    """

    zone: Zone
    window_start: datetime

    def moment(self) -> datetime:
        return self.window_start


@dataclass(frozen=True, kw_only=True)
class VisitorSample(Sample):
    """People counted in a zone during a window of some minutes."""

    minutes: Annotated[int, Interval(ge=1, le=240)]
    people: Annotated[int, Interval(ge=0, le=2000)]
    method: Method

    def moment(self) -> datetime:
        return self.window_start + timedelta(minutes=self.minutes)


@dataclass(frozen=True, kw_only=True)
class WorkplaceSample(Sample):
    """Study and work places in a zone, and how many were taken at a moment."""

    places: Annotated[int, Interval(ge=1, le=500)]
    occupied: Annotated[int, Interval(ge=0, le=500)]


# Each kind by the name in its paths: (input, event type, stream prefix).
KINDS = {
    "visitors": (VisitorSample, VisitorSampleTaken, "visitor-sample-"),
    "workplaces": (WorkplaceSample, WorkplaceOccupancySampled, "workplace-sample-"),
}


def _placed(services: Services, caller: Caller, sample: Sample) -> Where:
    """Where and when the sample was taken; its window inside the agreement."""
    where = locate(services, caller, sample.branch, sample.occurred_at)
    moment = sample.moment()
    if moment > services.clock() + FUTURE_SLACK:
        raise Invalid("window_start", "the window ends in the future")
    for when in (sample.window_start, moment):
        covered(services, where.branch, when, "window_start")
    if sample.occurred_at is None:
        agreement = covered(services, where.branch, moment, "window_start")
        where = dataclasses.replace(where, occurred_at=moment, agreement=agreement)
    return where


def take_sample(
    services: Services, caller: Caller, sample: Sample, event_id: uuid.UUID
) -> Recorded:
    """Append one sample; its id is its event id's, so a re-sent one is known."""
    if isinstance(sample, WorkplaceSample) and sample.occupied > sample.places:
        raise Invalid("occupied", f"more than the {sample.places} places")
    where = _placed(services, caller, sample)
    _, event_type, _ = next(k for k in KINDS.values() if isinstance(sample, k[0]))
    data = payload(sample, skip=("window_start",))
    event = build(event_type, where, data, sample_id=event_id.hex,
                  window_start=sample.window_start.isoformat())  # fmt: skip
    # A re-sent sample finds its stream taken: the store answers with the first.
    return write(services, caller, event_id.hex, [event], where,
                 expected_version=0, event_ids=[event_id])  # fmt: skip


def retract_sample(
    services: Services,
    caller: Caller,
    kind: str,
    sample_id: str,
    retraction: Retraction,
) -> Recorded:
    """Retract a sample taken in error."""
    _, event_type, prefix = KINDS[kind]
    stream = f"{prefix}{sample_id}"
    return retract(services, caller, stream, event_type.TYPE, retraction)
