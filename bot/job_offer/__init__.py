"""The job-offer check: red flags as data, a reader of free text, a short first reply and a graded result.

reader = OfferReader.from_files()                    # rules + the learned half (build/, trained if missing)
reading = reader.read("they keep my passport", "en") # reading.flags, reading.absent
start = start_check(reading, "en")                   # first reply text and at most three questions
build_result(present, absent, unsure, "en", country="MX").text
"""

from bot.job_offer.check import CheckStart, start_check
from bot.job_offer.flags import FlagBook, RedFlag, default_flags, load_flags
from bot.job_offer.reader import Evidence, OfferReader, OfferReading
from bot.job_offer.result import NONE, SERIOUS, SOME, Result, build_result, grade
from bot.job_offer.verdict import answer_value, next_questions, question_text, settle

__all__ = [
    "NONE",
    "SERIOUS",
    "SOME",
    "CheckStart",
    "Evidence",
    "FlagBook",
    "OfferReader",
    "OfferReading",
    "RedFlag",
    "Result",
    "answer_value",
    "build_result",
    "default_flags",
    "grade",
    "load_flags",
    "next_questions",
    "question_text",
    "settle",
    "start_check",
]
