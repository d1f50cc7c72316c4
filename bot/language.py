"""Which language a message is written in, and whether it asks for another one.

Every reply must be in the user's language, detected per message but sticky: "ok", "sí" or "🙏" must not flip
the conversation. So detection answers `None` whenever the message does not settle the question, and the caller
keeps the language it already has. The supported languages, their names and their marker words come from
`data/languages.yml`; a language listed there with `staged: true` is not offered yet (see MAINTAINING.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot import datafile
from bot.paths import DATA_DIR

LANGUAGES_FILE = DATA_DIR / "languages.yml"
NLU_DIR = DATA_DIR / "nlu"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ELONGATED = re.compile(r"(\w)\1{2,}")
# A code with a digit in it is no word of any language ("H2A", "T-1", "2B" of "H-2B").
_CODE = re.compile(r"[^\W_]*\d[^\W_]*")
# A link or a handle says nothing about the writer's language ("https://bit.ly/3xK9pQz", "@maria_gonzalez": first
# messages, batch 5): its letters are not words.
_LINK_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:com|org|net|ly|io|me|mx|es)(?:/\S*)?|@\w+", re.IGNORECASE)
# A language named in a long message is usually described ("my contract is in Spanish"), not asked for; and
# "I don't speak Spanish" asks for the other one. A request is short and names no negation before the language.
_MAX_REQUEST_WORDS = 8
_NEGATIONS = frozenset({"no", "not", "dont", "don't", "nunca", "never", "cant", "can't", "ni"})
# Words that make a message a request for a language rather than a mention of one ("my contract is in Spanish").
_REQUEST_CUES = frozenset({
    "please", "pls", "plz", "porfa", "porfavor", "favor", "speak", "talk", "write", "switch", "change", "prefer",
    "habla", "hablas", "hablame", "hablar", "escribe", "escribeme", "escribir", "cambia", "cambiar", "prefiero",
    "puedes", "podemos", "can", "could", "idioma", "language",
})
_SHORT_REQUEST_WORDS = 3
# Long messages carry enough signal; cap the work on huge input.
_MAX_CHARS = 2000
# The parse's key for the languages of a message written in two or more (code-switching; `written_in`).
WRITTEN_IN = "written_in"


def _without_links_and_codes(text: str) -> str:
    """The message as words: links, handles and codes with a digit blanked out, huge input cut."""
    return _CODE.sub(" ", _LINK_OR_HANDLE.sub(" ", text[:_MAX_CHARS]))


def fold(text: str) -> str:
    """Lowercase and strip accents, because users often type without them ("espanol", "como")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _word_forms(text: str) -> list[str]:
    """Folded words, with drawn-out letters shortened ("holaaa" -> "hola", "hellooo" -> "hello")."""
    return [_ELONGATED.sub(r"\1\1", fold(w)) for w in _WORD.findall(text)]


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
    # Languages listed with `staged: true`: their texts are being written and are checked as warnings
    # (`python -m bot language missing <code>`), but the assistant does not offer them until `staged` is removed.
    staged: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None) -> LanguageConfig:
        raw = datafile.read(path or LANGUAGES_FILE)
        staged = tuple(item["code"] for item in raw["languages"] if item.get("staged"))
        raw = {**raw, "languages": [item for item in raw["languages"] if not item.get("staged")]}
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
            default=raw["default"],
            languages=specs,
            neutral=frozenset(fold(str(w)) for w in raw.get("neutral", [])),
            staged=staged,
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

    def __init__(
        self,
        config: LanguageConfig,
        min_confidence: float = 0.8,
        min_confidence_short: float = 0.95,
        ngram_confidence: float = 0.75,
        min_lean: float = 0.65,
        mixed_min_markers: int = 2,
        mixed_min_words: int = 4,
        mixed_min_share: float = 0.2,
    ):
        self.config = config
        # lingua alone decides from these (from `min_confidence_short` on a message of one or two telling words).
        self.min_confidence = min_confidence
        self.min_confidence_short = min_confidence_short
        # The n-gram model alone decides from this, when no marker word says otherwise.
        self.ngram_confidence = ngram_confidence
        # Under their own thresholds, the marker majority, the n-gram model and lingua each "lean" to a language
        # from this probability; two leaning the same way decide (detect).
        self.min_lean = min_lean
        # A message is written in a language among others (`written_in`) from this many distinct marker words of
        # it, and this many words (and this share of the words) lingua finds in it.
        self.mixed_min_markers = mixed_min_markers
        self.mixed_min_words = mixed_min_words
        self.mixed_min_share = mixed_min_share

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

    def detect_without_model(self, text: str) -> str | None:
        """`detect` with markers and the statistical detector only (labels the n-gram model's examples)."""
        return self.detect(text, use_model=False)

    def detect(self, text: str, use_model: bool = True) -> str | None:
        """The language code the message is written in, or None when the message does not tell."""
        if not isinstance(text, str) or not text.strip():
            return None
        text = _without_links_and_codes(text)
        words = _word_forms(text)
        words = [w if w in self._known else _ELONGATED.sub(r"\1", w) for w in words]
        # A lone letter that no language uses as a word is part of a code or a name ("H-2B question", "T visa").
        informative = [w for w in words if w not in self.config.neutral and (len(w) > 1 or w in self._markers)]
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
        # The language of the training examples nearest to the message (character n-grams): it knows chat
        # spelling ("q onda", "plz answer") that the statistical detector, trained on books, does not.
        learned, learned_p = self._ngram_lean(self._without_places(text)) if use_model else (None, 0.0)
        if learned and learned_p >= self.ngram_confidence and (not voted or voted == [learned]):
            return learned
        majority = sorted(marker_votes.items(), key=lambda item: -item[1]) + [("", 0)]
        marker_lean = majority[0][0] if majority[0][1] > majority[1][1] else None
        if marker_lean and learned == marker_lean and learned_p >= self.min_lean:
            # More marker words of one language than of the other, and the n-grams agree: before lingua, which reads
            # place names as words ("is it cold in ciudad de mexico": markers 3 to 1, n-grams 0.99, lingua Spanish).
            return learned
        detector = self._lingua
        if detector is None:
            return self.config.languages[0].code
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        lingua = self._code_for_lingua(best.language)
        threshold = self.min_confidence if len(informative) >= 3 else self.min_confidence_short
        if best.value >= threshold:
            return lingua
        if not use_model or sum(1 for w in informative if len(w) > 1) < 2:
            return None
        if best.value >= self.min_confidence and learned == lingua:
            # lingua sure, short of its two-word threshold, and the n-grams on its side: "passport stolen", "jobs
            # abroad" (first messages, batch 3).
            return learned
        # None of the three is sure on its own. Two that lean the same way settle a message of two words or more
        # ("busco un job en canada": markers 2 to 1, n-grams 0.90, lingua 0.72; "can u help me"; first messages,
        # batch 2). One leaning is not enough, nor is a single word ("visa", "DACA", "H2A" lean too): the question
        # is asked instead.
        leans = [
            marker_lean,
            learned if learned_p >= self.min_lean else None,
            lingua if best.value >= self.min_lean else None,
        ]
        for code in self.config.codes:
            if leans.count(code) >= 2:
                return code
        return None

    def written_in(self, text: str) -> tuple[str, ...]:
        """The languages of a message written in two or more of them (code-switching); empty for one language.

        "hello sorry my english, mi esposo esta en un barco en Corea, they took his pasaporte y no le pagan ..."
        (danger batch AL) is half English, half Spanish: whichever language `detect` picks (or none), the writer
        may read only the other one. Two signals must agree for each language, each alone being fooled where the
        other is not: distinct marker words of it (Jamaican English repeats "mi" and "di", Spanish markers, but
        has few others) and the words lingua's segmentation finds in it (a film title or a loanword is a
        segment of a few words). On the 8,000 messages of the danger batches it finds 13, 12 of them truly
        written in both languages and one English question naming the film "La Jaula de Oro".
        """
        if not isinstance(text, str) or self._lingua is None:
            return ()
        text = _without_links_and_codes(text)
        words = set(_word_forms(text)) - self.config.neutral
        candidates = [s.code for s in self.config.languages if len(words & s.markers) >= self.mixed_min_markers]
        if len(candidates) < 2:
            return ()  # the usual case: lingua's segmentation (slower) is not needed
        counts: dict[str | None, int] = {}
        for part in self._lingua.detect_multiple_languages_of(text):
            found = self._code_for_lingua(part.language)
            counts[found] = counts.get(found, 0) + part.word_count
        total = sum(counts.values())
        found = tuple(
            code for code in candidates
            if counts.get(code, 0) >= self.mixed_min_words and counts.get(code, 0) >= self.mixed_min_share * total
        )  # fmt: skip
        return found if len(found) >= 2 else ()

    def requested(self, text: str) -> str | None:
        """The language a short message asks for ("in English please", "en español"), if exactly one is named.

        Not in a longer message, which usually describes ("my contract is in Spanish"), nor after a negation
        ("I don't speak Spanish").
        """
        if not isinstance(text, str):
            return None
        words = _word_forms(text[:_MAX_CHARS])
        if len(words) > _MAX_REQUEST_WORDS:
            return None
        if len(words) > _SHORT_REQUEST_WORDS and not _REQUEST_CUES & set(words):
            return None
        named = [spec.code for spec in self.config.languages if set(words) & spec.names]
        if len(named) != 1:
            return None
        names = next(spec.names for spec in self.config.languages if spec.code == named[0])
        first_name = min(i for i, w in enumerate(words) if w in names)
        if _NEGATIONS & set(words[max(0, first_name - 3) : first_name]):
            return None
        return named[0]

    @cached_property
    def _known(self) -> frozenset[str]:
        """Every marker, name and neutral word: drawn-out letters are shortened only for other words."""
        words = set(self.config.neutral)
        for spec in self.config.languages:
            words |= spec.markers | spec.names
        return frozenset(words)

    @cached_property
    def _markers(self) -> frozenset[str]:
        """Every language's marker words."""
        return frozenset().union(*(spec.markers for spec in self.config.languages))

    @cached_property
    def _places(self):
        from bot.nlp.countries import CountryFinder

        return CountryFinder.from_file()

    def _without_places(self, text: str) -> str:
        """Place names say nothing about the language ("im in san pedro sula"): left out for the n-gram model."""
        try:
            matches = self._places.find(text)
        except Exception:  # noqa: BLE001 - the language can still be guessed from the whole text
            return text
        for match in sorted(matches, key=lambda m: m.start_char, reverse=True):
            text = text[: match.start_char] + " " + text[match.end_char :]
        return text

    @cached_property
    def _ngram_model(self):
        return NgramLanguageModel.train(self)

    def _ngram_lean(self, text: str) -> tuple[str | None, float]:
        model = self._ngram_model
        return model.lean(text) if model is not None else (None, 0.0)


class NgramLanguageModel:
    """Logistic regression over character n-grams, trained on the assistant's own training examples.

    Deterministic (fixed solver, no randomness), trained in about a second when first needed, from the examples
    whose language is known: blocks of data/nlu with `metadata.language`, and other examples the marker words and
    the statistical detector agree on. The detector decides how sure is sure enough.
    """

    def __init__(self, vectorizer, classifier, codes: list[str]) -> None:
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.codes = codes

    @classmethod
    def train(cls, detector: LanguageDetector, nlu_dir: Path = NLU_DIR) -> NgramLanguageModel | None:
        texts, labels = _labelled_examples(detector, nlu_dir)
        if len(set(labels)) < 2:
            return None
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True, sublinear_tf=True)
        features = vectorizer.fit_transform([fold(t) for t in texts])
        classifier = LogisticRegression(max_iter=2000, C=4.0, solver="liblinear")
        classifier.fit(features, labels)
        return cls(vectorizer, classifier, list(classifier.classes_))

    def lean(self, text: str) -> tuple[str, float]:
        """The likeliest language and its probability (the detector decides what is confident enough)."""
        probabilities = self.classifier.predict_proba(self.vectorizer.transform([fold(text)]))[0]
        best = int(probabilities.argmax())
        return self.codes[best], float(probabilities[best])


def _labelled_examples(detector: LanguageDetector, nlu_dir: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    codes = set(detector.config.codes)
    for path in sorted(nlu_dir.glob("*.yml")):
        raw = datafile.read(path) or {}
        for block in raw.get("nlu") or []:
            stated = (block.get("metadata") or {}).get("language")
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"^\s*-\s?", "", line).strip()
                if not text:
                    continue
                language = stated if stated in codes else detector.detect_without_model(text)
                if language:
                    texts.append(text)
                    labels.append(language)
    return texts, labels
