"""Is this message a job offer to check? The decision behind bot.nlu.offer.OfferRouter.

DIET routes short questions well but not pasted offers: training examples are cut to 30 words, and a long
WhatsApp advert full of emoji, prices and places looks like nothing it has seen (issue 18: 8 of 30 pasted
offers got an unrelated answer card). Two opinions decide instead, on the whole text:

- cues (data/job_offer/routing.yml): an offer talks about a job and says several of pay, a place, how to
  apply, travel and terms. The router counts the kinds of cue a message shows;
- a logistic regression over n-grams (bot/job_offer/ngram.py) trained on data/nlu (ask_job_offer_safe against
  every other intent) and on the labelled offers: the probability that the message is an offer to check.

A message is an offer when the model is sure of it, or fairly sure and the cues agree. A question about rights
("can my boss keep my passport?") shows job words and little else, so it stays with the answer cards. Short
messages (an answer to a question, "yes they want 300") are never taken for a pasted offer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.job_offer.flags import DATA_DIR, load_yaml
from bot.job_offer.ngram import LinearScorer, NgramSpace
from bot.job_offer.text import fold

ROUTING_FILE = DATA_DIR / "routing.yml"
OFFER_INTENT = "ask_job_offer_safe"
_WORDS = re.compile(r"\S+")


def _alternation(words: Sequence[str]) -> re.Pattern[str]:
    parts = sorted({fold(w) for w in words if str(w).strip()}, key=len, reverse=True)
    body = "|".join(re.escape(p) + (r"(?![\w])" if p[-1].isalnum() else "") for p in parts)
    return re.compile(rf"(?<![\w])(?:{body})" if body else r"(?!x)x")


@dataclass(frozen=True)
class RoutingRules:
    """The reviewed settings and word lists of routing.yml."""

    min_kinds: int
    with_cues: float
    alone: float
    min_words: int
    danger_backed: float
    cues: dict[str, re.Pattern[str]]
    rights: re.Pattern[str]

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> RoutingRules:
        def merged(value: Any) -> list[str]:
            return [str(w) for words in (value or {}).values() for w in words or ()]

        return cls(
            min_kinds=int(raw.get("min_kinds", 2)),
            with_cues=float(raw.get("with_cues", 0.5)),
            alone=float(raw.get("alone", 0.85)),
            min_words=int(raw.get("min_words", 8)),
            danger_backed=float(raw.get("danger_backed", 0.5)),
            cues={str(kind): _alternation(merged(words)) for kind, words in (raw.get("cues") or {}).items()},
            rights=_alternation(merged(raw.get("rights_questions"))),
        )

    @classmethod
    def from_file(cls, path: Path | str = ROUTING_FILE) -> RoutingRules:
        return cls.from_data(load_yaml(path) or {})


@dataclass(frozen=True)
class OfferDecision:
    """What the router made of one message; stored with the parse (kinds and numbers only, never words)."""

    offer: bool
    probability: float
    kinds: tuple[str, ...] = ()
    rights_question: bool = False
    words: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "probability": round(self.probability, 3),
            "kinds": list(self.kinds),
            "rights_question": self.rights_question,
        }


@dataclass(frozen=True)
class OfferDetector:
    """Cues plus a learned probability (see the module docstring)."""

    rules: RoutingRules
    space: NgramSpace | None = None
    scorer: LinearScorer | None = None
    about: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(
        cls, texts: Sequence[str], is_offer: Sequence[bool], rules: RoutingRules | None = None, c: float = 4.0
    ) -> OfferDetector:
        space = NgramSpace.fit(texts)
        scorer = LinearScorer.fit(space.transform(texts), is_offer, c)
        about = {"examples": len(texts), "offers": int(sum(bool(x) for x in is_offer))}
        return cls(rules or default_rules(), space, scorer, about)

    def probability(self, text: str) -> float:
        if self.space is None or self.scorer is None:
            return 0.0
        return float(self.scorer.probabilities(self.space.transform([text]))[0])

    def kinds(self, text: str, place: bool = False) -> tuple[str, ...]:
        """The kinds of offer cue in `text`; `place` adds one for a country found elsewhere in the pipeline."""
        folded = fold(text)
        found = [kind for kind, pattern in self.rules.cues.items() if pattern.search(folded)]
        if place and "place" not in found:
            found.append("place")
        return tuple(found)

    def decide(self, text: str, place: bool = False) -> OfferDecision:
        text = str(text or "")
        words = len(_WORDS.findall(text))
        kinds = self.kinds(text, place)
        others = [k for k in kinds if k != "job"]
        rights = bool(self.rules.rights.search(fold(text))) and len(others) < self.rules.min_kinds
        probability = self.probability(text)
        enough_cues = bool({"job", "offer"} & set(kinds)) and len(others) >= self.rules.min_kinds
        offer = (
            words >= self.rules.min_words
            and not rights
            and (probability >= self.rules.alone or (probability >= self.rules.with_cues and enough_cues))
        )
        return OfferDecision(offer, probability, kinds, rights, words)

    def to_json(self) -> dict[str, Any]:
        if self.space is None or self.scorer is None:
            raise ValueError("an untrained detector cannot be saved")
        return {"space": self.space.to_json(), "scorer": self.scorer.to_json(), "about": self.about}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], rules: RoutingRules | None = None) -> OfferDetector:
        space = NgramSpace.from_json(data["space"])
        return cls(
            rules or default_rules(),
            space,
            LinearScorer.from_json(data["scorer"], space.width),
            dict(data.get("about") or {}),
        )


@lru_cache(maxsize=1)
def default_rules() -> RoutingRules:
    return RoutingRules.from_file()


def training_examples(nlu_examples: Sequence[tuple[str, str]]) -> tuple[list[str], list[bool]]:
    """Texts and labels for the router: NLU examples (offer intent or not) plus every labelled training offer."""
    from bot.job_offer.labelled import training_offers

    texts = [text for text, _ in nlu_examples]
    labels = [intent == OFFER_INTENT for _, intent in nlu_examples]
    offers = [o.text for o in training_offers()]
    return texts + offers, labels + [True] * len(offers)
