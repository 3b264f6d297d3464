"""Property tests: any sequence of appends and reads keeps the log's promises.

Per stream the versions run 1..n with no gap; positions strictly increase; every
appended event is read exactly once, and a repeated append writes nothing.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.store import WrongExpectedVersion
from tests.factories import make_event

append_op = st.tuples(
    st.just("append"),
    st.sampled_from(["a", "b", "c"]),
    st.integers(1, 4),
    st.sampled_from(["any", "exact", "stale", "ahead"]),
)
repeat_op = st.tuples(st.just("repeat"), st.integers(0, 100))
read_op = st.tuples(st.just("read"), st.integers(1, 7))
operations = st.lists(st.one_of(append_op, repeat_op, read_op), max_size=25)


class Model:
    """What the log should hold, kept independently of the store."""

    def __init__(self) -> None:
        self.streams: dict[str, list[uuid.UUID]] = {}
        self.batches: list[tuple[str, list, tuple[int, ...]]] = []

    def version(self, stream: str) -> int:
        return len(self.streams.get(stream, []))


def run(store, ops, prefix: str) -> Model:
    model = Model()
    for op in ops:
        if op[0] == "append":
            _, name, size, mode = op
            stream = f"{prefix}-{name}"
            batch = [make_event() for _ in range(size)]
            current = model.version(stream)
            wrong = current - 1 if mode == "stale" and current else current + 1
            expected = {"any": None, "exact": current}.get(mode, wrong)
            if mode in {"stale", "ahead"}:
                try:
                    store.append(stream, batch, expected_version=expected)
                except WrongExpectedVersion as error:
                    assert error.actual == current
                    continue
                raise AssertionError("a wrong expected version was accepted")
            result = store.append(stream, batch, expected_version=expected)
            assert result.stream_version == current + size
            model.streams.setdefault(stream, []).extend(e.event_id for e in batch)
            model.batches.append((stream, batch, result.positions))
        elif op[0] == "repeat" and model.batches:
            stream, batch, positions = model.batches[op[1] % len(model.batches)]
            result = store.append(stream, batch)
            assert result.replayed
            assert result.positions == positions
        elif op[0] == "read":
            page = store.read_all(after=0, limit=op[1])
            assert [e.position for e in page] == sorted({e.position for e in page})
    return model


def read_everything(store, after: int, page: int) -> list:
    seen = []
    while batch := store.read_all(after=after, limit=page):
        seen.extend(batch)
        after = batch[-1].position
    return seen


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=operations, page=st.integers(1, 9))
def test_the_log_keeps_its_promises(store, ops, page):
    start = store.head()
    prefix = uuid.uuid4().hex[:8]
    model = run(store, ops, prefix)
    read = read_everything(store, start, page)

    positions = [e.position for e in read]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    ids = [e.event_id for e in read]
    assert len(set(ids)) == len(ids), "an event was read twice"
    expected_ids = {i for stream in model.streams.values() for i in stream}
    assert set(ids) == expected_ids, "an appended event was lost, or one appeared"
    for stream, event_ids in model.streams.items():
        in_stream = store.read_stream(stream)
        assert [e.stream_version for e in in_stream] == list(
            range(1, len(event_ids) + 1)
        )
        assert [e.event_id for e in in_stream] == event_ids
