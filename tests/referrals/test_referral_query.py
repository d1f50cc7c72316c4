"""Which contacts a person sees, and in which order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.referrals import db, loader
from bot.referrals.query import find_contacts
from tests.referrals.conftest import SAMPLES, TODAY, write_seeds

GT = """\
country: GT
name: {en: Guatemala, es: Guatemala}
organisations:
  - id: gt-alba-keneth
    name: "Alba-Keneth"
    description: {en: "Missing children.", es: "Niñez desaparecida."}
    needs: [child_protection]
    languages: [es]
    contacts:
      - {kind: phone, value: "1546"}
    sources: ["https://pgn.gob.gt/alba-keneth"]
    verified_on: 2026-11-25
  - id: gt-crime-stoppers
    name: "Crime Stoppers Guatemala"
    description: {en: "Anonymous reports.", es: "Denuncia anónima."}
    needs: [trafficking_hotline]
    languages: [es]
    contacts:
      - {kind: phone, value: "1561"}
    free: null
    confidential: null
    when_you_call: {answered_by: police, police: is_police, immigration: null, anonymous: true, from_abroad: null,
                    interpreters: null}
    sources: ["https://mingob.gob.gt/crime-stoppers"]
    verified_on: 2026-11-25
  - id: gt-pnc-110
    name: "Policía Nacional Civil"
    description: {en: "Police.", es: "Policía."}
    needs: [emergency]
    languages: [es]
    contacts:
      - {kind: phone, value: "110"}
    free: null
    confidential: null
    when_you_call: {answered_by: police, police: is_police, immigration: null, anonymous: null, from_abroad: null,
                    interpreters: null}
    sources: ["https://conred.gob.gt/numeros"]
    verified_on: 2026-11-25
"""


@pytest.fixture
def session(engine: Engine, tmp_path: Path) -> Iterator[Session]:
    loader.import_dir(engine, write_seeds(tmp_path / "seeds", {**SAMPLES, "gt.yml": GT}), TODAY)
    with db.session_factory(engine)() as session:
        yield session


def ids(views) -> list[str]:
    return [view.id for view in views]


def test_emergency_comes_first_even_when_listed_last(session: Session) -> None:
    assert ids(find_contacts(session, "GT")) == ["gt-pnc-110", "gt-crime-stoppers", "gt-alba-keneth"]


def test_requested_need_comes_before_the_trafficking_hotline(session: Session) -> None:
    assert ids(find_contacts(session, "GT", "child_protection")) == [
        "gt-pnc-110",
        "gt-alba-keneth",
        "gt-crime-stoppers",
    ]
    assert ids(find_contacts(session, "HN", "psychosocial")) == ["hn-911", "hn-linea-114", "hn-cicesct-145"]


def test_country_code_in_any_case(session: Session) -> None:
    assert ids(find_contacts(session, " hn ")) == ids(find_contacts(session, "HN"))


def test_falls_back_to_international_for_a_need_the_country_lacks(session: Session) -> None:
    views = find_contacts(session, "HN", "shelter")
    assert ids(views) == ["hn-911", "int-shelter", "hn-cicesct-145", "hn-linea-114"]
    assert views[1].international and not views[0].international


def test_no_fallback_when_the_country_has_the_need(session: Session) -> None:
    assert "int-chat" not in ids(find_contacts(session, "HN", "trafficking_hotline"))
    assert "int-chat" not in ids(find_contacts(session, "HN"))


def test_country_without_entries_gets_international_organisations(session: Session) -> None:
    assert ids(find_contacts(session, "FR")) == ["int-chat", "int-shelter"]
    assert ids(find_contacts(session, "FR", "trafficking_hotline")) == ["int-chat"]


def test_views_carry_what_the_reply_needs(session: Session) -> None:
    hotline = next(v for v in find_contacts(session, "HN") if v.id == "hn-cicesct-145")
    assert hotline.country == "HN"
    assert hotline.description["es"] == "Denuncia la trata; gratuita y confidencial."
    assert [c.value for c in hotline.contacts] == ["145", "+504 3399 4699"]
    assert hotline.free is True and hotline.always_open is None
    assert hotline.sources == ("https://www.laprensa.hn/honduras/honduras-lanza-linea-145",)


@pytest.mark.parametrize("country", ["Honduras", "H", "", "XX", None])
def test_bad_country_is_named_in_the_error(session: Session, country) -> None:
    with pytest.raises(ValueError, match="country must be an ISO 3166-1 alpha-2 code"):
        find_contacts(session, country)


def test_unknown_need_is_named_in_the_error(session: Session) -> None:
    with pytest.raises(ValueError, match=r"unknown need 'housing'; expected one of: emergency, "):
        find_contacts(session, "HN", "housing")
