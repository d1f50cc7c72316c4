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

# Entries not re-checked for longer than this are flagged by `referrals validate` (a warning, not an error).
STALE_AFTER_DAYS = 365
