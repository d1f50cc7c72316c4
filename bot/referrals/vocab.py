"""The closed vocabularies of the referral directory.

They live in one place because the seed validator, the database constraints and the query all have to agree:
a need spelled differently in a seed file would silently never match a user's request.
"""

from __future__ import annotations

from bot.language import supported_codes

NEEDS: tuple[str, ...] = (
    "emergency",
    "trafficking_hotline",
    "child_protection",
    "migrant_assistance",
    "legal_aid",
    "shelter",
    "psychosocial",
    "consular",
)

CONTACT_KINDS: tuple[str, ...] = ("phone", "sms", "whatsapp", "web", "email", "app", "tty")

# Kinds whose value is a number someone dials or texts; they are checked with `phonenumbers`.
NUMBER_KINDS: tuple[str, ...] = ("phone", "sms", "whatsapp", "tty")

INTERNATIONAL = "INT"

# Languages every user-facing text must exist in; a third language may be added to seeds and labels as data.
REQUIRED_LANGUAGES: tuple[str, ...] = supported_codes()

# "What happens when you call": the closed answers a seed file may give (null where the source is silent).
# Who answers the line.
ANSWERED_BY: tuple[str, ...] = ("ngo", "government", "police", "other")
# Whether the police get involved: the line *is* the police; it sends police or emergency services; it passes
# your details to the police only if you agree (the law may still oblige it, e.g. a child at risk); it passes
# reports on to the police or prosecutors.
POLICE: tuple[str, ...] = ("is_police", "sends_police", "with_consent", "passes_reports")
# Whether immigration gets involved: the operator says it is not immigration and shares nothing with it.
IMMIGRATION: tuple[str, ...] = ("not_involved",)
# Yes/no facts about a call, each true, false or null (not stated).
CALL_FLAGS: tuple[str, ...] = ("anonymous", "from_abroad", "interpreters")
# Every key of a `when_you_call` block, in the order maintainers write them.
CALL_KEYS: tuple[str, ...] = ("answered_by", "police", "immigration", *CALL_FLAGS)
# Entries with one of these needs must say what happens when you call (and whether it is confidential).
NEEDS_CALL_INFO: tuple[str, ...] = ("emergency", "trafficking_hotline")

# The review cycle. An entry should be checked again REVIEW_AFTER_MONTHS after `verified_on` (its review-by
# date); `referrals review` lists it from REVIEW_WARNING_DAYS before that date; past the review-by date the reply
# tells people when it was last checked; after STALE_AFTER_MONTHS `referrals validate` fails.
REVIEW_AFTER_MONTHS = 12
REVIEW_WARNING_DAYS = 30
STALE_AFTER_MONTHS = 18
