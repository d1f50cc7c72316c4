"""MAINTAINING.md's "new training examples" checklist walked for real on a copy of the repository.

Ten new greeting examples (five English, five Spanish) are added to the copy's data/nlu/greetings.yml and
`python -m bot publish` runs there as `make publish` runs it after `make check`: it fine-tunes the copy's live
model (a copy of the trained one), runs the conversation tests and the quality gates, and publishes. The time it
took is printed, not asserted (MAINTAINING.md records the measurement on the project's machine); the decisions
themselves are tested without training in tests/test_publish.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.eval.nlu import load_examples
from tests.server import MODEL, REPO

pytestmark = pytest.mark.rasa_server

NEW = {
    "en": ["heya folks", "good day to you", "hi hi, anyone around", "yo, morning", "hello from a new user"],
    "es": ["holaa buen dia", "que onda, hola", "saludos a todos", "hola, alguien por ahi", "buenas, que tal todo"],
}


def copy_of_the_repository(target: Path) -> Path:
    """The tracked files as they are on disk (what a maintainer's checkout holds), and the trained model."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "models").mkdir()
    shutil.copy2(MODEL, target / "models" / MODEL.name)
    shape = MODEL.with_suffix("").with_suffix(".shape.json")  # written by `make train`: lets publish fine-tune
    shutil.copy2(shape, target / "models" / shape.name)
    return target


def add_examples(greetings: Path) -> None:
    """Under each language's `greet` block, as the checklist says (one block per intent and language)."""
    lines = greetings.read_text(encoding="utf-8").splitlines(keepends=True)
    out, block, language = [], None, None
    for line in lines:
        out.append(line)
        stripped = line.strip()
        if stripped.startswith("- intent:"):
            block, language = stripped.split(":", 1)[1].strip(), None
        elif stripped.startswith("language:"):
            language = stripped.split(":", 1)[1].strip()
        elif stripped == "examples: |" and block == "greet" and language in NEW:
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            out += [f"{indent}- {text}\n" for text in NEW.pop(language)]
    assert not NEW, f"no greet block for {sorted(NEW)} in {greetings}"
    greetings.write_text("".join(out), encoding="utf-8")


def test_ten_new_examples_are_published_through_the_gates(tmp_path: Path) -> None:
    if not MODEL.exists() or not MODEL.with_suffix("").with_suffix(".shape.json").exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    repo = copy_of_the_repository(tmp_path / "repo")
    add_examples(repo / "data" / "nlu" / "greetings.yml")
    env = {k: v for k, v in os.environ.items() if k not in ("RASA_ADMIN_TOKEN", "BOT_DATA_DIR")}
    env["PYTHONPATH"] = str(repo)  # the copy's bot/, not the one the virtualenv was installed from
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot", "publish"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=3600)  # fmt: skip
    if done.returncode != 0 and "quality gate(s) failed" in done.stdout:
        # Fine-tuning is not repeatable: the gates may refuse a model no worse than the live one, by design in at
        # most 5 % of publishes (bot/eval/paired.py). A maintainer publishes again; so does the test, once.
        print("\nrefused by the gates, publishing again:\n" + "\n".join(done.stdout.splitlines()[-12:]))
        done = subprocess.run([sys.executable, "-m", "bot", "publish"], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=3600)  # fmt: skip
    took = time.monotonic() - started
    said = done.stdout + done.stderr
    gates = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith(("PASS ", "FAIL "))]
    print(f"\npublished ten examples in {took:.0f} s (after make check); gates:\n  " + "\n  ".join(gates))
    assert done.returncode == 0, said[-6000:]
    assert "fine-tuning the live model: only examples changed" in done.stdout
    assert "PUBLISHED" in done.stdout and gates and all(g.startswith("PASS") for g in gates)
    history = json.loads((repo / "models" / "archive" / "history.json").read_text(encoding="utf-8"))
    assert len(history) == 2 and history[-1]["finetuned"] is True  # the trained model, then the new one
    assert "measuring the live model too" in done.stdout or history[0]["outcomes"]
    live = repo / "models" / "assistant.tar.gz"
    assert live.read_bytes() == (repo / "models" / "archive" / history[-1]["file"]).read_bytes()
    assert live.read_bytes() != MODEL.read_bytes()
    # The archive keeps figures and per-example outcomes, never a held-out text.
    archived = json.dumps(history, ensure_ascii=False)
    texts = [e.text for e in load_examples() if len(e.text) >= 12]  # long enough not to be part of a word
    assert history[-1]["outcomes"] and not [t for t in texts if json.dumps(t, ensure_ascii=False)[1:-1] in archived]
