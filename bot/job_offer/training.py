"""Training the learned half of the reader (`python -m bot job-offer train`), and loading it.

Steps, all deterministic:
1. read the labelled offers of data/job_offer/labelled_offers.yml (never the held-out or blind ones);
2. five-fold cross-validation: each offer is scored by classifiers trained without it, and read by the rules;
3. per sign, the lowest threshold at which "rule OR classifier" keeps its precision on those unseen scores at
   `TARGET_PRECISION` (or the best F0.5 when none does), so the classifier only adds what it adds reliably;
4. the classifiers are trained on every offer and written, with the thresholds and the cross-validated
   figures, to build/job_offer/sign_classifiers.json.

The file records a fingerprint of the data it came from; `load_or_train` retrains when the data changed, so
an action server started without `make` still reads with an up-to-date model.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.job_offer.flags import RED_FLAGS_FILE, default_flags
from bot.job_offer.labelled import TRAINING_FILE, LabelledOffer, training_offers
from bot.job_offer.signs import MODEL_FILE, SignClassifiers

logger = logging.getLogger(__name__)
FOLDS = 5
SEED = 0
C = 4.0
TARGET_PRECISION = 0.85
# Below this the classifier's "yes" is noise whatever the cross-validation says.
LOWEST_THRESHOLD = 0.3
CANDIDATES = tuple(round(x, 2) for x in np.arange(LOWEST_THRESHOLD, 0.96, 0.05))
_CODE = (Path(__file__).with_name("ngram.py"), Path(__file__).with_name("signs.py"), Path(__file__))


def fingerprint(paths: Sequence[Path] = (TRAINING_FILE, RED_FLAGS_FILE, *_CODE)) -> str:
    """What the model depends on: the labelled offers, the rules (they pick the thresholds) and this code."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def _counts(pred: Sequence[bool], truth: Sequence[bool]) -> tuple[int, int, int]:
    tp = sum(1 for p, t in zip(pred, truth, strict=True) if p and t)
    fp = sum(1 for p, t in zip(pred, truth, strict=True) if p and not t)
    fn = sum(1 for p, t in zip(pred, truth, strict=True) if t and not p)
    return tp, fp, fn


def _choose(probs: np.ndarray, rule_yes: list[bool], rule_no: list[bool], truth: list[bool]) -> tuple[float, dict]:
    """The threshold for one sign, and the cross-validated counts of the combined reader at it."""
    best: tuple[float, float, dict] | None = None
    for t in CANDIDATES:
        pred = [ry or (p >= t and not rn) for p, ry, rn in zip(probs, rule_yes, rule_no, strict=True)]
        tp, fp, fn = _counts(pred, truth)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        # Precise enough: the lowest such threshold (most recall). Otherwise the best balance towards precision.
        score = (1.0, -t) if precision >= TARGET_PRECISION else (0.0, f05)
        if best is None or score > best[:2]:
            best = (*score, {"threshold": t, "tp": tp, "fp": fp, "fn": fn})
    assert best is not None
    return best[2]["threshold"], best[2]


def train(offers: Sequence[LabelledOffer] | None = None, c: float = C) -> SignClassifiers:
    """Classifiers for every sign of red_flags.yml, thresholds from cross-validation (see module docstring)."""
    from sklearn.model_selection import KFold

    from bot.job_offer.reader import OfferReader

    offers = list(offers if offers is not None else training_offers())
    signs = default_flags().ids
    texts = [o.text for o in offers]
    labels = {s: [s in o.flags for o in offers] for s in signs}
    rules = OfferReader.from_files(signs=None)
    readings = [rules.read(o.text, o.language) for o in offers]
    oof = {s: np.zeros(len(offers)) for s in signs}
    for train_idx, test_idx in KFold(FOLDS, shuffle=True, random_state=SEED).split(texts):
        fold = SignClassifiers.fit(
            [texts[i] for i in train_idx], {s: [labels[s][i] for i in train_idx] for s in signs}, c
        )
        for i, probs in zip(test_idx, fold.probabilities_many([texts[i] for i in test_idx]), strict=True):
            for s in signs:
                oof[s][i] = probs.get(s, 0.0)
    thresholds, figures = {}, {}
    for s in signs:
        rule_yes = [s in r.flags for r in readings]
        rule_no = [s in r.absent for r in readings]
        thresholds[s], figures[s] = _choose(oof[s], rule_yes, rule_no, labels[s])
    model = SignClassifiers.fit(texts, labels, c)
    about: dict[str, Any] = {
        "fingerprint": fingerprint(),
        "offers": len(offers),
        "positives": {s: sum(labels[s]) for s in signs},
        "cross_validated": figures,
        "folds": FOLDS,
        "c": c,
        "target_precision": TARGET_PRECISION,
    }
    return model.with_thresholds({s: t for s, t in thresholds.items() if s in model.scorers}, about)


def load_or_train(path: Path | str = MODEL_FILE) -> SignClassifiers | None:
    """The trained model from build/, retrained (and rewritten) when missing or made from other data.

    Returns None only if training itself fails, so the reader falls back to its rules.
    """
    path = Path(path)
    try:
        model = SignClassifiers.load(path)
        if model.about.get("fingerprint") == fingerprint():
            return model
        logger.warning("job-offer sign classifiers in %s were trained on other data; retraining", path)
    except (OSError, ValueError, KeyError):
        logger.warning("no job-offer sign classifiers in %s; training them now (make does this beforehand)", path)
    try:
        model = train()
    except Exception:
        logger.exception("could not train the job-offer sign classifiers; reading with the rules alone")
        return None
    try:
        model.save(path)
    except OSError:  # a read-only install (systemd's ProtectSystem): use it from memory, `make signs` next time
        logger.warning("could not write %s; the sign classifiers stay in memory", path)
    return model
