"""Rule-based NLU components plugged into Rasa's pipeline (config.yml).

They run inside the Rasa server, not the action server, on purpose: language, country and danger must be known
even when the action server is down, because the emergency replies depend on them.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import fold

logger = logging.getLogger(__name__)

DANGER_INTENT = "report_danger"
INTENT_RANKING = "intent_ranking"


def _set_entity(message: Message, name: str, value: str, start: int, end: int, extractor: str) -> None:
    """Replace any earlier entity of that name: one language and one country per message."""
    entities = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) != name]
    entities.append(
        {
            ENTITY_ATTRIBUTE_TYPE: name,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            EXTRACTOR: extractor,
        }
    )
    message.set(ENTITIES, entities, add_to_output=True)


def _text(message: Message) -> str:
    text = message.get(TEXT)
    return text if isinstance(text, str) else ""


class _RuleComponent(GraphComponent):
    """Shared plumbing: no training, nothing persisted, work done in `process`."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            try:
                self.process_one(message)
            except Exception:  # a rule component must never take the whole reply down
                logger.exception("%s failed on a message", type(self).__name__)
        return messages

    def process_one(self, message: Message) -> None:
        raise NotImplementedError


UNTRUNCATED_TEXT = "untruncated_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageLimiter(_RuleComponent):
    """Keeps the classifiers' input to a sane length, so a 100 kB paste is answered in time instead of timing out.

    The start and the end of the message are kept (a plea often comes last); the full text stays available to
    the danger backstop under `untruncated_text`, and the stored conversation keeps what the user sent.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_chars": 2000}

    def process_one(self, message: Message) -> None:
        text = _text(message)
        limit = int(self.config.get("max_chars") or self.get_default_config()["max_chars"])
        if len(text) <= limit:
            return
        message.set(UNTRUNCATED_TEXT, text)
        half = limit // 2
        message.set(TEXT, f"{text[:half]} {text[-half:]}")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageExtractor(_RuleComponent):
    """Adds a `language` entity when the message settles the language; the slot keeps it otherwise."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        from bot.language import LanguageDetector

        self.detector = LanguageDetector.from_file()

    def process_one(self, message: Message) -> None:
        text = _text(message)
        code = self.detector.requested(text) or self.detector.detect(text)
        if code:
            _set_entity(message, "language", code, 0, len(text), type(self).__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CountryExtractor(_RuleComponent):
    """Adds a `country` entity (ISO 3166 code) from names, demonyms and short forms, in English and Spanish."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        from bot.nlp.countries import CountryFinder

        self.finder = CountryFinder.from_file()

    def process_one(self, message: Message) -> None:
        text = _text(message)
        matches = self.finder.find(text)
        if not matches:
            return
        # The last country named is usually where the person is now ("I'm from Honduras, now in Mexico").
        match = matches[-1]
        _set_entity(message, "country", match.code, match.start_char, match.end_char, type(self).__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerBackstop(_RuleComponent):
    """Second safety layer: phrase patterns that force the danger intent when the classifier missed it.

    It sits after the classifiers and before the FallbackClassifier, so a matched message can never fall into
    "sorry, I didn't understand".
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # A described job offer that only says "they keep the passport" is a red flag for the job-offer
            # check to explain, not an emergency: the classifier must be this sure it is an offer, and the
            # backstop must have found nothing but these signals. Anything else (locked in, threats...) wins.
            "offer_intent": "ask_job_offer_safe",
            "offer_confidence": 0.6,
            "offer_signals": ["document_taken"],
            # ...and the message must talk about an offer: "the boss keeps our passports" is not one.
            "offer_cues": [
                "offer",
                "offered",
                "offering",
                "job ad",
                "hiring",
                "recruiter",
                "would keep",
                "will keep",
                "oferta",
                "ofrecieron",
                "ofrecen",
                "ofrece",
                "ofrecio",
                "anuncio",
                "vacante",
                "reclutador",
                "contratar",
                "me quieren contratar",
                "se quedarian",
                "se quedarán",
                "se quedaran",
            ],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__({**self.get_default_config(), **config})
        from bot.safety.danger import DangerDetector

        self.detector = DangerDetector.from_file()

    def _is_described_offer(self, text: str, intent: dict[str, Any], signals: tuple[str, ...]) -> bool:
        folded = fold(text)
        return (
            intent.get(INTENT_NAME_KEY) == self.config["offer_intent"]
            and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.config["offer_confidence"]
            and set(signals) <= set(self.config["offer_signals"])
            and any(fold(cue) in folded for cue in self.config["offer_cues"])
        )

    def process_one(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        text = message.get(UNTRUNCATED_TEXT) or _text(message)
        match = self.detector.detect(text)
        if intent.get(INTENT_NAME_KEY) == DANGER_INTENT:
            # The classifier's own danger guess is kept even when it is unsure (the fallback after us would
            # otherwise answer "I didn't understand"), unless the rules read the words as harmless.
            if match is None and self._overrule_if_dismissed(message, text):
                return
            self._force_danger(message)
            return
        if match is None or self._is_described_offer(text, intent, match.signals):
            return
        self._force_danger(message)
        logger.debug("danger backstop overrode the classifier")

    @staticmethod
    def _force_danger(message: Message) -> None:
        # The others drop to 0 so the FallbackClassifier after us sees neither low confidence nor a tie.
        ranking = [
            {**r, PREDICTED_CONFIDENCE_KEY: 0.0}
            for r in message.get(INTENT_RANKING) or []
            if r.get(INTENT_NAME_KEY) != DANGER_INTENT
        ]
        forced = {INTENT_NAME_KEY: DANGER_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING, [forced, *ranking], add_to_output=True)

    def _overrule_if_dismissed(self, message: Message, text: str) -> bool:
        """The classifier said danger on the words alone, and the rules read those very words as a question,
        a denial or harmless context ("what if they take my passport?"): take the classifier's next guess.

        Only then: danger words the rules do not know at all keep the classifier's verdict, because a phrasing
        nobody wrote a pattern for is exactly what the classifier layer is there to catch.
        """
        # `detect` already found nothing (the caller checked), so "dismissed" is: the danger words are there.
        if not self.detector.mentions(text):
            return False
        ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get(INTENT_NAME_KEY) != DANGER_INTENT]
        if not ranking:
            return False
        runner_up = {INTENT_NAME_KEY: ranking[0][INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, runner_up, add_to_output=True)
        message.set(
            INTENT_RANKING,
            [runner_up, *({**r, PREDICTED_CONFIDENCE_KEY: 0.0} for r in ranking[1:])],
            add_to_output=True,
        )
        return True
