"""Rule backstop for danger: fires on "they took my passport and won't let me leave" even when the intent
classifier is unsure.

Every message is read twice, once with the English rules and once with the Spanish ones, because people mix
languages and a wrongly detected language must never hide a cry for help. The rules themselves live in
data/safety/danger_patterns.yml; this module compiles them into spaCy matchers over blank pipelines (no
model download) and applies the conditions the file describes: question frames, negation, context words.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.lookups import load_lookups
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from bot.safety import patterns as pattern_file
from bot.safety.fuzzy import TypoCorrector
from bot.safety.normalise import CLAUSE_PUNCT, tokenise

logger = logging.getLogger(__name__)

_FRAME, _NOW, _NOT, _OFFER, _NOT_NOW, _GENERIC = "frame", "now", "not_danger", "offer", "not_now", "generic"


@dataclass(frozen=True)
class DangerMatch:
    """What the backstop found: signal ids (in the data file's order) and the normalised phrases that fired."""

    signals: tuple[str, ...]
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """One reading of a message: the danger found (or None), and whether danger words were there but read
    as harmless (a question, a denial, a not-danger phrase), which `match` alone cannot tell.

    `set_aside` holds the signals that matched in a message framed as not being the writer's present (a
    story that is over, a film, a joke): the rules do not decide those, either way; the classifiers do."""

    match: DangerMatch | None
    dismissed: bool
    set_aside: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    signal: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Reading:
    """What one language's rules make of a message."""

    hits: list[_Hit]
    harmless: bool
    not_now: bool  # a `not_now` phrase: a story that is over, a film, a joke
    present: bool  # a `now_markers` word outside any `not_now` phrase


class _LanguageMatcher:
    """Everything needed to read a message with one language's rules."""

    def __init__(self, lang: str, data: pattern_file.PatternData) -> None:
        self.lang = lang
        self.info = data.languages[lang]
        self.nlp = spacy.blank(lang)
        self.groups = {f"{g.signal}#{i}": g for i, g in enumerate(data.groups) if g.lang == lang}
        try:
            self.lemmas: Mapping[str, str] = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
        except Exception:  # spacy-lookups-data missing: patterns on LOWER still work.
            logger.warning("no lemma lookups for %s; LEMMA patterns fall back to the word itself", lang)
            self.lemmas = {}
        lemma_values = set(self.lemmas.values())
        self.corrector = TypoCorrector(
            self._vocabulary(data),
            min_length=data.fuzzy_min_length,
            protect=self.info.fuzzy_protect,
            is_word=lambda w: w in self.lemmas or w in lemma_values,
        )
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for key, group in self.groups.items():
            self._add(key, group.items)
        self._add(_FRAME, self.info.question_frames)
        self._add(_NOW, self.info.now_markers)
        self._add(_NOT, self.info.not_danger)
        self._add(_OFFER, self.info.offer_markers)
        self._add(_NOT_NOW, self.info.not_now)
        self._add(_GENERIC, self.info.generic_frames)

    def _phrase_words(self, phrase: str) -> list[str]:
        return [w.lower() for w in tokenise(phrase, self.info.rules)]

    def _vocabulary(self, data: pattern_file.PatternData) -> set[str]:
        """Words a typo may be corrected to: those the signal patterns and the not-danger list use."""
        words: set[str] = set()

        def collect(value: object) -> None:
            if isinstance(value, str):
                words.update(w.lower() for w in value.split())
            elif isinstance(value, list):
                for v in value:
                    collect(v)
            elif isinstance(value, dict):
                for attr, v in value.items():
                    if attr in ("LOWER", "LEMMA", "ORTH", "IN"):
                        collect(v)

        items = [item for g in data.groups if g.lang == self.lang for item in g.items]
        for item in [*items, *self.info.not_danger]:
            if isinstance(item, str):
                words.update(self._phrase_words(item))
            else:
                for token in item:
                    collect(token)
        return {w for w in words if w.isalpha()}

    def _add(self, key: str, items: tuple[pattern_file.MatchItem, ...]) -> None:
        phrase_docs = [Doc(self.nlp.vocab, words=self._phrase_words(i)) for i in items if isinstance(i, str)]
        token_patterns = [i for i in items if not isinstance(i, str)]
        if phrase_docs:
            self.phrases.add(key, phrase_docs)
        if token_patterns:
            self.matcher.add(key, token_patterns)

    def doc(self, text: str) -> Doc:
        words = []
        for word in tokenise(text, self.info.rules):
            lower = word.lower()
            fixed = self.corrector.correct(lower)
            words.append(word if fixed == lower else fixed)
        if not words or words[-1] not in CLAUSE_PUNCT:
            words.append(".")  # lets a pattern say "at the end of a clause".
        lemmas = [self._lemma(w.lower()) for w in words]
        starts = [i == 0 or words[i - 1] in CLAUSE_PUNCT for i in range(len(words))]
        return Doc(self.nlp.vocab, words=words, lemmas=lemmas, sent_starts=starts)

    def _lemma(self, word: str) -> str:
        lemma = self.lemmas.get(word, word)
        return lemma if isinstance(lemma, str) else word

    def read(self, text: str) -> _Reading:
        """The hits that fire, whether some danger words were read as harmless instead, and the message's frame.

        Harmless means the rules recognised a reading: a question or hypothetical, a denial, a not-danger
        phrase. A context pattern that merely lacks its context ("ayuda" alone) is not a harmless reading, only
        too little to go on, so it does not count. The framing is a `not_now` phrase ("but I got it back and
        I'm fine now", "in the movie", "jaja"); `DangerDetector.assess` decides what it does to the hits.
        """
        doc = self.doc(text)
        strings = self.nlp.vocab.strings
        found = [(strings[m], s, e) for m, s, e in [*self.matcher(doc), *self.phrases(doc)]]
        # A generic subject ("people who ...", "los que ...") frames a question only in a message that asks one.
        asks = any(t.text == "?" for t in doc)
        frames = [(s, e) for key, s, e in found if key == _FRAME or (key == _GENERIC and asks)]
        blocked = [(s, e) for key, s, e in found if key == _NOT]
        marked = [(s, e) for key, s, e in found if key == _NOW]
        now = bool(marked)
        # "I'm fine now" is a not-now phrase despite its "now"; a present marker elsewhere ("they still ...") wins.
        framed = [(s, e) for key, s, e in found if key == _NOT_NOW]
        present = any(not any(fs < e and s < fe for fs, fe in framed) for s, e in marked)
        # Terms of a job offer asked about ("they offered me work, they keep my ID until payday, is that ok?")
        # are for the job-offer check: the whole message counts as a question.
        offer_question = bool(frames) and any(key == _OFFER for key, _, _ in found)
        signal_spans = [(self.groups[key].signal, s, e) for key, s, e in found if key in self.groups]
        # "no me quitaron el pasaporte": the shorter "quitaron el pasaporte" is denied along with the longer.
        # ...but not the "no" of "si no, matan a mi mamá" (or else): a present marker covers it.
        denied = [
            (sig, s, e)
            for sig, s, e in signal_spans
            if self._negated(doc, s) and not any(ms <= s - 1 < me for ms, me in marked)
        ]
        hits: list[_Hit] = []
        harmless = False
        breaks = self.info.clause_breaks
        for key, start, end in found:
            group = self.groups.get(key)
            if group is None:
                continue
            if any(s < end and start < e for s, e in blocked):
                harmless = True
                continue
            if any(sig == group.signal and s <= start and end <= e for sig, s, e in denied):
                harmless = True
                continue
            # The question rule (see the data file) gates every group except `always`.
            if group.when != "always" and not now and (offer_question or self._in_question(doc, frames, start, breaks)):
                harmless = True
                continue
            if group.when == "with_context" and not self._has_context(doc, group.context, start, end):
                continue
            hits.append(_Hit(group.signal, doc[start:end].text.lower().strip(" " + CLAUSE_PUNCT), start, end))
        return _Reading(hits, harmless and not hits, bool(framed), present)

    def _negated(self, doc: Doc, start: int) -> bool:
        """'nobody took my passport', 'no me quitaron el pasaporte': a denial, unless the match is itself
        negative ('no me dejan salir')."""
        negators = self.info.negators
        return start > 0 and doc[start - 1].lower_ in negators and doc[start].lower_ not in negators

    @staticmethod
    def _in_question(doc: Doc, frames: list[tuple[int, int]], start: int, breaks: frozenset[str]) -> bool:
        """A general or hypothetical question governs the match: a frame before it in the same clause (clauses
        end at punctuation and at the language's `clause_breaks` words, "but", "pero")."""
        for f_start, _ in frames:
            if f_start < start and not any(t.text in CLAUSE_PUNCT or t.lower_ in breaks for t in doc[f_start:start]):
                return True
        return False

    @staticmethod
    def _has_context(doc: Doc, context: tuple[str, ...], start: int, end: int) -> bool:
        words = {t.lower_ for t in doc if not start <= t.i < end} | {t.lemma_ for t in doc if not start <= t.i < end}
        for entry in context:
            if entry.endswith("*"):
                if any(w.startswith(entry[:-1]) for w in words):
                    return True
            elif entry in words:
                return True
        return False


class DangerDetector:
    """Finds signs that the writer (or someone they speak for) is in danger now.

    Build it once (loading takes a few seconds), then call `detect` per message (well under 2 ms).
    """

    def __init__(self, data: pattern_file.PatternData) -> None:
        self._signals = data.signals
        self._matchers = [_LanguageMatcher(lang, data) for lang in pattern_file.LANGUAGES]

    @classmethod
    def from_file(cls, path: Path | None = None) -> DangerDetector:
        """Load the rules from the data file (default: data/safety/danger_patterns.yml)."""
        return cls(pattern_file.load(path))

    @property
    def signals(self) -> tuple[str, ...]:
        return self._signals

    def detect(self, text: str) -> DangerMatch | None:
        """Return the danger signals in `text`, or None. Never raises: bad input is simply not danger."""
        return self.assess(text).match

    def assess(self, text: str) -> Assessment:
        """The danger found and whether danger words were read as harmless, in one reading of the message.

        The NLU layer uses `dismissed` to overrule classifiers that react to the words alone ("what if they take
        my passport?"). Never raises: bad input is simply not danger."""
        try:
            if isinstance(text, bytes | bytearray):
                text = bytes(text).decode("utf-8", errors="replace")
            if not isinstance(text, str) or not text.strip():
                return Assessment(None, False)
            readings = [matcher.read(text) for matcher in self._matchers]
        except Exception:  # a backstop must not take the conversation down; the classifier still runs.
            logger.exception("danger detection failed on a message of type %s", type(text).__name__)
            return Assessment(None, False)
        hits = [hit for reading in readings for hit in reading.hits]
        if hits and any(r.not_now for r in readings) and not any(r.present for r in readings):
            # A story that is over, a film, a joke: usually not an emergency, but the rules cannot be sure enough
            # to overrule the classifiers either way, so they leave the decision to them.
            found = {hit.signal for hit in hits}
            return Assessment(None, False, tuple(s for s in self._signals if s in found))
        if not hits:
            return Assessment(None, any(r.harmless for r in readings))
        signals = tuple(s for s in self._signals if any(h.signal == s for h in hits))
        # Report each phrase once, and not again inside a longer phrase found for the same signal.
        kept = [
            h
            for h in hits
            if not any(
                o is not h
                and o.signal == h.signal
                and o.start <= h.start
                and h.end <= o.end
                and (o.end - o.start) > (h.end - h.start)
                for o in hits
            )
        ]
        matched = tuple(dict.fromkeys(h.text for h in sorted(kept, key=lambda h: h.start) if h.text))
        return Assessment(DangerMatch(signals=signals, matched=matched[:20]), False)
