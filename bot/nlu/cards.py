"""Only a card the response selector is sure of is given: otherwise "I didn't understand" (with the numbers).

DIET may be sure a message is an FAQ question while the response selector hesitates between cards, or picks
a card for text that is no question at all (a pasted `<img src=x>` once got the card about prevention
campaigns, with its source line, as if it had been asked). Answering with an unrelated card, under a source
and a review date, is worse than asking to rephrase. So after the response selector: when the best card's
confidence is below `threshold`, or too close to the runner-up (`margin`), the intent becomes `nlu_fallback`,
which the two-stage fallback answers (data/rules/fallback.yml); both of its replies carry the emergency numbers.
A message the danger decision took for danger is never touched.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import DANGER_INTENT, INTENT_RANKING, _RuleComponent

RESPONSE_SELECTOR = "response_selector"
FALLBACK_INTENT = "nlu_fallback"


def card_confidences(message: Message, retrieval_intent: str) -> list[float]:
    """The response selector's confidences for the retrieval intent's cards, best first."""
    selector = (message.get(RESPONSE_SELECTOR) or {}).get(retrieval_intent) or {}
    ranking = selector.get("ranking") or []
    values = [float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for item in ranking]
    if not values:
        best = (selector.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY)
        values = [float(best)] if best is not None else []
    return sorted(values, reverse=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CardConfidenceGate(_RuleComponent):
    """Turns an unsure card choice into the fallback (see the module docstring). Place after ResponseSelector."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.5, "margin": 0.15}

    def process_one(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != self.config["retrieval_intent"]:
            return
        scores = card_confidences(message, self.config["retrieval_intent"])
        best = scores[0] if scores else 0.0
        second = scores[1] if len(scores) > 1 else 0.0
        if best >= float(self.config["threshold"]) and best - second >= float(self.config["margin"]):
            return
        fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get(INTENT_NAME_KEY) != DANGER_INTENT]
        message.set(INTENT, fallback, add_to_output=True)
        message.set(INTENT_RANKING, [fallback, *ranking], add_to_output=True)
        message.set("card_gate", {"best": round(best, 3), "second": round(second, 3)}, add_to_output=True)
