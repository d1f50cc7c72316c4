"""Maintainers' commands, run through a small argparse parser the way bot/cli.py wires them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.referrals import cli
from bot.referrals.seeds import load_seed_dir
from tests.referrals.conftest import HN, SAMPLES, line_of, write_seeds


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="test")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_validate_ok_and_with_errors(seed_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert run("referrals", "validate", "--dir", str(seed_dir)) == 0
    assert "ok: 3 files, 7 organisations" in capsys.readouterr().out

    bad = HN.replace('"145"', '"14"').replace('"+504 3399 4699"', '"+504 3399"')
    bad_dir = write_seeds(tmp_path / "bad", {**SAMPLES, "hn.yml": bad})
    assert run("referrals", "validate", "--dir", str(bad_dir)) == 1
    err = capsys.readouterr().err
    assert f"error: {bad_dir / 'hn.yml'}:{line_of(bad, '+504 3399')}: number '+504 3399' is not a valid" in err
    assert "1 error(s); fix them before importing" in err  # "14" is a valid short code, only one error


def test_validate_warns_past_review_by_and_fails_after_18_months(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    old = HN.replace("verified_on: 2026-11-20", "verified_on: 2025-06-01")
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": old})
    assert run("referrals", "validate", "--dir", str(directory), "--today", "2026-11-25") == 0
    captured = capsys.readouterr()
    assert "hn-cicesct-145: verified_on 2025-06-01: review by 2026-06-01; check it again" in captured.err
    assert "1 warning(s)" in captured.out

    assert run("referrals", "validate", "--dir", str(directory), "--today", "2026-12-02") == 1
    captured = capsys.readouterr()
    assert "hn-cicesct-145: verified_on 2025-06-01 is more than 18 months old" in captured.err


def test_import_list_export_round_trip(
    seed_dir: Path, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run("referrals", "import", "--dir", str(seed_dir), "--database-url", database_url) == 0
    assert "7 added, 0 updated, 0 removed, 0 unchanged" in capsys.readouterr().out
    assert run("referrals", "import", "--dir", str(seed_dir), "--database-url", database_url) == 0
    assert "0 added, 0 updated, 0 removed, 7 unchanged" in capsys.readouterr().out

    assert run("referrals", "list", "--database-url", database_url, "--country", "hn", "--need", "psychosocial") == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[1] for row in rows] == ["hn-911", "hn-linea-114", "hn-cicesct-145"]

    assert run("referrals", "list", "--database-url", database_url, "--country", "US", "--text", "es") == 0
    preview = capsys.readouterr().out
    assert "Llama: +1 888 373 7888" in preview and preview.rstrip().endswith("Verificado el 2026-11-25")

    out = tmp_path / "exported"
    assert run("referrals", "export", "--out", str(out), "--database-url", database_url) == 0
    assert sorted(p.name for p in out.iterdir()) == ["hn.yml", "international.yml", "us.yml"]
    assert load_seed_dir(out) == load_seed_dir(seed_dir)
    assert run("referrals", "validate", "--dir", str(out)) == 0

    # The exported files import into the same database without any change.
    capsys.readouterr()
    assert run("referrals", "import", "--dir", str(out), "--database-url", database_url) == 0
    assert "7 unchanged" in capsys.readouterr().out


def test_import_of_a_bad_directory_fails_and_says_nothing_was_imported(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture
) -> None:
    bad = HN.replace("[trafficking_hotline]", "[trafficking]")
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": bad})
    assert run("referrals", "import", "--dir", str(directory), "--database-url", database_url) == 1
    err = capsys.readouterr().err
    assert f"hn.yml:{line_of(bad, '[trafficking]')}: unknown need 'trafficking'" in err
    assert err.rstrip().endswith("nothing was imported")
    assert run("referrals", "list", "--database-url", database_url) == 1
    assert "no organisations found" in capsys.readouterr().err


def test_list_rejects_a_bad_country(seed_dir: Path, database_url: str, capsys: pytest.CaptureFixture) -> None:
    run("referrals", "import", "--dir", str(seed_dir), "--database-url", database_url)
    assert run("referrals", "list", "--database-url", database_url, "--country", "Honduras") == 1
    assert "country must be an ISO 3166-1 alpha-2 code" in capsys.readouterr().err


def test_unreachable_database_is_one_line_and_exit_code_2(capsys: pytest.CaptureFixture) -> None:
    assert run("referrals", "list", "--database-url", "postgresql+psycopg2://nobody@127.0.0.1:1/none") == 2
    assert capsys.readouterr().err.startswith("database error (postgresql+psycopg2):")
