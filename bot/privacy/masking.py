"""Mask phone numbers, e-mail addresses and passport/ID numbers in free text.

Why: the person exploiting a user may get hold of the stored conversation, and a leaked database must not
say how to reach the user, their family or the recruiter they named, nor carry their passport number.
What the assistant needs later (amounts, years, ages, times, emergency short codes) stays readable.

Decisions the tests pin down:
- Fewer than 7 digits is never a phone: "3000 a month", "$500", "2,000 dlls", 2024, ages, 10:30 and the
  short codes 911, 110, 145 are kept. Comma-grouped ("1,500,000") and dot-grouped ("1.500.000") amounts,
  dates (2024-05-12, 12-05-2024), years and year ranges (2020-2024), round ranges ("3000-4000") and numbers
  next to a currency ("$ 1500000", "1 500 000 pesos") are kept too.
- A hotline number the user writes, such as Mexico's 800 5533 000, IS masked: from the text alone it cannot
  be told apart from a private number, and masking it costs nothing (the bot's own replies say which hotline
  was given). Only an explicit "+" country prefix is trusted less than nothing: "+..." with 7+ digits is a
  phone even if it looks like an amount.
- Spanish-style numbers written as "612.345.678" read as an amount and are kept; "+34 612 345 678" is masked.
- A number is labelled "[id]" instead of "[phone]" when the nearest keyword before it names a document
  (passport, pasaporte, DNI, CURP, cédula...) or when it has more than 15 digits.
- The amount exemptions (a currency or "a month"/"cada día" next to it, a round range) only apply to numbers
  written like amounts: one run of digits, or thousands in groups of three. "555 123 4567 every day" and
  "9988-7766 cada día" are phones. A round range needs a money word nearby ("3000-4000 dólares"); alone,
  "2200-3300" is a Central American phone number. A phone word just before a number (phone, tel, cel,
  whatsapp, llama, número...) overrides every amount exemption.
- Text is normalised first (NFKC: full-width "５５５" becomes "555"; invisible characters such as zero-width
  spaces are removed), so a number cannot hide behind look-alike characters. The stored text is the
  normalised one.
- Spelled-out e-mail addresses are masked too: "maria(arroba)gmail.com", "juan [at] yahoo [dot] com",
  "pedro arroba hotmail punto com".

Every regular expression is anchored by a look-behind so it can only start at the beginning of a token;
together with bounded repetitions this keeps the work linear in the input size (1 MB in seconds).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import phonenumbers

logger = logging.getLogger(__name__)

PHONE = "[phone]"
EMAIL = "[email]"
ID = "[id]"

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15
MIN_ID_TOKEN_DIGITS = 5
MIN_ID_CONTEXT_DIGITS = 6
LIBRARY_MAX_CHARS = 100_000
REGION_ENV = "PRIVACY_PHONE_REGION"
DEFAULT_REGION = "MX"

_PRIORITY = {PHONE: 1, ID: 2, EMAIL: 3}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])")
# Spelled-out e-mails: "(arroba)", "[at]", " arroba ", with "." or "(punto)", "[dot]", " punto " before a known
# top-level domain, so "at home" or "punto final" are never taken for an address.
_OBF_AT = r"(?:\s*[(\[{<]\s*(?:at|arroba|@)\s*[)\]}>]\s*|\s+(?:arroba|at)\s+)"
_OBF_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punto|\.)\s*[)\]}>]\s*|\s+(?:punto|dot)\s+|\.)"
_TLDS = (
    "com|net|org|edu|gov|info|biz|io|co|me|mx|hn|gt|sv|ni|cr|pa|bz|do|us|ca|es|cu|ve|ec|pe|cl|ar|bo|br|uy|py|ht"
)
_EMAIL_SPELLED = re.compile(
    rf"(?<![\w.+-])[\w.+-]{{1,64}}{_OBF_AT}(?:[A-Za-z0-9-]{{1,63}}{_OBF_DOT}){{1,4}}(?:{_TLDS})(?![\w-])", re.I
)
# Characters that render as nothing; removed before matching so "555\u200b1234567" cannot slip through.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CURP = re.compile(r"(?<![A-Za-z0-9])[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d(?![A-Za-z0-9])", re.I | re.A)
_ALNUM_TOKEN = re.compile(r"(?<!\w)[A-Za-z0-9]{6,24}(?!\w)")
_AMOUNT_WITH_UNIT = re.compile(
    r"\d+(?:k|usd|us|dlls?|dls|mxn|pesos?|lps|hnl|gtq|q|eur|euros?|cop|pen|soles|colones|crc|bs|ves)",
    re.I,
)

_SPACE = r"[^\S\r\n]"  # any space on the same line, including no-break and thin spaces
_DASH = r"[-.\u2010-\u2015\u2212]"
_SEP = rf"(?:{_SPACE}?{_DASH}{_SPACE}?|{_SPACE}{{1,2}})"
_PAREN = rf"\({_SPACE}?\+?\d{{1,5}}{_SPACE}?\)"
# A chain of digit groups: "+504 9999-9999", "(55) 1234 5678", "555.123.4567", "5512345678".
_NUMBER = re.compile(
    rf"(?<![\w@/+])(?<!\d[.,])(?:\+{_SPACE}?)?(?:{_PAREN}|\d+)(?:{_SEP}?{_PAREN}|{_SEP}\d+|(?<=\))\d+)*"
)

_DATE_YMD = re.compile(r"(?:19|20)\d{2}[-./](\d{1,2})[-./](\d{1,2})")
_DATE_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](?:\d{2}|\d{4})")
_YEARS = re.compile(rf"(?:19|20)\d{{2}}(?:{_SEP}(?:19|20)\d{{2}})+")
_DOT_GROUPED_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_AMOUNT_LAYOUT = re.compile(r"\d{1,8}|\d{1,3}(?:[ ,.\u00a0]\d{3})+")
_MONEY_NEAR = re.compile(
    r"[$€£]|\b(?:usd|dlls?|dls|d[oó]lares|dollars?|pesos?|mxn|lempiras?|lps|quetzal(?:es)?|colones|soles|"
    r"euros?|salar(?:y|io)|sueldo|pay|paga|pago|wage|ganar|gano|gana|earn)\b",
    re.I,
)
_ROUND_RANGE = re.compile(rf"(\d{{1,6}}){_SPACE}?{_DASH}{_SPACE}?(\d{{1,6}})")
_CURRENCY_BEFORE = re.compile(r"(?:[$€£]|\b(?:us|usd|mxn|q|l|lps|cop|s/)\.?)[ \t]*$", re.I)
_CURRENCY_AFTER = re.compile(
    r"[ \t]*(?:usd\b|us\$|dlls?\b|dls\b|d[oó]lares\b|dollars?\b|pesos?\b|mxn\b|lempiras?\b|lps\b|"
    r"quetzal(?:es)?\b|gtq\b|colones\b|soles\b|bol[ií]vares\b|euros?\b|eur\b|reales\b|"
    r"(?:a|al|per|por|each|cada|every)[ \t]+(?:month|mes|week|semana|hour|hora|day|d[ií]a|year|a[ñn]o)\b)",
    re.I,
)
_CONTEXT = re.compile(
    r"(?P<id>passport|pasaporte|\bdni\b|\bid\b|\bids\b|identi(?:ty|dad|fication|ficaci[oó]n)|c[eé]dula|"
    r"\bcurp\b|\bine\b|\bife\b|\bdpi\b|\brfc\b|\bnss\b|\bssn\b|documento|document|licen[cs]ia|license|"
    r"visa\b|account|cuenta|tarjeta|card)"
    r"|(?P<phone>phone|tel[eé]fono|\btel\b|\bcel\b|celular|m[oó]vil|mobile|whats?app|\bwa\b|"
    r"n[uú]mero|number|ll[aá]ma|call|contact)",
    re.I,
)
_CONTEXT_WINDOW = 40


class _Span(NamedTuple):
    start: int
    end: int
    label: str


def mask_text(text: str, region: str | None = None) -> str:
    """Return `text` with phones, e-mails and ID numbers replaced by "[phone]", "[email]", "[id]".

    Never raises: input that is not a string is converted (None becomes ""), and if masking itself fails
    the text is masked bluntly (every digit hidden) rather than stored as it was.
    `region` is the default country for numbers written without "+" (env PRIVACY_PHONE_REGION, else MX).
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
    text = normalise(text)
    if not re.search(r"[\d@]", text) and not re.search(r"arroba|\bat\b|[(\[]\s*at", text, re.I):
        return text
    try:
        spans = _merge(_find_spans(text, region or os.environ.get(REGION_ENV) or DEFAULT_REGION))
        return _replace(text, spans)
    except Exception:  # noqa: BLE001 - storing the raw text would be worse than any error here
        logger.warning("masking failed; falling back to hiding every digit", exc_info=False)
        return _blunt_mask(text)


def normalise(text: str) -> str:
    """NFKC and no invisible characters: what is matched (and stored) is what a reader would see."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _find_spans(text: str, region: str) -> Iterator[_Span]:
    for match in _EMAIL.finditer(text):
        yield _Span(match.start(), match.end(), EMAIL)
    for match in _EMAIL_SPELLED.finditer(text):
        yield _Span(match.start(), match.end(), EMAIL)
    for match in _CURP.finditer(text):
        yield _Span(match.start(), match.end(), ID)
    for match in _ALNUM_TOKEN.finditer(text):
        if _looks_like_id_token(match.group()):
            yield _Span(match.start(), match.end(), ID)
    for match in _NUMBER.finditer(text):
        if match.end() - match.start() < MIN_ID_CONTEXT_DIGITS:
            continue  # too short to be anything but a number the conversation needs
        label = _classify_number(text, match.start(), match.end())
        if label:
            yield _Span(match.start(), match.end(), label)
    yield from _library_phone_spans(text, region)


def _library_phone_spans(text: str, region: str) -> Iterator[_Span]:
    """Second opinion from libphonenumber, for layouts the chain pattern misses ("55/1234/5678", "x12").

    It costs about 3 s per MB, so texts longer than LIBRARY_MAX_CHARS (far above any chat message) rely on
    the chain pattern alone, which still masks every 7-15 digit run with spaces, dots, dashes or brackets.
    """
    if len(text) > LIBRARY_MAX_CHARS:
        return
    try:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID, max_tries=sys.maxsize
        )
        for match in matcher:
            label = _classify_number(text, match.start, match.end)
            if label:
                yield _Span(match.start, match.end, label)
    except Exception:  # noqa: BLE001 - an unknown region must not stop the regex masking
        logger.debug("libphonenumber pass skipped", exc_info=False)


def _looks_like_id_token(token: str) -> bool:
    digits = sum(ch.isdecimal() for ch in token)
    has_letter = any(ch.isalpha() for ch in token)
    return has_letter and digits >= MIN_ID_TOKEN_DIGITS and not _AMOUNT_WITH_UNIT.fullmatch(token)


def _classify_number(text: str, start: int, end: int) -> str | None:
    """Decide whether a run of digits is a phone, an ID, or something the conversation needs."""
    span = text[start:end]
    if end < len(text) and text[end].isalpha():
        return None  # part of an alphanumeric token; _looks_like_id_token decides those
    digits = sum(ch.isdecimal() for ch in span)
    if digits < MIN_ID_CONTEXT_DIGITS:
        return None
    context = _nearest_context(text, start)
    if digits > MAX_PHONE_DIGITS:
        return ID
    if digits < MIN_PHONE_DIGITS:
        return ID if context == "id" else None
    international = span.lstrip("( \t\u00a0").startswith("+")
    if not international and _is_needed_number(text, span, start, end, phone_cue=context == "phone"):
        return None
    return ID if context == "id" else PHONE


def _is_needed_number(text: str, span: str, start: int, end: int, phone_cue: bool = False) -> bool:
    """Dates, years, amounts and ranges: numbers the assistant must keep reading.

    Dates and years are kept whatever the words around them; amounts only when written like amounts and
    not right after a phone word (see the module docstring).
    """
    if _is_date(span) or _YEARS.fullmatch(span):
        return True
    if phone_cue:
        return False
    if _DOT_GROUPED_AMOUNT.fullmatch(span):
        return True
    ends = _ROUND_RANGE.fullmatch(span)
    if ends and ends.group(1).endswith("00") and ends.group(2).endswith("00"):
        return bool(_MONEY_NEAR.search(text, max(0, start - _CONTEXT_WINDOW), min(len(text), end + _CONTEXT_WINDOW)))
    if not _AMOUNT_LAYOUT.fullmatch(span.strip()):
        return False
    return bool(_CURRENCY_BEFORE.search(text[max(0, start - 5) : start]) or _CURRENCY_AFTER.match(text, end))


def _is_date(span: str) -> bool:
    ymd = _DATE_YMD.fullmatch(span)
    if ymd:
        return 1 <= int(ymd.group(1)) <= 12 and 1 <= int(ymd.group(2)) <= 31
    dmy = _DATE_DMY.fullmatch(span)
    if dmy:
        first, second = int(dmy.group(1)), int(dmy.group(2))
        return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12
    return False


def _nearest_context(text: str, start: int) -> str | None:
    """Return "id" or "phone": whichever keyword appears last in the few words before the number."""
    last = None
    for last in _CONTEXT.finditer(text, max(0, start - _CONTEXT_WINDOW), start):  # noqa: B007
        pass
    if last is None:
        return None
    return "id" if last.group("id") else "phone"


def _merge(spans: Iterable[_Span]) -> list[_Span]:
    """Overlapping findings become one masked span with the most specific label."""
    merged: list[_Span] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            previous = merged[-1]
            label = max(previous.label, span.label, key=_PRIORITY.__getitem__)
            merged[-1] = _Span(previous.start, max(previous.end, span.end), label)
        else:
            merged.append(span)
    return merged


def _replace(text: str, spans: list[_Span]) -> str:
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(span.label)
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def _blunt_mask(text: str) -> str:
    try:
        return re.sub(r"\S*@\S*", EMAIL, re.sub(r"\d", "#", text))
    except Exception:  # noqa: BLE001 - last resort, keep nothing
        return ""
