"""Every number the assistant can show comes from the referral directory (issue 21: one source of truth).

The texts are collected from everywhere they are made: the generated Rasa responses (answer cards, fallbacks,
danger replies), the Telegram gateway's own texts, the fixed text sent when the assistant cannot answer, and the
widget's tap-to-call list. Anything that looks like a phone number and is not a number of the directory fails
the test, so a number typed by hand into a text (and left behind when the directory changes) cannot ship.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import datafile
from bot.channels.telegram.texts import Texts
from bot.domain_builder import build
from bot.emergency import Directory

# A phone-like run: an optional "+" or "*", then digits in groups separated by spaces, dashes or dots.
PHONE_LIKE = re.compile(r"(?<![\w.,/+*-])[+*]?\d(?:[\d\u00a0 .-]*\d)?(?![\w%])")
# What a long run may be instead of a phone: a date, a year, a figure in thousands ("115 324", "1,500,000").
NOT_A_PHONE = re.compile(r"^(?:(?:19|20)\d{2}(?:-\d{2}-\d{2})?|\d{1,3}(?:[\u00a0 ,.]\d{3})+|\d+[.,]\d{1,2})$")
# A short code (3 or 4 digits) is a phone number only where a text offers it as one: after a word for calling
# or texting, after the phone sign, after a country name ("Guatemala 110"), or before "in <Country>".
SHORT_BEFORE = re.compile(
    r"(?:call|text|dial|sms|whatsapp|llama(?:r)?(?: al)?|marca(?:r)?(?: el)?|al|the|el|número|number|line|línea|📞|"
    r"Guatemala|Nicaragua|Panama|Panamá|Colombia|Honduras|[/(])\W{0,3}$",
    re.I,
)
# ... and is not a convention, an article or a figure: "ILO Convention 138", "artículo 9", "No. 189".
SHORT_NOT = re.compile(
    r"(?:convention|convenio|article|art[ií]culo|art\.|no\.|n\.º|resolution|resoluci[oó]n)\s*$", re.I
)
SHORT_AFTER = re.compile(r"^\s*(?:\(|in [A-Z]|en [A-ZÁÉÍÓÚ]|[/;)]|—|$)")


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_like(text: str) -> list[str]:
    """Phone-like strings of a text: 7 to 15 digits in a phone layout, or a short code offered as a number."""
    found = []
    for match in PHONE_LIKE.finditer(text):
        value = match.group().strip(" .-\u00a0")
        count = len(digits(value))
        if NOT_A_PHONE.match(value):
            continue
        if 7 <= count <= 15:
            found.append(value)
        elif count in (3, 4) and not SHORT_NOT.search(text[max(0, match.start() - 14) : match.start()]) and (
            SHORT_BEFORE.search(text[max(0, match.start() - 12) : match.start()])
            or SHORT_AFTER.match(text[match.end() : match.end() + 4])
        ):
            found.append(value)
    return found


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every text the bot can send, keyed by where it comes from."""
    out = tmp_path_factory.mktemp("domain")
    build(out)
    collected: dict[str, str] = {}
    for path in sorted(Path(out).glob("*.yml")):
        for name, variations in (datafile.read(path).get("responses") or {}).items():
            for n, variation in enumerate(variations):
                collected[f"{path.name}:{name}[{n}]"] = variation.get("text") or ""
                for button in variation.get("buttons") or []:
                    collected[f"{path.name}:{name}[{n}] button"] = f"{button.get('title')}"
    telegram = Texts.load()
    for code, entry in telegram.languages.items():
        for key, value in entry.items():
            values = value.values() if isinstance(value, dict) else [value]
            for m, text in enumerate(values):
                collected[f"telegram.yml:{code}.{key}[{m}]"] = str(text)
    book = Directory.load()
    for code in book.labels["unavailable"]:
        collected[f"unavailable:{code}"] = book.unavailable(code)
    return collected


def test_every_number_the_bot_can_send_is_in_the_directory(texts: dict[str, str]) -> None:
    known = {digits(value) for value in Directory.load().phone_values()}
    strays = {
        f"{where}: {value}"
        for where, text in texts.items()
        for value in phone_like(text)
        # "0-800-922-TIPS": a vanity spelling of a directory number counts as that number.
        if digits(value) not in known and not any(k.startswith(digits(value)) for k in known if len(k) > 7)
    }
    assert not strays, "numbers not in data/referrals/: " + "; ".join(sorted(strays))


def test_the_checker_would_catch_a_typed_number() -> None:
    assert phone_like("call 911 or 1-800-555-0199, or Guatemala 110") == ["911", "1-800-555-0199", "110"]
    assert phone_like("in 2021 there were 49.6 million; 115 324 victims; 2026-11-25; 200+ languages") == []
    assert phone_like("llama al 145 o escribe al +504 9999 9999") == ["145", "+504 9999 9999"]
    assert phone_like("ILO Convention 138 (article 7), el Convenio 189") == []


def test_colombia_is_in_every_fixed_reply_that_lists_emergency_numbers(texts: dict[str, str]) -> None:
    """The critical bug of issue 21: a Colombian was told to call 911. Every generated list names 123."""
    lists = {where: text for where, text in texts.items() if "911" in text and "110" in text}
    assert lists, "the fixed replies should list the region's emergency numbers"
    for where, text in lists.items():
        assert "123" in text and "Colombia" in text, where


def test_free_and_confidential_are_only_said_where_the_contact_data_says_so() -> None:
    """Issue 21: every trafficking line, police lines included, was introduced as "free and confidential"."""
    book = Directory.load()
    for code in ("en", "es"):
        assert not re.search(r"free|gratis|confiden", book.labels["emergency_hotline_intro"][code], re.I)
    for seed in book.seeds.values():
        for org in seed.get("organisations") or []:
            for text in (org.get("description") or {}).values():
                if re.search(r"\bfree\b|gratis|gratuit", text, re.I):
                    assert org.get("free") is True, org["id"]
                if re.search(r"confiden", text, re.I):
                    assert org.get("confidential") is True, org["id"]


def test_documents_name_no_phone_number_outside_the_directory() -> None:
    """README and docs: any number written like a phone number (with "+" or separators) is a directory number."""
    root = Path(__file__).resolve().parents[1]
    known = {digits(value) for value in Directory.load().phone_values()}
    strays = []
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for value in phone_like(path.read_text(encoding="utf-8")):
            if 7 <= len(digits(value)) and (value.startswith("+") or re.search(r"\d[ .-]\d", value)):
                if digits(value) not in known:
                    strays.append(f"{path.name}: {value}")
    assert not strays, strays
