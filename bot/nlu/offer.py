"""Routes every pasted or described job offer to the job-offer check, whatever DIET guessed (issue 18).

Placed after the classifiers and before DangerBackstop (config.yml). The decision itself is in
bot/job_offer/routing.py; this is the Rasa glue: train the router with the model, store it as JSON, and on
each message set the intent `ask_job_offer_safe` when the message is an offer.

Danger keeps the last word: DangerBackstop runs after this and still gives the emergency reply for any
danger signal that is not a described offer's (locked in, threats...). DIET's own danger guess is replaced
only when the danger classifier does not back it, so both statistical opinions of a real cry for help still
reach the backstop. A question about rights that DIET took for an offer goes to the answer cards.

An offer is answered in the language it is written in. LanguageExtractor switches the conversation to a
language the message names ("in English please"), and offers name languages all the time ("contract in
Spanish", "sin inglés"); for an offer the router sets the language it is written in instead.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import DANGER_INTENT, DANGER_PROBABILITY, INTENT_RANKING, UNTRUNCATED_TEXT, _set_entity

logger = logging.getLogger(__name__)
FILE_NAME = "offer_router.json"
OFFER_ROUTING = "offer_routing"
FAQ_INTENT = "faq"


def _text(message: Message) -> str:
    text = message.get(UNTRUNCATED_TEXT) or message.get(TEXT)
    return text if isinstance(text, str) else ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OfferRouter(GraphComponent):
    """Sets `ask_job_offer_safe` on messages that describe a job offer (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `not_offers_from`: used blind danger batches (repository paths) whose cries for help are learnt as "not an
        # offer": people already in the job ("trabajo de interna, la señora guarda mi pasaporte") are in danger, not
        # asking about an offer (blind batches L to O: DIET took them for offers, and only this router could tell).
        return {"c": 4.0, "not_offers_from": []}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """It also learns from the labelled offers, reads routing.yml and the listed danger batches (read by
        bot.safety.classifier), with features computed in bot/job_offer: a change to any of them retrains it
        (bot/digest.py says why)."""
        from bot.digest import digest, module_files
        from bot.job_offer.labelled import TRAINING_FILE
        from bot.job_offer.routing import ROUTING_FILE
        from bot.safety.classifier import listed_batches

        code = module_files(
            *(f"bot.job_offer.{name}" for name in ("routing", "ngram", "text", "labelled")), "bot.safety.classifier"
        )
        return digest([TRAINING_FILE, ROUTING_FILE, *code, *listed_batches(config, "not_offers_from")])

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None,
        resource: Resource | None,
        detector: Any = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.detector = detector
        self._languages: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OfferRouter:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OfferRouter:
        from bot.job_offer.routing import OfferDetector

        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))
            detector = OfferDetector.from_json(data)
        except (ValueError, OSError, KeyError):
            logger.warning("no trained offer router in this model; retrain to add it")
            detector = None
        return cls(config, model_storage, resource, detector)

    @staticmethod
    def examples(training_data: TrainingData) -> list[tuple[str, str]]:
        """(whole text, intent) of every NLU example: MessageLimiter cut long ones, the router reads them whole."""
        return [
            (e.get(UNTRUNCATED_TEXT) or e.get(TEXT), str(e.get(INTENT)))
            for e in training_data.intent_examples
            if e.get(INTENT) and (e.get(UNTRUNCATED_TEXT) or e.get(TEXT))
        ]

    @classmethod
    def fitted(cls, examples: list[tuple[str, str]], config: dict[str, Any] | None = None) -> Any:
        from bot.job_offer.routing import OfferDetector, training_examples
        from bot.safety.classifier import batch_examples, listed_batches

        texts, labels = training_examples(examples)
        batch_texts, batch_danger = batch_examples(listed_batches(config, "not_offers_from"))
        in_danger = [text for text, danger in zip(batch_texts, batch_danger, strict=True) if danger]
        texts, labels = texts + in_danger, labels + [False] * len(in_danger)
        return OfferDetector.fit(texts, labels, c=float({**cls.get_default_config(), **(config or {})}["c"]))

    @classmethod
    def trained_in_process(cls, config: dict[str, Any] | None = None) -> OfferRouter:
        """The router as `rasa train` would train it, without a model (bot/eval/pipeline.py uses it)."""
        from bot.eval.pipeline import nlu_training_data

        return cls(config or {}, None, None, cls.fitted(cls.examples(nlu_training_data()), config))

    def train(self, training_data: TrainingData) -> Resource:
        try:
            self.detector = self.fitted(self.examples(training_data), self.config)
        except ValueError as error:
            logger.warning("offer router not trained: %s", error)
            return self._resource
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE_NAME).write_text(
                json.dumps(self.detector.to_json(), ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self.detector is None:
            return messages
        for message in messages:
            try:
                self.process_one(message)
            except Exception:  # routing is a convenience: DIET's guess stands if it fails
                logger.exception("offer router failed on a message")
        return messages

    def process_one(self, message: Message) -> None:
        from bot.job_offer.routing import OFFER_INTENT

        place = any(e.get(ENTITY_ATTRIBUTE_TYPE) == "country" for e in message.get(ENTITIES) or [])
        decision = self.detector.decide(_text(message), place)
        intent = message.get(INTENT) or {}
        guessed = intent.get(INTENT_NAME_KEY)
        record = {**decision.as_dict(), "intent_classifier": guessed, "routed": None}
        # DIET's guess is replaced, or made sure when it was the offer but unsure of it: a long paste it has seen
        # nothing like would otherwise fall to the fallback after the backstop, "I didn't understand" (batch J4).
        if decision.offer and (guessed != OFFER_INTENT or float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < 1.0):
            probability = message.get(DANGER_PROBABILITY)
            backed = isinstance(probability, int | float) and probability >= self.detector.rules.danger_backed
            if guessed == DANGER_INTENT and backed:
                record["routed"] = "left to the danger decision"
            else:
                _set_intent(message, OFFER_INTENT, 1.0)
                record["routed"] = OFFER_INTENT
        elif decision.rights_question and guessed == OFFER_INTENT:
            ranked = {r.get(INTENT_NAME_KEY) for r in message.get(INTENT_RANKING) or []}
            if FAQ_INTENT in ranked:
                _set_intent(message, FAQ_INTENT, float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                record["routed"] = FAQ_INTENT
        if decision.offer:
            self._set_offer_language(message)
        message.set(OFFER_ROUTING, record, add_to_output=True)

    def _set_offer_language(self, message: Message) -> None:
        """The language the offer is written in (never one it merely names), as the `language` entity."""
        if self._languages is None:
            from bot.language import LanguageDetector

            self._languages = LanguageDetector.from_file()
        text = _text(message)
        code = self._languages.detect(text)
        if code is None:
            from bot.job_offer.language import detect_language
            from bot.language import supported_codes

            codes = supported_codes()
            code = detect_language(text, codes, codes[0])
        _set_entity(message, "language", code, 0, len(text), type(self).__name__)


def _set_intent(message: Message, name: str, confidence: float) -> None:
    """Make `name` the intent; the others drop to 0 so the fallback after the backstop sees no tie."""
    chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [
        {**r, PREDICTED_CONFIDENCE_KEY: 0.0}
        for r in message.get(INTENT_RANKING) or []
        if r.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING, [chosen, *ranking], add_to_output=True)
