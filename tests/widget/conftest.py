"""Fixtures for the widget's browser tests: the assistant as `make run` starts it (tests/server.py: the public
entry point serves the widget and passes socket.io to Rasa), another site that embeds the widget and doubles as
the neutral page quick exit goes to, and headless Chromium, all on loopback.

The widget draws itself in a closed shadow root, which no script of the page (Playwright's included) can
reach. The tests open it up with an init script before the page loads (`OPEN_SHADOW`), except the test that
checks it is closed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server import OTHER_SITE_PORT, Assistant

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
RASA_START_TIMEOUT_S = float(os.environ.get("WIDGET_TEST_RASA_TIMEOUT", "240"))

EXIT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local weather</title></head>
<body><h1 id="weather">Weather today: sunny, 24 degrees</h1>
<p>Referrer: <span id="referrer"></span></p>
<script src="exit.js"></script></body></html>
"""
EXIT_SCRIPT = 'document.getElementById("referrer").textContent = document.referrer || "none";\n'


@dataclass(frozen=True)
class Servers:
    """Addresses the tests talk to."""

    widget: str  # the public entry point: demo page at /, widget.js, socket.io
    rasa: str  # the address the widget talks to (the same entry point)
    exit: str  # the neutral page quick exit goes to; also "another site" that embeds the widget
    other_site: Path  # folder served at `exit`: tests put other sites' pages there
    assistant: Assistant  # a maintainer's view: stored trackers (admin token, loopback), processes


# Test-only: make the widget's closed shadow root open, so Playwright's selectors can reach the chat.
OPEN_SHADOW = """(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
})();"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen, log: Path) -> None:
    """Poll url until it answers 200; fail with the process log if it dies or takes too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    pytest.fail(f"{url} did not come up (exit code {proc.poll()}):\n{tail}")


def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a server in its own process group (so stop() can end it and its children), output to log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


def stop(proc: subprocess.Popen) -> None:
    """Stop a process this fixture started, and its children, by its own process group id."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="widget-tests-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def widget_build() -> None:
    """widget/build.sh is idempotent and quick when nothing changed."""
    result = subprocess.run(["bash", str(ROOT / "widget" / "build.sh")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def exit_site(workdir: Path) -> Path:
    return workdir / "exit-site"


@pytest.fixture(scope="session")
def exit_url(exit_site: Path) -> Iterator[str]:
    site = exit_site
    workdir = site.parent
    site.mkdir()
    (site / "index.html").write_text(EXIT_PAGE)
    (site / "exit.js").write_text(EXIT_SCRIPT)
    port = OTHER_SITE_PORT  # the assistant was started allowing this origin (tests/server.py)
    log = workdir / "exit.log"
    proc = start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(site)], log)
    try:
        wait_http(f"http://127.0.0.1:{port}/", 30, proc, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def servers(assistant: Assistant, widget_build: None, exit_url: str, exit_site: Path) -> Servers:
    return Servers(
        widget=assistant.url + "/", rasa=assistant.url, exit=exit_url, other_site=exit_site, assistant=assistant
    )


# Module scope, not session: while sync Playwright runs, its event loop counts as running in this thread,
# and any asyncio test collected after the browser tests (ours or another package's) would fail.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(30_000)
    ctx.add_init_script(OPEN_SHADOW)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
