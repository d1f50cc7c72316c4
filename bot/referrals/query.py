"""Which organisations to show someone in a given country with a given need, in the order that matters.

Order: emergency numbers first (a person in danger must see them before anything else), then organisations for
the need asked about, then the trafficking hotline, then the rest, each group in the maintainers' file order.
When the country has nobody for the need, international organisations for that need are added, so the answer
never ends without a contact for what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.referrals.loader import organisation_seed
from bot.referrals.models import Organisation
from bot.referrals.seeds import CallInfo, ContactSeed, review_by
from bot.referrals.validation import known_country
from bot.referrals.vocab import INTERNATIONAL, NEEDS


@dataclass(frozen=True)
class OrganisationView:
    """What the bot needs to present one organisation; detached from the database session."""

    id: str
    country: str
    name: str
    description: dict[str, str]
    needs: tuple[str, ...]
    languages: tuple[str, ...]
    contacts: tuple[ContactSeed, ...]
    hours: str | None
    free: bool | None
    always_open: bool | None
    sources: tuple[str, ...]
    verified_on: date
    confidential: bool | None = None
    call: CallInfo = field(default_factory=CallInfo)

    @property
    def international(self) -> bool:
        return self.country == INTERNATIONAL

    @property
    def review_by(self) -> date:
        """Past this date the reply says when the entry was last checked (vocab.REVIEW_AFTER_MONTHS)."""
        return review_by(self.verified_on)


def _rank(view: OrganisationView, need: str | None) -> int:
    if "emergency" in view.needs:
        return 0
    if need is not None and need in view.needs:
        return 1
    if "trafficking_hotline" in view.needs:
        return 2
    return 3


def _views(session: Session, country: str) -> list[OrganisationView]:
    statement = (
        select(Organisation)
        .where(Organisation.country_code == country)
        .options(
            selectinload(Organisation.descriptions),
            selectinload(Organisation.needs),
            selectinload(Organisation.languages),
            selectinload(Organisation.contacts),
            selectinload(Organisation.sources),
        )
        .order_by(Organisation.position)
    )
    views = []
    for row in session.execute(statement).scalars():
        seed = organisation_seed(row)
        views.append(
            OrganisationView(
                id=seed.id,
                country=row.country_code,
                name=seed.name,
                description=dict(seed.description),
                needs=seed.needs,
                languages=seed.languages,
                contacts=seed.contacts,
                hours=seed.hours,
                free=seed.free,
                always_open=seed.always_open,
                sources=seed.sources,
                verified_on=seed.verified_on,
                confidential=seed.confidential,
                call=seed.call,
            )
        )
    return views


def find_contacts(session: Session, country: str, need: str | None = None) -> list[OrganisationView]:
    """Organisations for a person in `country` (ISO alpha-2, any case) with `need` (one of vocab.NEEDS or None).

    Raises ValueError naming the bad argument; an unknown but well-formed country simply has no local entries
    and gets the international ones.
    """
    if not isinstance(country, str) or not known_country(country.strip().upper()):
        raise ValueError(f"country must be an ISO 3166-1 alpha-2 code such as 'HN' or 'INT', got {country!r}")
    if need is not None and need not in NEEDS:
        raise ValueError(f"unknown need {need!r}; expected one of: {', '.join(NEEDS)}")
    code = country.strip().upper()

    local = _views(session, code)
    found = list(local)
    if code != INTERNATIONAL:
        international = _views(session, INTERNATIONAL)
        if need is not None and need != "emergency":
            if not any(need in view.needs for view in local):
                found += [view for view in international if need in view.needs]
        elif not local:
            found += international
    order = {view.id: index for index, view in enumerate(found)}
    return sorted(found, key=lambda view: (_rank(view, need), view.international, order[view.id]))
