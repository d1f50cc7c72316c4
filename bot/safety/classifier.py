"""A second statistical opinion on danger, for the messages the phrase rules cannot read.

DIET, the intent classifier, is sure of itself even when it is wrong: it has called "sos un bot?" and "mi
hermana trabaja en un bar y esta contenta" danger at confidence 1.0, so its confidence cannot be used to
tell a real cry for help from a misfire. A second model of a different kind, trained on the same examples,
errs on different messages; asking both to agree before the emergency reply is given on statistics alone
removes most single-model misfires and keeps what both learned. This one is a logistic regression over
character and word n-grams:

- deterministic: the same training data gives the same model (DIET on CPU does not), so a danger decision
  does not change from one training to the next;
- calibrated enough to threshold: it answers with a probability, not a softmax pushed to 0 or 1;
- stored as plain arrays and vocabularies (JSON), not a pickle, so a model file cannot run code when loaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.safety.normalise import base_normalise, clip
from bot.safety.patterns import read_yaml

FILE_NAME = "danger_scorer.json"
FORMAT_VERSION = 1

# Character n-grams inside word boundaries make "pasaporte", "pasaport" and "pasaprte" look alike (typos,
# missing accents); word pairs keep a little order ("took my", "me quitaron").
_VECTORISERS: dict[str, dict[str, Any]] = {
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5)},
    "word": {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"},
}


def normalise(text: str) -> str:
    """The plain form both training examples and messages are scored in: no accents, no emphasis, lower case."""
    return base_normalise(clip(text)).lower()


def listed_batches(config: dict[str, Any] | None, key: str) -> list[Path]:
    """The used blind batches a component's config.yml entry lists under `key` (repository paths), as paths: what
    it trains on and what its fingerprint covers (DangerClassifier's `examples_from`, OfferRouter's
    `not_offers_from`)."""
    from bot.paths import REPO_ROOT

    return [REPO_ROOT / path for path in (config or {}).get(key) or ()]


def batch_examples(paths: Sequence[Path]) -> tuple[list[str], list[bool]]:
    """The messages of blind danger batches (tests/safety/unseen), labelled danger or ordinary.

    Why: the intent examples in data/nlu were written beside the rules and are easy; the batches written blind hold
    the hard ordinary messages real people send (a bank debt, a parent's curfew, an airport gate, a survivor's
    update) that the rules read as danger. A classifier that has seen them can doubt a rule's alarm. Only batches
    already USED may be listed (their first score recorded): a batch trained on no longer measures anything.
    """
    texts: list[str] = []
    labels: list[bool] = []
    for path in paths:
        raw = read_yaml(Path(path)) or {}
        for label in ("danger", "ordinary"):
            for item in raw.get(label) or ():
                texts.append(str(item["text"]))
                labels.append(label == "danger")
    return texts, labels


def _vectoriser(kind: str, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(lowercase=False, sublinear_tf=True, vocabulary=vocabulary, **_VECTORISERS[kind])


@dataclass(frozen=True)
class DangerScorer:
    """Probability that a message reports danger now, from a linear model over n-grams."""

    vectorisers: dict[str, TfidfVectorizer]
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, texts: Sequence[str], is_danger: Sequence[bool], c: float = 10.0) -> DangerScorer:
        """Train on labelled examples. Both labels are needed; `c` is the inverse regularisation strength.

        Classes are weighted by their size: danger examples are few, and missing them costs most.
        """
        labels = np.array([bool(x) for x in is_danger])
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if labels.all() or not labels.any():
            raise ValueError("training needs examples of danger and of ordinary messages")
        plain = [normalise(t) for t in texts]
        vectorisers = {kind: _vectoriser(kind) for kind in _VECTORISERS}
        features = hstack([v.fit_transform(plain) for v in vectorisers.values()]).tocsr()
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="lbfgs")
        model.fit(features, labels)
        return cls(vectorisers, model.coef_[0].copy(), float(model.intercept_[0]))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        plain = [normalise(t) if isinstance(t, str) else "" for t in texts]
        features = hstack([v.transform(plain) for v in self.vectorisers.values()]).tocsr()
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))

    def probability(self, text: str) -> float:
        return float(self.probabilities([text])[0])

    def save(self, directory: Path) -> Path:
        """Write the model as JSON (vocabularies, idf weights, coefficients)."""
        data = {
            "format": FORMAT_VERSION,
            "vectorisers": {
                kind: {"vocabulary": {t: int(i) for t, i in v.vocabulary_.items()}, "idf": v.idf_.tolist()}
                for kind, v in self.vectorisers.items()
            },
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }
        path = Path(directory) / FILE_NAME
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> DangerScorer:
        data = json.loads((Path(directory) / FILE_NAME).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown danger scorer format {data.get('format')!r}: retrain the model")
        vectorisers = {}
        for kind, stored in data["vectorisers"].items():
            vectoriser = _vectoriser(kind, stored["vocabulary"])
            vectoriser.idf_ = np.array(stored["idf"])
            vectorisers[kind] = vectoriser
        coef = np.array(data["coef"])
        width = sum(len(v.vocabulary) for v in vectorisers.values())
        if coef.shape != (width,):
            raise ValueError("danger scorer file is inconsistent: retrain the model")
        return cls(vectorisers, coef, float(data["intercept"]))
