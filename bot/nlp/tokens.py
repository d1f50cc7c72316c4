"""Word splitting and accent folding shared by the rule-based finders.

spaCy's own tokenizers split abbreviations differently depending on what follows them ("EE.UU." vs
"EE.UU.," vs "EE. UU."), which makes hand-written patterns miss. A finder that has to be predictable uses
this splitter instead: a token is a run of letters/digits (with any combining accents) or one single
other visible character. Patterns built with the same splitter therefore always line up with messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+|\S")
# Lone surrogates cannot be encoded as UTF-8 (spaCy's string store would raise); same length keeps offsets.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Token:
    """A word or symbol with its position in the original text."""

    text: str
    start: int
    end: int


def safe_text(text: str) -> str:
    """Return `text` with characters that break string stores replaced, keeping every offset valid."""
    return _SURROGATE.sub("\ufffd", text)


def tokenize(text: str) -> list[Token]:
    """Split `text` into words and single symbols; whitespace only separates."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(safe_text(text))]


def iter_words(text: str) -> Iterator[str]:
    """Yield the token texts of `text` (handy for building patterns from a phrase)."""
    for token in tokenize(text):
        yield token.text


def strip_accents(text: str) -> str:
    """Drop accents and diaeresis ("México" -> "Mexico", "ñ" -> "n") the way people type without them."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
