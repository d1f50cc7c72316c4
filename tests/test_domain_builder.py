"""The bot's responses are generated from data: every card and response exists in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import datafile
from bot.content import load_cards
from bot.domain_builder import build
from bot.language import LanguageConfig
from bot.paths import REPO_ROOT


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("generated")
    responses: dict[str, list[dict]] = {}
    for path in build(out):
        responses.update(datafile.read(path).get("responses") or {})
    return responses


def languages_of(variations: list[dict]) -> set[str]:
    return {c["value"] for v in variations for c in v.get("condition", []) if c["name"] == "language"}


def test_every_card_becomes_a_response_in_every_language_with_source_and_date(generated) -> None:
    config = LanguageConfig.load()
    cards = load_cards()
    assert len(cards) >= 20
    for card in cards:
        variations = generated[card.response_name]
        assert languages_of(variations) == set(config.codes), card.id
        for variation in variations:
            assert card.source in variation["text"].replace("\n", " ") or card.source[:40] in variation["text"]
            assert card.reviewed_on.isoformat() in variation["text"]


def test_every_response_has_every_language(generated) -> None:
    codes = set(LanguageConfig.load().codes)
    for name, variations in generated.items():
        assert languages_of(variations) == codes, name


def test_domain_yml_holds_no_bot_text() -> None:
    domain = datafile.read(REPO_ROOT / "domain" / "domain.yml")
    assert "responses" not in domain


def test_every_response_the_conversation_uses_exists(generated) -> None:
    """Rules, stories and actions name responses; a typo there would make the bot silent."""
    used: set[str] = set()
    for path in (REPO_ROOT / "data").glob("*/*.yml"):
        if path.parent.name not in {"rules", "stories"}:
            continue
        for item in (datafile.read(path) or {}).get("rules", []) + (
            datafile.read(path) or {}
        ).get("stories", []):
            used |= {s["action"] for s in item.get("steps", []) if str(s.get("action", "")).startswith("utter_")}
    for path in (REPO_ROOT / "actions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {part.split('"')[0] for part in text.split('response="')[1:]}
    missing = {name for name in used if name not in generated and name != "utter_faq"}
    assert not missing


def test_emergency_reply_exists_for_every_seeded_country_in_every_language(generated) -> None:
    variations = generated["utter_emergency_contacts"]
    seeded = {
        datafile.read(p)["country"]
        for p in Path(REPO_ROOT / "data" / "referrals").glob("[!_]*.yml")
    }
    for code in LanguageConfig.load().codes:
        for country in seeded - {"INT"}:
            match = [
                v
                for v in variations
                if {"name": "language", "value": code, "type": "slot"} in v.get("condition", [])
                and {"name": "country", "value": country, "type": "slot"} in v.get("condition", [])
            ]
            assert len(match) == 1, (code, country)
            assert any(ch.isdigit() for ch in match[0]["text"])
        generic = [
            v
            for v in variations
            if {"name": "language", "value": code, "type": "slot"} in v.get("condition", [])
            and {"name": "country", "value": None, "type": "slot"} in v.get("condition", [])
        ]
        assert len(generic) == 1 and "911" in generic[0]["text"]


# Country names as the fixed texts write them, in every language, and the ISO code of their seed file.
_NAMED = {"Guatemala": "GT", "Nicaragua": "NI", "Panama": "PA", "Panamá": "PA"}
# Where the fixed texts say 911 works (data/responses/safety.yml, emergency_generic).
_911_COUNTRIES = {"US", "CA", "MX", "BZ", "SV", "HN", "CR", "DO"}


def _emergency_numbers() -> dict[str, set[str]]:
    numbers: dict[str, set[str]] = {}
    for path in (REPO_ROOT / "data" / "referrals").glob("[a-z][a-z].yml"):
        seed = datafile.read(path)
        for organisation in seed.get("organisations") or []:
            if "emergency" in (organisation.get("needs") or []):
                numbers.setdefault(seed["country"], set()).update(
                    str(c["value"]) for c in organisation.get("contacts") or [] if c.get("kind") == "phone"
                )
    return numbers


@pytest.mark.parametrize("response", ["utter_ask_rephrase", "utter_fallback_handoff"])
def test_emergency_numbers_written_in_fixed_replies_are_in_the_referral_directory(generated, response: str) -> None:
    """The fallback replies name emergency numbers in plain text (they must work without any lookup): each one
    must be an emergency number of the country it is given for, in the directory's verified seed files."""
    numbers = _emergency_numbers()
    assert _911_COUNTRIES <= {cc for cc, found in numbers.items() if "911" in found}
    for variation in generated[response]:
        text = variation["text"]
        assert "911" in text
        named = re.findall(r"(Guatemala|Nicaragua|Panamá|Panama) (\d{3})", text)
        assert len(named) == 3, text
        for country, number in named:
            assert number in numbers[_NAMED[country]], (country, number)


def test_the_greeting_says_what_is_kept_and_how_to_delete_it(generated) -> None:
    """Issue 21: "Everything you write here is private" promised more than the assistant does."""
    for variation in generated["utter_greet"]:
        text = variation["text"].lower()
        assert "private" not in text and "privado" not in text
        assert "forget me" in text or "borra mis datos" in text


def test_rebuilding_unchanged_data_rewrites_nothing_so_make_retrains_nothing(tmp_path) -> None:
    first = build(tmp_path)
    dates = {path: path.stat().st_mtime_ns for path in first}
    assert build(tmp_path) == []
    assert {path: path.stat().st_mtime_ns for path in first} == dates
    (tmp_path / "content.yml").write_text("stale", encoding="utf-8")
    assert build(tmp_path) == [tmp_path / "content.yml"]
