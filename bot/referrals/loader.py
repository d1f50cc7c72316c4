"""Seed files -> database, in one transaction, so the database always equals the files.

The files are the source of truth: an entry added to a file is added, a changed entry is rewritten, an entry (or
a whole country file) removed from the files is removed from the database. Every file is validated before the
first row is written, and the whole load is one transaction, so a bad file leaves the database untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from bot.referrals import db
from bot.referrals.models import (
    ContactPoint,
    Country,
    CountryName,
    Organisation,
    OrganisationDescription,
    OrganisationLanguage,
    OrganisationNeed,
    Source,
)
from bot.referrals.seeds import CallInfo, ContactSeed, CountrySeed, OrganisationSeed, load_seed_dir


@dataclass
class LoadReport:
    """What an import changed; ids are organisation ids, countries are ISO codes (or INT)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    countries_added: list[str] = field(default_factory=list)
    countries_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.countries_added or self.countries_removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged"
        )


def read_seeds(session: Session) -> list[CountrySeed]:
    """The whole directory as seeds, in country order and each country's file order."""
    statement = (
        select(Country)
        .options(
            selectinload(Country.names),
            selectinload(Country.organisations).selectinload(Organisation.descriptions),
            selectinload(Country.organisations).selectinload(Organisation.needs),
            selectinload(Country.organisations).selectinload(Organisation.languages),
            selectinload(Country.organisations).selectinload(Organisation.contacts),
            selectinload(Country.organisations).selectinload(Organisation.sources),
        )
        .order_by(Country.code)
    )
    return [_country_seed(country) for country in session.execute(statement).scalars()]


def _country_seed(country: Country) -> CountrySeed:
    return CountrySeed(
        country=country.code,
        name={n.language: n.name for n in country.names},
        organisations=tuple(organisation_seed(o) for o in country.organisations),
    )


def organisation_seed(org: Organisation) -> OrganisationSeed:
    """A row and its children as the dataclass the rest of the package works with."""
    return OrganisationSeed(
        id=org.id,
        name=org.name,
        description={d.language: d.text for d in org.descriptions},
        needs=tuple(n.need for n in org.needs),
        languages=tuple(lang.language for lang in org.languages),
        contacts=tuple(ContactSeed(kind=c.kind, value=c.value) for c in org.contacts),
        hours=org.hours,
        free=org.free,
        always_open=org.always_open,
        sources=tuple(s.url for s in org.sources),
        verified_on=org.verified_on,
        confidential=org.confidential,
        call=CallInfo(
            answered_by=org.answered_by,
            police=org.police,
            immigration=org.immigration,
            anonymous=org.anonymous,
            from_abroad=org.from_abroad,
            interpreters=org.interpreters,
        ),
    )


def _organisation_row(seed: OrganisationSeed, country: str, position: int) -> Organisation:
    return Organisation(
        id=seed.id,
        country_code=country,
        position=position,
        name=seed.name,
        hours=seed.hours,
        free=seed.free,
        always_open=seed.always_open,
        verified_on=seed.verified_on,
        confidential=seed.confidential,
        **seed.call.as_dict(),
        descriptions=[OrganisationDescription(language=k, text=v) for k, v in sorted(seed.description.items())],
        needs=[OrganisationNeed(need=n, position=i) for i, n in enumerate(seed.needs)],
        languages=[OrganisationLanguage(language=lang, position=i) for i, lang in enumerate(seed.languages)],
        contacts=[ContactPoint(position=i, kind=c.kind, value=c.value) for i, c in enumerate(seed.contacts)],
        sources=[Source(position=i, url=url) for i, url in enumerate(seed.sources)],
    )


def sync(session: Session, seeds: list[CountrySeed]) -> LoadReport:
    """Make the database equal to `seeds` inside the caller's transaction; seeds must already be validated."""
    report = LoadReport()
    wanted_countries = {seed.country: seed for seed in seeds}
    wanted: dict[str, tuple[str, int, OrganisationSeed]] = {
        org.id: (seed.country, position, org) for seed in seeds for position, org in enumerate(seed.organisations)
    }
    countries = {c.code: c for c in session.execute(select(Country).options(selectinload(Country.names))).scalars()}
    existing = {
        o.id: o
        for o in session.execute(
            select(Organisation).options(
                selectinload(Organisation.descriptions),
                selectinload(Organisation.needs),
                selectinload(Organisation.languages),
                selectinload(Organisation.contacts),
                selectinload(Organisation.sources),
            )
        ).scalars()
    }

    # 1. Remove what the files no longer have, and rows about to be rewritten; flushed before any insert so a
    #    rewritten row never collides with its old self.
    for org_id, row in existing.items():
        target = wanted.get(org_id)
        if target is None:
            report.removed.append(org_id)
            session.delete(row)
        elif (row.country_code, row.position, organisation_seed(row)) != target:
            report.updated.append(org_id)
            session.delete(row)
        else:
            report.unchanged += 1
    for code, country in countries.items():
        if code not in wanted_countries:
            report.countries_removed.append(code)
            session.delete(country)
    session.flush()

    # 2. Countries and their display names.
    for code, seed in wanted_countries.items():
        country = countries.get(code)
        if country is None:
            report.countries_added.append(code)
            session.add(Country(code=code, names=[CountryName(language=k, name=v) for k, v in seed.name.items()]))
        elif {n.language: n.name for n in country.names} != dict(seed.name):
            country.names = [CountryName(language=k, name=v) for k, v in sorted(seed.name.items())]
    session.flush()

    # 3. New and rewritten organisations.
    updated = set(report.updated)
    for org_id, (country, position, seed) in wanted.items():
        if org_id not in existing:
            report.added.append(org_id)
        elif org_id not in updated:
            continue
        session.add(_organisation_row(seed, country, position))
    session.flush()
    return report


def import_seeds(engine: Engine, seeds: list[CountrySeed]) -> LoadReport:
    """Migrate the schema, then load validated `seeds` in one transaction."""
    db.upgrade(engine)
    with db.session_factory(engine).begin() as session:
        return sync(session, seeds)


def import_dir(engine: Engine, path: Path | None = None, today: date | None = None) -> LoadReport:
    """Validate every seed file in `path` (default data/referrals), then load them all or nothing.

    Raises bot.referrals.errors.SeedError, naming file and line of each problem, before touching the database.
    """
    seeds = load_seed_dir(path, today)
    return import_seeds(engine, seeds)
