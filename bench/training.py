"""Training times, on copies of the training data in a temporary folder (models/ and .rasa/ are never touched).

* full: `rasa train` from nothing (an empty training cache);
* incremental, after an examples-only change (one example added to an intent), in two copies of the project as the
  full training left it (its model and training cache):
  - `rasa train --finetune <the full model>` (the issue's "incremental training");
  - plain `rasa train`, which retrains only the components whose inputs changed and takes the rest from the cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.bots import REPO, _env

BIN = Path(sys.executable).parent
TRAIN_DATA = ("data/nlu", "data/stories", "data/rules")


class TrainingFailed(RuntimeError):
    pass


def _rasa_train(project: Path, args: list[str], log: Path) -> float:
    env = {**_env(), "RASA_CACHE_DIRECTORY": str(project / ".rasa" / "cache")}
    started = time.monotonic()
    with open(log, "ab") as out:
        done = subprocess.run([str(BIN / "rasa"), "train", *args, "--quiet"], cwd=project, env=env, stdout=out,
                              stderr=subprocess.STDOUT)  # fmt: skip
    if done.returncode:
        raise TrainingFailed(f"rasa train {' '.join(args)} failed (exit {done.returncode}); see {log}")
    return time.monotonic() - started


def add_example(nlu_file: Path, text: str) -> str:
    """Adds `text` as the first example of the first intent of a Rasa NLU file (the rest of the file is left as it
    is); returns the intent's name."""
    lines = nlu_file.read_text(encoding="utf-8").splitlines(keepends=True)
    intent = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("- intent:"):
            intent = stripped.split(":", 1)[1].strip()
        elif intent and stripped.startswith("examples:"):
            following = lines[index + 1]
            indent = following[: len(following) - len(following.lstrip())]
            lines.insert(index + 1, f"{indent}- {text}\n")
            nlu_file.write_text("".join(lines), encoding="utf-8")
            return intent
    raise ValueError(f"no intent with examples in {nlu_file}")


def _incremental(project: Path, nlu_file: str, example: str, full_model: str, common: list[str], log: Path) -> dict:
    """Both kinds of incremental training after the same examples-only change, each in its own copy."""
    copy = project.with_name(project.name + "-cached")
    shutil.copytree(project, copy, symlinks=True)
    out: dict = {}
    for folder, kind, extra in ((project, "incremental_s", ["--finetune", full_model]), (copy, "cached_retrain_s", [])):
        out["changed_intent"] = add_example(folder / nlu_file, example)
        try:
            out[kind] = round(_rasa_train(folder, [*common, *extra, "--fixed-model-name", kind], log), 1)
        except TrainingFailed as failure:
            out[kind.replace("_s", "_error")] = str(failure)
    return out


def assistant(workdir: Path) -> dict:
    """Full and incremental training of this assistant on a copy of its data."""
    project = workdir / "assistant-training"
    for folder in TRAIN_DATA:
        shutil.copytree(REPO / folder, project / folder)
    (project / "domain").mkdir(parents=True)
    shutil.copy(REPO / "domain" / "domain.yml", project / "domain" / "domain.yml")
    shutil.copy(REPO / "config.yml", project / "config.yml")
    subprocess.run([sys.executable, "-m", "bot", "build-domain", "--out", str(project / "domain" / "generated")],
                   cwd=REPO, env=_env(), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    common = ["--domain", "domain", "--data", *TRAIN_DATA, "--config", "config.yml", "--out", "models"]
    log = workdir / "assistant-training.log"
    print("   full training of this assistant (many minutes)...", flush=True)
    full = _rasa_train(project, [*common, "--fixed-model-name", "full"], log)
    nlu_file = str(sorted((project / "data" / "nlu").glob("*.yml"))[0].relative_to(project))
    print("   incremental training (rasa train --finetune, then a cached rasa train)...", flush=True)
    incremental = _incremental(project, nlu_file, "yes indeed", "models/full.tar.gz", common, log)
    return {"full_s": round(full, 1), **incremental}


def stock(project: Path, workdir: Path) -> dict:
    """Incremental training of the stock bot (its full training is `rasa init`, timed when it is built)."""
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    common = ["--out", "models"]
    return _incremental(project, "data/nlu.yml", "good evening to you", str(model), common,
                        workdir / "stock-training.log")  # fmt: skip


def model_size(path: Path) -> dict:
    """Bytes of a packed model and of its contents."""
    import tarfile

    with tarfile.open(path) as archive:
        unpacked = sum(member.size for member in archive.getmembers())
    return {"packed_mb": round(os.path.getsize(path) / 1e6, 1), "unpacked_mb": round(unpacked / 1e6, 1)}
