"""`make publish` / `make rollback` decisions, with the slow steps (training, evaluation, the server) replaced.

What a maintainer would notice: a model that fails a test or a gate is never loaded and the old one keeps serving;
a published model becomes models/assistant.tar.gz and is loaded; the last five are kept; rollback brings back the
one before. The real server's model swap is in tests/test_publish_server.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.eval import paired
from bot.publish import (
    OFFERS_ROUTED,
    Archive,
    Measurement,
    PublishError,
    Steps,
    can_finetune,
    gates,
    publish,
    rollback,
    training_shape,
)

GOOD = {"intent accuracy (en)": 0.97, "intent accuracy (es)": 0.975, "danger recall (labelled set)": 1.0,
        "false alarms (labelled set)": 0.02, OFFERS_ROUTED: 0.975}  # fmt: skip
SHAPE = {"config": "c", "domain": "d", "responses": "r", "stories": "s", "intents": ["greet"], "examples": "e1"}


class Fake:
    """Training writes a small file naming the model; loading records what the server was asked to load."""

    def __init__(
        self,
        figures: dict[str, float] | None = None,
        tests_pass: bool = True,
        outcomes: dict[str, dict[str, bool]] | None = None,
    ) -> None:
        self.count = 0
        self.figures_of = figures or GOOD
        self.outcomes = outcomes or {}
        self.tests_pass = tests_pass
        self.loaded: list[str] = []
        self.finetuned_from: list[Path | None] = []
        self.shape = dict(SHAPE)

    def train(self, out: Path, finetune_from: Path | None) -> Path:
        self.count += 1
        self.finetuned_from.append(finetune_from)
        out.mkdir(parents=True, exist_ok=True)
        model = out / f"candidate-{self.count}.tar.gz"
        model.write_text(f"model {self.count}")
        return model

    def conversation_tests(self, model: Path) -> None:
        if not self.tests_pass:
            raise PublishError("conversation tests failed")

    def steps(self) -> Steps:
        return Steps(train=self.train, conversation_tests=self.conversation_tests, load=self.load,
                     figures=self.measure, shape=lambda: dict(self.shape))  # fmt: skip

    def measure(self, model: Path) -> Measurement:
        return Measurement(dict(self.figures_of), dict(self.outcomes))

    def load(self, model: Path) -> bool:
        self.loaded.append(model.read_text())
        return True


@pytest.fixture()
def archive(tmp_path: Path) -> Archive:
    live = tmp_path / "models" / "assistant.tar.gz"
    live.parent.mkdir()
    live.write_text("model 0")  # what `make train` left
    return Archive.open(tmp_path / "models" / "archive", live)


def quiet(*_: object) -> None:
    pass


def test_a_good_model_is_archived_made_live_and_loaded(archive: Archive) -> None:
    fake = Fake()
    assert publish(archive, fake.steps(), say=quiet) == 0
    assert archive.live.read_text() == "model 1"
    assert fake.loaded == ["model 1"]
    assert [e["file"] for e in archive.entries][-1] == "candidate-1.tar.gz"
    assert Archive.open(archive.folder, archive.live).current()["figures"] == GOOD  # recorded for the next gate


@pytest.mark.parametrize("name", list(GOOD))
def test_a_model_failing_a_gate_is_never_loaded(archive: Archive, name: str) -> None:
    publish(archive, Fake().steps(), say=quiet)  # model 1 is live, with good figures
    worse = {**GOOD, name: 0.5}  # an accuracy or recall of 50 %, or half the ordinary messages alarmed
    fake = Fake(figures=worse)
    said: list[str] = []
    assert publish(archive, fake.steps(), say=said.append) == 1
    assert fake.loaded == [] and archive.live.read_text() == "model 1"
    assert any(f"FAIL {name}" in line for line in said) and any("NOT PUBLISHED" in line for line in said)


def test_failing_conversation_tests_stop_before_the_gates(archive: Archive) -> None:
    fake = Fake(tests_pass=False)
    assert publish(archive, fake.steps(), say=quiet) == 1
    assert fake.loaded == [] and archive.live.read_text() == "model 0"


def test_a_model_below_target_passes_when_no_worse_than_the_live_one_but_danger_recall_has_no_slack() -> None:
    live = {**GOOD, "intent accuracy (en)": 0.961}
    assert all(g.passed for g in gates({**GOOD, "intent accuracy (en)": 0.960}, live))
    assert not all(g.passed for g in gates({**GOOD, "intent accuracy (en)": 0.94}, live))
    live_recall = {**GOOD, "danger recall (labelled set)": 0.99}
    assert not all(g.passed for g in gates({**GOOD, "danger recall (labelled set)": 0.99}, live_recall))


def test_the_last_five_are_kept_and_rollback_brings_back_the_one_before(archive: Archive) -> None:
    fake = Fake()
    for _ in range(7):
        assert publish(archive, fake.steps(), say=quiet) == 0
    kept = sorted(p.name for p in archive.folder.glob("*.tar.gz"))
    assert len(kept) == 5 and "candidate-7.tar.gz" in kept and "candidate-2.tar.gz" not in kept
    assert rollback(archive, fake.load, say=quiet) == 0
    assert archive.live.read_text() == "model 6" and fake.loaded[-1] == "model 6"
    assert not (archive.folder / "candidate-7.tar.gz").exists()


def test_the_first_publish_keeps_the_trained_model_for_a_rollback(archive: Archive) -> None:
    fake = Fake()
    publish(archive, fake.steps(), say=quiet)
    assert rollback(archive, fake.load, say=quiet) == 0
    assert archive.live.read_text() == "model 0" and fake.loaded[-1] == "model 0"
    assert rollback(archive, fake.load, say=quiet) == 1  # nothing earlier: says so, changes nothing
    assert archive.live.read_text() == "model 0"


def test_examples_only_changes_fine_tune_the_live_model(archive: Archive) -> None:
    fake = Fake()
    publish(archive, fake.steps(), say=quiet)  # the first: full (nothing recorded about model 0)
    fake.shape["examples"] = "e2"
    publish(archive, fake.steps(), say=quiet)
    fake.shape["intents"] = ["greet", "new_intent"]
    publish(archive, fake.steps(), say=quiet)
    assert [p.name if p else None for p in fake.finetuned_from] == [None, "candidate-1.tar.gz", None]


def test_the_training_shape_tells_an_examples_edit_from_a_new_intent(tmp_path: Path) -> None:
    import shutil

    from bot.paths import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = training_shape(data)
    path = data / "nlu" / "greetings.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("examples: |\n", "examples: |\n      - hiya there\n", 1))
    examples_only = training_shape(data)
    assert can_finetune({"shape": before}, examples_only)
    path.write_text(path.read_text(encoding="utf-8") + "\n  - intent: brand_new\n    examples: |\n      - x\n")
    assert not can_finetune({"shape": before}, training_shape(data))


def test_a_gate_added_since_the_live_model_was_published_measures_the_live_model_again(archive: Archive) -> None:
    """A live model published before a gate existed has no figure for it: it is measured, not failed by default."""
    before = {k: v for k, v in GOOD.items() if k != OFFERS_ROUTED}
    publish(archive, Fake(figures=before).steps(), say=quiet)
    below_target_as_before = {**GOOD, OFFERS_ROUTED: 0.7}  # under the 95 % target, but the live model is no better
    fake = Fake(figures=below_target_as_before)
    fake.count = 1  # its candidate is model 2
    said: list[str] = []
    assert publish(archive, fake.steps(), say=said.append) == 0, said
    assert any("measuring the live model too" in line for line in said)
    assert fake.loaded == ["model 2"]


# --- example by example: a worse model, or the noise of one training? (bot/eval/paired.py) ---------------------

EN = "intent accuracy (en)"


def outcomes(right: set[int], total: int = 300) -> dict[str, dict[str, bool]]:
    """Which of `total` held-out English examples a model gets right."""
    return {EN: {paired.key(f"example {i}", "en"): i in right for i in range(total)}}


def measured(right: set[int], total: int = 300) -> tuple[dict[str, float], dict[str, dict[str, bool]]]:
    return {**GOOD, EN: len(right) / total}, outcomes(right, total)


LIVE_RIGHT = set(range(255))  # 85.0 %, below the 97 % target


def publish_live(archive: Archive, right: set[int] = LIVE_RIGHT) -> Fake:
    figures, known = measured(right)
    fake = Fake(figures=figures, outcomes=known)
    assert publish(archive, fake.steps(), say=quiet) == 0
    return fake


def candidate(archive: Archive, right: set[int]) -> tuple[int, list[str], Fake]:
    figures, known = measured(right)
    fake = Fake(figures=figures, outcomes=known)
    fake.count = len(archive.entries)
    said: list[str] = []
    return publish(archive, fake.steps(), say=said.append), said, fake


def test_the_mcnemar_split_tells_noise_from_a_worse_model() -> None:
    assert paired.p_worse(0, 0) == 1.0
    assert paired.p_worse(8, 5) == pytest.approx(0.2905, abs=1e-4)  # 13 changed, 8 of them for the worse
    assert not paired.significantly_worse(8, 5)
    assert paired.significantly_worse(15, 3)  # p = 0.004
    assert paired.changes({"a": True, "b": False, "c": True}, {"a": False, "b": True, "d": False}) == (1, 1)


def test_a_model_a_few_examples_worse_by_a_training_s_noise_is_published(archive: Archive) -> None:
    """The ten-greetings publish of MAINTAINING.md: 0.8 points down, over the old fixed 0.5-point tolerance."""
    publish_live(archive)
    noisy = (LIVE_RIGHT - set(range(8))) | set(range(255, 260))  # 8 newly wrong, 5 newly right: 84.0 %
    code, said, fake = candidate(archive, noisy)
    assert code == 0, said
    assert any(f"PASS {EN}" in line and "8 examples newly wrong, 5 newly right" in line for line in said), said
    assert fake.loaded == [archive.live.read_text()] == [f"model {fake.count}"]


def test_a_model_worse_example_by_example_is_refused_and_the_old_one_keeps_serving(archive: Archive) -> None:
    publish_live(archive)
    live = archive.live.read_text()
    worse = (LIVE_RIGHT - set(range(15))) | set(range(255, 258))  # 15 newly wrong, 3 newly right: 81.0 %
    code, said, fake = candidate(archive, worse)
    assert code == 1 and fake.loaded == [] and archive.live.read_text() == live
    assert any(f"FAIL {EN}" in line and "p = 0.004 against 0.050 (worse)" in line for line in said), said


def test_small_losses_do_not_add_up_over_publishes(archive: Archive) -> None:
    """Each step is within the noise of the one before, but the third is clearly worse than the first: the
    candidate is compared with every archived model, not only the live one."""
    publish_live(archive)
    first_file = archive.current()["file"]
    second = LIVE_RIGHT - set(range(4))  # 4 newly wrong, none newly right: p = 0.06
    assert candidate(archive, second)[0] == 0
    third = second - set(range(4, 8))  # the same against the second; against the first 8 and none: p = 0.004
    code, said, _ = candidate(archive, third)
    assert code == 1
    assert any(f"FAIL {EN}" in line and f"against {first_file}" in line for line in said), said


def test_the_gates_share_the_chance_of_refusing_by_luck() -> None:
    """With two figures compared, each is refused only below half the threshold: a split of 27 newly wrong and 15
    newly right (p = 0.04, a fine-tuning measured on 2026-12-06) alone refuses; beside another figure it does not."""
    live = {**outcomes(set(range(255))), "intent accuracy (es)": {paired.key(f"ejemplo {i}", "es"): i < 255
                                                                   for i in range(300)}}  # fmt: skip
    spanish = {paired.key(f"ejemplo {i}", "es"): (i < 255 and i >= 27) or 255 <= i < 270 for i in range(300)}
    assert paired.changes(live["intent accuracy (es)"], spanish) == (27, 15)
    figures = {**GOOD, EN: 0.85, "intent accuracy (es)": 0.8}
    alone = gates({"intent accuracy (es)": 0.8}, None, {"intent accuracy (es)": spanish}, [("live", live)])
    assert [g.passed for g in alone] == [False] and alone[0].alpha == pytest.approx(0.05)
    both = gates(figures, None, {**outcomes(set(range(255))), "intent accuracy (es)": spanish}, [("live", live)])
    compared = {g.name: g for g in both if g.changed is not None}
    assert set(compared) == {EN, "intent accuracy (es)"}
    assert all(g.alpha == pytest.approx(0.025) for g in compared.values())
    assert all(g.passed for g in both)
