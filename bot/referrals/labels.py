"""Words placed around contact details, per language, read from data/referrals/_labels.yml.

Kept in data so that adding a language is a data change: a new block in _labels.yml and description texts.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.referrals.seeds import DEFAULT_SEED_DIR

DEFAULT_LABELS_FILE = DEFAULT_SEED_DIR / "_labels.yml"
REQUIRED_KEYS = (
    "call",
    "sms",
    "whatsapp",
    "web",
    "email",
    "app",
    "tty",
    "hours",
    "open_24_7",
    "free",
    "not_free",
    "international",
    "verified",
)


class LabelsError(ValueError):
    """The labels file is missing a language or a key."""


def load_labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """All languages of the labels file, each checked to have every key (and {date} in `verified`)."""
    file = Path(path) if path is not None else DEFAULT_LABELS_FILE
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise LabelsError(f"{file}: expected a mapping of language code to labels")
    for language, labels in raw.items():
        missing = [key for key in REQUIRED_KEYS if not isinstance(labels, dict) or not labels.get(key)]
        if missing:
            raise LabelsError(f"{file}: language {language!r} lacks labels: {', '.join(missing)}")
        if "{date}" not in labels["verified"]:
            raise LabelsError(f"{file}: language {language!r}: 'verified' must contain {{date}}")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw.items()}
