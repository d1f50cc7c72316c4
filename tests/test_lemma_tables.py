"""The rule readers read exactly as before with cut-down lemma tables (bot/nlp/lookups.py).

Each process keeps only the lemma entries the data files can ask about, and the real words one typo away from a
data word. If the cut were wrong, a danger word or a job-offer sign would stop matching (a seized passport read as
nothing), or a real word would be "corrected" into a pattern word. So: every labelled danger message, blind danger
batch and labelled job offer is read with the full tables and with the cut-down ones, and every reading must be the
same; and the cut itself is checked on a small table.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest
from ruamel.yaml import YAML

from bot.nlp import lookups
from tests.server import REPO


def _texts() -> list[str]:
    yaml = YAML(typ="safe")
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    texts.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    files = [REPO / "tests/safety/danger_set.yml", *sorted((REPO / "tests/safety/unseen").glob("batch_*.yml"))]
    for path in [*files, REPO / "data/job_offer/labelled_offers.yml"]:
        walk(yaml.load(path.read_text(encoding="utf-8")))
    return sorted(set(texts))


def _readings(texts: list[str]) -> list[tuple[str, ...]]:
    from bot.job_offer.reader import OfferReader
    from bot.safety.danger import DangerDetector

    detector = DangerDetector.from_file()
    reader = OfferReader.from_files(signs=None)  # the rules: the learned half reads no lemmas
    out = []
    for text in texts:
        assessment = detector.assess(text)
        offers = [reader.read(text, language) for language in ("en", "es")]
        out.append((repr(assessment), *(repr((sorted(r.flags.items()), sorted(r.absent))) for r in offers)))
    return out


@pytest.fixture
def full_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every reader built from now on gets the full tables (and every real word as a word)."""

    @cache
    def full(language: str) -> lookups.LemmaTable:
        raw = lookups.full_table(language)
        return lookups.LemmaTable(raw, frozenset(raw) | frozenset(raw.values()))

    lookups.lemma_lookups.cache_clear()
    monkeypatch.setattr(lookups, "lemma_table", full)
    monkeypatch.setattr("bot.safety.danger.lemma_table", full)
    yield
    lookups.lemma_lookups.cache_clear()


@pytest.fixture
def cut_readings() -> tuple[list[str], list[tuple[str, ...]]]:
    lookups.lemma_lookups.cache_clear()
    texts = _texts()
    return texts, _readings(texts)


@pytest.mark.slow
def test_cut_down_tables_read_every_message_as_the_full_ones(cut_readings, full_tables) -> None:
    texts, cut = cut_readings
    full = _readings(texts)
    assert len(texts) > 3000
    changed = [text for text, a, b in zip(texts, cut, full, strict=True) if a != b]
    assert changed == []


def test_the_cut_keeps_what_a_pattern_can_match_and_the_real_words_near_one() -> None:
    raw = {
        "pays": "pay",  # its lemma is the lemma of a data word ("paid")
        "paid": "pay",
        "secuestrada": "secuestrar",  # matches a prefix the data names ("secuestr*")
        "pasaportes": "pasaporte",  # its lemma is a data word
        "kinds": "kind",  # a real word one letter from the data word "kids"
        "bananas": "banana",  # nothing to do with the data
    }
    table = lookups.cut_down(raw, {"paid", "pasaporte", "kids"}, ("secuestr",))
    assert table.lemmas == {"pays": "pay", "paid": "pay", "secuestrada": "secuestrar", "pasaportes": "pasaporte"}
    assert table.is_word("kinds")
    assert not table.is_word("kidz")  # not a word: a typo the danger reader may correct
    assert "bananas" not in table.lemmas and not table.is_word("bananas")


def test_the_data_words_include_every_form_and_prefix() -> None:
    words, prefixes = lookups.data_words()
    assert {"pasaporte", "passport"} <= words
    assert all(p.isalpha() for p in prefixes)
