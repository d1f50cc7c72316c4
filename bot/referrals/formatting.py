"""Contacts as a short text for a phone screen, in the user's language.

One block per organisation, one line per way to reach it, numbers in the form phones turn into a tap-to-call
link (+country code for full numbers, short codes as they are), and a last line with the verification date so
the person knows how fresh the numbers are.

Emergency and trafficking lines (and any entry whose data says it) also get a "when you call" line: who answers,
whether the police or immigration get involved, confidentiality, anonymity, calls from abroad, interpreters,
languages, and one "not stated" line naming what the sources do not say, so nothing is promised that the data
does not state. An entry past its review-by date says when it was last checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from bot.referrals import phones
from bot.referrals.labels import load_labels
from bot.referrals.query import OrganisationView
from bot.referrals.seeds import ContactSeed
from bot.referrals.vocab import NEEDS_CALL_INFO, NUMBER_KINDS

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
            value = phones.display(value, country, whatsapp=contact.kind == "whatsapp")
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


def _flag(value: bool | None, yes: str, no: str, labels: Mapping[str, str]) -> str | None:
    if value is None:
        return None
    return labels[yes] if value else labels[no]


def call_lines(view: OrganisationView, labels: Mapping[str, str]) -> list[str]:
    """The "when you call" line and the "not stated" line of one entry (empty when there is nothing to say).

    Shown for every entry with a need in vocab.NEEDS_CALL_INFO, and for any other entry whose data states
    something. Only what the entry's data states is said; the gaps are named, never filled in.
    """
    call = view.call
    if not any(need in NEEDS_CALL_INFO for need in view.needs) and not any(
        value is not None for value in (*call.as_dict().values(), view.confidential)
    ):
        return []
    said: list[str] = []
    unknown: list[str] = []
    if call.answered_by:
        said.append(labels[f"answered_by_{call.answered_by}"])
    else:
        unknown.append(labels["ns_answered_by"])
    if call.police and not (call.police == "is_police" and call.answered_by == "police"):
        said.append(labels[f"police_{call.police}"])
    elif not call.police:
        unknown.append(labels["ns_police"])
    if call.immigration:
        said.append(labels[f"immigration_{call.immigration}"])
    elif call.answered_by != "police":  # a police line says nothing new by "not stated: immigration"
        unknown.append(labels["ns_immigration"])
    # Anonymity and calls from abroad are said when stated; only the gaps a frightened person asks about first
    # (who answers, police, immigration, confidentiality, cost) are named, to keep the card short.
    for value, yes, no, gap in (
        (view.confidential, "confidential", "not_confidential", "ns_confidential"),
        (call.anonymous, "anonymous", "not_anonymous", None),
        (call.from_abroad, "from_abroad", "not_from_abroad", None),
    ):
        shown = _flag(value, yes, no, labels)
        if shown:
            said.append(shown)
        elif gap:
            unknown.append(labels[gap])
    if call.interpreters:
        said.append(labels["interpreters"])
    if view.languages:
        names = ", ".join(labels.get(f"lang_{code}", code) for code in view.languages)
        said.append(f"{labels['languages']}: {names}")
    if view.free is None:
        unknown.append(labels["ns_cost"])
    lines = [f"{labels['when_you_call']}: " + " · ".join(said)] if said else []
    if unknown:
        lines.append(labels["not_stated"].format(items=", ".join(unknown)))
    return lines


def _block(view: OrganisationView, language: str, labels: Mapping[str, str], today: date) -> str:
    title = view.name + (f" ({labels['international']})" if view.international else "")
    description = view.description.get(language) or view.description.get(FALLBACK_LANGUAGE)
    lines = [title]
    if description:
        lines.append(description)
    lines += [_contact_line(contact, view.country, labels) for contact in view.contacts]
    details = _details_line(view, labels)
    if details:
        lines.append(details)
    lines += call_lines(view, labels)
    if today > view.review_by:
        lines.append(labels["last_checked"].format(date=view.verified_on.isoformat()))
    return "\n".join(lines)


def format_contacts(
    views: Iterable[OrganisationView],
    language: str,
    max_items: int = 6,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    today: date | None = None,
) -> str:
    """Text for the first `max_items` organisations of `views` (already in the order to show).

    `today` (default: the real date) decides which entries are past their review-by date.

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
    today = today or date.today()
    blocks = [_block(view, language, words, today) for view in shown]
    return "\n\n".join([*blocks, words["verified"].format(date=oldest.isoformat())])
