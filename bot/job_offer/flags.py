"""The red flags of a job offer, loaded from reviewed data (data/job_offer/red_flags.yml).

Everything the check says or looks for lives in that file, so reviewers can change a question, a reason or a
pattern without touching code, and every item carries its source. This module only loads and validates it:
a missing translation or a duplicate id fails loudly at start-up rather than as a blank message to a person
who may be about to accept a dangerous offer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import datafile, paths
from bot.job_offer.ages import AgeRule
from bot.job_offer.employer import EmployerRule
from bot.job_offer.text import fold

DATA_DIR = paths.DATA_DIR / "job_offer"
RED_FLAGS_FILE = DATA_DIR / "red_flags.yml"


def load_yaml(path: Path | str) -> Any:
    """Parse a data file with the project's one reader (YAML 1.2: "no" and "off" are words; no key twice)."""
    return datafile.read_unique(path)


@dataclass(frozen=True)
class NearRule:
    """Words of every set within `within` words of each other, in any order, in one sentence.

    Sequence patterns miss the many ways people order a sentence ("our passports stay locked in his
    office"); a few sets of words that must appear together catch them.
    """

    within: int
    sets: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PatternSet:
    """Phrases, spaCy Matcher token patterns and near rules for one language, as written by reviewers."""

    phrases: tuple[str, ...] = ()
    tokens: tuple[tuple[dict[str, Any], ...], ...] = ()
    near: tuple[NearRule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.phrases or self.tokens or self.near)


@dataclass(frozen=True)
class RedFlag:
    """One warning sign: how to ask about it, how to spot it in free text, and why it matters."""

    id: str
    order: int
    label: dict[str, str]
    # How the flag reads in the list of checks that passed ("You keep your own documents").
    passed: dict[str, str]
    question: dict[str, str]
    why: dict[str, str]
    source: tuple[str, ...]
    patterns: dict[str, PatternSet]
    negative_patterns: dict[str, PatternSet]
    ignore_patterns: dict[str, PatternSet]
    # Words that show the flag only when the sentence, or the one before, names what it is about
    # (`weak_context`): "se descuenta del sueldo" is a travel debt after "el pasaje", not after "los impuestos".
    weak_patterns: dict[str, PatternSet] = field(default_factory=dict)
    weak_context: dict[str, frozenset[str]] = field(default_factory=dict)
    # Words that say a weak match is about something else when its own sentence names no `weak_context` word
    # ("housing, $60 a week, deducted from your pay" after a sentence about the visa is not a travel debt).
    weak_other: dict[str, frozenset[str]] = field(default_factory=dict)
    # Whether a "not" just before a match turns it into evidence that the flag is absent.
    negation: bool = True
    # How much the sign counts towards the graded result (bot/job_offer/result.py): 1 a warning, 2 an ILO
    # indicator of forced labour, 3 serious on its own (an offer aimed at children).
    weight: int = 1


@dataclass(frozen=True)
class ReadingRules:
    """Per-language words that change what a match means (negation, hedging, clause boundaries)."""

    window: int
    negation: dict[str, frozenset[str]]
    hedges: dict[str, frozenset[str]]
    breaks: dict[str, frozenset[str]]
    # How far back a word of doubt reaches ("what should I do if my employer keeps my passport?").
    hedge_window: int = 6
    # Chat spellings read as the full word ("q" -> "que", "u" -> "you"), per language.
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    # Words that forbid what they stand next to ("fees are prohibited", "es ilegal cobrar"), and words that do
    # so after a negation ("nadie está autorizado para cobrar", "not allowed to keep your passport").
    prohibitions: dict[str, frozenset[str]] = field(default_factory=dict)
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    # How far after a match a prohibition reaches ("charging a fee is illegal"), within the clause.
    after_window: int = 4
    # Words that end that reach after a match ("he keeps my passport, which is illegal" stays a warning).
    after_breaks: dict[str, frozenset[str]] = field(default_factory=dict)
    # Negative words that deny a match from inside it ("charge no fees", "cobrar por ningún trámite").
    inside_negation: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PayRule:
    """When a stated wage is far above ordinary pay: the "too good to be true" amounts."""

    flag: str
    limits: dict[str, float]
    periods: dict[str, tuple[str, ...]]
    rate_words: frozenset[str]
    connectors: tuple[str, ...]
    multipliers: dict[str, float]
    currencies: dict[str, float]
    source: tuple[str, ...] = ()
    # A bare "$" that may be pesos: its factor then, and the words that tell (see red_flags.yml, bare_dollar).
    bare_symbol: str = ""
    bare_local_factor: float = 1.0
    bare_local_words: tuple[str, ...] = ()
    bare_dollar_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagBook:
    """All red flags in the order the form asks them, plus the rules for reading free text."""

    languages: tuple[str, ...]
    default_language: str
    flags: tuple[RedFlag, ...]
    rules: ReadingRules
    pay: PayRule | None = None
    ages: AgeRule | None = None
    employer: EmployerRule | None = None
    _by_id: dict[str, RedFlag] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({flag.id: flag for flag in self.flags})

    @property
    def ids(self) -> list[str]:
        return [flag.id for flag in self.flags]

    def get(self, flag_id: str) -> RedFlag | None:
        return self._by_id.get(flag_id)

    def language(self, code: str | None) -> str:
        """The supported language closest to `code` ("es-MX" -> "es"), else the default."""
        base = (code or "").strip().lower().replace("_", "-").split("-")[0]
        return base if base in self.languages else self.default_language


def _texts(raw: Any, what: str, flag_id: str, languages: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"red flag {flag_id!r}: {what} must map language codes to texts")
    texts = {code: str(raw.get(code) or "").strip() for code in languages}
    missing = [code for code, text in texts.items() if not text]
    if missing:
        raise ValueError(f"red flag {flag_id!r}: {what} has no text for {', '.join(missing)}")
    return texts


def _pattern_sets(raw: Any, languages: tuple[str, ...]) -> dict[str, PatternSet]:
    raw = raw or {}
    sets: dict[str, PatternSet] = {}
    for code in languages:
        block = raw.get(code) or {}
        phrases = tuple(str(p) for p in block.get("phrases") or () if str(p).strip())
        tokens = tuple(tuple(dict(t) for t in pattern) for pattern in block.get("tokens") or () if pattern)
        rules = block.get("near") or ()
        if not all(isinstance(rule, dict) for rule in rules):
            raise ValueError("each near rule must be a mapping {within: n, sets: [[...], ...]}")
        near = tuple(
            NearRule(
                within=int(rule.get("within", 5)),
                sets=tuple(tuple(str(w) for w in words) for words in rule.get("sets") or () if words),
            )
            for rule in rules
        )
        if any(len(rule.sets) < 2 for rule in near):
            raise ValueError("a near rule needs at least two sets of words")
        sets[code] = PatternSet(phrases=phrases, tokens=tokens, near=near)
    return sets


def _words(raw: Any, languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    raw = raw or {}
    return {code: frozenset(str(w).lower() for w in raw.get(code) or ()) for code in languages}


def _folded_words(raw: Any, languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """`_words` accent-folded, for words compared with the folded text ("credito" for "crédito")."""
    return {code: frozenset(fold(w) for w in words) for code, words in _words(raw, languages).items()}


def _pay_rule(raw: Any, languages: tuple[str, ...]) -> PayRule | None:
    if not raw:
        return None
    periods = {
        period: tuple(str(w) for code in languages for w in (words or {}).get(code) or ())
        for period, words in (raw.get("period_words") or {}).items()
    }
    currencies = {
        str(word): float(item["factor"]) for item in raw.get("currencies") or () for word in item.get("words") or ()
    }
    bare = raw.get("bare_dollar") or {}
    return PayRule(
        flag=str(raw["flag"]),
        limits={str(k): float(v) for k, v in (raw.get("limits") or {}).items()},
        periods=periods,
        rate_words=frozenset(str(w) for w in raw.get("rate_words") or ()),
        connectors=tuple(str(w) for code in languages for w in (raw.get("connectors") or {}).get(code) or ()),
        multipliers={str(k): float(v) for k, v in (raw.get("multipliers") or {}).items()},
        currencies=currencies,
        source=tuple(str(s) for s in raw.get("source") or ()),
        bare_symbol=str(bare.get("symbol") or ""),
        bare_local_factor=float(bare.get("local_factor", 1.0)),
        bare_local_words=tuple(str(w) for w in bare.get("local_words") or ()),
        bare_dollar_words=tuple(str(w) for w in bare.get("dollar_words") or ()),
    )


def parse_flags(raw: dict[str, Any]) -> FlagBook:
    """Build a FlagBook from the parsed YAML, raising ValueError on anything a reviewer must fix."""
    if not isinstance(raw, dict) or not isinstance(raw.get("flags"), list):
        raise ValueError("red flags data must be a mapping with a `flags` list")
    languages = tuple(str(code) for code in raw.get("languages") or ("en", "es"))
    default = str(raw.get("default_language") or languages[0])
    if default not in languages:
        raise ValueError(f"default_language {default!r} is not one of {languages}")
    flags: list[RedFlag] = []
    for item in raw["flags"]:
        flag_id = str(item.get("id") or "").strip()
        if not flag_id:
            raise ValueError("every red flag needs an id")
        source = item.get("source")
        source = (source,) if isinstance(source, str) else tuple(str(s) for s in source or ())
        if not source:
            raise ValueError(f"red flag {flag_id!r} has no source")
        flags.append(
            RedFlag(
                id=flag_id,
                order=int(item.get("order", 0)),
                label=_texts(item.get("label"), "label", flag_id, languages),
                passed=_texts(item.get("passed"), "passed", flag_id, languages),
                question=_texts(item.get("question"), "question", flag_id, languages),
                why=_texts(item.get("why"), "why", flag_id, languages),
                source=source,
                patterns=_pattern_sets(item.get("patterns"), languages),
                negative_patterns=_pattern_sets(item.get("negative_patterns"), languages),
                ignore_patterns=_pattern_sets(item.get("ignore_patterns"), languages),
                weak_patterns=_pattern_sets(item.get("weak_patterns"), languages),
                weak_context=_folded_words(item.get("weak_context"), languages),
                weak_other=_folded_words(item.get("weak_other"), languages),
                negation=bool(item.get("negation", True)),
                weight=int(item.get("weight", 1)),
            )
        )
    ids = [flag.id for flag in flags]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate red flag ids: {', '.join(duplicates)}")
    reading = raw.get("reading") or {}
    rules = ReadingRules(
        window=int(reading.get("negation_window", 3)),
        hedge_window=int(reading.get("hedge_window", 6)),
        negation=_words(reading.get("negation"), languages),
        hedges=_words(reading.get("hedges"), languages),
        breaks=_words(reading.get("clause_breaks"), languages),
        aliases={
            code: {str(k).lower(): str(v).lower() for k, v in ((reading.get("aliases") or {}).get(code) or {}).items()}
            for code in languages
        },
        prohibitions=_words(reading.get("prohibitions"), languages),
        permissions=_words(reading.get("permissions"), languages),
        after_window=int(reading.get("after_window", 4)),
        after_breaks=_words(reading.get("after_breaks"), languages),
        inside_negation=_words(reading.get("inside_negation"), languages),
    )
    pay = _pay_rule(raw.get("high_pay"), languages)
    if pay and pay.flag not in ids:
        raise ValueError(f"high_pay refers to unknown flag {pay.flag!r}")
    ages = AgeRule.from_data(raw["ages"]) if raw.get("ages") else None
    employer = EmployerRule.from_data(raw["employer"]) if raw.get("employer") else None
    for section, rule in (("ages", ages), ("employer", employer)):
        if rule and rule.flag not in ids:
            raise ValueError(f"{section} refers to unknown flag {rule.flag!r}")
    return FlagBook(
        languages=languages,
        default_language=default,
        flags=tuple(sorted(flags, key=lambda f: (f.order, f.id))),
        rules=rules,
        pay=pay,
        ages=ages,
        employer=employer,
    )


def load_flags(path: Path | str | None = None) -> FlagBook:
    """Read and validate the red-flag file (the default one unless `path` is given)."""
    source = Path(path) if path else RED_FLAGS_FILE
    return parse_flags(load_yaml(source) or {})


@lru_cache(maxsize=1)
def default_flags() -> FlagBook:
    """The repository's red flags, read once; tests pass their own FlagBook instead of patching this."""
    return load_flags()
