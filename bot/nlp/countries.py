"""Find the countries a message mentions ("estoy en guate", "I'm in the States", "soy catracho").

Help is local: the hotline someone should call depends on the country they are in, so this finder fills the
`country` slot with an ISO 3166-1 alpha-2 code. It is built only from data/countries.yml (no downloaded
model): a blank spaCy pipeline with an EntityRuler whose token patterns are generated from that file,
accent-free spellings included. A wrong country means a wrong hotline, so ambiguous words are handled
conservatively: forms that are ordinary words ("US", "usa", "Chile") count only when written exactly or
right after a telling word, and phrases such as "latin america" are recognised and thrown away.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc

from bot import datafile
from bot.nlp.tokens import Token, iter_words, strip_accents, tokenize
from bot.paths import DATA_DIR

logger = logging.getLogger(__name__)

DEFAULT_PATH = DATA_DIR / "countries.yml"
# Messages longer than this are cut before matching: a country named after 10k characters of pasted text
# is not worth making every message slow for, and it keeps the finder's time bounded.
MAX_CHARS = 10_000

# EntityRuler labels: how a match must be treated after matching.
_PLAIN = "COUNTRY"
_EXACT = "COUNTRY_EXACT"  # case-sensitive form: ignored in all-capitals messages
_AFTER = "COUNTRY_AFTER"  # first token is only context, not part of the country
_NOT = "NOT_COUNTRY"  # a longer phrase that hides a country word ("latin america")


@dataclass(frozen=True)
class CountryMatch:
    """One mention of a country; offsets index the text given to `find`."""

    code: str
    text: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class CountryEntry:
    """One country as described in data/countries.yml."""

    code: str
    name: Mapping[str, str]
    names: Sequence[str] = ()
    demonyms: Sequence[str] = ()
    places: Sequence[str] = ()
    exact_case: Sequence[str] = ()
    after: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CountryEntry:
        """Read and check one entry, so a typo in the data file fails at load time, not in a chat."""
        code = str(data.get("code", ""))
        if len(code) != 2 or not code.isascii() or not code.isalpha() or not code.isupper():
            raise ValueError(f"country code must be two capital letters (ISO 3166-1 alpha-2), got {code!r}")
        name = data.get("name") or {}
        if not isinstance(name, Mapping) or not name.get("en") or not name.get("es"):
            raise ValueError(f"{code}: `name` needs a display name for en and es")
        after = data.get("after") or {}
        if not isinstance(after, Mapping):
            raise ValueError(f"{code}: `after` must map a form to the words it must follow")
        return cls(
            code=code,
            name={str(k): str(v) for k, v in name.items()},
            names=_strings(data.get("names"), code, "names"),
            demonyms=_strings(data.get("demonyms"), code, "demonyms"),
            places=_strings(data.get("places"), code, "places"),
            exact_case=_strings(data.get("exact_case"), code, "exact_case"),
            after={str(k): _strings(v, code, f"after.{k}") for k, v in after.items()},
        )


def _strings(value: Any, code: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{code}: `{key}` must be a list of non-empty strings")
    return tuple(value)


def _variants(form: str) -> set[str]:
    """The form as written and without accents: people type "mexico", "peru", "hondureno"."""
    return {form, strip_accents(form)}


def _lower_pattern(form: str) -> list[dict[str, Any]]:
    return [{"LOWER": word.lower()} for word in iter_words(form)]


def _exact_pattern(form: str) -> list[dict[str, Any]]:
    return [{"ORTH": word} for word in iter_words(form)]


class CountryFinder:
    """Recognises country names, short forms, demonyms and unambiguous cities in English and Spanish."""

    def __init__(self, countries: Sequence[CountryEntry], not_countries: Iterable[str] = ()) -> None:
        if not countries:
            raise ValueError("no countries given")
        self._countries: dict[str, CountryEntry] = {}
        for country in countries:
            if country.code in self._countries:
                raise ValueError(f"country {country.code} is listed twice")
            self._countries[country.code] = country
        self._nlp = spacy.blank("xx")
        self._ruler = self._nlp.add_pipe("entity_ruler")
        self._ruler.add_patterns(self._patterns(countries, not_countries))

    @classmethod
    def from_file(cls, path: Path | None = None) -> CountryFinder:
        """Build the finder from data/countries.yml (or another file in the same format)."""
        return cls.from_dict(datafile.read(path or DEFAULT_PATH) or {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CountryFinder:
        """Build the finder from already-parsed data (the structure of data/countries.yml)."""
        countries = [CountryEntry.from_dict(entry) for entry in data.get("countries") or []]
        return cls(countries, _strings(data.get("not_countries"), "not_countries", "not_countries"))

    @staticmethod
    def _patterns(countries: Sequence[CountryEntry], not_countries: Iterable[str]) -> list[dict[str, Any]]:
        """Turn the data into EntityRuler patterns, refusing a form claimed by two countries."""
        owner: dict[tuple[str, ...], str] = {}
        patterns: list[dict[str, Any]] = []

        def claim(form: str, code: str, kind: str = "") -> None:
            words = tuple(iter_words(form if kind == "exact" else strip_accents(form).lower()))
            if not words:
                raise ValueError(f"{code}: empty form {form!r}")
            key = (kind, *words)
            if owner.setdefault(key, code) != code:
                raise ValueError(f"{form!r} is listed for both {owner[key]} and {code}")

        for phrase in not_countries:
            claim(phrase, "-")
            for variant in _variants(phrase):
                patterns.append({"label": _NOT, "pattern": _lower_pattern(variant), "id": "-"})
        for country in countries:
            code = country.code
            for form in (*country.names, *country.demonyms, *country.places):
                claim(form, code)
                for variant in _variants(form):
                    patterns.append({"label": _PLAIN, "pattern": _lower_pattern(variant), "id": code})
            for form in country.exact_case:
                claim(form, code, "exact")
                for variant in _variants(form):
                    patterns.append({"label": _EXACT, "pattern": _exact_pattern(variant), "id": code})
            for form, before in country.after.items():
                claim(form, code, "after")
                words = sorted({v.lower() for word in before for v in _variants(word)})
                for variant in _variants(form):
                    pattern = [{"LOWER": {"IN": words}}, *_lower_pattern(variant)]
                    patterns.append({"label": _AFTER, "pattern": pattern, "id": code})
        return patterns

    def find(self, text: str) -> list[CountryMatch]:
        """All country mentions in `text`, in order. Never raises: bad input gives []."""
        if not isinstance(text, str) or not text:
            return []
        text = text[:MAX_CHARS]
        try:
            return self._find(text)
        except Exception:  # a chat must never break on a strange message; log it and move on
            logger.exception("country finder failed on a message of %d characters", len(text))
            return []

    def _find(self, text: str) -> list[CountryMatch]:
        tokens = tokenize(text)
        if not tokens:
            return []
        doc = Doc(self._nlp.vocab, words=[t.text for t in tokens], spaces=[True] * len(tokens))
        doc = self._ruler(doc)
        matches = []
        for ent in doc.ents:
            label, start = ent.label_, ent.start
            if label == _NOT:
                continue
            if label == _AFTER:
                start += 1
            if label == _EXACT and _shouted(tokens, ent.start, ent.end):
                continue
            first, last = tokens[start], tokens[ent.end - 1]
            matches.append(CountryMatch(ent.ent_id_, text[first.start : last.end], first.start, last.end))
        return matches

    def find_codes(self, text: str) -> list[str]:
        """The distinct country codes mentioned in `text`, first mention first."""
        return list(dict.fromkeys(match.code for match in self.find(text)))

    def name(self, code: str, language: str) -> str:
        """The country's display name in `language`; English, then the code itself, if there is none."""
        country = self._countries.get(code.upper()) if isinstance(code, str) else None
        if country is None:
            return str(code)
        return country.name.get(language) or country.name.get("en") or country.code

    def codes(self) -> list[str]:
        """Every country code the finder knows, in data-file order."""
        return list(self._countries)


def _shouted(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True when the rest of the message is in capitals, so "US" in "HELP US" is just a word."""
    letters = [c for i, t in enumerate(tokens) if not start <= i < end for c in t.text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


@functools.lru_cache(maxsize=1)
def default_finder() -> CountryFinder:
    """The finder for data/countries.yml, built once per process (tests may call `.cache_clear()`)."""
    return CountryFinder.from_file()
