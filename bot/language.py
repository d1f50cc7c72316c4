"""Which language a message is written in, and whether it asks for another one.

Every reply must be in the user's language, detected per message but sticky: "ok", "sí" or "🙏" must not flip
the conversation. So detection answers `None` whenever the message does not settle the question, and the caller
keeps the language it already has. The supported languages, their names and their marker words come from
`data/languages.yml`, so adding a language is a data change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from bot.paths import DATA_DIR

LANGUAGES_FILE = DATA_DIR / "languages.yml"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Long messages carry enough signal; cap the work on huge input.
_MAX_CHARS = 2000


def fold(text: str) -> str:
    """Lowercase and strip accents, because users often type without them ("espanol", "como")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class LanguageSpec:
    code: str
    lingua: str
    label: str
    names: frozenset[str]
    markers: frozenset[str]


@dataclass
class LanguageConfig:
    """The supported languages as declared in data/languages.yml."""

    default: str
    languages: list[LanguageSpec]
    neutral: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path | None = None) -> LanguageConfig:
        raw = yaml.safe_load((path or LANGUAGES_FILE).read_text(encoding="utf-8"))
        specs = [
            LanguageSpec(
                code=item["code"],
                lingua=item["lingua"],
                label=item["label"],
                names=frozenset(fold(str(n)) for n in item.get("names", [])),
                markers=frozenset(fold(str(m)) for m in item.get("markers", [])),
            )
            for item in raw["languages"]
        ]
        codes = [s.code for s in specs]
        if raw["default"] not in codes:
            raise ValueError(f"{path or LANGUAGES_FILE}: default language {raw['default']!r} is not in {codes}")
        return cls(
            default=raw["default"], languages=specs, neutral=frozenset(fold(str(w)) for w in raw.get("neutral", []))
        )

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.languages]


def supported_codes(path: Path | None = None) -> tuple[str, ...]:
    """The language codes every user-facing text must exist in, from data/languages.yml."""
    return tuple(LanguageConfig.load(path).codes)


class LanguageDetector:
    """Per-message language detection that prefers saying "don't know" over guessing.

    Uses the lingua library (accurate on short text, works offline, restricted to our languages) for real
    sentences, and the marker words from data for one- or two-word messages where statistics are unreliable.
    """

    def __init__(self, config: LanguageConfig, min_confidence: float = 0.8, min_confidence_short: float = 0.95):
        self.config = config
        self.min_confidence = min_confidence
        self.min_confidence_short = min_confidence_short

    @classmethod
    def from_file(cls, path: Path | None = None) -> LanguageDetector:
        return cls(LanguageConfig.load(path))

    @cached_property
    def _lingua(self):  # built lazily: loading the models takes a moment
        from lingua import Language, LanguageDetectorBuilder

        languages = [getattr(Language, spec.lingua) for spec in self.config.languages]
        if len(languages) == 1:
            return None
        return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

    def _code_for_lingua(self, language) -> str | None:
        for spec in self.config.languages:
            if spec.lingua == language.name:
                return spec.code
        return None

    def detect(self, text: str) -> str | None:
        """The language code the message is written in, or None when the message does not tell."""
        if not isinstance(text, str) or not text.strip():
            return None
        text = text[:_MAX_CHARS]
        words = [fold(w) for w in _WORD.findall(text)]
        informative = [w for w in words if w not in self.config.neutral]
        if not informative:
            return None
        marker_votes = {spec.code: sum(1 for w in informative if w in spec.markers) for spec in self.config.languages}
        voted = [code for code, votes in marker_votes.items() if votes]
        if len(voted) == 1 and marker_votes[voted[0]] == len(informative):
            return voted[0]
        # Several marker words of one language and none of another settle a short, typo-ridden message that the
        # statistical detector finds too short ("can I talk to a real person?", "is this jbo ofer safe").
        if len(voted) == 1 and marker_votes[voted[0]] >= 2 and marker_votes[voted[0]] * 3 >= len(informative):
            return voted[0]
        detector = self._lingua
        if detector is None:
            return self.config.languages[0].code
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        threshold = self.min_confidence if len(informative) >= 3 else self.min_confidence_short
        if best.value >= threshold:
            return self._code_for_lingua(best.language)
        return None

    def requested(self, text: str) -> str | None:
        """The language a message names ("in English please", "en español"), if exactly one is named."""
        if not isinstance(text, str):
            return None
        words = set(fold(w) for w in _WORD.findall(text[:_MAX_CHARS]))
        named = [spec.code for spec in self.config.languages if words & spec.names]
        return named[0] if len(named) == 1 else None
