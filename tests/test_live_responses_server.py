"""The running assistant serves an edited card and a changed contact within a minute, without restart or training.

The stack is started as `make run` starts it (tests/server.py), reading a copy of data/ (BOT_DATA_DIR) that the
test edits as a maintainer would, then asks over the public REST webhook until the new text arrives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.paths import DATA_DIR
from tests.server import MODEL, REPO, Assistant

pytestmark = pytest.mark.rasa_server

LIMIT_S = 60
OLD = "Human trafficking (trafficking in persons) means exploiting a person so that someone else profits."
NEW = "Human trafficking means that someone exploits a person to make money from them."


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Path]]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    data = tmp_path_factory.mktemp("live-data") / "data"
    shutil.copytree(DATA_DIR, data)
    running = Assistant(tmp_path_factory.mktemp("live-assistant"), env={"BOT_DATA_DIR": str(data)})
    try:
        yield running.start(), data
    finally:
        running.stop()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def within(limit: float, ask: Callable[[], str], done: Callable[[str], bool]) -> tuple[str, float]:
    """Ask every 2 s until `done(reply)`; the last reply and how long it took (the limit is not a speed test:
    it is the promise made to maintainers, "within a minute")."""
    start = time.monotonic()
    reply = ask()
    while not done(reply) and time.monotonic() - start < limit:
        time.sleep(2)
        reply = ask()
    return reply, time.monotonic() - start


def test_an_edited_card_is_served_within_a_minute_without_a_restart(live) -> None:
    assistant, data = live
    rasa_pid = assistant.pid("rasa")
    ask = lambda: assistant.text(uuid.uuid4().hex, "what is human trafficking?")  # noqa: E731
    assert OLD in ask()
    replace(data / "content" / "trafficking.yml", OLD, NEW)
    reply, took = within(LIMIT_S, ask, lambda r: NEW in r)
    print(f"edited card served after {took:.0f} s")
    assert NEW in reply and OLD not in reply
    assert assistant.pid("rasa") == rasa_pid, "Rasa was restarted"


def test_a_broken_edit_does_not_silence_the_assistant(live) -> None:
    assistant, data = live
    path = data / "content" / "trafficking.yml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("cards:\n", "cards:\n  - id: [oops\n", 1), encoding="utf-8")
    try:
        time.sleep(12)  # more than two of the server's checks (every 5 s)
        reply = assistant.text(uuid.uuid4().hex, "what is human trafficking?")
        assert "Human trafficking" in reply  # the last good card, not silence
        logs = assistant.logs()
        assert "could not be used" in logs and "trafficking.yml" in logs  # the maintainer can read why
        assert "what is human trafficking" not in logs  # and still nothing a user wrote
    finally:
        path.write_text(good, encoding="utf-8")


def test_a_changed_contact_is_served_within_a_minute(live) -> None:
    """The emergency reply (static, works with the action server down) follows the seed file by itself; the
    find-help answer (from the directory's database) follows it after `python -m bot referrals import`."""
    assistant, data = live
    danger = lambda: assistant.say(uuid.uuid4().hex, "they took my passport and won't let me leave, I'm in Honduras")  # noqa: E731
    assert "📞 145 " in danger()[0]["text"]
    find_help_sender = uuid.uuid4().hex
    assistant.text(find_help_sender, "I need help")
    assert "145" in assistant.text(find_help_sender, "Honduras")

    replace(data / "referrals" / "hn.yml", '{kind: phone, value: "145"}', '{kind: phone, value: "146"}')
    first, took = within(LIMIT_S, lambda: danger()[0]["text"], lambda r: "📞 146 " in r)
    print(f"changed contact in the emergency reply after {took:.0f} s")
    assert "📞 146 " in first and "📞 145 " not in first

    env = {**os.environ, **assistant._env()}
    imported = subprocess.run([sys.executable, "-m", "bot", "referrals", "import"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    sender = uuid.uuid4().hex
    assistant.text(sender, "I need help")
    reply = assistant.text(sender, "Honduras")
    assert "146" in reply and "145" not in reply
