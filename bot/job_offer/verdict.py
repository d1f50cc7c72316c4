"""What to ask next, and the verdict at the end of the job-offer check.

The verdict must help without giving false comfort: it lists each warning sign with its reason, and when
none was found it never calls the offer safe. It says which checks passed, that this does not prove the
offer is real, and how to verify the employer and the recruiter's licence in the user's country. Every
sentence comes from the data files (red_flags.yml, verdict.yml, verify.yml).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.job_offer.flags import FlagBook, default_flags
from bot.job_offer.guidance import Guidance, default_guidance
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


def next_questions(reading: OfferReading | None, answers: Mapping[str, Any], book: FlagBook | None = None) -> list[str]:
    """Flag ids still to ask, in `order`: neither settled by the text nor answered (even "not sure")."""
    book = book or default_flags()
    settled = reading.settled if reading is not None else set()
    return [f for f in book.ids if f not in settled and answer_value(answers.get(f)) is None]


def question_text(flag_id: str, language: str, book: FlagBook | None = None) -> str:
    """The yes / no / not sure question for `flag_id` in `language` (the default language if unsupported)."""
    book = book or default_flags()
    flag = book.get(flag_id)
    if flag is None:
        raise KeyError(f"unknown red flag {flag_id!r}")
    return flag.question[book.language(language)]


def _known(book: FlagBook, ids: Iterable[str] | None) -> list[str]:
    wanted = {str(i) for i in ids or ()}
    return [f for f in book.ids if f in wanted]


def build_verdict(
    present: Iterable[str] | None,
    absent: Iterable[str] | None,
    unsure: Iterable[str] | None,
    language: str,
    country: str | None = None,
    *,
    book: FlagBook | None = None,
    guidance: Guidance | None = None,
    invite_again: bool = True,
) -> str:
    """The verdict text: flags found with their reasons, or the checks that passed and how to verify.

    Unknown flag ids are ignored; a flag in several lists counts once, as present before unsure before absent.
    `invite_again=False` leaves out the closing "check another offer" line when the caller adds its own.
    """
    book = book or default_flags()
    guide = guidance or default_guidance()
    lang = book.language(language)
    found = _known(book, present)
    doubtful = [f for f in _known(book, unsure) if f not in found]
    passed = [f for f in _known(book, absent) if f not in found and f not in doubtful]

    def line(key: str, flag_id: str) -> str:
        flag = book.get(flag_id)
        assert flag is not None
        return guide.text(key, lang).format(label=flag.label[lang], why=flag.why[lang])

    blocks: list[str] = []
    if found:
        heading = guide.text("found_one", lang) if len(found) == 1 else guide.text("found_many", lang)
        blocks.append("\n".join([heading.format(count=len(found))] + [line("flag_line", f) for f in found]))
        blocks.append(guide.text("one_is_enough", lang) + " " + guide.text("before_you_go", lang))
    else:
        blocks.append(guide.text("none_found", lang))
        if passed:
            lines = [guide.text("passed_line", lang).format(label=book.get(f).passed[lang]) for f in passed]
            blocks.append("\n".join([guide.text("passed_intro", lang)] + lines))
        else:
            blocks.append(guide.text("nothing_answered", lang))
    if doubtful:
        blocks.append("\n".join([guide.text("unsure_intro", lang)] + [line("unsure_line", f) for f in doubtful]))
    if not found:
        blocks.append(guide.text("not_proof", lang))
    verify = [guide.country(country, lang)]
    if not found:
        verify += [check[lang] for check in guide.checks]
    blocks.append("\n".join([guide.text("verify_intro", lang)] + [f"- {v}" for v in verify]))
    questions = [f"- {q[lang]}" for q in guide.questions]
    blocks.append("\n".join([guide.text("questions_intro", lang)] + questions))
    if invite_again:
        blocks.append(guide.text("another", lang))
    return "\n\n".join(blocks)
