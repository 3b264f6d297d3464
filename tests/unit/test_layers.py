"""Imports point down only: workers -> app -> events (import-linter's contract).

The contract lives in pyproject.toml ([tool.importlinter]); `lint-imports` checks
it. tests/ and bench/ import every layer and are not one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the packages in `folder`, with the project's contract."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_code_keeps_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_catches_the_app_importing_the_workers(tmp_path):
    """The same contract on a tiny tree that breaks it: the check is not vacuous."""
    for package, imports in {"events": "", "app": "import workers.tasks\n",
                             "workers": "import app\n"}.items():  # fmt: skip
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(imports)
    (tmp_path / "workers" / "tasks.py").write_text("import events\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "app -> workers.tasks" in result.stdout
