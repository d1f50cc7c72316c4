"""Publishing and rolling back on the running assistant: the model changes, conversations keep being answered.

Training and the gates are replaced here (tests/test_publish.py covers their decisions; a real `make publish` is
described in MAINTAINING.md): the "new" model is a copy of the trained one under another name, which is enough
to see the server switch to it through Rasa's model API and back.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.publish import Archive, Measurement, Steps, load_into_server, publish, rollback
from tests.server import MODEL, Assistant

pytestmark = pytest.mark.rasa_server


def loaded_model(assistant: Assistant) -> str:
    with urllib.request.urlopen(f"{assistant.rasa_url}/status?token={assistant.admin_token}", timeout=30) as r:
        return Path(json.load(r)["model_file"]).name


class Talker(threading.Thread):
    """Someone asking a question every second while the model changes; records what came back."""

    def __init__(self, assistant: Assistant) -> None:
        super().__init__(daemon=True)
        self.assistant, self.replies, self.stop = assistant, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                reply = self.assistant.text(uuid.uuid4().hex, "what is human trafficking?")
            except Exception as error:  # noqa: BLE001 - recorded: the assertion says what happened
                reply = f"ERROR {error}"
            self.replies.append((reply, time.monotonic() - started))
            self.stop.wait(1)


def test_publish_switches_the_running_model_and_rollback_switches_it_back(tmp_path_factory) -> None:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    work = tmp_path_factory.mktemp("publish")
    live = work / "models" / "assistant.tar.gz"
    live.parent.mkdir()
    shutil.copy2(MODEL, live)
    assistant = Assistant(tmp_path_factory.mktemp("publish-assistant"), env={"MODEL": str(live)}).start()
    try:
        archive = Archive.open(live.parent / "archive", live)

        def train(out: Path, finetune_from: Path | None) -> Path:
            out.mkdir(parents=True, exist_ok=True)
            return Path(shutil.copy2(MODEL, out / "candidate-test.tar.gz"))

        steps = Steps(train=train, conversation_tests=lambda model: None, shape=lambda: {},
                      figures=lambda model: Measurement({"danger recall (labelled set)": 1.0}),
                      load=lambda model: load_into_server(model, assistant.rasa_url, assistant.admin_token))
        assert loaded_model(assistant) == "assistant.tar.gz"
        talker = Talker(assistant)
        talker.start()
        try:
            assert publish(archive, steps, say=print) == 0
            time.sleep(3)
        finally:
            talker.stop.set()
            talker.join(60)
        assert loaded_model(assistant) == "candidate-test.tar.gz"
        assert "Human trafficking" in assistant.text(uuid.uuid4().hex, "what is human trafficking?")
        slowest = max(seconds for _, seconds in talker.replies)
        print(f"{len(talker.replies)} questions during the switch, slowest answer {slowest:.1f} s")
        unanswered = [reply for reply, _ in talker.replies if "Human trafficking" not in reply]
        assert not unanswered, unanswered  # every question got its card while the model changed

        assert rollback(archive, steps.load, say=print) == 0
        assert loaded_model(assistant).startswith("initial-")
        assert "Human trafficking" in assistant.text(uuid.uuid4().hex, "what is human trafficking?")
    finally:
        assistant.stop()
