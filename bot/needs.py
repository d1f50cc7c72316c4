"""Which kind of help a message asks for ("a lawyer", "mi hija", "un albergue"), from data/needs.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot import datafile
from bot.language import fold
from bot.paths import DATA_DIR

NEEDS_FILE = DATA_DIR / "needs.yml"


@dataclass
class NeedFinder:
    keywords: dict[str, list[str]]

    @classmethod
    def from_file(cls, path: Path | None = None) -> NeedFinder:
        raw = datafile.read(path or NEEDS_FILE)
        return cls({need: [fold(str(w)) for w in words] for need, words in raw["needs"].items()})

    def find(self, text: str) -> str | None:
        """The first need (in file order) whose keyword starts a word of the message; None if none does."""
        if not isinstance(text, str) or not text:
            return None
        folded = " " + re.sub(r"\s+", " ", fold(text[:2000])) + " "
        for need, words in self.keywords.items():
            if any(re.search(r"(?<![a-z0-9])" + re.escape(word), folded) for word in words):
                return need
        return None
