"""`python -m bot privacy purge --older-than 30d`: delete conversations nobody has touched for a while.

Keeping old conversations only helps someone who gets hold of the database, so a scheduled purge is the
retention policy. The store is read from endpoints.yml (Rasa's own reader, so ${ENV} values work) or given
directly with --db-url.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.privacy.tracker_store import PrivateSQLTrackerStore

_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}
_DURATION = re.compile(r"(\d{1,6})([dhm])")
_SQL_TYPES = {"sql", "bot.privacy.tracker_store.PrivateSQLTrackerStore"}


class PurgeError(Exception):
    """A problem the operator can fix (missing file, wrong store type); printed without a traceback."""


def parse_duration(text: str) -> float:
    """Seconds in "30d", "12h" or "90m"; anything else is an argparse error that says what is accepted."""
    match = _DURATION.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: use a whole number above zero followed by d (days), h (hours) "
            "or m (minutes), e.g. 30d"
        )
    return float(int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `privacy purge` to the project CLI (bot/cli.py)."""
    privacy = subparsers.add_parser("privacy", help="privacy tools: retention purge")
    commands = privacy.add_subparsers(dest="privacy_command", required=True)
    purge = commands.add_parser("purge", help="delete conversations whose last message is older than a limit")
    purge.add_argument(
        "--older-than",
        required=True,
        type=parse_duration,
        metavar="AGE",
        help="age of the newest message, e.g. 30d, 12h or 90m",
    )
    source = purge.add_mutually_exclusive_group()
    source.add_argument("--endpoints", default="endpoints.yml", help="Rasa endpoints file (tracker_store)")
    source.add_argument("--db-url", help="SQLAlchemy URL of the tracker database, e.g. sqlite:///build/t.db")
    purge.set_defaults(func=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    """Entry point for `privacy purge`; returns the process exit code."""
    try:
        store = open_store(db_url=args.db_url, endpoints=args.endpoints)
        removed = store.purge_older_than(args.older_than)
    except PurgeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"Removed {removed} conversation{'s' if removed != 1 else ''} with no message in the last "
        f"{_describe(args.older_than)}."
    )
    return 0


def open_store(db_url: str | None, endpoints: str | None) -> PrivateSQLTrackerStore:
    """Connect to the tracker database without creating one where none exists."""
    from bot.privacy.tracker_store import PrivateSQLTrackerStore

    if db_url:
        if "://" not in db_url:
            raise PurgeError(f"--db-url needs a full URL such as sqlite:///build/tracker.sqlite, got {db_url!r}")
        kwargs = {"host": db_url}
    else:
        kwargs = _kwargs_from_endpoints(endpoints or "endpoints.yml")
    url = PrivateSQLTrackerStore.get_db_url(
        **{key: kwargs.get(key) or default for key, default in _URL_DEFAULTS.items()}
    )
    _check_reachable(url)
    return PrivateSQLTrackerStore(**kwargs, background=False)


_URL_DEFAULTS = {
    "dialect": "sqlite",
    "host": None,
    "port": None,
    "db": "rasa.db",
    "username": None,
    "password": None,
    "login_db": None,
    "query": None,
}


def _kwargs_from_endpoints(path: str) -> dict:
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import read_endpoint_config

    if not os.path.isfile(path):
        raise PurgeError(f"endpoints file {path!r} not found; pass --endpoints or --db-url")
    try:
        config = read_endpoint_config(path, "tracker_store")
    except RasaException as error:  # e.g. ${TRACKER_DB} not set in the environment
        raise PurgeError(
            f"cannot read {path}: {error} Set them (scripts/run.sh shows the defaults) or pass --db-url."
        ) from error
    if config is None:
        raise PurgeError(f"{path} has no tracker_store; conversations are only kept in memory")
    if config.type not in _SQL_TYPES:
        raise PurgeError(f"tracker_store type {config.type!r} in {path} is not an SQL store; purge needs SQL")
    kwargs = {key: value for key, value in config.kwargs.items() if value not in (None, "")}
    if config.url:
        kwargs["host"] = config.url
    return kwargs


def _check_reachable(url: object) -> None:
    """Fail once with a clear message; Rasa's store would retry a dead database forever."""
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url) if isinstance(url, str) else url
    except sa.exc.ArgumentError as error:
        raise PurgeError(f"invalid database URL: {error}") from error
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or not os.path.isfile(database):
            raise PurgeError(f"SQLite database {database or '(none)'!r} not found")
        return
    engine = sa.create_engine(parsed)
    try:
        with engine.connect():
            pass
    except sa.exc.SQLAlchemyError as error:
        raise PurgeError(f"cannot connect to the tracker database: {error.__class__.__name__}") from error
    finally:
        engine.dispose()


def _describe(seconds: float) -> str:
    for unit, name in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds % unit == 0:
            count = int(seconds // unit)
            return f"{count} {name}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"
