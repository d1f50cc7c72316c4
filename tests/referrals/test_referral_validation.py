"""Seed files: a bad entry must be refused with the file and line a maintainer has to open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.referrals.errors import SeedError
from bot.referrals.seeds import load_seed_dir, validate_dir
from tests.referrals.conftest import HN, INTERNATIONAL, SAMPLES, TODAY, US, line_of, write_seeds


def _errors_for(tmp_path: Path, name: str, text: str) -> list[str]:
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, name: text})
    return [str(issue) for issue in validate_dir(directory, TODAY).errors]


def test_sample_files_are_valid_and_keep_file_order(seed_dir: Path) -> None:
    seeds = load_seed_dir(seed_dir, TODAY)
    assert [s.country for s in seeds] == ["HN", "INT", "US"]
    assert [o.id for o in seeds[0].organisations] == ["hn-911", "hn-cicesct-145", "hn-linea-114"]


def test_malformed_number_names_file_and_line(tmp_path: Path) -> None:
    bad = HN.replace('"+504 3399 4699"', '"+504 339"')
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert len(errors) == 1
    assert f"hn.yml:{line_of(bad, '+504 339')}:" in errors[0]
    assert "not a valid number" in errors[0]


def test_number_without_country_code_is_judged_for_the_files_country(tmp_path: Path) -> None:
    # A Guatemalan mobile written the Guatemalan way, pasted into the US file, is not a US number.
    bad = US.replace('"+1 888 373 7888"', '"3764 1561"')
    errors = _errors_for(tmp_path, "us.yml", bad)
    assert errors == [
        f"{tmp_path / 'seeds' / 'us.yml'}:{line_of(bad, '3764 1561')}: number '3764 1561' is not a valid number for US"
    ]


def test_unknown_need_lists_the_known_ones(tmp_path: Path) -> None:
    bad = HN.replace("needs: [psychosocial]", "needs: [psychological]")
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert errors == [
        f"{tmp_path / 'seeds' / 'hn.yml'}:{line_of(bad, 'psychological')}: unknown need 'psychological'; "
        "expected one of: emergency, trafficking_hotline, child_protection, migrant_assistance, legal_aid, "
        "shelter, psychosocial, consular"
    ]


def test_unknown_contact_kind_and_whatsapp_short_code(tmp_path: Path) -> None:
    bad = HN.replace('{kind: phone, value: "114"}', '{kind: fax, value: "114"}').replace(
        '{kind: phone, value: "145"}', '{kind: whatsapp, value: "145"}'
    )
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any(f"hn.yml:{line_of(bad, 'kind: fax')}:" in e and "unknown contact kind 'fax'" in e for e in errors)
    assert any(f"hn.yml:{line_of(bad, 'kind: whatsapp')}:" in e and "short code" in e for e in errors)


def test_verified_on_in_the_future_is_an_error(tmp_path: Path) -> None:
    bad = HN.replace("verified_on: 2026-11-20", "verified_on: 2026-12-24")
    errors = _errors_for(tmp_path, "hn.yml", bad)
    where = f"{tmp_path / 'seeds' / 'hn.yml'}:{line_of(bad, '2026-12-24')}"
    assert errors == [f"{where}: verified_on 2026-12-24 is in the future"]


def test_old_verification_is_a_warning_not_an_error(tmp_path: Path) -> None:
    old = HN.replace("verified_on: 2026-11-20", "verified_on: 2025-06-01")
    result = validate_dir(write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": old}), TODAY)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        f"{tmp_path / 'seeds' / 'hn.yml'}:{line_of(old, '2025-06-01')}: hn-cicesct-145: verified_on 2025-06-01: "
        "review by 2026-06-01; check it again"
    ]


def test_missing_source_and_bad_links(tmp_path: Path) -> None:
    bad = HN.replace('sources: ["https://proceso.hn/linea-114"]', "sources: []").replace(
        '"https://www.laprensa.hn/honduras/honduras-lanza-linea-145"', '"laprensa.hn/linea-145"'
    )
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any("sources must list at least one published page" in e for e in errors)
    assert any("source 'laprensa.hn/linea-145' must be a full http(s):// link" in e for e in errors)


def test_bad_web_and_email_values(tmp_path: Path) -> None:
    bad = US.replace('"humantraffickinghotline.org"', '"humantrafficking hotline"').replace(
        '"help@humantraffickinghotline.org"', '"help-at-hotline"'
    )
    errors = _errors_for(tmp_path, "us.yml", bad)
    assert any("us.yml" in e and "has no valid host name" in e for e in errors)
    assert any("e-mail address 'help-at-hotline' is not valid" in e for e in errors)


def test_country_file_without_emergency_number_is_refused(tmp_path: Path) -> None:
    no_emergency = US.replace("needs: [emergency]", "needs: [legal_aid]")
    errors = _errors_for(tmp_path, "us.yml", no_emergency)
    assert any("US has no organisation with need 'emergency'" in e for e in errors)


def test_duplicate_ids_point_at_both_entries(tmp_path: Path) -> None:
    bad = HN.replace("id: hn-linea-114", "id: hn-911")
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert errors == [
        f"{tmp_path / 'seeds' / 'hn.yml'}:{line_of(bad, 'id: hn-911', 2)}: id 'hn-911' is already used at "
        f"{tmp_path / 'seeds' / 'hn.yml'}:{line_of(bad, 'id: hn-911')}"
    ]


def test_typo_in_a_key_and_duplicate_keys(tmp_path: Path) -> None:
    bad = HN.replace("    needs: [psychosocial]", "    need: [psychosocial]").replace(
        "    free: true\n    always_open: true", "    free: true\n    free: false\n    always_open: true"
    )
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any(f"hn.yml:{line_of(bad, 'need: [psychosocial]')}: unknown key 'need'" in e for e in errors)
    assert any("organisation is missing 'needs'" in e for e in errors)
    assert any(f"hn.yml:{line_of(bad, 'free: false')}: key 'free' appears twice" in e for e in errors)


def test_yaml_syntax_error_reports_its_line(tmp_path: Path) -> None:
    bad = HN.replace('      en: "Report trafficking; free and confidential."', '      en: "Report trafficking')
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert len(errors) == 1 and "YAML syntax error" in errors[0] and "hn.yml:" in errors[0]


def test_file_name_must_match_country_and_ids_their_prefix(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, "gt.yml", HN)
    assert any("gt.yml" in e and "country HN must live in a file named hn.yml" in e for e in errors)
    bad = HN.replace("id: hn-linea-114", "id: linea-114")
    assert any("must start with 'hn-'" in e for e in _errors_for(tmp_path / "2", "hn.yml", bad))


def test_international_numbers_need_a_country_code(tmp_path: Path) -> None:
    bad = INTERNATIONAL.replace('"+52 55 5533 5533"', '"55 5533 5533"')
    errors = _errors_for(tmp_path, "international.yml", bad)
    assert any("must start with +country code" in e for e in errors)


def test_description_in_both_languages_is_required(tmp_path: Path) -> None:
    bad = HN.replace('      es: "Denuncia la trata; gratuita y confidencial."\n', "")
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any("description has no 'es' text" in e for e in errors)


def test_files_starting_with_underscore_are_not_seed_files(seed_dir: Path) -> None:
    (seed_dir / "_labels.yml").write_text("en: {call: Call}\n", encoding="utf-8")
    assert validate_dir(seed_dir, TODAY).ok


def test_load_seed_dir_raises_with_every_problem(tmp_path: Path) -> None:
    bad = HN.replace('"+504 3399 4699"', '"+504 339"').replace("needs: [psychosocial]", "needs: [psychological]")
    directory = write_seeds(tmp_path / "seeds", {**SAMPLES, "hn.yml": bad})
    with pytest.raises(SeedError) as raised:
        load_seed_dir(directory, TODAY)
    message = str(raised.value)
    assert message.startswith("2 problems in the referral seed files:")
    assert f"hn.yml:{line_of(bad, '+504 339')}:" in message
    assert f"hn.yml:{line_of(bad, 'psychological')}:" in message


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    assert "does not exist" in str(validate_dir(tmp_path / "nope", TODAY).errors[0])
    (tmp_path / "empty").mkdir()
    assert "no seed files" in str(validate_dir(tmp_path / "empty", TODAY).errors[0])
    assert date.today()  # the default `today` is the real date; tests pin it to keep results stable


# --- what happens when you call -------------------------------------------------------------------------------------

def test_trafficking_and_emergency_entries_must_say_what_happens_when_you_call(tmp_path: Path) -> None:
    bad = HN.replace("    confidential: true\n", "", 1)
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any("an entry with need 'trafficking_hotline' must have 'confidential'" in e for e in errors)
    start = bad.index("  - id: hn-cicesct-145")
    block_start = bad.index("    when_you_call:", start)
    block_end = bad.index("    sources:", block_start)
    no_block = bad[:block_start] + bad[block_end:]
    assert any("must have 'when_you_call'" in e for e in _errors_for(tmp_path, "hn.yml", no_block))


def test_when_you_call_values_and_keys_are_checked(tmp_path: Path) -> None:
    bad = US.replace("police: with_consent", "police: sometimes").replace("      interpreters: true\n", "")
    bad = bad.replace("anonymous: true", "anonymous: maybe", 1)
    errors = _errors_for(tmp_path, "us.yml", bad)
    assert any("police must be one of is_police, sends_police, with_consent, passes_reports or null" in e
               for e in errors)
    assert any("when_you_call lacks interpreters" in e for e in errors)
    assert any("anonymous must be true, false or null, got 'maybe'" in e for e in errors)


def test_the_same_number_under_two_entries_is_an_error(tmp_path: Path) -> None:
    bad = HN.replace('      - {kind: phone, value: "114"}', '      - {kind: phone, value: "145"}')
    errors = _errors_for(tmp_path, "hn.yml", bad)
    assert any("hn-linea-114: number '145' is already listed under hn-cicesct-145" in e for e in errors)


def test_entries_without_those_needs_may_leave_the_block_out(tmp_path: Path) -> None:
    seeds = load_seed_dir(write_seeds(tmp_path / "seeds", SAMPLES), TODAY)
    line_114 = next(o for s in seeds for o in s.organisations if o.id == "hn-linea-114")
    assert line_114.confidential is None and all(v is None for v in line_114.call.as_dict().values())
