"""`python -m bot check-data` as a maintainer meets it: a typical slip in a data file, and what the message says.

Each test copies data/ to a scratch folder, makes one mistake an NGO maintainer could make, and checks that the
message names the file, the line and how to fix it. The real data/ must pass.
"""

from __future__ import annotations

from pathlib import Path

from bot import datafile
from bot.cli import main
from bot.datacheck import check
from bot.language import LanguageConfig
from bot.paths import DATA_DIR


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` by `new`; returns the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def errors(data: Path) -> list[str]:
    return [str(p) for p in check(data) if not p.warning]


def test_the_real_data_files_pass(capsys) -> None:
    assert main(["check-data"]) == 0, capsys.readouterr().err
    assert "data files: OK" in capsys.readouterr().out


def test_a_missing_spanish_text_names_the_card_the_line_and_the_fix(data: Path) -> None:
    path = data / "content" / "rights.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      es: |\n        Procura tener")
    end = text.index("    related:", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    found = errors(data)
    assert any(
        "data/content/rights.yml, line" in e and '"rights_documents"' in e and "Spanish (es) text is missing" in e
        and "add an `es:` line under `text:`" in e
        for e in found
    ), found


def test_a_date_written_in_words_is_explained(data: Path) -> None:
    line = edit(data / "content" / "rights.yml", "reviewed_on: 2026-12-06", "reviewed_on: last week")
    found = errors(data)
    assert any(f"rights.yml, line {line}" in e and "YYYY-MM-DD" in e for e in found), found


def test_a_misspelt_key_is_reported_not_ignored(data: Path) -> None:
    line = edit(data / "content" / "rights.yml", "    source: \"ILO Indicators", "    sorce: \"ILO Indicators")
    found = errors(data)
    assert any(f"line {line}" in e and "`sorce` is not a field" in e for e in found), found
    assert any("`source` is missing" in e for e in found), found


def test_broken_indentation_gives_the_line_and_a_hint(data: Path) -> None:
    edit(data / "responses" / "conversation.yml", "  utter_goodbye:\n", "  utter_goodbye:\n   oops: [\n")
    found = errors(data)
    assert any("conversation.yml, line" in e and "not valid YAML" in e and "indentation" in e for e in found), found


def test_a_card_source_must_be_listed_in_sources(data: Path) -> None:
    line = edit(data / "content" / "rights.yml", 'source: "ILO Indicators of Forced Labour"', 'source: "My notes"')
    found = errors(data)
    assert any(f"line {line}" in e and "'My notes' is not in data/content/sources.yml" in e for e in found), found


def test_an_unknown_placeholder_is_reported(data: Path) -> None:
    edit(data / "responses" / "safety.yml", "number: [[emergency_numbers]]", "number: [[emergency_number]]")
    found = errors(data)
    assert any("safety.yml, line" in e and "[[emergency_number]] is not a placeholder" in e for e in found), found


def test_a_bad_phone_number_in_the_directory_is_reported_by_the_referral_checker(data: Path) -> None:
    seed = data / "referrals" / "hn.yml"
    text = seed.read_text(encoding="utf-8")
    value = next(line.split("value:")[1].split(",")[0].split("}")[0].strip() for line in text.splitlines()
                 if "kind: phone" in line and "value:" in line)  # fmt: skip
    edit(seed, value, '"call the police"')
    found = errors(data)
    assert any("data/referrals/hn.yml" in e for e in found), found


def test_a_response_missing_a_language_is_reported(data: Path) -> None:
    goodbye = '    es: "Cuídate mucho. Puedes volver cuando quieras, y si algún día estás en peligro, escribe'
    path = data / "responses" / "conversation.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(goodbye)), encoding="utf-8")
    found = errors(data)
    assert any("response utter_goodbye: the Spanish (es) text is missing" in e for e in found), found


def test_yes_and_no_are_words_in_every_data_file() -> None:
    """An unquoted yes once became the marker word "true": one reader, YAML 1.2, keeps it a word."""
    assert datafile.loads("markers: [yes, no, on, off, y, n]") == {"markers": ["yes", "no", "on", "off", "y", "n"]}
    config = LanguageConfig.load()
    english = next(s for s in config.languages if s.code == "en")
    assert "yes" in english.markers and "true" not in english.markers


def test_an_unquoted_yes_in_languages_yml_is_the_word_yes(tmp_path: Path) -> None:
    text = (DATA_DIR / "languages.yml").read_text(encoding="utf-8").replace('"yes"', "yes")
    assert '"yes"' not in text
    path = tmp_path / "languages.yml"
    path.write_text(text, encoding="utf-8")
    english = next(s for s in LanguageConfig.load(path).languages if s.code == "en")
    assert "yes" in english.markers and "true" not in english.markers


def stage_french(data: Path) -> None:
    path = data / "languages.yml"
    text = path.read_text(encoding="utf-8").replace(
        "languages:\n",
        "languages:\n  - code: fr\n    lingua: FRENCH\n    label: Français\n    names: [français, francais, french]\n"
        "    markers: [bonjour, merci]\n    staged: true\n",
        1,
    )
    path.write_text(text, encoding="utf-8")


def test_a_staged_language_is_not_offered_but_its_gaps_are_listed(data: Path) -> None:
    from bot.domain_builder import responses
    from bot.languages_cli import missing

    stage_french(data)
    config = LanguageConfig.load(data / "languages.yml")
    assert config.codes == ["es", "en"] and config.staged == ("fr",)
    # The assistant still builds (and so Rasa still starts): no French variation yet, nothing broken.
    built = responses(data)
    assert all(c.get("value") != "fr" for v in built["utter_greet"] for c in v.get("condition", []))
    # check-data: the French gaps are warnings, not errors.
    problems = check(data)
    assert not [p for p in problems if not p.warning]
    assert any(p.warning and "French (fr) text is missing" in str(p) for p in problems)
    before = missing("fr", data)
    assert before["staged"] and before["examples"] == 0
    places = {(gap.file.split("data/")[-1], gap.where) for gap in before["texts"]}
    assert ("content/rights.yml", "cards > rights_documents > text") in places
    assert ("responses/conversation.yml", "responses > utter_goodbye") in places
    assert not any(file == "languages.yml" for file, _ in places)  # the Spanish markers "en", "es" are words
    # Translating one card removes it from the list, and only it.
    edit(data / "content" / "rights.yml", "      es: |\n        Procura tener",
         "      fr: Gardez votre passeport.\n      es: |\n        Procura tener")  # fmt: skip
    after = {(gap.file.split("data/")[-1], gap.where) for gap in missing("fr", data)["texts"]}
    assert places - after == {("content/rights.yml", "cards > rights_documents > text")}


def test_the_language_command_lists_a_new_language_as_not_listed(capsys) -> None:
    assert main(["language", "missing", "fr"]) == 1
    out = capsys.readouterr().out
    assert "data/languages.yml: not listed" in out
    cards = len(datafile.read(DATA_DIR / "content" / "rights.yml")["cards"])
    assert f"data/content/rights.yml: {2 * cards} text(s) without `fr:`" in out  # a title and a text per card
