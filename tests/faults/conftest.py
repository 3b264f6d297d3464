"""One production stack for the fault suite, started once and healed between tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require
from tests.support.fault_stack import FaultStack
from tests.support.private_postgres import private_postgres_missing
from tests.support.reliability import ARTIFACTS


def stack_missing() -> str | None:
    if problem := private_postgres_missing():
        return problem
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    return None


@pytest.fixture(scope="session")
def fault_stack() -> Iterator[FaultStack]:
    require(stack_missing())
    folder = Path(tempfile.mkdtemp(prefix="bieb-faults-"))
    stack = FaultStack(folder)
    try:
        yield stack.start()
    finally:
        stack.stop()
        # The processes' logs outlive the folder, for the failure's story.
        logs = ARTIFACTS / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for log in folder.glob("*.log"):
            shutil.copy(log, logs / log.name)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def stack(fault_stack) -> FaultStack:
    """The shared stack with every process up, whatever the test before did."""
    fault_stack.heal()
    return fault_stack
