"""Lean model loading (bot/rasa_hooks.py) changes memory and start-up time, never an answer.

The trained model is loaded twice, in two processes: once the way Rasa loads it (BOT_LEAN_MODEL_LOAD=0) and once
the lean way (the default). Both parse every held-out message and hold a few conversations; everything they
produce (intents and rankings with their confidences, the response selector's cards, the danger decision,
entities, replies) must be identical.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import MODEL, REPO

CONVERSATION = [
    "hola",
    "what is human trafficking?",
    "me ofrecieron trabajo en canada pero me piden 500 dolares para la visa",
    "no sé",
    "they took my passport and won't let me leave",
    "estoy en Guatemala",
    "gracias",
    "asdfgh",
    "bye",
]


def _held_out_texts() -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts: list[str] = []
    for path in sorted((REPO / "tests" / "eval").glob("*_e[ns].yml")):  # the held-out intent sets
        texts += [example.get("text") for example in load_data(str(path)).training_examples]
    return texts


def dump(model: Path, out: Path) -> None:
    """Everything the model produces for the held-out messages and the conversation, as JSON."""
    from rasa.core.agent import Agent
    from rasa.utils.tensorflow.models import RasaModel

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    parses = [loop.run_until_complete(agent.parse_message(text)) for text in _held_out_texts()]
    replies = [loop.run_until_complete(agent.handle_text(text, sender_id="lean")) for text in CONVERSATION]
    lean = RasaModel.load.__func__.__name__ == "lean_load"
    out.write_text(json.dumps({"lean": lean, "parses": parses, "replies": replies}, default=str), encoding="utf-8")


def _run(tmp_path: Path, lean: bool) -> dict:
    out = tmp_path / f"{'lean' if lean else 'rasa'}.json"
    env = {**os.environ, "BOT_LEAN_MODEL_LOAD": "1" if lean else "0", "BOT_ENV": "development", "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, __file__, str(MODEL), str(out)], cwd=REPO, env=env, check=True, timeout=1200,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.rasa_server
def test_lean_loading_gives_the_same_predictions(tmp_path: Path) -> None:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    rasa_way, lean_way = _run(tmp_path, lean=False), _run(tmp_path, lean=True)
    assert (rasa_way["lean"], lean_way["lean"]) == (False, True)
    assert len(lean_way["parses"]) > 100
    assert lean_way["parses"] == rasa_way["parses"]
    assert lean_way["replies"] == rasa_way["replies"]


def test_lean_loading_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import rasa_hooks

    monkeypatch.setenv(rasa_hooks.LEAN_LOAD_ENV, "0")
    assert not rasa_hooks.lean_model_loading_enabled()
    monkeypatch.setenv(rasa_hooks.LEAN_LOAD_ENV, "1")
    assert rasa_hooks.lean_model_loading_enabled()


if __name__ == "__main__":
    dump(Path(sys.argv[1]), Path(sys.argv[2]))
