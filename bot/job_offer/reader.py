"""Reading a pasted or described job offer: which red flags it shows, and which it rules out.

The form asks only what the text did not settle, so a person who already wrote "they keep my passport" is
not asked about the passport again, and one who wrote "I keep my passport" is not asked either. The reader
therefore returns both: `flags` (present, with the words that show it) and `absent`.

Two halves read the text:
- the rules (red_flags.yml: phrases, token patterns, near rules, wages, ages, employer names) give words a
  reviewer can check, and they are the only source of `absent`;
- the learned half (bot/job_offer/signs.py, one classifier per sign) adds a sign the rules did not see when its
  probability reaches the sign's threshold, unless the rules found the text rules that sign out ("no fees",
  "Green Acres LLC"). It never removes what a rule found.

When the text says both, the warning wins: missing a warning costs more than asking one question too many.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from bot.job_offer.ages import AgeFinder
from bot.job_offer.amounts import WageFinder
from bot.job_offer.employer import EmployerFinder
from bot.job_offer.flags import FlagBook, default_flags, load_flags
from bot.job_offer.language import detect_language
from bot.job_offer.pipeline import FlagMatcher, Hit, build_pipeline, sentence_numbers
from bot.job_offer.text import DEFAULT_MAX_CHARS, clean, fold_same_length, lower_same_length

if TYPE_CHECKING:
    from bot.job_offer.signs import SignClassifiers

RULES, MODEL = "rules", "model"
# A wage under this share of the "too good" limit for its period is ordinary pay.
ORDINARY_SHARE = 0.75
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evidence:
    """The words of the user's text that show (or rule out) a flag, so the answer can quote them."""

    flag: str
    text: str
    start: int
    end: int
    language: str
    # RULES: words a pattern matched; MODEL: the learned half's probability (no words to quote).
    by: str = RULES


@dataclass
class OfferReading:
    """What one text says about the red flags."""

    language: str
    flags: dict[str, Evidence] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    absent_evidence: dict[str, Evidence] = field(default_factory=dict)
    # The learned half's probability per sign (empty when it is not loaded), for evaluation and debugging.
    probabilities: dict[str, float] = field(default_factory=dict)
    # Signs the rules keep the learned half from adding without ruling them out (an ordinary stated wage).
    blocked: set[str] = field(default_factory=set)

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
        signs: SignClassifiers | None = None,
    ) -> None:
        self.book = book
        self.max_chars = max_chars
        self.signs = signs
        pipelines = dict(pipelines or {})
        self.matchers = {
            code: FlagMatcher(pipelines.get(code) or build_pipeline(code, book.rules.aliases.get(code)), book, code)
            for code in book.languages
        }
        self.wages = WageFinder(book.pay) if book.pay else None
        self.ages = AgeFinder(book.ages) if book.ages else None
        self.employer = EmployerFinder(book.employer) if book.employer else None

    @classmethod
    def from_files(
        cls,
        red_flags: Path | str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        signs: SignClassifiers | None | str = "trained",
    ) -> OfferReader:
        """The reader for the repository's data, or for another red-flag file (tests, reviews).

        `signs="trained"` loads the learned half from build/ (training it first if it is missing or stale);
        `signs=None` gives the rules alone.
        """
        book = load_flags(red_flags) if red_flags else default_flags()
        if signs == "trained":
            from bot.job_offer.training import load_or_train

            signs = load_or_train()
        return cls(book, max_chars=max_chars, signs=signs)  # type: ignore[arg-type]

    def with_signs(self, signs: SignClassifiers | None) -> OfferReader:
        """The same rules with another learned half (or none): training compares them without recompiling."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.signs = signs
        return twin

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
        blocked: set[str] = set()
        # Signs whose words an ignore pattern explained ("pays your trip home at the end" is the fare, not the pay):
        # the learned half may not read the sign back from the same words.
        explained: set[str] = set()
        # Every language's patterns run: people mix languages in one message.
        for lang, matcher in self.matchers.items():
            doc = matcher.nlp(lowered)
            for hit, kind in self._resolved_hits(doc, lang, matcher, explained):
                words = cleaned[hit.start_char : hit.end_char]
                evidence = Evidence(hit.flag, words, hit.start_char, hit.end_char, lang)
                (positive if kind == "pos" else negative).setdefault(hit.flag, []).append(evidence)
        folded = fold_same_length(lowered)
        if self.wages:
            limits = self.wages.rule.limits
            for wage in self.wages.wages(folded, code):
                evidence = Evidence(self.wages.rule.flag, cleaned[wage.start : wage.end], wage.start, wage.end, code)
                if wage.usd >= limits.get(wage.period, float("inf")):
                    positive.setdefault(evidence.flag, []).append(evidence)
                elif wage.usd < ORDINARY_SHARE * limits.get(wage.period, 0.0):
                    # An ordinary stated wage ("$16-18/hr") keeps the classifier from calling the pay too good,
                    # but is not a check passed: what is ordinary pay depends on the work and the place.
                    blocked.add(evidence.flag)
        if self.ages:
            flag = self.ages.rule.flag
            for age in self.ages.minors(folded):
                positive.setdefault(flag, []).append(
                    Evidence(flag, cleaned[age.start : age.end], age.start, age.end, code)
                )
            adult = self.ages.adults_only(folded)
            if adult:
                negative.setdefault(flag, []).append(
                    Evidence(flag, cleaned[adult.start : adult.end], adult.start, adult.end, code)
                )
        if self.employer:
            name = self.employer.find(folded, cleaned)
            if name:
                flag = self.employer.rule.flag
                negative.setdefault(flag, []).append(
                    Evidence(flag, cleaned[name.start : name.end], name.start, name.end, code)
                )
        reading = OfferReading(language=code, blocked=(blocked | explained) - set(positive))
        for flag_id in self.book.ids:
            if positive.get(flag_id):
                reading.flags[flag_id] = positive[flag_id][0]
            elif negative.get(flag_id):
                reading.absent.add(flag_id)
                reading.absent_evidence[flag_id] = negative[flag_id][0]
        if self.signs is not None:
            self._add_learned(cleaned, reading)
        return reading

    def _add_learned(self, cleaned: str, reading: OfferReading) -> None:
        """Signs the classifiers read that the rules neither found nor ruled out."""
        try:
            reading.probabilities = self.signs.probabilities(cleaned)
        except Exception:  # a broken model file must not take the check down: the rules still answer
            logger.exception("job-offer sign classifiers failed; reading with the rules alone")
            return
        for sign in self.signs.present(reading.probabilities):
            if sign in self.book.ids and sign not in set(reading.flags) | reading.absent | reading.blocked:
                reading.flags[sign] = Evidence(sign, "", 0, 0, reading.language, by=MODEL)
        if self.employer and self._unnamed_offer(cleaned, reading):
            sign = self.employer.rule.flag
            reading.flags[sign] = Evidence(sign, "", 0, 0, reading.language, by=MODEL)
        # Keep the data's order, so the first reply lists signs the same way every time.
        reading.flags = {f: reading.flags[f] for f in self.book.ids if f in reading.flags}

    def _unnamed_offer(self, cleaned: str, reading: OfferReading) -> bool:
        """An offer that names no employer, which the classifier leans towards (red_flags.yml, `employer`)."""
        from bot.job_offer.routing import OfferDetector, default_rules

        rule = self.employer.rule
        sign = rule.flag
        if sign in reading.flags or sign in reading.absent or len(cleaned.split()) < rule.unnamed_min_words:
            return False
        if reading.probabilities.get(sign, 0.0) < rule.unnamed_probability:
            return False
        routing = default_rules()
        kinds = OfferDetector(routing).kinds(cleaned)
        others = [k for k in kinds if k != "job"]
        return bool({"job", "offer"} & set(kinds)) and len(others) >= routing.min_kinds

    def _resolved_hits(
        self, doc: Doc, lang: str, matcher: FlagMatcher, explained: set[str] | None = None
    ) -> list[tuple[Hit, str]]:
        """Hits after ignores, context, negation, prohibition, hedging and overlaps: (hit, "pos" or "neg").

        The flags of warnings an ignore cancelled are added to `explained`.
        """
        rules = self.book.rules
        hits = matcher.hits(doc)
        ignores = [h for h in hits if h.kind == "ign"]
        sentences = sentence_numbers(doc)
        breaks = rules.breaks.get(lang, frozenset())
        kept: list[tuple[Hit, str, bool]] = []  # (hit, kind, kind came from a negation word)
        for hit in hits:
            if hit.kind == "ign":
                continue
            # An ignore cancels what only looks like the sign; a reassurance inside it still counts ("the
            # employer pays everything, no fees").
            if hit.kind != "neg" and any(_overlap(hit, i) for i in ignores if i.flag == hit.flag):
                if explained is not None:
                    explained.add(hit.flag)
                continue
            flag = self.book.get(hit.flag)
            if hit.kind == "weak":
                if flag is None or not _in_context(
                    doc,
                    sentences,
                    hit,
                    flag.weak_context.get(lang, frozenset()),
                    flag.weak_other.get(lang, frozenset()),
                ):
                    continue
                hit = replace(hit, kind="pos")
            context = _before(doc, hit.start, rules.window, breaks)
            doubt = _before(doc, hit.start, rules.hedge_window, breaks)
            if any(t.text in rules.hedges.get(lang, frozenset()) for t in doubt):
                continue  # "I don't know if they keep it" settles nothing
            kind, negated = hit.kind, False
            if kind == "pos" and flag is not None and flag.negation:
                negations = rules.negation.get(lang, frozenset())
                inside = list(doc[hit.start : hit.end]) if hit.near else []
                # A negative word inside the match denies it too ("charge no fees"), except as its first word.
                denied = rules.inside_negation.get(lang, frozenset())
                negated = (
                    any(t.norm_ in negations for t in context + inside)
                    or any(t.norm_ in denied for t in doc[hit.start + 1 : hit.end])
                    or self._forbidden(doc, hit, lang, doubt)
                )
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

    def _forbidden(self, doc: Doc, hit: Hit, lang: str, before: list) -> bool:
        """Whether the clause forbids what the match says ("fees are prohibited", "nadie está autorizado a cobrar")."""
        rules = self.book.rules
        prohibitions = rules.prohibitions.get(lang, frozenset())
        permissions = rules.permissions.get(lang, frozenset())
        negations = rules.negation.get(lang, frozenset())
        stops = rules.breaks.get(lang, frozenset()) | rules.after_breaks.get(lang, frozenset())
        after = []
        for token in doc[hit.end : hit.end + rules.after_window]:
            if token.is_punct or token.is_space or token.norm_ in stops:
                break
            after.append(token)
        if _asked(doc, hit):
            return False  # "is it illegal for them to keep my passport?" is a worry, not a reassurance
        for token in before + after:
            if token.norm_ in prohibitions:
                return True
            if token.norm_ in permissions and any(t.norm_ in negations for t in doc[max(0, token.i - 2) : token.i]):
                return True
        return False


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


def _inside(inner: Hit, outer: Hit) -> bool:
    return outer.start_char <= inner.start_char and inner.end_char <= outer.end_char


def _length(hit: Hit) -> int:
    return hit.end_char - hit.start_char


def _in_context(
    doc: Doc, sentences: list[int], hit: Hit, words: frozenset[str], other: frozenset[str] = frozenset()
) -> bool:
    """Whether the hit's sentence or the one before it has one of `words` (word or dictionary form).

    When the hit's own sentence has none of them but names one of `other` (housing, taxes), the sentence is about
    that, and the one before does not count.
    """
    here = sentences[hit.start]

    def has(found: frozenset[str], first: int) -> bool:
        return any((t.norm_ in found or t.lemma_ in found) for t in doc if first <= sentences[t.i] <= here)

    if has(words, here):
        return True
    if other and has(other, here):
        return False
    return has(words, here - 1)


def _asked(doc: Doc, hit: Hit) -> bool:
    """Whether the hit's sentence is a question (ends with "?" or opens with "¿")."""
    for token in doc[hit.end :]:
        if token.text in ("?", "¿") or (token.is_space and "\n" in token.text):
            return token.text == "?"
        if token.text in (".", "!", ";"):
            return False
    for token in reversed(doc[: hit.start]):
        if token.text == "¿":
            return True
        if token.text in (".", "!", ";", "?") or (token.is_space and "\n" in token.text):
            return False
    return False


def _before(doc: Doc, start: int, window: int, breaks: frozenset[str]) -> list:
    """Up to `window` words before token `start`, stopping at punctuation or a clause break ("but", "pero")."""
    words = []
    for token in reversed(doc[max(0, start - window) : start]):
        if token.is_punct or token.is_space or token.norm_ in breaks:
            break
        words.append(token)
    return words
