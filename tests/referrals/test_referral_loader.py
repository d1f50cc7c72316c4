"""Loading seed files into a real database: all or nothing, idempotent, and equal to the files afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from bot.referrals import db, loader
from bot.referrals.errors import SeedError
from bot.referrals.models import Base, ContactPoint, Organisation
from bot.referrals.seeds import load_seed_dir
from tests.referrals.conftest import HN, SAMPLES, TODAY, US, line_of, write_seeds

TABLES = (
    "countries",
    "country_names",
    "organisations",
    "organisation_descriptions",
    "organisation_needs",
    "organisation_languages",
    "contact_points",
    "sources",
)


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, to compare database states exactly."""
    with engine.connect() as connection:
        return {
            table: sorted(tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))) for table in TABLES
        }


def test_migrations_create_exactly_the_models_schema(engine: Engine) -> None:
    db.upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert set(TABLES) <= set(inspect(connection).get_table_names())


def test_upgrade_accepts_a_url_and_is_repeatable(database_url: str, engine: Engine) -> None:
    db.upgrade(database_url)
    db.upgrade(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0002_when_you_call"


def test_loading_stores_every_field(engine: Engine, seed_dir: Path) -> None:
    loader.import_dir(engine, seed_dir, TODAY)
    with db.session_factory(engine)() as session:
        stored = loader.read_seeds(session)
    assert stored == load_seed_dir(seed_dir, TODAY)
    hotline = next(o for s in stored if s.country == "US" for o in s.organisations if o.id == "us-nhth")
    assert [c.kind for c in hotline.contacts] == ["phone", "sms", "web", "email"]
    assert hotline.free is True and hotline.always_open is True and hotline.hours == "24/7"


def test_loading_twice_gives_the_same_rows(engine: Engine, seed_dir: Path) -> None:
    first = loader.import_dir(engine, seed_dir, TODAY)
    rows = snapshot(engine)
    second = loader.import_dir(engine, seed_dir, TODAY)
    assert len(first.added) == 7 and first.changed
    assert not second.changed and second.unchanged == 7
    assert snapshot(engine) == rows


def test_entries_removed_from_files_are_removed_from_the_database(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", SAMPLES)
    loader.import_dir(engine, directory, TODAY)
    without_114 = HN[: HN.index("  - id: hn-linea-114")]
    write_seeds(directory, {"hn.yml": without_114})
    (directory / "international.yml").unlink()

    report = loader.import_dir(engine, directory, TODAY)

    assert sorted(report.removed) == ["hn-linea-114", "int-chat", "int-shelter"]
    assert report.countries_removed == ["INT"]
    with db.session_factory(engine)() as session:
        ids = session.execute(select(Organisation.id).order_by(Organisation.id)).scalars().all()
        orphans = session.execute(
            select(func.count()).select_from(ContactPoint).where(ContactPoint.organisation_id == "hn-linea-114")
        ).scalar_one()
    assert ids == ["hn-911", "hn-cicesct-145", "us-911", "us-nhth"]
    assert orphans == 0


def test_changed_entry_is_rewritten_and_others_untouched(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", SAMPLES)
    loader.import_dir(engine, directory, TODAY)
    write_seeds(directory, {"hn.yml": HN.replace('"+504 3399 4699"', '"+504 3399 4698"')})

    report = loader.import_dir(engine, directory, TODAY)

    assert report.updated == ["hn-cicesct-145"] and report.unchanged == 6
    with db.session_factory(engine)() as session:
        values = (
            session.execute(
                select(ContactPoint.value)
                .where(ContactPoint.organisation_id == "hn-cicesct-145")
                .order_by(ContactPoint.position)
            )
            .scalars()
            .all()
        )
    assert values == ["145", "+504 3399 4698"]


def test_reordering_entries_changes_only_their_positions(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", SAMPLES)
    loader.import_dir(engine, directory, TODAY)
    first, second = US.split("\n  - id: us-nhth")
    reordered = (
        first.split("organisations:\n")[0]
        + "organisations:\n  - id: us-nhth"
        + second
        + "\n"
        + first.split("organisations:\n")[1]
    )
    write_seeds(directory, {"us.yml": reordered})

    report = loader.import_dir(engine, directory, TODAY)

    assert sorted(report.updated) == ["us-911", "us-nhth"]
    with db.session_factory(engine)() as session:
        order = (
            session.execute(
                select(Organisation.id).where(Organisation.country_code == "US").order_by(Organisation.position)
            )
            .scalars()
            .all()
        )
    assert order == ["us-nhth", "us-911"]


def test_a_bad_row_loads_nothing(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", SAMPLES)
    loader.import_dir(engine, directory, TODAY)
    before = snapshot(engine)
    # A good change in one file and a bad number in another: neither may reach the database.
    bad_hn = HN.replace('"+504 3399 4699"', '"+504 33"')
    write_seeds(directory, {"us.yml": US.replace("id: us-911", "id: us-emergency"), "hn.yml": bad_hn})

    with pytest.raises(SeedError) as raised:
        loader.import_dir(engine, directory, TODAY)

    assert f"hn.yml:{line_of(bad_hn, '+504 33')}:" in str(raised.value)
    assert snapshot(engine) == before


def test_first_import_of_a_bad_directory_leaves_an_empty_database(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": HN.replace("[emergency]", "[emergencies]")})
    with pytest.raises(SeedError):
        loader.import_dir(engine, directory, TODAY)
    db.upgrade(engine)
    assert all(rows == [] for rows in snapshot(engine).values())


def test_database_refuses_unknown_needs_even_without_the_validator(engine: Engine, seed_dir: Path) -> None:
    loader.import_dir(engine, seed_dir, TODAY)
    with pytest.raises(Exception), engine.begin() as connection:  # noqa: B017 - the driver's error type varies
        connection.execute(
            text("INSERT INTO organisation_needs (organisation_id, need, position) VALUES ('hn-911', 'x', 9)")
        )


def test_tests_run_on_the_backend_database_url_names(engine: Engine) -> None:
    # scripts/postgres-test.sh relies on this: with a PostgreSQL DATABASE_URL the tests must really use it.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgresql") else "sqlite"
    assert engine.dialect.name == expected


def test_database_url_comes_from_argument_then_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert db.database_url() == f"sqlite:///{db.REPO_ROOT / 'build' / 'referrals.sqlite'}"
    target = tmp_path / "nested" / "folder" / "directory.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert db.database_url("sqlite:///elsewhere.sqlite") == "sqlite:///elsewhere.sqlite"
    engine = db.make_engine()
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert target.exists()  # the missing folders were created


def test_country_name_changes_are_loaded(engine: Engine, tmp_path: Path) -> None:
    directory = write_seeds(tmp_path / "seeds", SAMPLES)
    loader.import_dir(engine, directory, TODAY)
    write_seeds(directory, {"us.yml": US.replace("es: Estados Unidos", "es: EE. UU.")})

    report = loader.import_dir(engine, directory, TODAY)

    assert not report.added and not report.updated and not report.removed
    with db.session_factory(engine)() as session:
        us = next(seed for seed in loader.read_seeds(session) if seed.country == "US")
    assert us.name == {"en": "United States", "es": "EE. UU."}
