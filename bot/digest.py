"""One short digest of a set of files: what a model was trained on, for publishing and for Rasa's cache.

Rasa reuses a cached component when its class source, config and inputs are unchanged; `fingerprint_addon` is its
hook for anything else a component reads. The offer router also reads the labelled offers, and both trained
components of bot/nlu compute their features in other modules: without a digest of those files, editing them
would leave the old component inside a "retrained" model (bot/nlu/components.py, bot/nlu/offer.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from bot.paths import REPO_ROOT


def digest(paths: Iterable[Path]) -> str:
    """16 hex digits over the files' names (relative to the repository) and bytes, in a stable order."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def module_files(*modules: str) -> list[Path]:
    """The source files of the named modules of this repository (e.g. "bot.safety.classifier")."""
    return [REPO_ROOT.joinpath(*module.split(".")).with_suffix(".py") for module in modules]
