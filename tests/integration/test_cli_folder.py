"""`bieb` from another folder: the checkout's register, or a clear refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.config import CHECKOUT, Config

BIEB = str(Path(sys.executable).parent / "bieb")


def test_from_another_folder_the_checkouts_instance_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = Config.from_env({"BIEB_SECRET_KEY": "x"})
    assert config.instance_dir == CHECKOUT / "instance"
    assert not (tmp_path / "instance").exists()  # no new, empty register here


def test_a_folder_with_its_own_instance_keeps_it(tmp_path, monkeypatch):
    (tmp_path / "instance").mkdir()
    monkeypatch.chdir(tmp_path)
    assert Config.from_env({"BIEB_SECRET_KEY": "x"}).instance_dir == (
        tmp_path / "instance"
    )


def test_no_register_is_a_clear_refusal_not_a_traceback(tmp_path):
    env = {
        **os.environ,
        "BIEB_INSTANCE_DIR": str(tmp_path / "elsewhere"),
        "BIEB_LOG_FORMAT": "text",
    }
    env.pop("BIEB_DATABASE_URL", None)
    done = subprocess.run([BIEB, "users", "list"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no register in sqlite:///" in done.stderr
    assert "make run" in done.stderr
    assert "Traceback" not in done.stderr
