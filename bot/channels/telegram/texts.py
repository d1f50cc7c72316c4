"""The gateway's own texts, per language, from data/channels/telegram.yml.

The gateway speaks for itself only when Rasa cannot (Rasa down, a photo, an expired button), and then it
must speak the user's language. Keeping those texts in a data file means a new language is a data change that
a translator can make without touching code; the numbers in them come from the referral directory
(bot/emergency.py), never typed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import datafile
from bot.emergency import directory
from bot.paths import DATA_DIR

DEFAULT_TEXTS_PATH = DATA_DIR / "channels" / "telegram.yml"

# Every language must be able to say these; the test suite checks the data file against this list.
REQUIRED_KEYS = (
    "label",
    "rasa_unavailable",
    "help",
    "busy",
    "forget_done",
    "forget_rasa_down",
    "choose_language",
    "choose_option",
    "button_expired",
    "unsupported",
    "commands",
)


def _fill(value: Any, fill) -> Any:
    """Numbers come from the referral directory: every [[placeholder]] of a text is filled in at load time."""
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, dict):
        return {key: _fill(item, fill) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Texts:
    """Looks texts up by language, falling back to the default language for anything missing."""

    default: str
    languages: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, path: Path = DEFAULT_TEXTS_PATH) -> Texts:
        """Reads the data file; fails loudly at start-up rather than sending a user a blank message."""
        data = datafile.read(Path(path)) or {}
        languages = data.get("languages") or {}
        default = data.get("default")
        if default not in languages:
            raise ValueError(f"{path}: `default` must name one of the languages {sorted(languages)}")
        missing = [key for key in REQUIRED_KEYS if key not in languages[default]]
        if missing:
            raise ValueError(f"{path}: the default language {default!r} lacks {missing}")
        book = directory()
        known = set(book.labels["unavailable"])
        filled = {
            code: _fill(entry or {}, lambda text, c=code: book.fill(text, c if c in known else default))
            for code, entry in languages.items()
        }
        return cls(default=default, languages=filled)

    @property
    def codes(self) -> list[str]:
        """Language codes in file order, as offered by /language."""
        return list(self.languages)

    def supported(self, code: str | None) -> str | None:
        """Maps a Telegram ``language_code`` ("es", "es-419", "en-GB") to a language we speak, or None."""
        if not code:
            return None
        base = code.split("-")[0].split("_")[0].lower()
        return base if base in self.languages else None

    def get(self, language: str | None, key: str, sub: str | None = None) -> str:
        """The text ``key`` (or ``key.sub``) in ``language``; the default language fills any gap."""
        for code in (language, self.default):
            entry = self.languages.get(code or "", {}).get(key)
            if sub is not None and isinstance(entry, dict):
                entry = entry.get(sub, entry.get("default"))
            if isinstance(entry, str) and entry:
                return entry
        raise KeyError(f"no text for {key}{'.' + sub if sub else ''}")
