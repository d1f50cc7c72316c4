"""Cleaning and folding of pasted offers, keeping every character offset valid.

People paste adverts straight from a browser or a chat: HTML tags, control characters, emoji, broken
surrogates, or megabytes of text. The reader must never fail on them, and the evidence it shows back
("…keep my passport…") must point at the same characters the user wrote, so every step here keeps the
length of the text unchanged (one character in, one character out) except the final size cap.
"""

from __future__ import annotations

import re
import unicodedata

# A pasted advert is a few thousand characters at most; anything longer is cut so reading stays fast.
DEFAULT_MAX_CHARS = 8000

_TAG = re.compile(r"<[^<>]{0,400}>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]{0,400}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u200b-\u200f]")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def clean(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return `text` as plain text whose characters line up one to one with what the reader matches.

    Bytes are decoded leniently, anything else that is not a string reads as empty: the caller then gets an
    empty reading instead of an exception.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return ""
    # Composed form first: a pasted "o" + combining accent becomes "ó", one character like everywhere else.
    text = unicodedata.normalize("NFC", text[: max(0, max_chars)])
    text = _SCRIPT.sub(_blank, text)
    text = _TAG.sub(_blank, text)
    return _CONTROL.sub(" ", text)


def lower_same_length(text: str) -> str:
    """Lowercase character by character, keeping characters whose lowercase form is longer ("İ")."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def fold(text: str) -> str:
    """Lowercase and drop accents ("Dólares" -> "dolares", "ñ" -> "n"): users often type without them."""
    decomposed = unicodedata.normalize("NFD", str(text).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_same_length(text: str) -> str:
    """`fold`, one character at a time, so offsets in the folded text are offsets in the original."""
    out = []
    for ch in text:
        folded = fold(ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)
