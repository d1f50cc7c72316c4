"""The answers to the check's questions, and which questions are still open.

A person answers with buttons or in words ("Sí", "no idea", "not_sure"); this module reads them, merges them
with what the text already said (`settle`), and lists the questions still open in the order of
red_flags.yml, where fees, documents, debt and the contract come first. The first reply (check.py) and the
graded result (result.py) are built from these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.job_offer.flags import FlagBook, default_flags
from bot.job_offer.reader import OfferReading
from bot.job_offer.text import fold

YES, NO, UNSURE = "yes", "no", "unsure"
_ANSWERS = {
    YES: {"yes", "y", "yeah", "yep", "si", "true", "affirm", "1"},
    NO: {"no", "n", "nope", "false", "deny", "0"},
    UNSURE: {"unsure", "not sure", "not_sure", "dont know", "don't know", "no se", "no lo se", "maybe", "quizas"},
}


def answer_value(value: Any) -> str | None:
    """ "yes", "no" or "unsure" for a slot value or a typed answer ("Sí", "not_sure", True); else None."""
    if isinstance(value, bool):
        return YES if value else NO
    if value is None:
        return None
    text = fold(str(value)).strip(" .!?¿¡").replace("’", "'")
    for answer, words in _ANSWERS.items():
        if text in words:
            return answer
    return None


def settle(
    reading: OfferReading | None, answers: Mapping[str, Any], book: FlagBook | None = None
) -> tuple[list[str], list[str], list[str]]:
    """(present, absent, unsure) flag ids in form order, from the text and the answers given so far.

    An answer given by the user overrides what the reader inferred, since the person knows the offer best.
    """
    book = book or default_flags()
    present, absent, unsure = [], [], []
    for flag_id in book.ids:
        answer = answer_value(answers.get(flag_id))
        if answer is None and reading is not None:
            answer = YES if flag_id in reading.flags else NO if flag_id in reading.absent else None
        {YES: present, NO: absent, UNSURE: unsure}.get(answer, []).append(flag_id)
    return present, absent, unsure


def next_questions(
    reading: OfferReading | None, answers: Mapping[str, Any], book: FlagBook | None = None, limit: int | None = None
) -> list[str]:
    """Flag ids still to ask, in `order`: neither settled by the text nor answered (even "not sure").

    `limit` keeps only the first ones: the check never asks more than a few questions before a result.
    """
    book = book or default_flags()
    settled = reading.settled if reading is not None else set()
    open_ids = [f for f in book.ids if f not in settled and answer_value(answers.get(f)) is None]
    return open_ids if limit is None else open_ids[: max(0, limit)]


def question_text(flag_id: str, language: str, book: FlagBook | None = None) -> str:
    """The yes / no / not sure question for `flag_id` in `language` (the default language if unsupported)."""
    book = book or default_flags()
    flag = book.get(flag_id)
    if flag is None:
        raise KeyError(f"unknown red flag {flag_id!r}")
    return flag.question[book.language(language)]
