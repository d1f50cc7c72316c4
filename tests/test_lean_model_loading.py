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


def _saved_variables(checkpoint: str) -> tuple[list[str], list[str]]:
    """The variable names a TensorFlow checkpoint holds, and those of them that are the optimizer's state (Rasa's
    models save it as "model/optimizer/...")."""
    import tensorflow as tf

    saved = [name for name, _ in tf.train.list_variables(checkpoint)]
    return saved, [name for name in saved if "optimizer/" in name]


def _tiny_trained_model():
    """A RasaModel with one dense layer after one Adam step: its optimizer holds state to leave out."""
    import tensorflow as tf
    from rasa.utils.tensorflow.models import RasaModel

    class Tiny(RasaModel):
        def __init__(self) -> None:
            super().__init__(random_seed=1)
            self.dense = tf.keras.layers.Dense(3)

    model = Tiny()
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model.dense(tf.ones((2, 4))))
    gradients = tape.gradient(loss, model.trainable_variables)
    model.optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return Tiny, model


def test_models_are_saved_without_the_optimizers_state(tmp_path: Path) -> None:
    import tensorflow as tf

    import bot.nlu.components  # noqa: F401 - installs the hooks, as when Rasa trains our pipeline

    Tiny, model = _tiny_trained_model()
    assert model.optimizer.variables(), "the optimizer has state to leave out"
    path = str(tmp_path / "tiny.tf_model")
    model.save(path)
    saved, optimizer_state = _saved_variables(path)
    assert any("dense" in name for name in saved)
    assert not optimizer_state

    again = Tiny()  # as Rasa loads a model: build it, then read the weights
    again.dense(tf.ones((1, 4)))
    again.load_weights(path).expect_partial()
    assert all((a.numpy() == b.numpy()).all() for a, b in zip(again.dense.weights, model.dense.weights, strict=True))


@pytest.mark.rasa_server
def test_the_trained_model_holds_no_optimizer_state(tmp_path: Path) -> None:
    import tarfile

    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    with tarfile.open(MODEL) as archive:
        archive.extractall(tmp_path, members=[m for m in archive.getmembers() if ".tf_model" in m.name])
    checkpoints = sorted(str(index)[: -len(".index")] for index in tmp_path.rglob("*.tf_model.index"))
    assert len(checkpoints) == 3  # DIET, the response selector, TED
    for checkpoint in checkpoints:
        saved, optimizer_state = _saved_variables(checkpoint)
        assert saved and not optimizer_state, checkpoint


if __name__ == "__main__":
    dump(Path(sys.argv[1]), Path(sys.argv[2]))
