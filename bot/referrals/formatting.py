"""Contacts as a short text for a phone screen, in the user's language.

One block per organisation, one line per way to reach it, numbers in the form phones turn into a tap-to-call
link (+country code for full numbers, short codes as they are), and a last line with the verification date so
the person knows how fresh the numbers are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.referrals import phones
from bot.referrals.labels import load_labels
from bot.referrals.query import OrganisationView
from bot.referrals.seeds import ContactSeed
from bot.referrals.vocab import NUMBER_KINDS

CONTACT_LABEL = {
    "phone": "call",
    "sms": "sms",
    "whatsapp": "whatsapp",
    "web": "web",
    "email": "email",
    "app": "app",
    "tty": "tty",
}
FALLBACK_LANGUAGE = "en"


def _contact_line(contact: ContactSeed, country: str, labels: Mapping[str, str]) -> str:
    value = contact.value
    if contact.kind in NUMBER_KINDS:
        try:
            value = phones.display(value, country)
        except phones.PhoneError:
            value = contact.value  # validated on import; never hide a number because it looks odd
    elif contact.kind == "web" and "://" not in value:
        value = f"https://{value}"
    return f"{labels[CONTACT_LABEL[contact.kind]]}: {value}"


def _details_line(view: OrganisationView, labels: Mapping[str, str]) -> str | None:
    parts = []
    hours = (view.hours or "").strip()
    if hours and hours != "24/7":
        parts.append(f"{labels['hours']}: {hours}")
    elif view.always_open or hours == "24/7":
        parts.append(labels["open_24_7"])
    if view.free is True:
        parts.append(labels["free"])
    elif view.free is False:
        parts.append(labels["not_free"])
    return " · ".join(parts) or None


def _block(view: OrganisationView, language: str, labels: Mapping[str, str]) -> str:
    title = view.name + (f" ({labels['international']})" if view.international else "")
    description = view.description.get(language) or view.description.get(FALLBACK_LANGUAGE)
    lines = [title]
    if description:
        lines.append(description)
    lines += [_contact_line(contact, view.country, labels) for contact in view.contacts]
    details = _details_line(view, labels)
    if details:
        lines.append(details)
    return "\n".join(lines)


def format_contacts(
    views: Iterable[OrganisationView],
    language: str,
    max_items: int = 6,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Text for the first `max_items` organisations of `views` (already in the order to show).

    Raises ValueError if there is nothing to show, `max_items` is below 1 or `language` has no labels, because a
    reply that silently drops the contacts is worse than an error the caller must handle.
    """
    views = list(views)
    if not views:
        raise ValueError("no organisations to format; the caller must fall back to the emergency reply")
    if max_items < 1:
        raise ValueError(f"max_items must be at least 1, got {max_items}")
    all_labels = labels if labels is not None else load_labels()
    if language not in all_labels:
        raise ValueError(f"no labels for language {language!r}; available: {', '.join(sorted(all_labels))}")
    words = all_labels[language]
    shown = views[:max_items]
    oldest = min(view.verified_on for view in shown)
    blocks = [_block(view, language, words) for view in shown]
    return "\n\n".join([*blocks, words["verified"].format(date=oldest.isoformat())])
