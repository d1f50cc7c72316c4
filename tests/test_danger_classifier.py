"""The second statistical opinion on danger (bot.safety.classifier) and its Rasa component.

Trained here on the project's own NLU data, so these tests also show that the examples teach it what matters: a
report of danger scores high, an everyday message with the same words scores low.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import DANGER_PROBABILITY, DangerClassifier
from bot.paths import DATA_DIR
from bot.safety.classifier import FILE_NAME, DangerScorer


@pytest.fixture(scope="module")
def training() -> TrainingData:
    return load_data(str(DATA_DIR / "nlu"))


@pytest.fixture(scope="module")
def scorer(training: TrainingData) -> DangerScorer:
    examples = training.intent_examples
    return DangerScorer.fit([e.get("text") for e in examples], [e.get("intent") == "report_danger" for e in examples])


@pytest.mark.parametrize(
    "text",
    [
        "el patron se quedo con mi pasaporte y no me deja salir de la finca",
        "they lock us in the dorm at night and the boss has our ids",
        "me tienen encerrada y me obligan a estar con hombres",
    ],
)
def test_reports_of_danger_score_high(scorer: DangerScorer, text: str) -> None:
    assert scorer.probability(text) >= 0.7, text


@pytest.mark.parametrize(
    "text",
    [
        "hola buenas tardes",
        "what is human trafficking?",
        "how much does a work visa for canada cost",
        "cual es el numero de la linea contra la trata en honduras",
    ],
)
def test_ordinary_messages_score_low(scorer: DangerScorer, text: str) -> None:
    assert scorer.probability(text) < 0.3, text


def test_training_is_deterministic(training: TrainingData, scorer: DangerScorer) -> None:
    examples = training.intent_examples
    again = DangerScorer.fit([e.get("text") for e in examples], [e.get("intent") == "report_danger" for e in examples])
    texts = ["me quitaron el pasaporte", "hola", "my family will pay for the visa"]
    assert again.probabilities(texts).tolist() == scorer.probabilities(texts).tolist()


def test_saved_model_is_plain_json_and_scores_the_same(scorer: DangerScorer, tmp_path: Path) -> None:
    path = scorer.save(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"format", "vectorisers", "coef", "intercept"}
    loaded = DangerScorer.load(tmp_path)
    texts = ["no nos dejan salir del rancho", "what is debt bondage?", "AYUDAAA 🙏"]
    assert loaded.probabilities(texts) == pytest.approx(scorer.probabilities(texts))


def test_a_damaged_or_foreign_model_file_is_refused(scorer: DangerScorer, tmp_path: Path) -> None:
    path = scorer.save(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        DangerScorer.load(tmp_path)
    path.write_text(json.dumps({**data, "coef": data["coef"][:-1]}), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        DangerScorer.load(tmp_path)


def test_training_needs_both_labels() -> None:
    with pytest.raises(ValueError, match="danger and of ordinary"):
        DangerScorer.fit(["a", "b"], [False, False])
    with pytest.raises(ValueError, match="length"):
        DangerScorer.fit(["a", "b"], [True])


@pytest.mark.parametrize("text", ["", "\x00\xff", "<script>alert(1)</script>", "😀" * 10000, "a" * 200_000])
def test_odd_input_gives_a_probability(scorer: DangerScorer, text: str) -> None:
    assert 0.0 <= scorer.probability(text) <= 1.0


# --- the Rasa component ------------------------------------------------------------------------------------


def _component(tmp_path: Path) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    return LocalModelStorage(tmp_path), Resource("danger_classifier"), ExecutionContext(GraphSchema({}), "test")


def test_component_trains_persists_loads_and_scores(training: TrainingData, tmp_path: Path) -> None:
    storage, resource, context = _component(tmp_path)
    trained = DangerClassifier.create({}, storage, resource, context)
    trained.train(training)
    with storage.read_from(resource) as directory:
        assert (directory / FILE_NAME).exists()
    loaded = DangerClassifier.load({}, storage, resource, context)
    danger = Message(data={"text": "me quitaron el pasaporte y no me dejan salir"})
    ordinary = Message(data={"text": "hola, que tal"})
    loaded.process([danger, ordinary])
    assert danger.get(DANGER_PROBABILITY) > 0.7 > ordinary.get(DANGER_PROBABILITY)
    assert DANGER_PROBABILITY in danger.output_properties  # it reaches the parse result


def test_component_without_danger_examples_trains_nothing_and_sets_nothing(tmp_path: Path) -> None:
    storage, resource, context = _component(tmp_path)
    data = TrainingData(
        [Message(data={"text": "hola", "intent": "greet"}), Message(data={"text": "bye", "intent": "goodbye"})]
    )
    component = DangerClassifier.create({}, storage, resource, context)
    component.train(data)
    loaded = DangerClassifier.load({}, storage, resource, context)
    message = Message(data={"text": "hola"})
    loaded.process([message])
    assert message.get(DANGER_PROBABILITY) is None


# --- the used blind batches as extra examples ------------------------------------------------------------


def _batch(path: Path, danger: list[str], ordinary: list[str]) -> Path:
    lines = ["# a used batch, this test's own words", "danger:"]
    lines += [f"  - {{text: {json.dumps(t)}, lang: en}}" for t in danger]
    lines += ["ordinary:"] + [f"  - {{text: {json.dumps(t)}, lang: en}}" for t in ordinary]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_hard_ordinary_messages_of_a_used_batch_teach_it_to_doubt_everyday_confinement(
    training: TrainingData, scorer: DangerScorer, tmp_path: Path
) -> None:
    """Why config.yml lists the used batches: their everyday messages with danger words lower the probability of
    the same kind of message in other words, which lets both classifiers doubt a rule's alarm (bot/safety/tiers)."""
    batch = _batch(
        tmp_path / "batch.yml",
        danger=["the boss locked us in the workshop and took our phones, we cannot leave"],
        ordinary=[
            "stuck in the airport lounge, they won't let anyone leave because of the fog",
            "locked in the stadium until the storm passes lol, nobody can go out",
            "trapped at the train station all night, the strike means no one can leave",
        ],
    )
    config = {"examples_from": [str(batch)]}
    storage, resource, context = _component(tmp_path)
    DangerClassifier.create(config, storage, resource, context).train(training)
    everyday_text = "we are locked in the airport terminal, they won't let us leave until the storm passes"
    everyday = Message(data={"text": everyday_text})
    danger = Message(data={"text": "they locked us in the workshop and took our phones"})
    DangerClassifier.load(config, storage, resource, context).process([everyday, danger])
    assert everyday.get(DANGER_PROBABILITY) < scorer.probability(everyday_text)  # the same data without the batch
    assert danger.get(DANGER_PROBABILITY) > 0.5


def test_batch_examples_reads_both_labels(tmp_path: Path) -> None:
    from bot.safety.classifier import batch_examples

    batch = _batch(tmp_path / "b.yml", danger=["help they took my passport"], ordinary=["hola", "thanks"])
    assert batch_examples([batch]) == (["help they took my passport", "hola", "thanks"], [True, False, False])


def test_an_edit_to_a_listed_batch_retrains_the_classifier_not_the_cached_one(tmp_path: Path) -> None:
    batch = _batch(tmp_path / "b.yml", danger=["they took my passport"], ordinary=["hola"])
    config = {"examples_from": [str(batch)]}
    before = DangerClassifier.fingerprint_addon(config)
    assert DangerClassifier.fingerprint_addon(config) == before
    assert DangerClassifier.fingerprint_addon({}) != before
    batch.write_text(batch.read_text(encoding="utf-8") + "  - {text: 'one more', lang: en}\n", encoding="utf-8")
    assert DangerClassifier.fingerprint_addon(config) != before


def test_the_classifier_learns_only_from_batches_already_used() -> None:
    """A batch trained on measures nothing: config.yml may list a blind batch only once its first score is recorded
    and its header says it has been used since (tests/safety/unseen)."""
    from bot.paths import REPO_ROOT
    from bot.safety.patterns import read_yaml

    config = read_yaml(REPO_ROOT / "config.yml")
    (step,) = [s for s in config["pipeline"] if s["name"] == "bot.nlu.components.DangerClassifier"]
    listed = step.get("examples_from") or []
    assert listed, "the danger classifier should learn from the used blind batches"
    for path in listed:
        header = "".join(
            line for line in (REPO_ROOT / path).read_text(encoding="utf-8").splitlines(True) if line.startswith("#")
        )
        assert "NOT YET SCORED" not in header and "not used since" not in header.lower(), path
        assert "USED" in header, f"{path}: its header must say it has been used since its first score"
