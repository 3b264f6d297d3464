"""Browser tests' tools: the app on loopback, Debian's Chromium, screenshots, axe.

Playwright drives the Chromium that `make system-packages` installs from Debian
(`/usr/bin/chromium`); it never downloads a browser of its own.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Desk PC (landscape) and a 10-inch tablet held upright.
SIZES = ((1280, 800), (800, 1280))
AXE_BLOCKING = ("serious", "critical")


def chromium_missing() -> str | None:
    """None if Debian's Chromium is there, else why not."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return None
    return f"Chromium is not installed at {CHROMIUM} (make system-packages)"


@dataclass
class LiveServer:
    """The real app on 127.0.0.1 and a free port, served by threads."""

    app: Flask
    server: BaseWSGIServer = field(init=False)
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def shoot(page, name: str) -> list[Path]:
    """Screenshots of the whole page at 1280x800 and 800x1280 in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    before = page.viewport_size
    paths = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        path = ARTIFACTS / f"page-{name}-{width}x{height}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths


def axe_check(page) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    results = Axe().run(page)
    blocking = [
        v for v in results.response["violations"] if v.get("impact") in AXE_BLOCKING
    ]
    report = "\n".join(
        f"{v['impact']}: {v['id']}: {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"accessibility violations on {page.url}:\n{report}"
