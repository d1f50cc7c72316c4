"""A dialogue policy that asks "English or Español?" when a conversation's first message does not tell.

Guessing the default language on a first message is a coin toss lost by every English speaker in the US,
Canada and Belize. The language detector (bot/language.py, in the NLU pipeline) says `language_unsure` when the
words, the marker lists and the channel's hint all leave the language open; on the first user message of a
conversation this policy then answers with `utter_ask_language` (both languages, two buttons) and waits. Later
messages keep the language the conversation has (the `language` slot is sticky), and a cry for help is never
delayed by the question: the danger intents, forget requests and explicit language switches are left to the rules.

A policy rather than a rule because the condition ("the first message of the conversation, and the detector was
unsure") is about the whole conversation and the parse, which rules cannot express without listing every intent.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.components import LANGUAGE_UNSURE

ASK_LANGUAGE = "utter_ask_language"
# Never delayed by the question: danger first, and requests that are answered the same in any language.
NEVER_ASK_FOR = ("report_danger", "danger_check_in", "cant_talk", "survivor_story", "switch_language", "forget_me")


def should_ask(tracker: DialogueStateTracker) -> bool:
    """True on the conversation's first user message when the detector could not tell its language."""
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    if len(users) != 1 or tracker.latest_action_name != ACTION_LISTEN_NAME:
        return False
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    intent = (parse.get("intent") or {}).get("name")
    return bool(parse.get(LANGUAGE_UNSURE)) and intent not in NEVER_ASK_FOR


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguageQuestionPolicy(Policy):
    """Asks the language on an unclear first message (see the module docstring); abstains otherwise."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Above the RulePolicy (6): on that one message the question comes first, whatever a rule would say.
        return {"priority": 7}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, rule_only_data: dict[str, Any] | None = None, **kwargs: Any
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if ASK_LANGUAGE in domain.action_names_or_texts:
            if should_ask(tracker):
                probabilities[domain.index_for_action(ASK_LANGUAGE)] = 1.0
            elif tracker.latest_action_name == ASK_LANGUAGE:
                probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageQuestionPolicy:
        return cls(config, model_storage, resource, execution_context)
