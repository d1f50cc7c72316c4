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
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

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


def _vectoriser(kind: str) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer  # training only: 40 MB a server need not hold

    return TfidfVectorizer(lowercase=False, sublinear_tf=True, **_KINDS[kind])


def _char_wb(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's `char_wb` analyser: the n-grams of each word padded with a space on each side."""
    grams = []
    for word in _SPACE.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
            if len(padded) <= n:  # a short word is counted once, as a whole
                break
    return grams


def _word(text: str, pattern: re.Pattern[str], low: int, high: int) -> list[str]:
    """scikit-learn's `word` analyser: the tokens, then their runs of `low`..`high` tokens joined by a space."""
    tokens = pattern.findall(text)
    return [" ".join(tokens[i : i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1)]


@dataclass(frozen=True)
class _Features:
    """One kind of n-gram: its vocabulary and IDF, read the way scikit-learn's TfidfVectorizer reads them."""

    kind: str
    vocabulary: dict[str, int]
    idf: np.ndarray

    def grams(self, text: str) -> list[str]:
        settings = _KINDS[self.kind]
        low, high = settings["ngram_range"]
        if settings["analyzer"] == "char_wb":
            return _char_wb(text, low, high)
        return _word(text, re.compile(settings["token_pattern"]), low, high)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values: 1 + log(count), times IDF, scaled to unit length (sublinear TF-IDF, l2)."""
        counts = Counter(i for g in self.grams(text) if (i := self.vocabulary.get(g)) is not None)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[columns]
        norm = float(np.sqrt(values @ values))
        return columns, values / norm if norm else values


@dataclass(frozen=True)
class NgramSpace:
    """The shared features: TF-IDF over character and word n-grams of the plain text.

    scikit-learn learns the vocabularies and IDF weights (`fit`); reading a text with them is done here, the same
    way (tests/test_job_offer_signs.py compares the two), so the action server need not import scikit-learn.
    """

    features: tuple[_Features, ...]

    @classmethod
    def fit(cls, texts: Sequence[str]) -> NgramSpace:
        plain_texts = [plain(t) for t in texts]
        fitted = []
        for kind in _KINDS:
            vectoriser = _vectoriser(kind).fit(plain_texts)
            vocabulary = {t: int(i) for t, i in vectoriser.vocabulary_.items()}
            fitted.append(_Features(kind, vocabulary, np.asarray(vectoriser.idf_, dtype=float)))
        return cls(tuple(fitted))

    @property
    def width(self) -> int:
        return sum(len(f.vocabulary) for f in self.features)

    def _row(self, plain_text: str) -> tuple[np.ndarray, np.ndarray]:
        columns, values, offset = [], [], 0
        for features in self.features:
            c, v = features.row(plain_text)
            columns.append(c + offset)
            values.append(v)
            offset += len(features.vocabulary)
        return np.concatenate(columns), np.concatenate(values)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        rows = [self._row(plain(t) if isinstance(t, str) else "") for t in texts]
        indptr = np.cumsum([0, *(len(columns) for columns, _ in rows)])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return csr_matrix((values, columns, indptr), shape=(len(texts), self.width))

    def to_json(self) -> dict[str, Any]:
        return {
            f.kind: {"vocabulary": f.vocabulary, "idf": [round(float(x), 6) for x in f.idf]} for f in self.features
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NgramSpace:
        if set(data) != set(_KINDS):
            raise ValueError("n-gram space file does not match this code: retrain")
        features = []
        for kind in _KINDS:
            vocabulary = {str(t): int(i) for t, i in data[kind]["vocabulary"].items()}
            idf = np.array(data[kind]["idf"], dtype=float)
            if len(idf) != len(vocabulary):
                raise ValueError("n-gram space file is inconsistent: retrain")
            features.append(_Features(kind, vocabulary, idf))
        return cls(tuple(features))


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
        from sklearn.linear_model import LogisticRegression  # training only

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
