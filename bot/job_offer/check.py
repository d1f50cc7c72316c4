"""The first reply of the job-offer check: what the text shows, what looks right, and the few questions left.

Issue 18: people were asked seven to ten questions before hearing anything about what they had pasted, and
after three answers nobody had a single warning. Now the first reply says at once which warning signs the
text shows, each with one line of why (ILO forced-labour indicators, fair-recruitment principles), and what
looks right (signs the text rules out); then come at most `question_limit` questions (three), the most
important first (fees, documents, debt, contract), each of which can be skipped for the result.

Every sentence comes from data (red_flags.yml, verdict.yml). The user's own words are never echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.job_offer.flags import FlagBook, default_flags
from bot.job_offer.guidance import Guidance, default_guidance
from bot.job_offer.reader import OfferReading
from bot.job_offer.verdict import next_questions


@dataclass(frozen=True)
class CheckStart:
    """What the check does after reading the first message."""

    language: str
    found: tuple[str, ...]
    ruled_out: tuple[str, ...]
    questions: tuple[str, ...]
    text: str

    @property
    def read_anything(self) -> bool:
        return bool(self.found or self.ruled_out)


def start_check(
    reading: OfferReading | None,
    language: str,
    *,
    is_offer: bool | None = None,
    book: FlagBook | None = None,
    guidance: Guidance | None = None,
) -> CheckStart:
    """The first reply for `reading` (None: nothing to read, e.g. the "check an offer" button).

    `is_offer` says whether the message described an offer (the router's view); when it did not and the text
    showed nothing, the reply invites the person to paste the offer instead of reporting an empty reading.
    """
    book = book or default_flags()
    guide = guidance or default_guidance()
    lang = book.language(language)
    # A request such as "I want to check a job offer" describes no offer: the learned sign reader's guesses on
    # it are noise (it once read "no company name" into it); signs the rules read in the words still count.
    found = tuple(
        f
        for f in book.ids
        if reading is not None and f in reading.flags and (is_offer is not False or reading.flags[f].by != "model")
    )
    ruled_out = tuple(f for f in book.ids if reading is not None and f in reading.absent and f not in found)
    questions = tuple(next_questions(reading, {}, book, limit=guide.question_limit))

    blocks: list[str] = []
    if found:
        key = "read_found_one" if len(found) == 1 else "read_found_many"
        lines = [guide.text(key, lang).format(count=len(found))]
        for flag_id in found:
            flag = book.get(flag_id)
            lines.append(guide.text("read_sign_line", lang).format(label=flag.label[lang], why=flag.why[lang]))
        blocks.append("\n".join(lines))
    elif ruled_out or is_offer:
        blocks.append(guide.text("read_none", lang))
    else:
        blocks.append(guide.text("ask_first", lang))
    if ruled_out:
        lines = [guide.text("read_right_intro", lang)]
        lines += [guide.text("read_right_line", lang).format(passed=book.get(f).passed[lang]) for f in ruled_out]
        blocks.append("\n".join(lines))
    if questions:
        key = "questions_one" if len(questions) == 1 else "questions_many"
        blocks.append(guide.text(key, lang).format(count=len(questions), button=guide.result_button[lang]))
    return CheckStart(lang, found, ruled_out, questions, "\n\n".join(blocks))
