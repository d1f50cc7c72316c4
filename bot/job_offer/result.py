"""The graded result of the job-offer check: serious warning signs, some, or none of the signs checked.

It must help without false comfort. The level comes from the signs found in the text and in the answers,
each weighted in red_flags.yml (an ILO indicator of forced labour counts double; an offer aimed at children
is serious on its own). With no sign found it never calls the offer safe: it says which checks passed,
that this proves nothing, what is still to find out, and how to check the employer in the user's country.
Every sentence comes from the data files (red_flags.yml, verdict.yml, verify.yml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.job_offer.flags import FlagBook, default_flags
from bot.job_offer.guidance import Guidance, default_guidance

SERIOUS, SOME, NONE = "serious", "some", "none"


def _known(book: FlagBook, ids: Iterable[str] | None) -> list[str]:
    wanted = {str(i) for i in ids or ()}
    return [f for f in book.ids if f in wanted]


def grade(present: Iterable[str], book: FlagBook | None = None, guidance: Guidance | None = None) -> str:
    """SERIOUS, SOME or NONE from the summed weights of the signs present."""
    book = book or default_flags()
    levels = (guidance or default_guidance()).levels
    score = sum(book.get(f).weight for f in _known(book, present))
    if score >= levels.get(SERIOUS, 3):
        return SERIOUS
    return SOME if score >= levels.get(SOME, 1) else NONE


@dataclass(frozen=True)
class Result:
    level: str
    text: str


def build_result(
    present: Iterable[str] | None,
    absent: Iterable[str] | None,
    unsure: Iterable[str] | None,
    language: str,
    country: str | None = None,
    *,
    book: FlagBook | None = None,
    guidance: Guidance | None = None,
) -> Result:
    """The result text: level, signs found, checks passed, what is still open, how to verify.

    Unknown flag ids are ignored; a flag in several lists counts once, as present before unsure before absent.
    Flags in no list are open: the first `question_limit` of them (in the data's order) are listed as still to
    find out, after the ones the person did not know.
    """
    book = book or default_flags()
    guide = guidance or default_guidance()
    lang = book.language(language)
    found = _known(book, present)
    doubtful = [f for f in _known(book, unsure) if f not in found]
    passed = [f for f in _known(book, absent) if f not in found and f not in doubtful]
    untouched = [f for f in book.ids if f not in found and f not in doubtful and f not in passed]
    still_open = (doubtful + untouched)[: max(guide.question_limit, len(doubtful))]
    level = grade(found, book, guide)

    blocks = [guide.text(f"level_{level}", lang)]
    if found:
        lines = [guide.text("found_intro", lang)]
        lines += [guide.text("found_line", lang).format(label=book.get(f).label[lang]) for f in found]
        blocks.append("\n".join(lines))
        blocks.append(guide.text("one_is_enough", lang))
    if passed:
        lines = [guide.text("passed_intro", lang)]
        lines += [guide.text("passed_line", lang).format(passed=book.get(f).passed[lang]) for f in passed]
        blocks.append("\n".join(lines))
    if still_open:
        lines = [guide.text("open_intro", lang)]
        lines += [guide.text("open_line", lang).format(question=book.get(f).question[lang]) for f in still_open]
        blocks.append("\n".join(lines))
    if not found:
        blocks.append(guide.text("not_proof", lang))
    verify = [guide.country(country, lang)]
    if not found:
        verify += [check[lang] for check in guide.checks]
    blocks.append("\n".join([guide.text("verify_intro", lang)] + [f"- {v}" for v in verify]))
    blocks.append("\n".join([guide.text("questions_intro", lang)] + [f"- {q[lang]}" for q in guide.questions]))
    return Result(level, "\n\n".join(blocks))
