"""Reading data/safety/danger_patterns.yml into plain objects the detector compiles.

The file is the single place where the danger rules live, so that a caseworker can review and extend them
without reading Python. This module only checks its shape and normalises spellings in it the same way
messages are normalised (so a pattern may be written with accents and still match text without them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import datafile
from bot.language import supported_codes
from bot.paths import DATA_DIR
from bot.safety.normalise import CLAUSE_PUNCT, LanguageRules, strip_accents

DEFAULT_PATH = DATA_DIR / "safety" / "danger_patterns.yml"
LANGUAGES = supported_codes()  # data/languages.yml: a new language is a data change
WHEN = ("always", "not_question", "with_context")
# Kinds of frame a message can put around danger words (issue 19), see "FRAMES" in the data file.
FRAME_KINDS = (
    "joke", "fiction", "trivial", "routine", "hypothetical", "plea", "ending", "ending_dated", "past", "ongoing",
    "earnest",
)
# A token slot that may be any word but never crosses clause punctuation: "{GAP: 2}" in the data file.
_GAP_TOKEN: dict[str, Any] = {"TEXT": {"NOT_IN": list(CLAUSE_PUNCT)}, "OP": "?"}
_STRING_ATTRS = {"LOWER", "LEMMA", "NORM", "ORTH", "TEXT"}

# A match item is either a phrase (str) or a spaCy Matcher pattern (list of token dicts).
MatchItem = str | list[dict[str, Any]]


class PatternFileError(ValueError):
    """The danger pattern file is malformed: fail loudly at load time, never while a user waits."""


@dataclass(frozen=True)
class Group:
    """Patterns of one signal in one language that share a firing condition."""

    signal: str
    lang: str
    when: str
    items: tuple[MatchItem, ...]
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageData:
    rules: LanguageRules
    negators: frozenset[str]
    question_frames: tuple[MatchItem, ...]
    now_markers: tuple[MatchItem, ...]
    not_danger: tuple[MatchItem, ...]
    offer_markers: tuple[MatchItem, ...]
    frames: dict[str, tuple[MatchItem, ...]]
    generic_frames: tuple[MatchItem, ...]
    clause_breaks: frozenset[str]
    fuzzy_protect: frozenset[str]


@dataclass(frozen=True)
class PatternData:
    signals: tuple[str, ...]
    languages: dict[str, LanguageData]
    groups: tuple[Group, ...]
    fuzzy_min_length: int = 5
    sources: dict[str, str] = field(default_factory=dict)
    # Emoji that frame a message (the tokeniser drops emoji): {"joke": ("😂", ...)}.
    frame_emoji: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with the project's one reader (YAML 1.2: only true/false are booleans)."""
    return datafile.read(path)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return strip_accents(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _token(spec: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(spec, dict) or not spec:
        raise PatternFileError(f"{where}: token must be a non-empty mapping, got {spec!r}")
    if "GAP" in spec:
        return [dict(_GAP_TOKEN) for _ in range(int(spec["GAP"]))]
    token: dict[str, Any] = {}
    for attr, value in spec.items():
        if attr in _STRING_ATTRS and attr != "ORTH":
            value = _plain(value)
            value = value.lower() if isinstance(value, str) else value
            if isinstance(value, dict):
                value = {k: [str(v).lower() for v in vs] if isinstance(vs, list) else vs for k, vs in value.items()}
        token[attr] = value
    return [token]


def _items(raw: Any, where: str, required: bool = True) -> tuple[MatchItem, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not raw:
        raise PatternFileError(f"{where}: expected a non-empty list of phrases or token patterns")
    items: list[MatchItem] = []
    for i, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            items.append(item)
        elif isinstance(item, list) and item:
            pattern: list[dict[str, Any]] = []
            for spec in item:
                pattern.extend(_token(spec, f"{where}[{i}]"))
            items.append(pattern)
        else:
            raise PatternFileError(f"{where}[{i}]: not a phrase or a token pattern: {item!r}")
    return tuple(items)


def _frames(code: str, raw: dict[str, Any]) -> dict[str, tuple[MatchItem, ...]]:
    unknown = set(raw) - set(FRAME_KINDS)
    if unknown:
        raise PatternFileError(f"languages.{code}.frames: unknown kinds {sorted(unknown)} (known: {FRAME_KINDS})")
    return {kind: _items(raw.get(kind), f"languages.{code}.frames.{kind}", required=False) for kind in FRAME_KINDS}


def _language(code: str, raw: dict[str, Any]) -> LanguageData:
    rules = LanguageRules(
        replacements={str(k).lower(): str(v) for k, v in (raw.get("replacements") or {}).items()},
        suffixes={str(k).lower(): str(v) for k, v in (raw.get("suffixes") or {}).items()},
        spanish_k=bool(raw.get("spanish_k", False)),
    )
    return LanguageData(
        rules=rules,
        negators=frozenset(w.lower() for w in raw.get("negators") or ()),
        question_frames=_items(raw.get("question_frames"), f"languages.{code}.question_frames"),
        now_markers=_items(raw.get("now_markers"), f"languages.{code}.now_markers"),
        not_danger=_items(raw.get("not_danger"), f"languages.{code}.not_danger", required=False),
        offer_markers=_items(raw.get("offer_markers"), f"languages.{code}.offer_markers", required=False),
        frames=_frames(code, raw.get("frames") or {}),
        generic_frames=_items(raw.get("generic_frames"), f"languages.{code}.generic_frames", required=False),
        clause_breaks=frozenset(strip_accents(str(w)).lower() for w in raw.get("clause_breaks") or ()),
        fuzzy_protect=frozenset(w.lower() for w in raw.get("fuzzy_protect") or ()),
    )


def load(path: Path | None = None) -> PatternData:
    """Read and check the danger pattern file."""
    path = path or DEFAULT_PATH
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("signals"), list):
        raise PatternFileError(f"{path}: needs a `signals:` list")
    languages = {code: _language(code, (raw.get("languages") or {}).get(code) or {}) for code in LANGUAGES}
    signals: list[str] = []
    groups: list[Group] = []
    sources: dict[str, str] = {}
    for entry in raw["signals"]:
        sid = entry.get("id")
        if not sid or sid in signals:
            raise PatternFileError(f"{path}: signal without id or duplicated: {sid!r}")
        if not entry.get("source"):
            raise PatternFileError(f"{path}: signal {sid} has no source")
        signals.append(sid)
        sources[sid] = str(entry["source"]).strip()
        for lang in LANGUAGES:
            for n, group in enumerate(entry.get(lang) or ()):
                where = f"{sid}.{lang}[{n}]"
                when = group.get("when", "always")
                if when not in WHEN:
                    raise PatternFileError(f"{where}: when must be one of {WHEN}")
                context = tuple(strip_accents(str(c)).lower() for c in group.get("context") or ())
                if when == "with_context" and not context:
                    raise PatternFileError(f"{where}: with_context needs a context list")
                groups.append(Group(sid, lang, when, _items(group.get("match"), where), context))
        for lang in LANGUAGES:
            if not any(g.signal == sid and g.lang == lang for g in groups):
                raise PatternFileError(f"{path}: signal {sid} has no {lang} patterns")
    return PatternData(
        signals=tuple(signals),
        languages=languages,
        groups=tuple(groups),
        fuzzy_min_length=int((raw.get("fuzzy") or {}).get("min_length", 5)),
        sources=sources,
        frame_emoji=_frame_emoji(path, raw.get("frame_emoji") or {}),
    )


def _frame_emoji(path: Path, raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or set(raw) - set(FRAME_KINDS):
        raise PatternFileError(f"{path}: frame_emoji maps frame kinds {FRAME_KINDS} to lists of emoji")
    return {kind: tuple(str(e) for e in emoji or ()) for kind, emoji in raw.items()}
