"""Text normalisation for the danger backstop.

People in danger type fast, on cheap phones, often without accents and in SMS spelling. The patterns are
written once in plain dictionary spelling; this module brings every message (and every pattern) to the same
plain form so that "AYUDAAA me kitaron el pasaport" and "ayuda, me quitaron el pasaporte" look alike.
Everything here is pure string work with no model, so it cannot fail to load and is cheap to run twice
(once per language).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

# Telegram caps a message at 4096 characters; anything longer is pasted text, not a cry for help typed in
# a hurry. The head and the tail are both kept because a plea can come before or after a long paste.
MAX_CHARS = 12_000
HEAD_CHARS = 9_000
MAX_TOKENS = 3_000

# Punctuation that ends a clause. Kept as tokens so that a question frame ("is it normal that ...") only
# governs the clause it is in, and so a negation never reaches across a comma.
CLAUSE_PUNCT = '.,;:!?¡¿()"'
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.,;:!?¡¿()\"]")
# Three or more of the same letter are emphasis ("ayudaaaa", "heeelp"), never spelling.
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
# A word in single quotes is a word in scare quotes, as in double quotes: "my 'job' in myanmar" (batch AM). The
# tokeniser keeps double quotes (a pattern can read 'my "boss"') and drops single ones, so these become double.
_SINGLE_QUOTED = re.compile(r"(?<![^\W_])'([^\W\d_]+)'(?![^\W_])")
# Emoji that people use as words. Others are dropped by the tokeniser.
_EMOJI_WORDS = {"\U0001f198": " SOS ", "\U0001f6a8": " SOS "}


@dataclass(frozen=True)
class LanguageRules:
    """SMS spellings and contractions of one language, read from the danger data file."""

    replacements: Mapping[str, str] = field(default_factory=dict)
    suffixes: Mapping[str, str] = field(default_factory=dict)
    # Spanish writers swap "k" for "qu"/"c" ("kitaron", "aki"); English needs its k.
    spanish_k: bool = False


def clip(text: str) -> str:
    """Bound the work on huge input while keeping both ends of it."""
    if len(text) <= MAX_CHARS:
        return text
    return text[:HEAD_CHARS] + "\n" + text[-(MAX_CHARS - HEAD_CHARS) :]


def strip_accents(text: str) -> str:
    """Remove diacritics: many phones and many writers leave them out, so patterns must not need them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def base_normalise(text: str) -> str:
    """Language-independent clean-up: accents, apostrophes, emphasis, control characters."""
    for emoji, word in _EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = _SINGLE_QUOTED.sub(r'"\1"', strip_accents(text).translate(_APOSTROPHES))
    text = "".join(ch if ch.isprintable() else "\n" if ch in "\r\n" else " " for ch in text)
    text = text.replace("\n", " . ")
    return _REPEAT_RE.sub(r"\1", text)


def _spanish_k(token: str) -> str:
    """Spanish SMS spelling: "kitaron" -> "quitaron", "aki" -> "aqui", "kasa" -> "casa"."""
    if "k" not in token:
        return token
    token = re.sub(r"k(?=[ei])", "qu", token)
    return token.replace("k", "c")


def rewrite_token(lower: str, rules: LanguageRules) -> list[str]:
    """Turn one lower-case token into its plain spelling (possibly several words: "cant" -> "can not")."""
    if lower in rules.replacements:
        return rules.replacements[lower].split()
    for suffix, replacement in rules.suffixes.items():
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return [lower[: -len(suffix)], *replacement.split()]
    if rules.spanish_k and lower.isalpha():
        lower = _spanish_k(lower)
        if lower in rules.replacements:
            return rules.replacements[lower].split()
    return [lower.replace("'", "")] if "'" in lower else [lower]


def tokenise(text: str, rules: LanguageRules) -> list[str]:
    """Split normalised text into words and clause punctuation, applying the language's rewrites.

    A word keeps its original case unless it was rewritten, so a pattern can still tell "SOS" (a call for
    help) from Central American "sos" ("you are").
    """
    words: list[str] = []
    for raw in _TOKEN_RE.findall(base_normalise(clip(text))):
        lower = raw.lower()
        if raw in CLAUSE_PUNCT:
            if not words or words[-1] not in CLAUSE_PUNCT:
                words.append(raw)
            continue
        rewritten = rewrite_token(lower, rules)
        if rewritten == [lower.replace("'", "")] and "'" not in raw:
            words.append(raw)
        else:
            words.extend(rewritten)
        if len(words) >= MAX_TOKENS:
            break
    return words
