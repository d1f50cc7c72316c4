"""Reading a pasted or described job offer: which red flags it shows, and which it rules out.

The form asks only what the text did not settle, so a person who already wrote "they keep my passport" is
not asked about the passport again, and one who wrote "I keep my passport" is not asked either. The reader
therefore returns both: `flags` (present, with the words that show it) and `absent`.

When the text says both, the warning wins: missing a warning costs more than asking one question too many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from bot.job_offer.amounts import WageFinder
from bot.job_offer.flags import FlagBook, default_flags, load_flags
from bot.job_offer.language import detect_language
from bot.job_offer.pipeline import FlagMatcher, Hit, build_pipeline
from bot.job_offer.text import DEFAULT_MAX_CHARS, clean, fold_same_length, lower_same_length


@dataclass(frozen=True)
class Evidence:
    """The words of the user's text that show (or rule out) a flag, so the answer can quote them."""

    flag: str
    text: str
    start: int
    end: int
    language: str


@dataclass
class OfferReading:
    """What one text says about the red flags."""

    language: str
    flags: dict[str, Evidence] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    absent_evidence: dict[str, Evidence] = field(default_factory=dict)

    @property
    def settled(self) -> set[str]:
        """Flags the text answered one way or the other."""
        return set(self.flags) | self.absent


class OfferReader:
    """Finds red flags in free text with the patterns of data/job_offer/red_flags.yml."""

    def __init__(
        self,
        book: FlagBook,
        pipelines: Mapping[str, Language] | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self.book = book
        self.max_chars = max_chars
        pipelines = dict(pipelines or {})
        self.matchers = {
            code: FlagMatcher(pipelines.get(code) or build_pipeline(code, book.rules.aliases.get(code)), book, code)
            for code in book.languages
        }
        self.wages = WageFinder(book.pay) if book.pay else None

    @classmethod
    def from_files(cls, red_flags: Path | str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> OfferReader:
        """The reader for the repository's data, or for another red-flag file (tests, reviews)."""
        book = load_flags(red_flags) if red_flags else default_flags()
        return cls(book, max_chars=max_chars)

    def read(self, text: str, language: str | None = None) -> OfferReading:
        """Flags present in and ruled out by `text`. Never raises on odd input: it reads as empty."""
        cleaned = clean(text, self.max_chars)
        code = self.book.language(language) if language else None
        if not cleaned.strip():
            return OfferReading(language=code or self.book.default_language)
        code = code or detect_language(cleaned, self.book.languages, self.book.default_language)
        lowered = lower_same_length(cleaned)
        positive: dict[str, list[Evidence]] = {}
        negative: dict[str, list[Evidence]] = {}
        # Every language's patterns run: people mix languages in one message.
        for lang, matcher in self.matchers.items():
            doc = matcher.nlp(lowered)
            for hit, kind in self._resolved_hits(doc, lang, matcher):
                words = cleaned[hit.start_char : hit.end_char]
                evidence = Evidence(hit.flag, words, hit.start_char, hit.end_char, lang)
                (positive if kind == "pos" else negative).setdefault(hit.flag, []).append(evidence)
        if self.wages:
            for wage in self.wages.too_high(fold_same_length(lowered)):
                evidence = Evidence(self.wages.rule.flag, cleaned[wage.start : wage.end], wage.start, wage.end, code)
                positive.setdefault(evidence.flag, []).append(evidence)
        reading = OfferReading(language=code)
        for flag_id in self.book.ids:
            if positive.get(flag_id):
                reading.flags[flag_id] = positive[flag_id][0]
            elif negative.get(flag_id):
                reading.absent.add(flag_id)
                reading.absent_evidence[flag_id] = negative[flag_id][0]
        return reading

    def _resolved_hits(self, doc: Doc, lang: str, matcher: FlagMatcher) -> list[tuple[Hit, str]]:
        """Hits after ignores, negation, hedging and overlaps: (hit, "pos" or "neg")."""
        rules = self.book.rules
        hits = matcher.hits(doc)
        ignores = [h for h in hits if h.kind == "ign"]
        kept: list[tuple[Hit, str, bool]] = []  # (hit, kind, kind came from a negation word)
        for hit in hits:
            if hit.kind == "ign" or any(_overlap(hit, i) for i in ignores if i.flag == hit.flag):
                continue
            breaks = rules.breaks.get(lang, frozenset())
            context = _before(doc, hit.start, rules.window, breaks)
            doubt = _before(doc, hit.start, rules.hedge_window, breaks)
            if any(t.text in rules.hedges.get(lang, frozenset()) for t in doubt):
                continue  # "I don't know if they keep it" settles nothing
            kind, negated = hit.kind, False
            flag = self.book.get(hit.flag)
            if kind == "pos" and flag is not None and flag.negation:
                negations = rules.negation.get(lang, frozenset())
                inside = list(doc[hit.start : hit.end]) if hit.near else []
                negated = any(t.norm_ in negations for t in context + inside)
                kind = "neg" if negated else kind
            kept.append((hit, kind, negated))
        resolved = []
        for hit, kind, negated in kept:
            rivals = [(h, n) for h, k, n in kept if h.flag == hit.flag and k != kind and _overlap(h, hit)]
            if kind == "pos":
                # A longer reassurance beats a warning ("I keep my passport" over "keep my passport"), and a
                # negation covers every warning inside the words it negates ("not be charged any fee").
                beaten = any((_length(h) > _length(hit) and not n) or (n and _inside(hit, h)) for h, n in rivals)
            elif negated:
                # A negated warning loses to any warning that reaches beyond it.
                beaten = any(not _inside(h, hit) for h, _ in rivals)
            else:
                beaten = any(_length(h) >= _length(hit) for h, _ in rivals)
            if not beaten:
                resolved.append((hit, kind))
        return resolved


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


def _inside(inner: Hit, outer: Hit) -> bool:
    return outer.start_char <= inner.start_char and inner.end_char <= outer.end_char


def _length(hit: Hit) -> int:
    return hit.end_char - hit.start_char


def _before(doc: Doc, start: int, window: int, breaks: frozenset[str]) -> list:
    """Up to `window` words before token `start`, stopping at punctuation or a clause break ("but", "pero")."""
    words = []
    for token in reversed(doc[max(0, start - window) : start]):
        if token.is_punct or token.is_space or token.norm_ in breaks:
            break
        words.append(token)
    return words
