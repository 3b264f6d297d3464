"""Concurrent writers and a tailing reader, for the gap-safety test.

Writers are separate processes, as gunicorn workers are; the reader tails
read_all from position 0 the way a projection does.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass

from sqlalchemy import text

from events.store import SqlEventStore, create_store_engine
from tests.factories import make_event

# Installed in the test database only: an AFTER INSERT trigger that sometimes
# sleeps a little, so transactions linger between taking a position and
# committing. It widens the window that gap safety must close; it makes no
# difference to the outcome when appends are serialised.
JITTER = """
CREATE FUNCTION test_commit_jitter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF random() < 0.3 THEN PERFORM pg_sleep(random() * 0.003); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER test_commit_jitter AFTER INSERT ON events
FOR EACH STATEMENT EXECUTE FUNCTION test_commit_jitter();
"""


def write(url: str, writer: int, count: int, streams: int, start) -> None:
    """One writer process: `count` single-event appends over shared streams."""
    engine = create_store_engine(url)
    store = SqlEventStore(engine)
    start.wait()
    for i in range(count):
        store.append(f"stream-{(writer * 7 + i) % streams}", [make_event(n=i)])
    engine.dispose()


@dataclass
class Tail:
    seen: list[int]  # positions in the order the reader got them
    final: list[int]  # positions in the log once every writer is done

    @property
    def missed(self) -> set[int]:
        return set(self.final) - set(self.seen)

    @property
    def duplicates(self) -> int:
        return len(self.seen) - len(set(self.seen))


def tail_while_writing(
    url: str, writers: int = 8, each: int = 500, streams: int = 40
) -> Tail:
    """Run the writers and tail the log from 0 until they are done."""
    with create_store_engine(url).begin() as conn:
        conn.execute(text(JITTER))
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(writers + 1)
    procs = [
        ctx.Process(target=write, args=(url, n, each, streams, start))
        for n in range(writers)
    ]
    for proc in procs:
        proc.start()
    engine = create_store_engine(url)
    store = SqlEventStore(engine)
    seen: list[int] = []
    after = 0
    start.wait()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        running = any(p.is_alive() for p in procs)
        page = store.read_all(after=after, limit=200)
        seen.extend(e.position for e in page)
        if page:
            after = page[-1].position
        elif not running:
            break
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0, f"writer exited with {proc.exitcode}"
    final = [e.position for e in store.read_all(after=0, limit=10**7)]
    engine.dispose()
    return Tail(seen=seen, final=final)
