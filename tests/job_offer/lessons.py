"""What every batch's lessons check for each (sign, language, text with the sign, the same offer without it) case:
the sign is read when said and not when not, and saying it never makes the grade the user sees milder."""

from __future__ import annotations

from bot.job_offer import SERIOUS, OfferReader, grade

LEVELS = ["none", "some", SERIOUS]


def read_flags(reader: OfferReader, language: str, text: str) -> set[str]:
    return set(reader.read(text, language).flags)


def assert_read_when_said(reader: OfferReader, sign: str, language: str, present: str, absent: str) -> None:
    assert sign in read_flags(reader, language, present)
    assert sign not in read_flags(reader, language, absent)


def assert_grade_never_milder(reader: OfferReader, language: str, present: str, absent: str) -> None:
    with_sign = grade(reader.read(present, language).flags)
    without = grade(reader.read(absent, language).flags)
    assert LEVELS.index(with_sign) >= LEVELS.index(without)
