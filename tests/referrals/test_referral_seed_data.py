"""The real seed files in data/referrals: valid, complete, and free of the number mistakes seen before."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from bot import datafile
from bot.referrals import db, loader, phones
from bot.referrals.formatting import format_contacts
from bot.referrals.query import find_contacts
from bot.referrals.seeds import DEFAULT_SEED_DIR, load_seed_dir, seed_files, validate_dir

COUNTRIES_IN_ISSUE = {"US", "CA", "MX", "GT", "BZ", "SV", "HN", "NI", "CR", "PA", "DO", "CO", "INT"}
# Countries the assistant recognises (data/countries.yml) that got a small file with only a sourced emergency number
# (issue 21), and those left out because no number could be confirmed: they get no country-specific number.
EMERGENCY_ONLY = {"ES", "BR", "CL", "PE", "BO", "CU", "HT", "EC", "VE"}
NO_CONFIRMED_NUMBER = {"AR"}


@pytest.fixture(scope="module")
def seeds():
    return {seed.country: seed for seed in load_seed_dir(DEFAULT_SEED_DIR, date.today())}


def test_every_seed_file_validates_today() -> None:
    result = validate_dir(DEFAULT_SEED_DIR, date.today())
    assert [str(e) for e in result.errors] == []
    assert len(result.seeds) == len(seed_files(DEFAULT_SEED_DIR))


def test_every_country_of_the_issue_has_a_file(seeds) -> None:
    # `<=`, not `==`: a maintainer adding a country adds its file, not a line here (MAINTAINING.md).
    missing = (COUNTRIES_IN_ISSUE | EMERGENCY_ONLY) - set(seeds)
    assert not missing, f"no seed file for {sorted(missing)}"


def test_every_country_starts_with_a_callable_emergency_number(engine: Engine) -> None:
    loader.import_dir(engine, DEFAULT_SEED_DIR, date.today())
    with db.session_factory(engine)() as session:
        for country in sorted(COUNTRIES_IN_ISSUE - {"INT"}):
            views = find_contacts(session, country)
            first = views[0]
            assert "emergency" in first.needs, country
            assert any(c.kind == "phone" for c in first.contacts), country
            for language in ("en", "es"):
                assert format_contacts(views, language).count("\n\n") >= 1


def test_every_number_is_shown_in_a_dialable_form(seeds) -> None:
    for seed in seeds.values():
        for org in seed.organisations:
            for contact in org.contacts:
                if contact.kind in ("phone", "sms", "whatsapp", "tty"):
                    shown = phones.display(contact.value, seed.country)
                    assert shown.startswith(("+", "*")) or shown.replace(" ", "").replace("-", "").isdigit(), (
                        org.id,
                        shown,
                    )


def _numbers(seed, org_id: str) -> list[str]:
    org = next(o for o in seed.organisations if o.id == org_id)
    return [c.value for c in org.contacts if c.kind == "phone"]


def test_known_pitfalls_stay_fixed(seeds) -> None:
    # Mexico's trafficking line lost its 01 prefix in 2020; Panama police is 104, Guatemala PNC 110,
    # Nicaragua police 118 (not 911); Guatemala's Crime Stoppers WhatsApp is 3764-1561 per the ministry.
    assert _numbers(seeds["MX"], "mx-lnctp") == ["800 5533 000"]
    assert not any(c.value.startswith("01") for o in seeds["MX"].organisations for c in o.contacts)
    assert _numbers(seeds["PA"], "pa-policia-104") == ["104"]
    assert _numbers(seeds["GT"], "gt-pnc-110") == ["110"]
    assert _numbers(seeds["NI"], "ni-policia-118") == ["118"]
    crime_stoppers = next(o for o in seeds["GT"].organisations if o.id == "gt-crime-stoppers")
    assert [c.value for c in crime_stoppers.contacts if c.kind == "whatsapp"] == ["+502 3764 1561"]


def test_international_entries_are_reachable_from_abroad(seeds) -> None:
    for org in seeds["INT"].organisations:
        for contact in org.contacts:
            if contact.kind in ("phone", "sms", "whatsapp"):
                assert contact.value.startswith("+"), org.id


# --- issue 21: every number from one source, what happens when you call -------------------------------------------

def _raw_files() -> dict[str, dict]:

    return {
        path.name: datafile.read(path) for path in seed_files(DEFAULT_SEED_DIR)
    }


def _org(seeds, country: str, org_id: str):
    return next(o for o in seeds[country].organisations if o.id == org_id)


def test_every_emergency_and_trafficking_entry_says_what_happens_when_you_call() -> None:
    from bot.referrals.vocab import CALL_KEYS, NEEDS_CALL_INFO

    checked = 0
    for name, raw in _raw_files().items():
        for org in raw["organisations"]:
            if not set(org["needs"]) & set(NEEDS_CALL_INFO):
                continue
            checked += 1
            assert {"free", "confidential", "when_you_call"} <= set(org), (name, org["id"])
            assert set(org["when_you_call"]) == set(CALL_KEYS), (name, org["id"])
    assert checked >= 30


def test_free_confidential_anonymous_and_abroad_are_said_only_where_the_data_says_so(seeds) -> None:
    """A description may only promise what the entry's fields state (the generated texts read the fields)."""
    import re

    for seed in seeds.values():
        for org in seed.organisations:
            for text in org.description.values():
                low = text.lower()
                if re.search(r"confiden", low):
                    assert org.confidential is True, (org.id, text)
                if re.search(r"\bfree\b|gratis|gratuit", low):
                    assert org.free is True, (org.id, text)
                if re.search(r"anonym|anónim", low):
                    assert org.call.anonymous is True, (org.id, text)
                if re.search(r"from abroad|desde el extranjero", low):
                    assert org.call.from_abroad is True, (org.id, text)


def test_no_number_is_listed_twice_in_a_country(seeds) -> None:
    import re

    for seed in seeds.values():
        owners: dict[str, str] = {}
        for org in seed.organisations:
            for contact in org.contacts:
                if contact.kind in ("phone", "sms", "whatsapp", "tty"):
                    digits = re.sub(r"\D", "", contact.value)
                    assert owners.setdefault(digits, org.id) == org.id, (seed.country, contact.value)


def test_panama_lists_104_once_and_its_anonymous_web_channel(seeds) -> None:
    numbers = [c.value for o in seeds["PA"].organisations for c in o.contacts if c.kind == "phone"]
    assert numbers.count("104") == 1
    crime_stoppers = _org(seeds, "PA", "pa-crime-stoppers")
    assert "trafficking_hotline" in crime_stoppers.needs and crime_stoppers.call.anonymous is True
    assert [c.value for c in crime_stoppers.contacts if c.kind == "web"] == ["www.tupista.org"]


def test_colombia_has_a_contact_that_takes_trafficking_reports(seeds) -> None:
    hotlines = [o for o in seeds["CO"].organisations if "trafficking_hotline" in o.needs]
    assert hotlines and any(c.kind == "phone" for o in hotlines for c in o.contacts)
    assert any("policia.gov.co" in url for o in hotlines for url in o.sources)
    # The Ministry line is not confirmed by a current source: it stays out until it is.
    assert not any("018000" in c.value.replace(" ", "") for o in seeds["CO"].organisations for c in o.contacts)


def test_mexico_national_trafficking_line_comes_first_with_its_whatsapp(seeds) -> None:
    hotlines = [o for o in seeds["MX"].organisations if "trafficking_hotline" in o.needs]
    assert [o.id for o in hotlines] == ["mx-lnctp", "mx-089"]
    line = hotlines[0]
    assert [c.value for c in line.contacts] == ["800 5533 000", "+52 800 5533 000"]
    assert line.call.from_abroad is None  # an 800 number generally cannot be called from abroad
    chat = _org(seeds, "INT", "int-chat-vs-trata")
    assert [c.kind for c in chat.contacts] == ["whatsapp"] and chat.call.from_abroad is True


def test_honduras_free_line_holds_only_145(seeds) -> None:
    line = _org(seeds, "HN", "hn-cicesct-145")
    assert [c.value for c in line.contacts] == ["145"] and line.free is True and line.confidential is True
    assert not any("3399" in c.value for o in seeds["HN"].organisations for c in o.contacts)


def test_countries_the_bot_recognises_have_a_sourced_emergency_number_or_are_listed_as_without_one(seeds) -> None:

    from bot.paths import DATA_DIR

    known = {c["code"] for c in datafile.read(DATA_DIR / "countries.yml")["countries"]}
    assert known - set(seeds) == NO_CONFIRMED_NUMBER
    for code in EMERGENCY_ONLY:
        (org,) = seeds[code].organisations
        assert org.needs == ("emergency",) and len(org.sources) >= 2, code
    assert [c.value for c in seeds["ES"].organisations[0].contacts] == ["112"]


def test_hotlines_run_by_a_charity_say_police_only_with_consent_and_not_immigration(seeds) -> None:
    for country, org_id in (("US", "us-nhth"), ("CA", "ca-chth")):
        org = _org(seeds, country, org_id)
        assert (org.call.answered_by, org.call.police, org.call.immigration) == (
            "ngo",
            "with_consent",
            "not_involved",
        ), org_id
        assert org.confidential is True and org.free is True
