"""Maintainers' commands: `python -m bot referrals list|validate|review|import|export`.

`register` adds them to the project's command line (bot/cli.py); every command's handler is stored as
`args.func` and returns the process exit code: 0 ok, 1 problems found (bad seed file, empty directory),
2 database unreachable or broken.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.referrals import db, exporter, formatting, loader, query, review
from bot.referrals.errors import SeedError
from bot.referrals.labels import load_labels
from bot.referrals.seeds import DEFAULT_SEED_DIR, validate_dir
from bot.referrals.vocab import NEEDS, REQUIRED_LANGUAGES, REVIEW_WARNING_DAYS, STALE_AFTER_MONTHS

Handler = Callable[[argparse.Namespace], int]


def _database_errors(handler: Handler) -> Handler:
    """Turn a database failure into one readable line and exit code 2 instead of a traceback."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except SQLAlchemyError as exc:
            print(f"database error ({db.database_url(args.database_url).split('://')[0]}): {exc}", file=sys.stderr)
            return 2

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


@_database_errors
def list_command(args: argparse.Namespace) -> int:
    """Print the directory, or one country's contacts in the order users see them."""
    engine = db.make_engine(args.database_url)
    try:
        db.upgrade(engine)
        with db.session_factory(engine)() as session:
            if args.country:
                try:
                    views = query.find_contacts(session, args.country, args.need)
                except ValueError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
            else:
                views = [
                    view
                    for seed in loader.read_seeds(session)
                    for view in query.find_contacts(session, seed.country)
                    if view.country == seed.country and (args.need is None or args.need in view.needs)
                ]
    finally:
        engine.dispose()
    if not views:
        print("no organisations found; load the seed files with `python -m bot referrals import`", file=sys.stderr)
        return 1
    if args.text:
        print(formatting.format_contacts(views, args.text, max_items=args.max_items))
        return 0
    for view in views:
        numbers = ", ".join(f"{c.kind}:{c.value}" for c in view.contacts)
        print(f"{view.country:<3} {view.id:<32} {','.join(view.needs):<40} {view.verified_on}  {numbers}")
    return 0


def validate_command(args: argparse.Namespace) -> int:
    """Check the seed files without touching the database."""
    result = validate_dir(Path(args.dir), args.today)
    for issue in result.errors:
        print(f"error: {issue}", file=sys.stderr)
    for issue in result.warnings:
        print(f"warning: {issue}", file=sys.stderr)
    organisations = sum(len(seed.organisations) for seed in result.seeds)
    if result.errors:
        print(f"{len(result.errors)} error(s); fix them before importing", file=sys.stderr)
        return 1
    print(f"ok: {len(result.seeds)} files, {organisations} organisations, {len(result.warnings)} warning(s)")
    return 0


STATUS_WORDS = {
    "stale": f"STALE: older than {STALE_AFTER_MONTHS} months, `referrals validate` fails",
    "overdue": "overdue",
    "soon": "due soon",
}


def review_command(args: argparse.Namespace) -> int:
    """List the entries to check again (past their review-by date or close to it), with the pages to re-read."""
    today = args.today or date.today()
    check = validate_dir(Path(args.dir), today, stale_is_error=False)
    for issue in check.errors:
        print(f"error: {issue}", file=sys.stderr)
    if check.errors:
        print("files with errors are left out of this list; fix them first (`referrals validate`)", file=sys.stderr)
    items = review.due_in(check.seeds, today, args.within)
    if not items:
        upcoming = review.next_review(check.seeds)
        after = f"; the next review-by date is {upcoming}" if upcoming else ""
        print(f"nothing to review on {today} (within {args.within} days){after}")
        return 1 if check.errors else 0
    print(f"{len(items)} entr{'y' if len(items) == 1 else 'ies'} to check again on {today}:")
    for item in items:
        org = item.organisation
        print(
            f"\n{item.country:<3} {org.id}  verified {org.verified_on}  review by {item.review_by}  "
            f"[{STATUS_WORDS[item.status]}]"
        )
        for url in org.sources:
            print(f"    {url}")
    print(
        "\nOpen each page, confirm every number and the `when_you_call` facts, then set verified_on to the day you "
        "checked (see docs/referrals.md)."
    )
    return 1 if check.errors else 0


@_database_errors
def import_command(args: argparse.Namespace) -> int:
    """Validate all seed files, then make the database equal to them in one transaction."""
    engine = db.make_engine(args.database_url)
    try:
        report = loader.import_dir(engine, Path(args.dir))
    except SeedError as exc:
        print(f"error: {exc}\nnothing was imported", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"imported {args.dir}: {report.summary()}")
    for label, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    return 0


@_database_errors
def export_command(args: argparse.Namespace) -> int:
    """Write the database back to seed files, one per country."""
    engine = db.make_engine(args.database_url)
    try:
        db.upgrade(engine)
        with db.session_factory(engine)() as session:
            written = exporter.export_dir(session, Path(args.out))
    finally:
        engine.dispose()
    if not written:
        print("the database has no countries; nothing exported", file=sys.stderr)
        return 1
    print(f"exported {len(written)} files to {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `referrals` and its commands to a command line built with argparse."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: $DATABASE_URL, else build/referrals.sqlite)",
    )
    parser = subparsers.add_parser(
        "referrals", help="referral directory: list, validate, review, import, export", description=__doc__
    )
    commands = parser.add_subparsers(dest="referrals_command", required=True)

    listing = commands.add_parser("list", parents=[common], help="show organisations from the database")
    listing.add_argument("--country", help="ISO code such as HN; shows contacts in the order users see them")
    listing.add_argument("--need", choices=NEEDS, help="only this need (with --country: put it first)")
    listing.add_argument(
        "--text", metavar="LANGUAGE", choices=sorted(_label_languages()), help="preview the reply text"
    )
    listing.add_argument("--max-items", type=int, default=6, help="organisations in the --text preview")
    listing.set_defaults(func=list_command)

    validate = commands.add_parser("validate", help="check the seed files (no database needed)")
    validate.add_argument("--dir", default=str(DEFAULT_SEED_DIR), help="seed directory (default: data/referrals)")
    validate.add_argument("--today", type=_day, default=None, help=argparse.SUPPRESS)
    validate.set_defaults(func=validate_command)

    reviewing = commands.add_parser(
        "review", help="list the entries to check again (past their review-by date or close to it)"
    )
    reviewing.add_argument("--dir", default=str(DEFAULT_SEED_DIR), help="seed directory (default: data/referrals)")
    reviewing.add_argument(
        "--within",
        type=int,
        default=REVIEW_WARNING_DAYS,
        help=f"also list entries whose review-by date is this many days away (default: {REVIEW_WARNING_DAYS})",
    )
    reviewing.add_argument("--today", type=_day, default=None, help="pretend today is YYYY-MM-DD")
    reviewing.set_defaults(func=review_command)

    importing = commands.add_parser("import", parents=[common], help="validate and load the seed files")
    importing.add_argument("--dir", default=str(DEFAULT_SEED_DIR), help="seed directory (default: data/referrals)")
    importing.set_defaults(func=import_command)

    export = commands.add_parser("export", parents=[common], help="write the database as seed files")
    export.add_argument("--out", required=True, help="directory to write <cc>.yml files into")
    export.set_defaults(func=export_command)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, got {value!r}") from exc


def _label_languages() -> list[str]:
    try:
        return list(load_labels())
    except (OSError, ValueError):
        return list(REQUIRED_LANGUAGES)
