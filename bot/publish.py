"""`make publish` / `make rollback`: put a new model live only when it is at least as good, and take it back.

`python -m bot publish`:
1. trains a candidate into models/candidates/ (`rasa train --finetune` from the live model when only training
   examples changed since it was trained, a full training otherwise);
2. runs the conversation tests (tests/conversations) on it;
3. runs the quality gates: held-out intent accuracy per language (tests/eval), danger detection on the
   labelled set (tests/safety/danger_set.yml) and the share of held-out job offers (tests/job_offer/offers.yml)
   the model routes to the job-offer check. A figure passes when it reaches its target, or when it is no worse
   than the live model's (a model already below a target is not made worse); danger recall has no such slack;
4. only then archives it (models/archive/, the last five published models with their figures), makes it
   models/assistant.tar.gz (what a restart loads), and loads it into the running Rasa server through Rasa's
   `PUT /model` on loopback with RASA_ADMIN_TOKEN. The server keeps answering with the old model while the new
   one loads (bot/rasa_hooks.py loads it beside the running one). A candidate that fails anything is never
   loaded; it stays in models/candidates/ for a developer to look at.

`python -m bot rollback` puts the previous published model back the same way, in seconds (no training).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.digest import digest
from bot.eval import paired
from bot.paths import DATA_DIR, REPO_ROOT

MODELS = REPO_ROOT / "models"
LIVE = MODELS / "assistant.tar.gz"
ARCHIVE = MODELS / "archive"
HISTORY = ARCHIVE / "history.json"
KEEP = 5
TRAIN_DATA = ("nlu", "stories", "rules")
# Fine-tuning runs this share of each model's epochs from the live model's weights (DIET 10 of its 40). Half took
# 5 min 40 s for ten new examples here, a quarter 3 min 33 s (and the result was better, not worse, than the live
# model on every gate); the gates judge the result either way.
EPOCH_FRACTION = 0.25
# For a live model published before example-by-example outcomes were kept, a figure may be this much below its
# figure and still pass (DIET is not exactly repeatable on CPU); otherwise bot/eval/paired.py decides.
TOLERANCE = 0.005


class PublishError(RuntimeError):
    """A step refused the candidate; the message says which and why."""


OFFERS_ROUTED = "job offers routed to the check (held out)"


# --- what the model was trained on ------------------------------------------------------------------------


def training_shape(data_dir: Path = DATA_DIR, repo: Path = REPO_ROOT) -> dict[str, Any]:
    """Fingerprints of what a model is trained on. Only `examples` may differ for `rasa train --finetune`."""
    from bot import datafile

    intents: set[str] = set()
    for path in (data_dir / "nlu").glob("*.yml"):
        for block in datafile.read_mapping(path).get("nlu") or []:
            if block.get("intent"):
                intents.add(str(block["intent"]))
    generated = repo / "domain" / "generated"
    return {
        "config": digest([repo / "config.yml"]),
        "domain": digest([p for p in (repo / "domain").rglob("*.yml") if generated not in p.parents]),
        # Response names, not their texts (texts are served live from data/ and never need a model).
        "responses": hashlib.sha256(json.dumps(_response_names(data_dir)).encode()).hexdigest()[:16],
        "stories": digest([*(data_dir / "stories").glob("*.yml"), *(data_dir / "rules").glob("*.yml")]),
        "intents": sorted(intents),
        "examples": digest(list((data_dir / "nlu").glob("*.yml"))),
    }


def _response_names(data_dir: Path) -> list[str]:
    from bot.domain_builder import responses

    return sorted(responses(data_dir))


def can_finetune(live: dict[str, Any] | None, candidate: dict[str, Any]) -> bool:
    """Fine-tuning keeps the model's labels: only the examples may have changed, not intents, domain or flows."""
    if not live or not live.get("shape"):
        return False
    before = {k: v for k, v in live["shape"].items() if k != "examples"}
    return before == {k: v for k, v in candidate.items() if k != "examples"}


# --- the steps (each replaceable, so the decisions can be tested without training) ------------------------


def _env() -> dict[str, str]:
    """Rasa's own processes load this checkout's components (bot/), whichever checkout the virtualenv came from."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{REPO_ROOT}{os.pathsep + path if path else ''}"}


def train(out: Path, finetune_from: Path | None = None) -> Path:
    """`rasa train` into `out`; returns the model file."""
    out.mkdir(parents=True, exist_ok=True)
    name = "candidate-" + dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    command = [str(Path(sys.executable).parent / "rasa"), "train", "--domain", "domain", "--data",
               *(f"data/{d}" for d in TRAIN_DATA), "--config", "config.yml", "--out", str(out),
               "--fixed-model-name", name, "--quiet"]  # fmt: skip
    if finetune_from is not None:
        command += ["--finetune", str(finetune_from), "--epoch-fraction", str(EPOCH_FRACTION)]
    subprocess.run([sys.executable, "-m", "bot", "build-domain"], cwd=REPO_ROOT, check=True, env=_env())
    result = subprocess.run(command, cwd=REPO_ROOT, env=_env())
    model = out / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise PublishError(f"training failed (exit {result.returncode}); see the messages above")
    return model


def conversation_tests(model: Path) -> None:
    command = [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model), "--stories",
               "tests/conversations", "--fail-on-prediction-errors", "--out", str(model.parent / "results")]
    if subprocess.run(command, cwd=REPO_ROOT, env=_env()).returncode != 0:
        raise PublishError(f"conversation tests failed (tests/conversations); see {model.parent / 'results'}")


@dataclass
class Measurement:
    """A model's gated figures, and for the figures that allow it, which examples it got right (keyed by
    bot.eval.paired.key, no text), so that two models can be compared example by example."""

    figures: dict[str, float]
    outcomes: dict[str, dict[str, bool]] = field(default_factory=dict)


@dataclass
class Gate:
    name: str
    value: float
    target: float
    live: float | None = None  # the live model's figure, when known
    higher_is_better: bool = True
    slack: bool = True  # may pass below its target by being no worse than the live model
    # Example by example against the earlier model it compares worst with: (newly wrong, newly right, which).
    changed: tuple[int, int, str] | None = None
    # The chance of refusing a model that is no worse, for this gate: the gates share paired.ALPHA between them
    # (Bonferroni), so that the several figures of one publish together refuse a model no worse at most that often.
    alpha: float = paired.ALPHA

    @property
    def meets_target(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def passed(self) -> bool:
        if self.meets_target:
            return True
        if not self.slack:
            return False
        if self.changed is not None:  # worse only when the examples say so beyond a training's noise
            return not paired.significantly_worse(*self.changed[:2], alpha=self.alpha)
        if self.live is None:
            return False
        return self.value >= self.live - TOLERANCE if self.higher_is_better else self.value <= self.live + TOLERANCE

    def __str__(self) -> str:
        live = f", live model {self.live:.1%}" if self.live is not None else ""
        sign = ">=" if self.higher_is_better else "<="
        verdict = "PASS" if self.passed else "FAIL"
        line = f"{verdict} {self.name}: {self.value:.1%} (target {sign} {self.target:.0%}{live})"
        if self.changed is not None and not self.meets_target and self.slack:
            wrong, right, which = self.changed
            p = paired.p_worse(wrong, right)
            line += (f"; against {which}: {wrong} examples newly wrong, {right} newly right, "
                     f"p = {p:.3f} against {self.alpha:.3f} ({_verdict(wrong, right, p, self.alpha)})")  # fmt: skip
        return line


def _verdict(newly_wrong: int, newly_right: int, p: float, alpha: float) -> str:
    if p < alpha:
        return "worse"
    return "no worse" if newly_right >= newly_wrong else "within the noise of a training"


def figures(model: Path) -> Measurement:
    """The gated figures of a model: held-out intent accuracy per language, danger on the labelled set, and the
    share of held-out job offers routed to the check; with the examples behind the figures that may pass by
    being no worse than the live model."""
    from bot.eval import danger, job_offer_conversation, nlu, safety
    from bot.job_offer.labelled import HELD_OUT_FILE, load_file

    out: dict[str, float] = {}
    outcomes: dict[str, dict[str, bool]] = {}
    report = nlu.evaluate(model)
    report.pop("_errors", None)
    report.pop("_per_file", None)
    per_example = report.pop("_outcomes", {})
    for language, values in report.items():
        out[f"intent accuracy ({language})"] = values["intent_accuracy"]
        outcomes[f"intent accuracy ({language})"] = per_example.get(language, {})
    labelled = safety.evaluate(model, [danger.DEFAULT_SET])[0]
    out["danger recall (labelled set)"] = labelled.recall()
    out["false alarms (labelled set)"] = labelled.false_alarm_rate()
    outcomes["false alarms (labelled set)"] = {
        paired.key(v.text, v.lang): not v.flagged for v in labelled.verdicts if not v.is_danger
    }
    # The model's part of the job-offer check: pasted offers reach it (the signs are read outside the model).
    held_out = [("held out", load_file(HELD_OUT_FILE).offers)]
    report_offers = job_offer_conversation.evaluate(model, held_out)[0]
    out[OFFERS_ROUTED] = report_offers.figures()["routed"]
    outcomes[OFFERS_ROUTED] = {paired.key(c.offer.text, c.offer.language): c.routed for c in report_offers.chats}
    return Measurement(out, outcomes)


def _worst_change(
    name: str, candidate: dict[str, dict[str, bool]], earlier: Sequence[tuple[str, dict[str, Any] | None]]
) -> tuple[int, int, str] | None:
    """Against the earlier model (the live one, or an archived one) the candidate compares worst with on `name`:
    comparing with the last five, not only the live one, keeps small losses from adding up publish after publish."""
    mine = candidate.get(name)
    if not mine:
        return None
    found = []
    for which, outcomes in earlier:
        theirs = (outcomes or {}).get(name)
        if theirs:
            wrong, right = paired.changes(theirs, mine)
            found.append((paired.p_worse(wrong, right), (wrong, right, which)))
    return min(found)[1] if found else None


def gates(
    candidate: dict[str, float],
    live: dict[str, float] | None,
    outcomes: dict[str, dict[str, bool]] | None = None,
    earlier: Sequence[tuple[str, dict[str, Any] | None]] = (),
) -> list[Gate]:
    """One gate per figure. `earlier` names the outcomes of the live model and the archived ones."""
    from bot.eval import danger, job_offer_conversation, nlu

    live = live or {}
    out = []
    for name, value in candidate.items():
        changed = _worst_change(name, outcomes or {}, earlier)
        if name.startswith("intent accuracy"):
            out.append(Gate(name, value, nlu.TARGET, live.get(name), changed=changed))
        elif name.startswith("danger recall"):
            out.append(Gate(name, value, danger.RECALL_TARGET, live.get(name), slack=False))
        elif name.startswith("false alarms"):
            out.append(Gate(name, value, danger.FALSE_ALARM_TARGET, live.get(name), higher_is_better=False,
                            changed=changed))  # fmt: skip
        elif name == OFFERS_ROUTED:
            out.append(Gate(name, value, job_offer_conversation.TARGETS["routed"], live.get(name), changed=changed))
    compared = [gate for gate in out if gate.changed is not None and gate.slack]
    for gate in compared:
        gate.alpha = paired.ALPHA / len(compared)
    return out


def load_into_server(model: Path, url: str | None = None, token: str | None = None) -> bool:
    """PUT /model on the running Rasa server (loopback, admin token); False when no server is reachable."""
    url = (url or os.environ.get("RASA_INTERNAL_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5006')}")
    token = token or os.environ.get("RASA_ADMIN_TOKEN")
    if not token:
        return False
    if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        raise PublishError(f"{url} is not on this machine: the model API is only used on loopback")
    request = urllib.request.Request(
        f"{url}/model?token={token}", method="PUT", data=json.dumps({"model_file": str(model.resolve())}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=900):
            pass
    except urllib.error.HTTPError as error:
        raise PublishError(f"the Rasa server refused the model ({error.code}); it keeps the one it had") from None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    with urllib.request.urlopen(f"{url}/status?token={token}", timeout=30) as response:
        loaded = json.load(response).get("model_file", "")
    if Path(loaded).name != model.name:
        raise PublishError(f"the Rasa server reports {loaded!r} after loading {model.name}")
    return True


# --- the archive ---------------------------------------------------------------------------------------------


@dataclass
class Archive:
    folder: Path = ARCHIVE
    live: Path = LIVE
    keep: int = KEEP
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def history(self) -> Path:
        return self.folder / "history.json"

    @classmethod
    def open(cls, folder: Path = ARCHIVE, live: Path = LIVE, keep: int = KEEP) -> Archive:
        path = folder / "history.json"
        entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        return cls(folder, live, keep, entries)

    def current(self) -> dict[str, Any] | None:
        return self.entries[-1] if self.entries else None

    def file(self, entry: dict[str, Any]) -> Path:
        return self.folder / entry["file"]

    def add(self, model: Path, record: dict[str, Any]) -> Path:
        """Copy `model` in, make it the live file, keep the last `keep` entries."""
        self.folder.mkdir(parents=True, exist_ok=True)
        kept = self.folder / model.name
        if model.resolve() != kept.resolve():
            shutil.copy2(model, kept)
        self.entries.append({"file": kept.name, **record})
        self._make_live(kept)
        for old in self.entries[: -self.keep]:
            self.file(old).unlink(missing_ok=True)
        self.entries = self.entries[-self.keep :]
        self._save()
        return kept

    def step_back(self) -> dict[str, Any]:
        """Forget the current entry (its file is deleted) and make the previous one live."""
        if len(self.entries) < 2:
            raise PublishError("there is no earlier published model to go back to")
        gone = self.entries.pop()
        previous = self.entries[-1]
        self._make_live(self.file(previous))
        self.file(gone).unlink(missing_ok=True)
        self._save()
        return previous

    def _make_live(self, model: Path) -> None:
        """models/assistant.tar.gz becomes a copy of `model`, replaced in one step (a restart loads it)."""
        tmp = self.live.with_name(f".{self.live.name}.tmp")
        shutil.copy2(model, tmp)
        os.replace(tmp, self.live)

    def _save(self) -> None:
        tmp = self.history.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.history)


# --- the two commands -------------------------------------------------------------------------------------------


@dataclass
class Steps:
    """What publish does at each step; tests replace them (no training, no server)."""

    train: Callable[[Path, Path | None], Path] = train
    conversation_tests: Callable[[Path], None] = conversation_tests
    figures: Callable[[Path], Measurement] = figures
    load: Callable[[Path], bool] = load_into_server
    shape: Callable[[], dict[str, Any]] = training_shape


def publish(archive: Archive, steps: Steps | None = None, full: bool = False, say=print) -> int:
    steps = steps or Steps()
    started = time.monotonic()
    current = archive.current()
    if current is None and archive.live.exists():
        # The model trained by `make train` / `make test`: archived first, so a rollback can go back to it.
        say(f"== archiving the model in use ({archive.live.name}) so it can be restored")
        first = archive.folder / f"initial-{dt.date.today().isoformat()}.tar.gz"
        archive.folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(archive.live, first)
        shape_file = archive.live.with_suffix("").with_suffix(".shape.json")  # written by `make train`
        known = json.loads(shape_file.read_text(encoding="utf-8")) if shape_file.exists() else None
        current = {"file": first.name, "published_at": None, "figures": None, "shape": known}
        archive.entries.append(current)
        archive._save()
    shape = steps.shape()
    finetune = not full and current is not None and can_finetune(current, shape)
    say(f"== training ({'fine-tuning the live model: only examples changed' if finetune else 'full training'})")
    try:
        candidates = archive.folder.parent / "candidates"
        try:
            candidate = steps.train(candidates, archive.file(current) if finetune else None)
        except PublishError as error:
            if not finetune:
                raise
            say(f"   fine-tuning did not work ({error}); full training instead")
            candidate = steps.train(candidates, None)
        say("== conversation tests")
        steps.conversation_tests(candidate)
        say("== quality gates")
        measured = steps.figures(candidate)
        live_figures = (current or {}).get("figures")
        unknown = current is not None and (
            live_figures is None
            or bool(set(measured.figures) - set(live_figures))  # or a gate added since
            or "outcomes" not in current  # published before the examples were kept
        )
        if unknown and archive.file(current).exists():
            say("   (measuring the live model too, once, to compare)")
            live = steps.figures(archive.file(current))
            live_figures = current["figures"] = live.figures
            current["outcomes"] = live.outcomes
            archive._save()
        earlier = [(f"the live model ({current['file']})" if entry is current else entry["file"], entry.get("outcomes"))
                   for entry in reversed(archive.entries)]  # fmt: skip
        checked = gates(measured.figures, live_figures, measured.outcomes, earlier)
        for gate in checked:
            say(f"   {gate}")
        failed = [gate for gate in checked if not gate.passed]
        if failed:
            raise PublishError(f"{len(failed)} quality gate(s) failed: {', '.join(g.name for g in failed)}")
    except PublishError as error:
        say(f"\nNOT PUBLISHED: {error}. The assistant keeps the model it has.")
        return 1
    record = {"published_at": dt.datetime.now().isoformat(timespec="seconds"), "figures": measured.figures,
              "outcomes": measured.outcomes, "shape": shape, "finetuned": finetune}  # fmt: skip
    kept = archive.add(candidate, record)
    candidate.unlink(missing_ok=True)
    try:
        loaded = steps.load(kept)
    except PublishError as error:
        say(f"\n{error}. {archive.live} is the new model: restart the assistant to load it.")
        return 1
    say(f"\nPUBLISHED {kept.name} in {time.monotonic() - started:.0f} s ("
        + ("the running assistant switched to it" if loaded else "no running assistant reached: a restart loads it")
        + f"); the last {archive.keep} published models are in {archive.folder}.")
    return 0


def rollback(archive: Archive, load: Callable[[Path], bool] = load_into_server, say=print) -> int:
    try:
        previous = archive.step_back()
        loaded = load(archive.file(previous))
    except PublishError as error:
        say(f"NOT ROLLED BACK: {error}.")
        return 1
    say(f"ROLLED BACK to {previous['file']} (published {previous.get('published_at') or 'before make publish'}); "
        + ("the running assistant switched to it." if loaded else "no running assistant reached: a restart loads it."))
    return 0


def record_shape(model: Path = LIVE) -> Path:
    """Write what `model` was just trained on beside it (`make train`), so the next publish can fine-tune it."""
    path = model.with_suffix("").with_suffix(".shape.json")
    path.write_text(json.dumps(training_shape(), indent=2) + "\n", encoding="utf-8")
    return path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("publish", help="train, test, gate, then load the new model without downtime")
    parser.add_argument("--full", action="store_true", help="full training even when fine-tuning would do")
    parser.set_defaults(func=lambda args: publish(Archive.open(), full=args.full))
    back = subparsers.add_parser("rollback", help="put the previous published model back")
    back.set_defaults(func=lambda args: rollback(Archive.open()))
    shape = subparsers.add_parser("record-training", help="note what models/assistant.tar.gz was trained on")
    shape.set_defaults(func=lambda args: print(f"wrote {record_shape().relative_to(REPO_ROOT)}") or 0)

