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
