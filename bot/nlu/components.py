"""Rule-based NLU components plugged into Rasa's pipeline (config.yml).

They run inside the Rasa server, not the action server, on purpose: language, country and danger must be known
even when the action server is down, because the emergency replies depend on them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import fields
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

from bot.language import WRITTEN_IN, fold
from bot.rasa_hooks import install_lean_model_loading, install_slim_model_saving

logger = logging.getLogger(__name__)

# Rasa imports this module before it loads or trains any component of our models: their TensorFlow models are then
# built, and saved, without the training state Rasa would allocate and keep for nothing (bot/rasa_hooks.py).
install_lean_model_loading()
install_slim_model_saving()

DANGER_INTENT = "report_danger"
LANGUAGE_UNSURE = "language_unsure"
# The intents DangerBackstop sets for the other tiers (bot/safety/tiers.py): each is answered by a static response.
CHECK_IN_INTENT = "danger_check_in"
SURVIVOR_INTENT = "survivor_story"
# "I can't talk now": the check-in's silent path (data/rules/safety.yml).
CANT_TALK_INTENT = "cant_talk"
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
    the danger layers under `untruncated_text`, and the stored conversation keeps what the user sent.

    Training examples are cut harder, to `max_training_words`: DIET pads every batch to its longest example, so
    a few dozen long examples spread over the batches doubled the training time. Long messages are still
    classified whole; the danger classifier also learns from the whole example.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_chars": 2000, "max_training_words": 30}

    def _setting(self, key: str) -> int:
        return int(self.config.get(key) or self.get_default_config()[key])

    def process_one(self, message: Message) -> None:
        text = _text(message)
        limit = self._setting("max_chars")
        if len(text) <= limit:
            return
        message.set(UNTRUNCATED_TEXT, text)
        half = limit // 2
        message.set(TEXT, f"{text[:half]} {text[-half:]}")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        limit = self._setting("max_training_words")
        for example in training_data.training_examples:
            text = _text(example)
            words = text.split()
            if len(words) > limit:
                example.set(UNTRUNCATED_TEXT, text)
                example.set(TEXT, " ".join(words[: limit // 2] + words[-(limit - limit // 2) :]))
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageExtractor(_RuleComponent):
    """Adds a `language` entity when the message settles the language; the slot keeps it otherwise.

    When the words do not settle it, a channel's hint is used if it sent one (`metadata.language_hint`: the web
    widget sends its page language with a session's first message, and only then, so a later "ok" never flips
    the language). With no hint either, the parse says `language_unsure`, and on a conversation's first
    message the assistant asks which language instead of guessing (bot/policies.py).
    """

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        from bot.language import LanguageDetector

        self.detector = LanguageDetector.from_file()

    def process_one(self, message: Message) -> None:
        text = _text(message)
        code = self.detector.requested(text) or self.detector.detect(text)
        if not code:
            metadata = message.get("metadata") or {}
            hint = metadata.get("language_hint") if isinstance(metadata, dict) else None
            code = hint if hint in self.detector.config.codes else None
        languages = self.detector.written_in(text)
        if languages:  # a code-switched message: the safety replies are given in each of them (bot/nlg.py)
            message.set(WRITTEN_IN, list(languages), add_to_output=True)
        if code:
            _set_entity(message, "language", code, 0, len(text), type(self).__name__)
        else:
            message.set(LANGUAGE_UNSURE, True, add_to_output=True)


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


DANGER_PROBABILITY = "danger_probability"
DANGER_DECISION = "danger_decision"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class DangerClassifier(GraphComponent):
    """The second statistical opinion on danger (bot.safety.classifier): a probability per message.

    It sets no intent. DangerBackstop reads the probability and gives the emergency reply on the intent
    classifier's word only when this model agrees, so one model's misfire ("sos un bot?") is not an alarm.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # `examples_from`: used blind danger batches (repository paths) added to the intent examples, each
        # message counted `examples_weight` times (bot.safety.classifier.batch_examples says why).
        return {"intent": DANGER_INTENT, "c": 10.0, "examples_from": [], "examples_weight": 3}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Its features are computed in bot/safety and it reads the listed batches: a change to any of them
        retrains it (bot/digest.py says why)."""
        from bot.digest import digest, module_files
        from bot.safety.classifier import listed_batches

        batches = listed_batches(config, "examples_from")
        return digest([*module_files("bot.safety.classifier", "bot.safety.normalise"), *batches])

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, scorer: Any = None
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.scorer = scorer

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DangerClassifier:
        from bot.safety.classifier import DangerScorer

        try:
            with model_storage.read_from(resource) as directory:
                scorer = DangerScorer.load(directory)
        except (ValueError, OSError):
            # Without it the backstop falls back to the rules and the intent classifier alone.
            logger.warning("no trained danger classifier in this model; retrain to add it")
            scorer = None
        return cls(config, model_storage, resource, scorer)

    def train(self, training_data: TrainingData) -> Resource:
        from bot.safety.classifier import DangerScorer, batch_examples, listed_batches

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and _text(e)]
        texts = [e.get(UNTRUNCATED_TEXT) or _text(e) for e in examples]
        labels = [e.get(INTENT) == self.config["intent"] for e in examples]
        extra_texts, extra_labels = batch_examples(listed_batches(self.config, "examples_from"))
        weight = int(self.config["examples_weight"])
        texts, labels = texts + extra_texts * weight, labels + extra_labels * weight
        try:
            self.scorer = DangerScorer.fit(texts, labels, c=float(self.config["c"]))
        except ValueError as error:
            logger.warning("danger classifier not trained: %s", error)
            return self._resource
        with self._model_storage.write_to(self._resource) as directory:
            self.scorer.save(directory)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self.scorer is None:
            return messages
        for message in messages:
            try:
                text = message.get(UNTRUNCATED_TEXT) or _text(message)
                message.set(DANGER_PROBABILITY, self.scorer.probability(text), add_to_output=True)
            except Exception:  # the rules still run; a missing probability means "no second opinion"
                logger.exception("danger classifier failed on a message")
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerBackstop(_RuleComponent):
    """Decides which of four replies a message gets (bot/safety/tiers.py), from three opinions.

    1. The phrase rules (bot.safety) found danger with nothing around it that makes it mixed: the emergency
       reply (report_danger), unless the classifiers doubt it on a message of eight words or more (then the
       check-in, or the job-offer check for a pasted offer). A rule match is evidence a reviewer can read.
    2. The rules found danger words inside a frame (a joke, a film, an everyday object, a hypothetical, a plea
       for an answer): a check-in ("Are you safe right now?", danger_check_in) when a classifier backs them,
       nothing otherwise; a story that is clearly over gets the survivors' reply (survivor_story).
    3. Otherwise the intent classifier (DIET) and the danger classifier (DangerClassifier): both agreeing on a
       message without frames, or the danger classifier sure on its own (0.9), is the emergency reply; with
       frames, or the danger classifier leaning to danger on its own, a check-in. DIET alone misfires on everyday
       messages with danger words.

    The decision stays in the Rasa server so that every tier is answered by rules and static responses, with
    the action server down. It sits after the classifiers and before the FallbackClassifier, so a message judged
    danger or mixed can never fall into "sorry, I didn't understand".
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The danger probability (DangerClassifier) at which it confirms DIET's danger guess, and at
            # which it is taken on its own. Without a DangerClassifier in the pipeline, DIET decides alone.
            "agreement": 0.5,
            "alone": 0.9,
            # Under this danger probability, with DIET not saying danger, a rule's alarm about a message of eight
            # words or more becomes the check-in; under `doubt_long`, whatever DIET says, about one of twelve words
            # or more (bot/safety/tiers.py).
            "doubt": 0.15,
            "doubt_long": 0.2,
            # DIET says danger and the danger probability is at least this, short of `agreement`: the check-in
            # about a report of eight words or more with nothing that makes its words harmless.
            "near_agreement": 0.4,
            # The danger probability from which a frame other than a joke, a film or an ending no longer turns the
            # alarm into the check-in, and from which its lean alone gives the alarm on a report of twelve words or
            # more.
            "sure": 0.95,
            "lean_long": 0.8,
            # When DIET's danger guess is overruled, its next guess is used if DIET gave it this much...
            "runner_up_floor": 0.1,
            # ...and is never one of these (an irreversible action on a guess).
            "runner_up_never": ["forget_me"],
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
            # The writer is already there, in the job or the house: what happens to them is no offer's terms and
            # no plain question ("is it normal that they took my phone? I live in the employer's house, 4 months
            # unpaid"). Regular expressions on the folded text (lowercase, no accents). With one of them, a
            # danger classifier that leans to danger (`agreement`) is not silenced: the check-in, or the emergency
            # reply when it is sure (`alone`). Blind batches G, M, Q and S: five cries for help that got nothing.
            # Batches P, R and T: an arrival for a job ("came to Istanbul on a modelling contract"), terms changed
            # since ("the agency now says I must..."), the whole wage taken ("the agency takes my whole salary"), the
            # wish to go home from where they are. Batch U: someone who left for the job, a condition only working
            # or paying on can meet.
            "in_it_cues": [
                r"\b(came|arrived|flew|moved) (here|over) (on|for|with|as|to work)\b",
                r"\b(came|arrived|flew|moved|went|left|travell?ed) (to|in|for) \w+( \w+)? (on|for|with|as) "
                r"((a|an|the|my|our|this) )?(\w+ )?(contract|job|work|visa|offer|promise)",
                r"\b(llegue|llegamos|vine|vinimos) (aqui|aca|a \w+( \w+)?) (con|por|para|a trabajar)\b",
                # Batch U: someone else who left for the job ("my sister is 16 and she went to Dubai for a salon
                # job... the line cut").
                r"\b(se fue|se fueron|fue|fueron|llego|llegaron|viajo|viajaron|me fui|nos fuimos|viaje|viajamos) "
                r"a \w+( \w+)? (con|por|para) (un|una|el|la|ese|esa|este|esta) (trabajo|empleo|contrato|oferta)",
                # Batch U: a condition only working or paying on can meet ("no me lo da hasta que trabaje un año
                # más en el spa sin sueldo").
                r"\buntil (i|we) (work|pay|finish|have worked|have paid)\b",
                r"\bhasta que (trabaje|trabajemos|pague|paguemos|termine|terminemos|le pague|les pague)\b",
                r"\b(agency|agent|boss|employer|recruiter|sponsor|madam|owner|company|they|he|she) now "
                r"(says?|said|tells?|told|wants?|demands?)\b",
                r"\bnow (they|he|she) (says?|tells?|wants?|demands?)\b",
                r"\bahora (me |nos )?(dice|dicen|pide|piden|exige|exigen|quiere|quieren)\b",
                r"\b(takes?|took|keeps?|kept|holds?) (all of |all |my whole |my entire |our whole |our entire )"
                r"(my |our )?(salary|wages|pay|money)\b",
                r"\b(se queda|se quedan|me quita|me quitan|nos quita|nos quitan) (con )?(todo )?(mi|el|nuestro) "
                r"(sueldo|salario|pago)\b",
                # Batch P: "we want to go home but they say we must pay the rest of the recruitment fee first".
                r"\b(i|we) (want|wanna|need|would like) to (go|return|come|fly) (back )?home\b",
                r"\b(quiero|queremos|necesito|necesitamos) (regresar|volver|irme|irnos) "
                r"(a (mi |la |su |nuestro |nuestra )?(casa|pais|tierra))",
                r"\b(i'?m|i am|we'?re|we are) (already |still )?(here|there|in (a|an|the|this|my|our))\b",
                r"\balready (here|there)\b",
                r"\b(i|we) (still )?(live|work|stay|sleep) (in|at|with|for)\b",
                r"\b(i'?ve|we'?ve|i have|we have) been (here|there|working|living|stuck)\b",
                r"\bsince (i|we) (arrived|came|got here)\b",
                r"\bwhere (i|we) (work|live|stay)\b",
                r"\bya (estoy|estamos) (aqui|aca|alla|ahi|en)\b",
                # Batch Y: "estoy en la casa del licenciado, el que me consiguio el trabajo".
                r"\b(estoy|estamos) (aqui |aca )?en (la|el|una|un|esta|este|su) (casa|rancho|finca|bodega|cuarto|"
                r"departamento|depa|edificio|fabrica|hotel|barco|campo|granja|taller|bar|club|local)\b",
                r"\b(vivo|vivimos|duermo|dormimos) (en|con)\b",
                # Batch AE: "vivo arriba del restaurante con otros 6 en colchones".
                r"\b(vivo|vivimos|duermo|dormimos) (arriba|abajo|atras|adentro|detras|encima) (del?|de la)\b",
                r"\b(i|we) (live|sleep|stay) (above|behind|under|upstairs|downstairs|in the back)\b",
                # Batch AF: "si es legal que en el restaurante nos hagan trabajar 14 horas, que el dueño se quede con
                # nuestra tarjeta del banco".
                r"\b(me|nos) (hacen|hagan|hace|haga|ponen a|obligan a) trabajar\b",
                r"\b(make|makes|made|making) (me|us) work\b",
                r"\bllev(o|amos) (\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|varios|varias|mas de)\b",
                r"\bdonde (trabajo|trabajamos|vivo|vivimos)\b",
                # Batch W: "my boss said i should just sign or i go back to the room".
                r"\bmy (boss|employer|manager|madam|madame|sponsor|supervisor|foreman) (said|says|told|tells)\b",
                r"\bmi (jefe|jefa|patron|patrona|encargado|encargada) (me |nos )?(dice|dijo|dicen)\b",
                # Batch AB: "the agency in Kathmandu told 1200 riyal, here they pay 600... the supervisor say I must
                # finish 3 years first".
                r"\bhere (they|he|she) (pay|pays|paid|give|gives|gave|cut|cuts|take|takes|make|makes)\b",
                r"\b(the |my |our )?(supervisor|boss|foreman|manager|madam|sponsor|kafeel|owner) "
                r"(say|says|said|tell|tells|told) (me |us )?(i|we) (must|have to|cannot|can ?not|cant)\b",
                r"\baqui (me |nos )?(pagan|dan|quitan|cobran|descuentan|obligan)\b",
                # Batch AD: "I am housemaid in Riyadh since 8 months, salary not given since 4 months".
                r"\b(i am|i'?m|we are|we'?re) (a |an )?(housemaid|maid|nanny|domestic worker|caregiver|carer|cleaner|"
                r"helper|farm worker|fisherman|driver) (in|at|for)\b",
                r"\bsince (\d+|one|two|three|four|five|six|seven|eight|nine|ten|many) (days|weeks|months|years)\b",
                r"\b(soy|somos) (empleada|empleadas|trabajadora|trabajadoras|nana|ninera|interna|internas|cuidadora) "
                r"(en|de|con|para)\b",
                r"\bdesde que (llegue|llegamos)\b",
                r"\b(estoy|estamos) trabajando\b",
                # Batch AK: "Mine says 2 years and I'm not allowed off the farm until then. He keeps my visa papers."
                r"\b(i'?m|i am|we'?re|we are) (not|never) (allowed|let) (off|out of|to leave|to go out of) "
                r"(the|this|his|her|their) (farm|site|boat|ship|vessel|compound|camp|property|premises|house|factory|"
                r"ranch|dorm)\b",
                r"\bno (me|nos) (dejan|deja) salir (de la|del|de esta|de este) (finca|rancho|obra|barco|campamento|"
                r"fabrica|casa|granja|taller|bodega|predio|galera)\b",
            ],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__({**self.get_default_config(), **config})
        from bot.safety.danger import DangerDetector

        self.detector = DangerDetector.from_file()

    def _is_described_offer(
        self,
        text: str,
        intent: dict[str, Any],
        signals: tuple[str, ...],
        routing: dict | None = None,
        router_must_agree: bool = False,
    ) -> bool:
        """The classifiers take the message for a job offer, the message talks about one (the offer router,
        bot/nlu/offer.py, read it as an offer, or it names one; only the router counts with `router_must_agree`),
        and the rules found nothing but its terms."""
        folded = fold(text)
        talks_about_an_offer = bool((routing or {}).get("offer")) or (
            not router_must_agree and any(fold(cue) in folded for cue in self.config["offer_cues"])
        )
        return (
            intent.get(INTENT_NAME_KEY) == self.config["offer_intent"]
            and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.config["offer_confidence"]
            and set(signals) <= set(self.config["offer_signals"])
            and talks_about_an_offer
        )

    def _writer_is_in_it(self, text: str, reading: Any, probability: float | None, thresholds: Any) -> bool:
        """The danger classifier leans to danger and the writer says they are already there (`in_it_cues`), and
        nothing makes the words harmless: no joke, film, trivial object, hypothetical or story that is over (an
        everyday routine only when the danger classifier is sure)."""
        from bot.safety.danger import ONGOING, ROUTINE

        if probability is None or probability < thresholds.agreement or reading.over:
            return False
        harmless = set(reading.frames) - {ONGOING} - ({ROUTINE} if probability >= thresholds.alone else set())
        if harmless:
            return False
        return self._says_already_there(text)

    def _says_already_there(self, text: str) -> bool:
        """One of `in_it_cues`: the writer is already in the job or the house."""
        folded = fold(text)
        return any(re.search(cue, folded) for cue in self.config["in_it_cues"])

    def process_one(self, message: Message) -> None:
        from bot.safety.danger import HYPOTHETICAL, PLEA
        from bot.safety.tiers import (
            CHECK_IN,
            DANGER_CLASSIFIER,
            DOUBTED,
            EMERGENCY,
            IN_IT,
            MIN_WORDS_FOR_DOUBT_ALONE,
            NONE,
            RULES,
            SURVIVOR,
            Thresholds,
            Tier,
            decide,
        )

        intent = message.get(INTENT) or {}
        text = message.get(UNTRUNCATED_TEXT) or _text(message)
        reading = self.detector.assess(text)
        said_danger = intent.get(INTENT_NAME_KEY) == DANGER_INTENT
        probability = message.get(DANGER_PROBABILITY)
        if not isinstance(probability, int | float):
            probability = None  # no danger classifier in this pipeline
        thresholds = Thresholds(**{field.name: float(self.config[field.name]) for field in fields(Thresholds)})
        words = len(text.split())
        tier = decide(reading, said_danger, probability, thresholds, words=words)
        if tier.by == RULES and reading.match is not None and not said_danger:
            # An offer's terms, for the job-offer check to explain: the rules found only what offers describe, or
            # the classifiers doubted them (DOUBTED) on what DIET and the offer router take for an offer
            # ("first month unpaid, we keep your ID": a practice to warn about, not a writer in danger now). Danger
            # words set aside in a frame count too: "they keep my ID and say I must 'atender' at parties" is no offer.
            # Not when the writer says they are already there (batch X: "¿es legal que el empleador no te deje salir
            # del edificio...? llevo 5 semanas así"; W: "they want me to sign before they give back my ID and my boss
            # said i should just sign"): those are no offer's terms. Asked, as a worker asking whether it is right
            # would be (below), with the numbers underneath.
            signals = () if DOUBTED in tier.frames else (*reading.match.signals, *reading.set_aside)
            if self._is_described_offer(text, intent, signals, message.get("offer_routing")):
                there = self._says_already_there(text)
                tier = Tier(CHECK_IN, RULES, (*tier.frames, IN_IT)) if there else Tier(NONE, None, tier.frames)
        no_danger_words = reading.match is None and not reading.set_aside and not said_danger
        if tier.name in (CHECK_IN, EMERGENCY) and tier.by in (DANGER_CLASSIFIER, RULES) and no_danger_words:
            # The danger classifier alone, or only a hurry ("reply fast, flight is next Tuesday"), on what the
            # classifiers took for a job offer: the offer's terms ("they keep the passports") are for the job-offer
            # check to explain, not a reason to ask or alarm. When the danger classifier is sure, a word like
            # "offered" is not enough: the offer router, which learnt cries for help as not offers, must read an
            # offer too ("me ofrecieron trabajo en camboya... nos tienen en un complejo con guardias armados").
            sure = (probability or 0.0) >= thresholds.alone
            if self._is_described_offer(text, intent, (), message.get("offer_routing"), router_must_agree=sure):
                tier = Tier(NONE, None, tier.frames)
        if (
            tier.name == CHECK_IN
            and tier.by == RULES
            and reading.match is None
            and not reading.set_aside
            and PLEA in tier.frames
            and intent.get(INTENT_NAME_KEY) == CANT_TALK_INTENT
        ):
            # Only a plea ("cant talk, will write later", "no puedo hablar mucho rato") that DIET reads as "I can't
            # talk": its reply is the silent path, with the numbers, how to write by SMS or WhatsApp and how to delete
            # the chat. Asking "are you safe?" again would loop a person who just pressed "I can't talk now".
            tier = Tier(NONE, None, tier.frames)
        if tier.name == NONE and self._writer_is_in_it(text, reading, probability, thresholds):
            # The emergency reply when the danger classifier is sure and the rules found nothing. When the rules
            # found only an offer's terms, set aside above, the check-in: the same words come from a worker asking
            # whether it is right ("I work on a coffee farm, the boss keeps our passports in the office safe, he
            # gives them back when we travel, is that right?", J3) and from one held with them ("ya estoy aqui, me
            # dicen que tengo que 'atender' en fiestas, tienen mi identificacion", M), at the same probabilities.
            sure = (probability or 0.0) >= thresholds.alone and reading.match is None
            tier = Tier(EMERGENCY if sure else CHECK_IN, DANGER_CLASSIFIER, (*tier.frames, IN_IT))
        if (
            tier.name == NONE
            and reading.dismissed
            and HYPOTHETICAL not in reading.frames
            and (probability or 0.0) >= thresholds.agreement
            and words >= MIN_WORDS_FOR_DOUBT_ALONE
            and not self._is_described_offer(text, intent, (), message.get("offer_routing"))
        ):
            # A situation asked about as a question ("is it normal that the boss locks the dorm gate at night and
            # keeps all our passports? just asking", batch AJ's only miss, at 0.85), told at length, that the danger
            # classifier leans to and that is neither a hypothetical nor an offer's terms: ask, with the numbers
            # underneath. The rules' question reading alone left it unanswered about danger. On the labelled set and
            # batches A to AJ no ordinary message came this way.
            tier = Tier(CHECK_IN, DANGER_CLASSIFIER, tier.frames)
        if (
            tier.name == NONE
            and intent.get(INTENT_NAME_KEY) == SURVIVOR_INTENT
            and (probability or 0.0) >= float(self.config["agreement"])
        ):
            # DIET heard a past story, the danger classifier hears danger, the rules saw no ending: ask.
            tier = Tier(CHECK_IN, DANGER_CLASSIFIER, tier.frames)
        forced = {EMERGENCY: DANGER_INTENT, CHECK_IN: CHECK_IN_INTENT, SURVIVOR: SURVIVOR_INTENT}.get(tier.name)
        if forced:
            # Kept even when DIET was unsure: the fallback after us would otherwise answer "I didn't understand".
            self._force(message, forced)
        elif said_danger:
            self._take_runner_up(message)
        # Why the message got its reply, for maintainers and `make eval`. Signal ids and frame names only, never
        # the words that matched: this is stored with the conversation.
        signals = reading.match.signals if reading.match is not None else reading.set_aside
        decision = {
            "tier": tier.name,
            "danger": tier.name == EMERGENCY,
            "by": tier.by,
            "signals": list(signals) if tier.by == RULES else [],
            # Rule signals inside a frame (a joke, the news, an everyday object, a story that is over).
            "set_aside": list(reading.set_aside),
            "frames": list(tier.frames),
            "intent_classifier": said_danger,
            "intent_check_in": intent.get(INTENT_NAME_KEY) == CHECK_IN_INTENT,
            "danger_classifier": None if probability is None else probability >= float(self.config["agreement"]),
        }
        message.set(DANGER_DECISION, decision, add_to_output=True)

    @staticmethod
    def _force(message: Message, name: str) -> None:
        # The others drop to 0 so the FallbackClassifier after us sees neither low confidence nor a tie.
        ranking = [
            {**r, PREDICTED_CONFIDENCE_KEY: 0.0}
            for r in message.get(INTENT_RANKING) or []
            if r.get(INTENT_NAME_KEY) != name
        ]
        forced = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING, [forced, *ranking], add_to_output=True)

    def _take_runner_up(self, message: Message) -> None:
        """DIET's danger guess was not confirmed: its next guess takes over.

        That guess is trusted only if DIET gave it a real share (`runner_up_floor`); otherwise it keeps its own
        low confidence and the fallback asks the person to rephrase, instead of answering a guess made of noise.
        Intents with lasting effects (`runner_up_never`: forget me deletes the conversation) are never promoted.
        """
        ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get(INTENT_NAME_KEY) != DANGER_INTENT]
        if not ranking:
            message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
            return
        best = ranking[0]
        confidence = float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if (
            confidence >= float(self.config["runner_up_floor"])
            and best[INTENT_NAME_KEY] not in self.config["runner_up_never"]
        ):
            confidence = 1.0
        runner_up = {INTENT_NAME_KEY: best[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: confidence}
        message.set(INTENT, runner_up, add_to_output=True)
        message.set(
            INTENT_RANKING,
            [runner_up, *({**r, PREDICTED_CONFIDENCE_KEY: 0.0} for r in ranking[1:])],
            add_to_output=True,
        )
