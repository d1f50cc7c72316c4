"""Is a new model worse than the one it would replace, or is the difference the noise of one training?

Two trainings on the same data differ by a few held-out examples (DIET is not exactly repeatable, and fine-tuning
moves the weights a little): a fixed tolerance on the accuracy either refuses good models by that noise or, set
wide enough, lets accuracy drift down. Comparing the two models example by example tells them apart: only the
examples one model gets right and the other wrong say anything, and if the new model is no worse, each of them is
as likely to go one way as the other. McNemar's exact test asks how surprising the split is under that
assumption (Dietterich 1998, "Approximate statistical tests for comparing supervised classification learning
algorithms", recommends it for two classifiers scored on one test set).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

# A model is refused when a split this lopsided would happen by chance less than once in twenty.
ALPHA = 0.05


def key(text: str, language: str = "") -> str:
    """A short name for one held-out example (the text itself is not copied into the model archive)."""
    return hashlib.sha256(f"{language}\0{text}".encode()).hexdigest()[:16]


def changes(before: Mapping[str, bool], after: Mapping[str, bool]) -> tuple[int, int]:
    """On the examples both were scored on: (right before and wrong after, wrong before and right after)."""
    shared = before.keys() & after.keys()
    newly_wrong = sum(1 for k in shared if before[k] and not after[k])
    newly_right = sum(1 for k in shared if after[k] and not before[k])
    return newly_wrong, newly_right


def p_worse(newly_wrong: int, newly_right: int) -> float:
    """One-sided exact p-value of "the new model is worse": the chance of at least `newly_wrong` of the changed
    examples going wrong if each changed example went either way with even odds."""
    from scipy.stats import binomtest  # installed with Rasa; imported here, only `make publish` needs it

    n = newly_wrong + newly_right
    if n == 0:
        return 1.0
    return float(binomtest(newly_wrong, n, 0.5, alternative="greater").pvalue)


def significantly_worse(newly_wrong: int, newly_right: int, alpha: float = ALPHA) -> bool:
    return p_worse(newly_wrong, newly_right) < alpha
