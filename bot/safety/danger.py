"""Rule backstop for danger: fires on "they took my passport and won't let me leave" even when the intent
classifier is unsure.

Every message is read twice, once with the English rules and once with the Spanish ones, because people mix
languages and a wrongly detected language must never hide a cry for help. The rules themselves live in
data/safety/danger_patterns.yml; this module compiles them into spaCy matchers over blank pipelines (no
model download) and applies the conditions the file describes: question frames, negation, context words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from bot.nlp.lookups import LemmaTable, lemma_table
from bot.safety import patterns as pattern_file
from bot.safety.fuzzy import TypoCorrector
from bot.safety.normalise import CLAUSE_PUNCT, tokenise

logger = logging.getLogger(__name__)

_FRAME, _NOW, _NOT, _OFFER, _GENERIC = "frame", "now", "not_danger", "offer", "generic"
_ASIDE_QUESTION = re.compile(r"\?+\s*\)")
_KIND = "kind:"  # matcher key prefix of the frames: "kind:joke", "kind:routine", ...

# The frames a decision names (bot/safety/tiers.py): what made danger words mixed signals, or a story that is over.
JOKE, FICTION, TRIVIAL, ROUTINE, HYPOTHETICAL, PLEA, OVER, ONGOING = (
    "joke",
    "fiction",
    "trivial",
    "routine",
    "hypothetical",
    "plea",
    "over",
    "ongoing",
)
# `ongoing` is not a frame that softens: it says a story told as over is still going on ("I got out years ago
# but he keeps calling me"), which is worth at least a check-in.
FRAMES = (JOKE, FICTION, TRIVIAL, ROUTINE, HYPOTHETICAL, PLEA, OVER, ONGOING)
# An everyday object frames the danger words it stands next to: at most this many words away, in the same clause
# ("the consulate kept my passport", "my cat holds me hostage"), not a whole sentence away ("they lock her in at
# night and she only eats leftovers").
NEAR = 5
# A laugh carries one exaggeration; a message that piles up this many separate danger facts, of different
# signals, behind a "lol" is a report told lightly ("not to be dramatic lol but they took my passport, no pay for
# 3 months"). A film or the news piles them up too, so this does not apply to fiction.
PILED_UP_FACTS = 2


@dataclass(frozen=True)
class DangerMatch:
    """What the backstop found: signal ids (in the data file's order) and the normalised phrases that fired."""

    signals: tuple[str, ...]
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """One reading of a message: the danger found (or None), and whether danger words were there but read
    as harmless (a question, a denial, a not-danger phrase), which `match` alone cannot tell.

    `set_aside` holds the signals that matched inside a frame (a joke, a film or the news, an everyday object,
    a hypothetical, a story that is over): not an emergency on the rules' word, but not nothing either.
    `frames` names the frames found (FRAMES order): a trivial or routine object, or a hypothetical, only when it
    frames a danger word (or, with no danger words, anywhere); "over" only when the story is clearly over: it
    says how it ended, no danger word shares a clause with "still"/"now", and nothing dangerous is told after
    the ending unless it is dated in the past. `present`: a present marker ("still", "llevo 2 años", "help me")
    outside any frame. bot/safety/tiers.py turns this into the reply's tier."""

    match: DangerMatch | None
    dismissed: bool
    set_aside: tuple[str, ...] = ()
    frames: tuple[str, ...] = ()
    present: bool = False

    @property
    def over(self) -> bool:
        return OVER in self.frames


@dataclass(frozen=True)
class _Hit:
    signal: str
    text: str
    start: int
    end: int
    # The frame next to this match that makes it mixed: a trivial object ("my cat holds me hostage"), a routine
    # one ("the consulate kept my passport"), a hypothetical ("what if my boss took my passport"); or None.
    soft: str | None = None
    # A `with_context` match: a word ("teens", "help") that is danger only because of other words around.
    contextual: bool = False


@dataclass(frozen=True)
class _Reading:
    """What one language's rules make of a message."""

    hits: list[_Hit]
    harmless: bool
    frames: frozenset[str]  # frames found anywhere: joke, fiction, trivial, routine, hypothetical
    present: bool  # a `now_markers` word outside any joke, film or ending phrase
    ended: bool  # the message says how the story ended (a plain ending, or a dated one with a past anchor)
    goes_on: bool  # ...but a danger word shares a clause with "still"/"now", or is told after the ending, undated
    earnest: bool  # "for real", "not joking", "pregunto porque soy yo": the writer says it is not a joke


class _LanguageMatcher:
    """Everything needed to read a message with one language's rules."""

    def __init__(self, lang: str, data: pattern_file.PatternData) -> None:
        self.lang = lang
        self.info = data.languages[lang]
        self.nlp = spacy.blank(lang)
        self.groups = {f"{g.signal}#{i}": g for i, g in enumerate(data.groups) if g.lang == lang}
        try:
            table = lemma_table(lang)
        except Exception:  # spacy-lookups-data missing: patterns on LOWER still work.
            logger.warning("no lemma lookups for %s; LEMMA patterns fall back to the word itself", lang)
            table = LemmaTable({}, frozenset())
        self.lemmas: Mapping[str, str] = table.lemmas
        self.corrector = TypoCorrector(
            self._vocabulary(data),
            min_length=data.fuzzy_min_length,
            protect=self.info.fuzzy_protect,
            is_word=table.is_word,
        )
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for key, group in self.groups.items():
            self._add(key, group.items)
        self._add(_FRAME, self.info.question_frames)
        self._add(_NOW, self.info.now_markers)
        self._add(_NOT, self.info.not_danger)
        self._add(_OFFER, self.info.offer_markers)
        self._add(_GENERIC, self.info.generic_frames)
        # Frames are read in every language's words: people mix languages, and "lol" or "el consulado" frame a
        # message whichever language's rules matched its danger words.
        for kind in pattern_file.FRAME_KINDS:
            self._add(_KIND + kind, tuple(i for code in data.languages for i in data.languages[code].frames[kind]))

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
        # A question mark in brackets is an aside, not a question, and a closing bracket starts no sentence: in
        # "the girl next door (maybe 13?) has a different man visiting..." the "has" does not start one (batch L).
        text = _ASIDE_QUESTION.sub(")", text)
        for word in tokenise(text, self.info.rules):
            lower = word.lower()
            fixed = self.corrector.correct(lower)
            words.append(word if fixed == lower else fixed)
        if not words or words[-1] not in CLAUSE_PUNCT:
            words.append(".")  # lets a pattern say "at the end of a clause".
        lemmas = [self._lemma(w.lower()) for w in words]
        starts = [i == 0 or (words[i - 1] in CLAUSE_PUNCT and words[i - 1] != ")") for i in range(len(words))]
        return Doc(self.nlp.vocab, words=words, lemmas=lemmas, sent_starts=starts)

    def _lemma(self, word: str) -> str:
        lemma = self.lemmas.get(word, word)
        return lemma if isinstance(lemma, str) else word

    def read(self, text: str) -> _Reading:
        """The hits that fire, whether some danger words were read as harmless instead, and the message's frames.

        Harmless means the rules recognised a reading: a question or hypothetical, a denial, a not-danger
        phrase. A context pattern that merely lacks its context ("ayuda" alone) is not a harmless reading, only
        too little to go on, so it does not count. Frames (see "FRAMES" in the data file) do not remove a hit:
        an everyday object next to it or a hypothetical before it marks it `soft`, and the message-level frames
        (a laugh, a film, an ending) are reported for `DangerDetector.assess` to weigh.
        """
        doc = self.doc(text)
        strings = self.nlp.vocab.strings
        found = [(strings[m], s, e) for m, s, e in [*self.matcher(doc), *self.phrases(doc)]]
        spans = {kind: [(s, e) for key, s, e in found if key == _KIND + kind] for kind in pattern_file.FRAME_KINDS}
        # A generic subject ("people who ...", "los que ...") frames a question only in a message that asks one.
        asks = any(t.text == "?" for t in doc)
        frames = [(s, e) for key, s, e in found if key == _FRAME or (key == _GENERIC and asks)]
        blocked = [(s, e) for key, s, e in found if key == _NOT]
        marked = [(s, e) for key, s, e in found if key == _NOW]
        # A present marker switches the question rule off (rule 5 in the data file), except in a story that says
        # how it ended: there "now" is the writer's life today ("now im 30 and i speak at schools, any tips?").
        now = bool(marked) and not (spans["ending"] or (spans["ending_dated"] and spans["past"]))
        # "I'm fine now" is an ending despite its "now", "hace dos años" a past anchor despite its "hace"; a present
        # marker elsewhere ("they still ...") wins.
        framing = spans["joke"] + spans["fiction"] + spans["ending"] + spans["ending_dated"] + spans["past"]
        present_marks = [(s, e) for s, e in marked if not any(fs < e and s < fe for fs, fe in framing)]
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
        earnest = bool(spans["earnest"])
        clause = self._clauses(doc)
        sentence = self._clauses(doc, ".!?;")
        # Like generic subjects, a hypothetical frames only a message that asks ("if anyone talks he reports us
        # all" is a threat, not a question), and, like a question, not one with a present marker in it.
        if earnest or not asks or now:
            spans["hypothetical"] = []
        hypotheticals = spans["hypothetical"]
        hits: list[_Hit] = []
        contexts: list[tuple[int, tuple[str, ...]]] = []  # the `with_context` hits, by index, and their context
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
            if group.when == "with_context" and not self._has_context(doc, group.context, start, end, blocked):
                continue
            # A trivial object frames the danger words near it in the same sentence ("stuck in this lecture,
            # somebody rescue me"); a routine one only in the same clause ("my boss took my passport, the embassy
            # says ..." is still a report).
            soft = next(
                (
                    kind
                    for kind, unit in ((TRIVIAL, sentence), (ROUTINE, clause))
                    if self._near(spans[kind], start, end, unit)
                ),
                None,
            )
            if soft is None and self._in_question(doc, hypotheticals, start, breaks):
                soft = HYPOTHETICAL  # reaches `always` groups too: "what if my boss took my passport?"
            text_ = doc[start:end].text.lower().strip(" " + CLAUSE_PUNCT)
            if group.when == "with_context":
                contexts.append((len(hits), group.context))
            hits.append(_Hit(group.signal, text_, start, end, soft, group.when == "with_context"))
        self._frame_contextual(doc, hits, contexts, blocked)
        ended, goes_on = self._ending(hits, spans, present_marks, clause)
        found_frames = {kind for kind in (JOKE, FICTION, TRIVIAL, ROUTINE, HYPOTHETICAL, PLEA) if spans[kind]}
        if earnest:
            found_frames -= {JOKE, FICTION, HYPOTHETICAL}
        return _Reading(hits, harmless and not hits, frozenset(found_frames), bool(present_marks), ended, goes_on,
                        earnest)  # fmt: skip

    def _frame_contextual(
        self, doc: Doc, hits: list[_Hit], contexts: list[tuple[int, tuple[str, ...]]], blocked: list[tuple[int, int]]
    ) -> None:
        """A word that is danger only by its context is framed with the danger words that give it that context:
        in "mis hijos me encerraron en el cuarto jugando a los policías", "hijos" is a child in danger only because
        of "encerraron", which the game frames (batch K). Its context must come from framed matches alone."""
        framed = [h for h in hits if h.soft is not None and not h.contextual]
        if not framed:
            return
        spans = blocked + [(h.start, h.end) for h in framed]
        for index, context in contexts:
            hit = hits[index]
            if hit.soft is None and not self._has_context(doc, context, hit.start, hit.end, spans):
                hits[index] = replace(hit, soft=framed[0].soft)

    @staticmethod
    def _near(cues: list[tuple[int, int]], start: int, end: int, clause: list[int]) -> bool:
        """A cue within NEAR words of the match, in its clause (or sentence, as numbered in `clause`)."""
        return any(
            (cs - end < NEAR if cs >= end else start - ce < NEAR) and clause[cs] in (clause[start], clause[end - 1])
            for cs, ce in cues
        )

    def _clauses(self, doc: Doc, ends: str | None = None) -> list[int]:
        """A clause number per token: clauses end at punctuation and at `clause_breaks` words ("but", "pero").
        With `ends`, only at those punctuation marks: sentences."""
        numbers, current = [], 0
        for token in doc:
            if token.text in (ends or CLAUSE_PUNCT) or (ends is None and token.lower_ in self.info.clause_breaks):
                current += 1
            numbers.append(current)
        return numbers

    @staticmethod
    def _ending(
        hits: list[_Hit], spans: dict[str, list[tuple[int, int]]], present: list[tuple[int, int]], clause: list[int]
    ) -> tuple[bool, bool]:
        """Whether the message says how the story ended, and whether the danger goes on anyway.

        An ending counts when it is plain ("I'm safe now", "ya estoy bien", "he is in prison") or dated: a
        weaker one ("I got out", "logré salir") with a past anchor somewhere ("years ago", "en 2015", "cuando
        tenía 12"). The danger goes on when the message says so ("they still call my mother", "todavía me
        buscan": `ongoing`), when a danger word shares a clause with "still"/"now"/"todavía" and no past
        anchor, or when one is told after the ending in a clause with neither a past anchor nor an ending of its
        own ("I got out but they took my passport and they are looking for me"). A word that is danger only by
        its context ("teens" in "any tips for talking to teens?") does not carry the story on by itself.
        """
        endings = spans["ending"] + (spans["ending_dated"] if spans["past"] else [])
        if not endings:
            return False, False
        first = min(s for s, _ in endings)
        # A word that is danger only by its context does not make a clause present either: "todavía puedo reclamar
        # los salarios que no me pagó?" asks about a story that is over (batch J).
        hit_clauses = {clause[h.start] for h in hits if not h.contextual}
        dated_clauses = {clause[s] for s, _ in spans["past"] + endings}
        # "for weeks" in "back in 2016 they kept me in a house for weeks" is dated: not a present marker.
        present_clauses = {clause[s] for s, _ in present} - {clause[s] for s, _ in spans["past"]}
        goes_on = (
            bool(spans["ongoing"])
            or bool(present_clauses & hit_clauses)
            or any(
                h.start > first
                and not h.contextual
                and not any(s < h.end and h.start < e for s, e in endings)
                and clause[h.start] not in dated_clauses
                for h in hits
            )
        )
        return True, goes_on

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
    def _has_context(
        doc: Doc, context: tuple[str, ...], start: int, end: int, blocked: list[tuple[int, int]] = ()
    ) -> bool:
        """A context word outside the match, and outside a not-danger phrase: the "secuestrado" of "mi hermanito
        tiene secuestrado el control de la tele" does not make "hermanito" a child in danger (batch J)."""
        tokens = [t for t in doc if not start <= t.i < end and not any(s <= t.i < e for s, e in blocked)]
        words = {t.lower_ for t in tokens} | {t.lemma_ for t in tokens}
        for entry in context:
            if entry.endswith("*"):
                if any(w.startswith(entry[:-1]) for w in words):
                    return True
            elif entry in words:
                return True
        return False


def _piled_up(readings: list[_Reading]) -> bool:
    """Separate danger facts (matches that do not overlap) of different signals, in one language's reading. A match
    an everyday object already frames is not a fact ("lol my mom locked me in my room until i finish my homework,
    send help": the "help" is about the homework, batch J)."""
    for reading in readings:
        facts: list[tuple[int, int, set[str]]] = []
        for hit in sorted((h for h in reading.hits if h.soft is None), key=lambda h: h.start):
            if facts and hit.start < facts[-1][1]:
                start, end, signals = facts[-1]
                facts[-1] = (start, max(end, hit.end), signals | {hit.signal})
            else:
                facts.append((hit.start, hit.end, {hit.signal}))
        if len(facts) >= PILED_UP_FACTS and len(set().union(*(f[2] for f in facts))) >= PILED_UP_FACTS:
            return True
    return False


class DangerDetector:
    """Finds signs that the writer (or someone they speak for) is in danger now.

    Build it once (loading takes a few seconds), then call `detect` per message (a few milliseconds; `make bench`).
    """

    def __init__(self, data: pattern_file.PatternData) -> None:
        self._signals = data.signals
        self._emoji = data.frame_emoji
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
        frames = set().union(*(r.frames for r in readings))
        frames |= {kind for kind, emoji in self._emoji.items() if any(e in text for e in emoji)}
        if any(r.earnest for r in readings):
            frames -= {JOKE, FICTION, HYPOTHETICAL}
        if any(r.ended for r in readings):
            frames.add(ONGOING if any(r.goes_on for r in readings) else OVER)
        present = any(r.present for r in readings)
        if not hits:
            named = tuple(f for f in FRAMES if f in frames)
            return Assessment(None, any(r.harmless for r in readings), (), named, present)
        # With danger words, an object or a hypothetical is named only where it frames one of them (or, for a
        # laugh, anywhere: "me tienen encerrada hasta que acabe la tesis jajaja" jokes about the thesis).
        light = FICTION in frames or (JOKE in frames and not present and not _piled_up(readings))
        frames -= {ROUTINE, HYPOTHETICAL, *(() if light else (TRIVIAL,))} - {h.soft for h in hits}
        named = tuple(f for f in FRAMES if f in frames)
        # A film or the news frames the whole message (`light`), and so does a laugh, unless a present marker
        # outside it ("they still ...") or a pile of danger facts says it is a report told lightly. A story that is
        # over frames it too. Objects and hypotheticals frame only the matches next to them (`_Hit.soft`).
        if OVER in frames or light:
            firm = []
        else:
            firm = [h for h in hits if h.soft is None]
        if not firm:
            found = {hit.signal for hit in hits}
            return Assessment(None, False, tuple(s for s in self._signals if s in found), named, present)
        hits = firm
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
        return Assessment(DangerMatch(signals=signals, matched=matched[:20]), False, (), named, present)
