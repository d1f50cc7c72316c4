"""One classifier per warning sign, over the n-grams of the whole offer: the reader's learned half.

The phrase rules (red_flags.yml) read what they were written for and nothing else: on offers written blind
they found fewer than half of the signs (batch J1: recall 0.38). A classifier per sign, trained on the
labelled offers, picks up the many other ways people write the same thing ("we lend you the flight money",
"se lo vas pagando con tu trabajo"). Each sign has its own threshold, chosen when training from
predictions on offers the model had not seen (cross-validation), so that what it adds stays precise.

The model lives in build/ (git-ignored), written by `python -m bot job-offer train`; the Makefile runs it
before the action server needs it. Loading never runs code (JSON, not a pickle).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.job_offer.ngram import LinearScorer, NgramSpace
from bot.paths import BUILD_DIR

MODEL_FILE = BUILD_DIR / "job_offer" / "sign_classifiers.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SignClassifiers:
    """Probabilities per sign for a text, and the threshold above which each sign counts as read."""

    space: NgramSpace
    scorers: dict[str, LinearScorer]
    thresholds: dict[str, float] = field(default_factory=dict)
    # What the model was trained on, for the eval report (counts only, never texts).
    about: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Mapping[str, Sequence[bool]], c: float = 4.0) -> SignClassifiers:
        """Train one classifier per sign that has both positive and negative offers; others are skipped."""
        space = NgramSpace.fit(texts)
        features = space.transform(texts)
        scorers = {}
        for sign, targets in labels.items():
            if len(targets) != len(texts):
                raise ValueError(f"{sign}: {len(targets)} labels for {len(texts)} texts")
            if any(targets) and not all(targets):
                scorers[sign] = LinearScorer.fit(features, targets, c)
        return cls(space, scorers, {sign: 0.5 for sign in scorers})

    def with_thresholds(
        self, thresholds: Mapping[str, float], about: Mapping[str, Any] | None = None
    ) -> SignClassifiers:
        return SignClassifiers(self.space, self.scorers, dict(thresholds), dict(about or self.about))

    def probabilities_many(self, texts: Sequence[str]) -> list[dict[str, float]]:
        features = self.space.transform(texts)
        columns = {sign: scorer.probabilities(features) for sign, scorer in self.scorers.items()}
        return [{sign: float(column[i]) for sign, column in columns.items()} for i in range(len(texts))]

    def probabilities(self, text: str) -> dict[str, float]:
        return self.probabilities_many([text])[0]

    def present(self, probabilities: Mapping[str, float]) -> set[str]:
        """The signs whose probability reaches their threshold."""
        return {sign for sign, p in probabilities.items() if p >= self.thresholds.get(sign, 1.0)}

    def save(self, path: Path | str = MODEL_FILE) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT_VERSION,
            "space": self.space.to_json(),
            "signs": {sign: s.to_json() for sign, s in sorted(self.scorers.items())},
            "thresholds": {sign: round(t, 4) for sign, t in sorted(self.thresholds.items())},
            "about": self.about,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str = MODEL_FILE) -> SignClassifiers:
        """Read a trained model; ValueError if it is from another version of this code, OSError if missing."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown sign classifier format {data.get('format')!r}: retrain")
        space = NgramSpace.from_json(data["space"])
        scorers = {sign: LinearScorer.from_json(raw, space.width) for sign, raw in data["signs"].items()}
        thresholds = {sign: float(t) for sign, t in (data.get("thresholds") or {}).items()}
        return cls(space, scorers, thresholds, dict(data.get("about") or {}))
