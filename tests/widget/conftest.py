"""Fixtures for the widget's browser tests: a Rasa server, the widget server, a neutral exit page and
headless Chromium, all on free loopback ports.

The Rasa server is the real one, started from models/assistant.tar.gz (the tests skip, saying so, when the
model has not been trained). WIDGET_TEST_FAKE_RASA=1 swaps in tests/widget/fake_rasa.py for quick work on
the widget itself.
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

    widget: str  # serves the demo page at / and widget.js
    rasa: str  # the assistant's socket.io channel (and REST API for the real server)
    exit: str  # the neutral page quick exit goes to
    fake: bool  # True when the Rasa stand-in is used
    other_site: Path  # folder served at `exit`: tests put other sites' pages there


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


def rasa_env(workdir: Path, actions_port: int) -> dict[str, str]:
    """What endpoints.yml reads from the environment: a throw-away SQLite tracker store and our action server."""
    return {
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "TRACKER_DB_DIALECT": "sqlite",
        "TRACKER_DB": str(workdir / "tracker.sqlite"),
        "TRACKER_DB_HOST": "",
        "TRACKER_DB_PORT": "",
        "TRACKER_DB_USER": "",
        "TRACKER_DB_PASSWORD": "",
        "DATABASE_URL": f"sqlite:///{workdir / 'referrals.sqlite'}",
    }


@pytest.fixture(scope="session")
def rasa_url(workdir: Path) -> Iterator[tuple[str, bool]]:
    port = free_port()
    if os.environ.get("WIDGET_TEST_FAKE_RASA") == "1":
        log = workdir / "fake-rasa.log"
        proc = start([sys.executable, "-m", "tests.widget.fake_rasa", str(port)], log)
        try:
            wait_http(f"http://127.0.0.1:{port}/status", 30, proc, log)
            yield f"http://127.0.0.1:{port}", True
        finally:
            stop(proc)
        return
    if not MODEL.exists():
        pytest.skip(f"{MODEL.relative_to(ROOT)} is missing: train the assistant first (make train)")
    rasa_bin = str(ROOT / ".venv" / "bin" / "rasa")
    actions_port = free_port()
    env = rasa_env(workdir, actions_port)
    # The referral directory the help actions read, in a throw-away database (as scripts/run.sh does).
    subprocess.run(
        [sys.executable, "-m", "bot", "referrals", "import"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
        check=False,
    )
    # The repository's own channels (socket.io for the widget, REST for quick exit's "forget me" beacon).
    credentials = ROOT / "credentials.yml"
    cmd = [
        rasa_bin,
        "run",
        "--enable-api",
        "-m",
        str(MODEL),
        "--credentials",
        str(credentials),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--cors",
        "*",
    ]
    if (ROOT / "endpoints.yml").exists():
        cmd += ["--endpoints", str(ROOT / "endpoints.yml")]
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = start([rasa_bin, "run", "actions", "--port", str(actions_port), "--actions", "actions"], actions_log, env)
    rasa = start(cmd, rasa_log, env)
    try:
        wait_http(f"http://127.0.0.1:{actions_port}/health", RASA_START_TIMEOUT_S, actions, actions_log)
        wait_http(f"http://127.0.0.1:{port}/status", RASA_START_TIMEOUT_S, rasa, rasa_log)
        yield f"http://127.0.0.1:{port}", False
    finally:
        stop(rasa)
        stop(actions)


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
    port = free_port()
    log = workdir / "exit.log"
    proc = start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(site)], log)
    try:
        wait_http(f"http://127.0.0.1:{port}/", 30, proc, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def servers(
    rasa_url: tuple[str, bool], widget_build: None, exit_url: str, exit_site: Path, workdir: Path
) -> Iterator[Servers]:
    rasa, fake = rasa_url
    port = free_port()
    log = workdir / "widget.log"
    env = {"WIDGET_PORT": str(port), "RASA_PUBLIC_URL": rasa, "WIDGET_EXIT_URL": exit_url, "WIDGET_DEMO_LANG": "en"}
    proc = start([sys.executable, "-m", "bot.channels.widget"], log, env)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", 30, proc, log)
        yield Servers(widget=f"http://127.0.0.1:{port}/", rasa=rasa, exit=exit_url, fake=fake, other_site=exit_site)
    finally:
        stop(proc)


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
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
