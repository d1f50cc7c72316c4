"""Fixtures for the referral directory: a fresh real database per test and small seed directories.

The database is a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL (scripts/postgres-test.sh),
that database with its public schema dropped and recreated for every test. Either way the schema is built by
the Alembic migrations, never by create_all, so the migrations are what gets tested.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine, make_url

from bot.referrals import db

TODAY = date(2026, 11, 25)

HN = """\
country: HN
name: {en: Honduras, es: Honduras}
organisations:
  - id: hn-911
    name: "Sistema Nacional de Emergencias 911"
    description:
      en: "Police, ambulance and fire."
      es: "Policía, ambulancia y bomberos."
    needs: [emergency]
    languages: [es]
    contacts:
      - {kind: phone, value: "911"}
    hours: "24/7"
    free: null
    always_open: true
    confidential: null
    when_you_call:
      answered_by: government
      police: sends_police
      immigration: null
      anonymous: null
      from_abroad: null
      interpreters: null
    sources: ["https://www.elheraldo.hn/honduras/sistema-nacional-emergencias"]
    verified_on: 2026-11-25

  - id: hn-cicesct-145
    name: "CICESCT – Línea Nacional de Denuncias contra la Trata de Personas"
    description:
      en: "Report trafficking; free and confidential."
      es: "Denuncia la trata; gratuita y confidencial."
    needs: [trafficking_hotline]
    languages: [es]
    contacts:
      - {kind: phone, value: "145"}
      - {kind: phone, value: "+504 3399 4699"}
    hours: null
    free: true
    always_open: null
    confidential: true
    when_you_call:
      answered_by: government
      police: null
      immigration: null
      anonymous: null
      from_abroad: null
      interpreters: null
    sources: ["https://www.laprensa.hn/honduras/honduras-lanza-linea-145"]
    verified_on: 2026-11-20

  - id: hn-linea-114
    name: "Línea 114"
    description:
      en: "Police line for women facing violence at home."
      es: "Línea policial para mujeres que viven violencia en casa."
    needs: [psychosocial]
    languages: [es]
    contacts:
      - {kind: phone, value: "114"}
    hours: "24/7"
    free: true
    always_open: true
    sources: ["https://proceso.hn/linea-114"]
    verified_on: 2026-11-25
"""

US = """\
country: US
name: {en: United States, es: Estados Unidos}
organisations:
  - id: us-911
    name: "911"
    description: {en: "Police, ambulance and fire.", es: "Policía, ambulancia y bomberos."}
    needs: [emergency]
    languages: [en]
    contacts:
      - {kind: phone, value: "911"}
    free: null
    confidential: null
    when_you_call:
      answered_by: null
      police: sends_police
      immigration: null
      anonymous: null
      from_abroad: null
      interpreters: null
    sources: ["https://www.transportation.gov/stop-human-trafficking/report"]
    verified_on: 2026-11-25

  - id: us-nhth
    name: "National Human Trafficking Hotline"
    description: {en: "Confidential help about trafficking.", es: "Ayuda confidencial sobre trata."}
    needs: [trafficking_hotline]
    languages: [en, es]
    contacts:
      - {kind: phone, value: "+1 888 373 7888"}
      - {kind: sms, value: "233733"}
      - {kind: web, value: "humantraffickinghotline.org"}
      - {kind: email, value: "help@humantraffickinghotline.org"}
    hours: "24/7"
    free: true
    always_open: true
    confidential: true
    when_you_call:
      answered_by: ngo
      police: with_consent
      immigration: not_involved
      anonymous: true
      from_abroad: null
      interpreters: true
    sources: ["https://humantraffickinghotline.org/about-us/what-we-do"]
    verified_on: 2026-11-25
"""

INTERNATIONAL = """\
country: INT
name: {en: International, es: Internacional}
organisations:
  - id: int-chat
    name: "Cross-border trafficking chat"
    description: {en: "WhatsApp chat for trafficking reports.", es: "Chat de WhatsApp para denunciar trata."}
    needs: [trafficking_hotline]
    languages: [es]
    contacts:
      - {kind: whatsapp, value: "+52 55 5533 5533"}
    hours: "24/7"
    free: null
    always_open: true
    confidential: null
    when_you_call:
      answered_by: null
      police: null
      immigration: null
      anonymous: true
      from_abroad: true
      interpreters: null
    sources: ["https://example.org/chat"]
    verified_on: 2026-11-25

  - id: int-shelter
    name: "Cross-border shelter network"
    description: {en: "Shelter referrals.", es: "Refugios."}
    needs: [shelter]
    languages: [es, en]
    contacts:
      - {kind: web, value: "https://shelters.example.org"}
    sources: ["https://example.org/shelters"]
    verified_on: 2026-10-01
"""

SAMPLES = {"hn.yml": HN, "us.yml": US, "international.yml": INTERNATIONAL}


def write_seeds(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`, so tests do not hard-code line numbers."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    return write_seeds(tmp_path / "seeds", SAMPLES)


def _postgres_url() -> str | None:
    """DATABASE_URL if it names a PostgreSQL *test* database; tests drop its public schema, so never another one."""
    url = os.environ.get("DATABASE_URL")
    if not url or make_url(url).get_backend_name() != "postgresql":
        return None
    name = make_url(url).database or ""
    if "test" not in name:
        pytest.fail(
            f"DATABASE_URL points at PostgreSQL database {name!r}; the referral tests drop and recreate its "
            "public schema, so they only run on a database whose name contains 'test' "
            "(scripts/postgres-test.sh makes one). Unset DATABASE_URL to test on SQLite."
        )
    return url


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = _postgres_url()
    if url:
        engine = db.make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    else:
        engine = db.make_engine(f"sqlite:///{tmp_path / 'referrals.sqlite'}")
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def database_url(engine: Engine) -> str:
    """The fresh database's URL with its password, for commands that open their own connection."""
    return engine.url.render_as_string(hide_password=False)
