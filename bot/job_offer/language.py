"""A simple guess of whether a pasted offer is in English or Spanish.

The reader runs the patterns of every language anyway (people mix them: "me dijeron 'we keep your
passport'"), so the guess only decides the language of the questions and the verdict when the conversation
has none yet. Counting the short function words each language uses, and that the other does not, is
enough for that and needs no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.job_offer.text import fold

_WORD = re.compile(r"[a-z']+")


@lru_cache(maxsize=8)
def _function_words(languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """spaCy's stop-word lists, minus the words the languages share ("no", "a", "me")."""
    from spacy.util import get_lang_class

    words = {code: frozenset(fold(w) for w in get_lang_class(code).Defaults.stop_words) for code in languages}
    return {
        code: own - frozenset().union(*(other for c, other in words.items() if c != code))
        for code, own in words.items()
    }


def detect_language(text: str, languages: Iterable[str] = ("en", "es"), default: str = "es") -> str:
    """The language in `languages` with most of its own function words in `text`; `default` on a tie."""
    codes = tuple(languages)
    words = _function_words(codes)
    tokens = _WORD.findall(fold(text or "")[:4000])
    scores = {code: sum(1 for t in tokens if t in words[code]) for code in codes}
    best = max(scores.values(), default=0)
    leaders = [code for code, score in scores.items() if score == best]
    if best == 0 or len(leaders) > 1:
        return default if default in codes else codes[0]
    return leaders[0]
