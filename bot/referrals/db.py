"""Where the referral directory is stored and how its schema is kept up to date.

SQLite in build/ by default so `make run` needs no server; any SQLAlchemy URL (PostgreSQL in production) through
DATABASE_URL. The schema only ever changes through Alembic migrations, also in tests, so what runs in production
is what was tested.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = REPO_ROOT / "build" / "referrals.sqlite"
ALEMBIC_INI = REPO_ROOT / "alembic.ini"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | None = None) -> str:
    """`url`, else the DATABASE_URL environment variable, else the SQLite file build/referrals.sqlite."""
    return url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (see `database_url`); creates the folder of a SQLite file if it is missing."""
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite" and resolved.database not in (None, "", ":memory:"):
        Path(resolved.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(resolved, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    # SQLite ignores ON DELETE CASCADE unless asked per connection; without it, removed entries leave orphans.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic settings from alembic.ini, with the script location made absolute so any cwd works."""
    config = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine_or_url: Engine | str | None = None, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest) by running the Alembic migrations."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        if engine is not engine_or_url:
            engine.dispose()


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions in the 2.0 style; callers own the transaction (`with factory.begin() as session:`)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False, class_=Session)
