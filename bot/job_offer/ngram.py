"""Linear models over character and word n-grams, stored as plain JSON: the learned half of the reader.

The same family as the danger classifier (bot/safety/classifier.py), for the same reasons: training is
deterministic (the same offers give the same model, so a figure in the README stays true), a few hundred
labelled offers train in seconds, and the file holds only vocabularies and numbers, so loading it cannot run
code the way a pickle can. One n-gram space is shared by every sign; each sign has its own weights.

Text is folded before counting: lower case, no accents, every digit a 0 ("$2,800" and "$3,500" look alike),
and a letter typed three times or more counted twice ("urgenteee").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.job_offer.text import fold

_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_SPACE = re.compile(r"\s+")
# Character n-grams inside word boundaries survive typos and missing accents; word pairs keep a little order
# ("pay back", "se descuenta"). An n-gram seen in a single offer says nothing general and is dropped.
_KINDS: dict[str, dict[str, Any]] = {
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2},
    "word": {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b", "min_df": 2},
}
MAX_CHARS = 6000


def plain(text: str) -> str:
    """The form an offer is counted in (see the module docstring)."""
    text = fold(str(text or "")[:MAX_CHARS])
    text = _DIGIT.sub("0", text)
    text = _REPEAT.sub(r"\1\1", text)
    return _SPACE.sub(" ", text).strip()


def _vectoriser(kind: str, vocabulary: Mapping[str, int] | None = None) -> TfidfVectorizer:
    settings = dict(_KINDS[kind])
    if vocabulary is not None:
        settings.pop("min_df")
    return TfidfVectorizer(lowercase=False, sublinear_tf=True, vocabulary=vocabulary, **settings)


@dataclass(frozen=True)
class NgramSpace:
    """The shared features: TF-IDF over character and word n-grams of the plain text."""

    vectorisers: dict[str, TfidfVectorizer]

    @classmethod
    def fit(cls, texts: Sequence[str]) -> NgramSpace:
        plain_texts = [plain(t) for t in texts]
        vectorisers = {kind: _vectoriser(kind) for kind in _KINDS}
        for vectoriser in vectorisers.values():
            vectoriser.fit(plain_texts)
        return cls(vectorisers)

    @property
    def width(self) -> int:
        return sum(len(v.vocabulary_) for v in self.vectorisers.values())

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        plain_texts = [plain(t) if isinstance(t, str) else "" for t in texts]
        return hstack([v.transform(plain_texts) for v in self.vectorisers.values()]).tocsr()

    def to_json(self) -> dict[str, Any]:
        return {
            kind: {"vocabulary": {t: int(i) for t, i in v.vocabulary_.items()}, "idf": [round(x, 6) for x in v.idf_]}
            for kind, v in self.vectorisers.items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NgramSpace:
        if set(data) != set(_KINDS):
            raise ValueError("n-gram space file does not match this code: retrain")
        vectorisers = {}
        for kind in _KINDS:
            vectoriser = _vectoriser(kind, data[kind]["vocabulary"])
            vectoriser.idf_ = np.array(data[kind]["idf"], dtype=float)
            if len(vectoriser.idf_) != len(data[kind]["vocabulary"]):
                raise ValueError("n-gram space file is inconsistent: retrain")
            vectorisers[kind] = vectoriser
        return cls(vectorisers)


@dataclass(frozen=True)
class LinearScorer:
    """Weights of one logistic regression in an NgramSpace: a probability per text."""

    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, features: csr_matrix, labels: Sequence[bool], c: float) -> LinearScorer:
        """Classes are weighted by their size: a sign shown by one offer in ten still counts."""
        y = np.array([bool(x) for x in labels])
        if y.all() or not y.any():
            raise ValueError("a classifier needs offers with and without the sign")
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="lbfgs")
        model.fit(features, y)
        return cls(model.coef_[0].copy(), float(model.intercept_[0]))

    def probabilities(self, features: csr_matrix) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))

    def to_json(self) -> dict[str, Any]:
        return {"coef": [round(float(x), 6) for x in self.coef], "intercept": round(self.intercept, 6)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], width: int) -> LinearScorer:
        coef = np.array(data["coef"], dtype=float)
        if coef.shape != (width,):
            raise ValueError("classifier weights do not match the n-gram space: retrain")
        return cls(coef, float(data["intercept"]))
