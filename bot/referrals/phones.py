"""Phone numbers: is this a number a person can actually dial, and how to show it so a phone can tap it.

Short codes (911, 145, *211, the SMS code 233733) are local by nature: `phonenumbers` cannot judge them all
(its short-code metadata misses many Central American lines), so they are accepted by shape only and shown as
written. Everything else must parse as a valid number for the organisation's country.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.referrals.vocab import INTERNATIONAL

SHORT_CODE = re.compile(r"^\*?\d{2,6}$")
# What people print around digits: spaces, dots, hyphens, brackets.
_DECORATION = re.compile(r"[\s.\-()]")


class PhoneError(ValueError):
    """A number that cannot be dialled as written."""


def is_short_code(value: str) -> bool:
    return bool(SHORT_CODE.match(_DECORATION.sub("", value)))


def parse(value: str, country: str) -> phonenumbers.PhoneNumber:
    """Parse a full number for `country` (ISO alpha-2, or INT which needs the +country code form).

    Raises PhoneError saying what is wrong, so the seed validator can pass the message on unchanged.
    """
    region = None if country == INTERNATIONAL else country
    if region is None and not value.strip().startswith("+"):
        raise PhoneError(f"number {value!r} of an international organisation must start with +country code")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"number {value!r} cannot be read: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        where = "any country" if region is None else country
        raise PhoneError(f"number {value!r} is not a valid number for {where}")
    return number


def check(value: str, country: str, *, allow_short_code: bool = True) -> None:
    """Raise PhoneError unless `value` is a short code (when allowed) or a valid number for `country`."""
    if not value or not value.strip():
        raise PhoneError("number is empty")
    if is_short_code(value):
        if allow_short_code:
            return
        raise PhoneError(f"{value!r} is a short code; this kind of contact needs a full number")
    parse(value, country)


def display(value: str, country: str, *, whatsapp: bool = False) -> str:
    """The form to print: short codes as written, full numbers in international form with spaces.

    Toll-free numbers outside the +1 zone are shown as dialled inside their country, because most of them
    cannot be reached from abroad and a `+52 800…` form only confuses people on a local phone. A WhatsApp
    number is always shown in international form (`whatsapp=True`): that is how WhatsApp finds it, from anywhere.
    """
    if is_short_code(value):
        return _DECORATION.sub("", value)
    number = parse(value, country)
    toll_free = phonenumbers.number_type(number) == PhoneNumberType.TOLL_FREE
    if toll_free and number.country_code != 1 and not whatsapp:
        if not value.strip().startswith("+"):
            return " ".join(value.split())  # keep the grouping printed on the operator's posters
        shown = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    else:
        shown = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return re.sub(r"[\-()]", " ", shown).replace("  ", " ").strip()


def whatsapp_link(value: str, country: str) -> str:
    """wa.me link, which opens a chat on every phone that has WhatsApp."""
    number = parse(value, country)
    return "https://wa.me/" + phonenumbers.format_number(number, PhoneNumberFormat.E164).lstrip("+")
