"""Words placed around contact details, per language, read from data/referrals/_labels.yml.

Kept in data so that adding a language is a data change: a new block in _labels.yml and description texts.
"""

from __future__ import annotations

from pathlib import Path

from bot import datafile
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
    "last_checked",
    "when_you_call",
    "answered_by_ngo",
    "answered_by_government",
    "answered_by_police",
    "answered_by_other",
    "police_is_police",
    "police_sends_police",
    "police_with_consent",
    "police_passes_reports",
    "immigration_not_involved",
    "confidential",
    "not_confidential",
    "anonymous",
    "not_anonymous",
    "from_abroad",
    "not_from_abroad",
    "interpreters",
    "languages",
    "not_stated",
    "ns_answered_by",
    "ns_police",
    "ns_immigration",
    "ns_cost",
    "ns_confidential",
)
# Labels with a placeholder the text must keep.
PLACEHOLDERS = {"verified": "{date}", "last_checked": "{date}", "not_stated": "{items}"}


class LabelsError(ValueError):
    """The labels file is missing a language or a key."""


def load_labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """All languages of the labels file, each checked to have every key (and {date} in `verified`)."""
    file = Path(path) if path is not None else DEFAULT_LABELS_FILE
    raw = datafile.read(file)
    if not isinstance(raw, dict) or not raw:
        raise LabelsError(f"{file}: expected a mapping of language code to labels")
    for language, labels in raw.items():
        missing = [key for key in REQUIRED_KEYS if not isinstance(labels, dict) or not labels.get(key)]
        if missing:
            raise LabelsError(f"{file}: language {language!r} lacks labels: {', '.join(missing)}")
        for key, placeholder in PLACEHOLDERS.items():
            if placeholder not in labels[key]:
                raise LabelsError(f"{file}: language {language!r}: {key!r} must contain {placeholder}")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw.items()}
