"""The review cycle: review-by 12 months after verified_on, `referrals review`, validate failing after 18 months,
and the reply saying when a contact was last checked. Every date here is fixed; nothing depends on today."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.referrals import cli, db, loader, review
from bot.referrals.formatting import format_contacts
from bot.referrals.query import find_contacts
from bot.referrals.seeds import add_months, review_by, stale_after, validate_dir
from tests.referrals.conftest import HN, SAMPLES, TODAY, write_seeds


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="test")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_review_by_is_twelve_months_later_and_stale_after_eighteen() -> None:
    assert review_by(date(2026, 11, 25)) == date(2027, 11, 25)
    assert stale_after(date(2026, 11, 25)) == date(2028, 5, 25)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)  # no 29 February: the month's last day
    assert add_months(date(2026, 8, 31), 18) == date(2028, 2, 29)


def test_validate_fails_the_day_after_eighteen_months_not_before(tmp_path: Path) -> None:
    # hn-cicesct-145 verified 2026-11-20, the US entries 2026-11-25
    directory = write_seeds(tmp_path / "seeds", {"hn.yml": HN, "us.yml": SAMPLES["us.yml"]})
    last_good = validate_dir(directory, date(2028, 5, 20))
    assert last_good.ok and any("hn-cicesct-145" in str(w) for w in last_good.warnings)
    first_bad = validate_dir(directory, date(2028, 5, 21))
    assert [str(e).split(": ", 1)[1] for e in first_bad.errors] == [
        "hn-cicesct-145: verified_on 2026-11-20 is more than 18 months old; check the entry against its sources "
        "and update verified_on, or remove it"
    ]
    # The review command must still see a stale entry, so it can be listed.
    assert validate_dir(directory, date(2028, 5, 21), stale_is_error=False).ok


def test_due_lists_overdue_soon_and_stale_oldest_first(tmp_path: Path) -> None:
    old = HN.replace("verified_on: 2026-11-20", "verified_on: 2024-01-10")
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": old})
    items = review.due(directory, date(2027, 11, 1))
    assert [(i.organisation.id, i.status) for i in items][:2] == [
        ("hn-cicesct-145", "stale"),
        ("int-shelter", "overdue"),
    ]
    soon = {i.organisation.id for i in items if i.status == "soon"}
    assert soon == {"hn-911", "hn-linea-114", "us-911", "us-nhth", "int-chat"}  # review by 2027-11-25
    assert review.due(directory, date(2027, 1, 1)) == [i for i in review.due(directory, date(2027, 1, 1))
                                                         if i.organisation.id == "hn-cicesct-145"]


def test_review_command_prints_source_links_and_says_when_nothing_is_due(
    seed_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run("referrals", "review", "--dir", str(seed_dir), "--today", "2027-11-10") == 0
    out = capsys.readouterr().out
    assert "HN  hn-911  verified 2026-11-25  review by 2027-11-25  [due soon]" in out
    assert "    https://www.elheraldo.hn/honduras/sistema-nacional-emergencias" in out
    assert "int-shelter  verified 2026-10-01  review by 2027-10-01  [overdue]" in out

    assert run("referrals", "review", "--dir", str(seed_dir), "--today", "2027-01-10") == 0
    assert capsys.readouterr().out.strip() == (
        "nothing to review on 2027-01-10 (within 30 days); the next review-by date is 2027-10-01"
    )
    assert run("referrals", "review", "--dir", str(seed_dir), "--today", "2027-01-10", "--within", "300") == 0
    assert "int-shelter" in capsys.readouterr().out


def test_review_command_lists_stale_entries_and_reports_broken_files(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    broken = SAMPLES["us.yml"].replace("[trafficking_hotline]", "[trafficking]")
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "us.yml": broken})
    assert run("referrals", "review", "--dir", str(directory), "--today", "2028-06-01") == 1
    captured = capsys.readouterr()
    assert "[STALE: older than 18 months, `referrals validate` fails]" in captured.out
    assert "unknown need 'trafficking'" in captured.err and "left out of this list" in captured.err
    assert "us-nhth" not in captured.out


def test_reply_says_when_last_checked_only_after_review_by(engine: Engine, seed_dir: Path) -> None:
    loader.import_dir(engine, seed_dir, TODAY)
    with db.session_factory(engine)() as session:
        views = find_contacts(session, "US")
    on_time = format_contacts(views, "en", today=date(2027, 11, 25))
    assert "Last checked" not in on_time
    late = format_contacts(views, "en", today=date(2027, 11, 26))
    assert late.count("Last checked 2026-11-25: it may have changed.") == 2
    assert "Revisado por última vez el 2026-11-25" in format_contacts(views, "es", today=date(2028, 1, 1))
