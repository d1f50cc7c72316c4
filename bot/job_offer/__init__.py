"""The job-offer check: red flags as data, a free-text reader, the questions still open and the verdict.

reader = OfferReader.from_files()
reading = reader.read("they keep my passport", "en")   # reading.flags, reading.absent
next_questions(reading, answers)                        # flag ids still to ask, in order
build_verdict(present, absent, unsure, "en", country="MX")
"""

from bot.job_offer.flags import FlagBook, RedFlag, default_flags, load_flags
from bot.job_offer.reader import Evidence, OfferReader, OfferReading
from bot.job_offer.verdict import (
    answer_value,
    build_verdict,
    next_questions,
    question_text,
    settle,
)

__all__ = [
    "Evidence",
    "FlagBook",
    "OfferReader",
    "OfferReading",
    "RedFlag",
    "answer_value",
    "build_verdict",
    "default_flags",
    "load_flags",
    "next_questions",
    "question_text",
    "settle",
]
