"""spaCy pipelines and matchers built from the red-flag data, one per language.

A blank pipeline plus the lookup lemmatizer of spacy-lookups-data works offline and needs no trained
model. A small component then folds every word and lemma (lowercase, no accents), because people type
"deposito" as often as "depósito"; the patterns are folded the same way when they are compiled, so a
reviewer can write them either way. Lookup tables give odd lemmas for some Spanish nouns ("pasaporte" ->
"pasaportar" but "pasaportes" -> "pasaporte"), so a LEMMA in the data matches every form the table maps it to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from bot.job_offer.flags import FlagBook, PatternSet
from bot.job_offer.text import fold
from bot.nlp.lookups import lemma_lookups

FOLD_COMPONENT = "job_offer_fold"
KINDS = ("pos", "neg", "ign", "weak")
_GAP_STOPS = [".", "!", "?", ";", "¿", "¡"]


class FoldTokens:
    """Store the folded word as NORM and the folded lemma as LEMMA, the attributes the patterns use.

    Chat spellings in `aliases` ("q" for "que") are read as the full word, in both attributes.
    """

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = {fold(k): fold(v) for k, v in aliases.items()}

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            norm = fold(token.text)
            full = self.aliases.get(norm)
            token.norm_ = full or norm
            token.lemma_ = full or fold(token.lemma_ or token.text)
        return doc


@Language.factory(FOLD_COMPONENT, default_config={"aliases": {}})
def make_fold_tokens(nlp, name, aliases):  # noqa: ANN001 - spaCy's config validation cannot read postponed hints
    return FoldTokens(aliases)


def build_pipeline(language: str, aliases: dict[str, str] | None = None) -> Language:
    """A blank `language` pipeline with lookup lemmas and folding; raises if the lookups are missing."""
    nlp = spacy.blank(language)
    if language == "en":
        # Lowercased, "ID" would be read as "I'd" ("i", "d"): keep it one word, the document.
        for word in ("id", "ids"):
            nlp.tokenizer.add_special_case(word, [{ORTH: word}])
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe(FOLD_COMPONENT, config={"aliases": dict(aliases or {})})
    with nlp.select_pipes(disable=["lemmatizer"]):
        nlp.initialize()
    lemmatizer.initialize(lookups=lemma_lookups(language))  # the tables, read once per process
    return nlp


@dataclass(frozen=True)
class Hit:
    """One pattern match: which flag, whether it shows presence (pos), absence (neg) or nothing (ign)."""

    flag: str
    kind: str
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    # Near rules match words in any order, so a negation can sit between them ("passports are not kept").
    near: bool = False


def sentence_numbers(doc: Doc) -> list[int]:
    """The sentence of every token: a new one after a line break or a full stop, question or semicolon."""
    sentence = 0
    numbers = []
    for token in doc:
        if token.is_space and "\n" in token.text or token.norm_ in _GAP_STOPS:
            sentence += 1
        numbers.append(sentence)
    return numbers


class FlagMatcher:
    """All patterns of all flags for one language, compiled once."""

    def __init__(self, nlp: Language, book: FlagBook, language: str) -> None:
        self.nlp = nlp
        self.language = language
        self._lookup = self._lemma_table(nlp)
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.by_lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.near: list[tuple[str, int, list[frozenset[str]]]] = []
        for flag in book.flags:
            kinds = (flag.patterns, flag.negative_patterns, flag.ignore_patterns, flag.weak_patterns)
            for kind, sets in zip(KINDS, kinds, strict=True):
                pattern_set = sets.get(language) or PatternSet()
                self._add(f"{flag.id}|{kind}", pattern_set)

    @staticmethod
    def _lemma_table(nlp: Language) -> Any:
        try:
            return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        except (KeyError, ValueError):
            return {}

    def lemma_forms(self, word: str) -> list[str]:
        """Every folded lemma the lookup table may give for a form of `word` (with or without accents)."""
        low = str(word).lower()
        forms = {fold(low), fold(self._lookup.get(low, low)), fold(self._lookup.get(fold(low), fold(low)))}
        return sorted(forms)

    def _value(self, attr: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {op: self._value(attr, v) for op, v in value.items()}
        if isinstance(value, list | tuple):
            out: list[str] = []
            for item in value:
                out.extend(self.lemma_forms(item) if attr == "LEMMA" else [fold(item)])
            return sorted(set(out))
        if attr == "LEMMA":
            return {"IN": self.lemma_forms(value)}
        if attr == "NORM":
            return fold(value)
        return value

    def compile_tokens(self, pattern: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
        """Expand {GAP: n} into n optional words that stay within the sentence, and fold every value."""
        compiled: list[dict[str, Any]] = []
        for spec in pattern:
            if "GAP" in spec:
                gap = {"IS_SPACE": False, "NORM": {"NOT_IN": _GAP_STOPS}, "OP": "?"}
                compiled.extend(dict(gap) for _ in range(int(spec["GAP"])))
                continue
            compiled.append({attr: (v if attr == "OP" else self._value(attr, v)) for attr, v in spec.items()})
        return compiled

    def _add(self, key: str, pattern_set: PatternSet) -> None:
        if pattern_set.tokens:
            self.matcher.add(key, [self.compile_tokens(p) for p in pattern_set.tokens])
        if pattern_set.phrases:
            docs = [self.nlp(fold(p)) for p in pattern_set.phrases]
            self.by_norm.add(key, docs)
            self.by_lemma.add(key, docs)
        for rule in pattern_set.near:
            sets = [frozenset(f for w in words for f in self.lemma_forms(w)) for words in rule.sets]
            self.near.append((key, rule.within, sets))

    def _near_hits(self, doc: Doc) -> set[Hit]:
        """Hits of the near rules: one word of each set, all within the rule's distance, same sentence."""
        found: set[Hit] = set()
        sentence_of = sentence_numbers(doc)
        for key, within, sets in self.near:
            positions = [[t.i for t in doc if t.norm_ in words or t.lemma_ in words] for words in sets]
            if not all(positions):
                continue
            flag, kind = key.split("|")
            for anchor in positions[0]:
                chosen = [anchor]
                for others in positions[1:]:
                    close = [i for i in others if abs(i - anchor) <= within and sentence_of[i] == sentence_of[anchor]]
                    if not close:
                        break
                    chosen.append(min(close, key=lambda i: abs(i - anchor)))
                else:
                    span = doc[min(chosen) : max(chosen) + 1]
                    found.add(Hit(flag, kind, span.start, span.end, span.start_char, span.end_char, near=True))
        return found

    def hits(self, doc: Doc) -> list[Hit]:
        """Every match in `doc`, deduplicated."""
        found: set[Hit] = set()
        strings = self.nlp.vocab.strings
        for finder in (self.matcher, self.by_norm, self.by_lemma):
            for match_id, start, end in finder(doc):
                flag, kind = strings[match_id].split("|")
                span = doc[start:end]
                found.add(Hit(flag, kind, start, end, span.start_char, span.end_char))
        found |= self._near_hits(doc)
        return sorted(found, key=lambda h: (h.start_char, h.end_char, h.flag, h.kind))
