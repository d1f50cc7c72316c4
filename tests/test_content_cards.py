"""Checks on the vetted answer cards (data/content) and the FAQ data that leads users to them.

A card is what a frightened person reads on a phone, and the FAQ examples decide whether they ever get to
read it. So these tests guard what a user would notice: a card missing in one language, a button label too
long to show, a fact with no source a reviewer can check, a link to a card that does not exist, a card the
bot can never be trained to reach, an evaluation that secretly tests on training data, and text copied from
the source articles instead of written for this audience.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bot import datafile

REPO = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO / "data" / "content"
SOURCES_FILE = CONTENT_DIR / "sources.yml"
NLU_DIR = REPO / "data" / "nlu"
EVAL_DIR = REPO / "tests" / "eval"
# The seed articles sit beside the repository (../shared/seeds); CI may point elsewhere.
SEEDS_DIR = Path(os.environ.get("CTA_SEEDS_DIR", REPO.parent / "shared" / "seeds"))

LANGUAGES = ("en", "es")
MAX_TITLE_CHARS = 40  # the title is a button label; longer labels get cut on small screens
MAX_TEXT_CHARS = 700
MIN_EXAMPLES_PER_LANGUAGE = 10
MIN_EVAL_EXAMPLES_PER_LANGUAGE = 4
MIN_SEED_SENTENCE_WORDS = 12

# Characters and words that only Spanish uses (among the two languages we speak). Words that exist in both
# languages ("no", "me", "a", "son", "con", "un" as in UN) are left out on purpose, so that an English
# example is never miscounted as Spanish.
SPANISH_CHARS = frozenset("ñáéíóúü¿¡")
SPANISH_WORDS = frozenset(
    """
    que q como cual cuales cuanto cuanta cuantos cuantas donde quien quienes cuando porque pq xq por para
    es esta estan eso esto ese esa la las el los lo del al de una unos unas se su sus mi mis tu tus te
    hay ser puede pueden significa trata tratante tratantes trabajo personas persona victima victimas
    migrantes migrante diferencia entre sobre tambien pero muy mas dime explicame quiero saber necesito hola
    oye ayuda cosa eres hacen hace dice dicen y o ni desde hasta pasa paso
    """.split()
)

HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
# Seven or more digits in a row, allowing the separators people put in phone numbers. Figures in the cards
# use thousands commas ("115,324"), which this deliberately does not treat as a phone number.
PHONE_NUMBER = re.compile(r"\+?\d[\d \-().]{5,}\d")
CARD_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def language_of(text: str) -> str:
    """Guess "es" or "en" for a short training example.

    Mixed English/Spanish messages count as Spanish: what matters is that each card has enough examples
    written purely in English, and enough that a Spanish speaker would write.
    """
    lowered = text.lower()
    if any(char in SPANISH_CHARS for char in lowered):
        return "es"
    words = re.findall(r"[a-zñ]+", lowered)
    return "es" if any(word in SPANISH_WORDS for word in words) else "en"


def normalise(text: str) -> str:
    """Compare examples the way a tokenizer would see them: case, punctuation and spacing ignored.

    A message with no word characters at all (an emoji) is kept as it is, so two different emoji differ.
    """
    words = " ".join(re.findall(r"\w+", text.lower()))
    return words or text.strip()


def load_cards() -> list[dict]:
    cards = []
    for path in sorted(CONTENT_DIR.glob("*.yml")):
        data = datafile.read(path) or {}
        for card in data.get("cards") or []:
            cards.append({**card, "_file": path.name})
    return cards


def load_sources() -> list[dict]:
    return datafile.read(SOURCES_FILE)["sources"]


def load_examples(paths: list[Path]) -> dict[str, list[str]]:
    """Read Rasa NLU YAML files into {intent: [example, ...]}."""
    examples: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        data = datafile.read(path) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples[block["intent"]].append(line[2:].strip())
    return examples


CARDS = load_cards()
CARD_IDS = [card.get("id", f"<no id in {card['_file']}>") for card in CARDS]
FAQ_FILES = sorted(NLU_DIR.glob("faq_*.yml"))
EVAL_FILES = {lang: EVAL_DIR / f"faq_{lang}.yml" for lang in LANGUAGES}
# Held-out sets written blind (scored once, then kept as held-out examples): they cover cards too.
BLIND_FILES = {lang: EVAL_DIR / f"blind_{lang}.yml" for lang in LANGUAGES}


def test_language_helper_tells_the_two_languages_apart():
    # Without this, a broken helper could make every per-language count below pass or fail for nothing.
    assert language_of("what is human trafficking") == "en"
    assert language_of("is smuggling the same as trafficking?") == "en"
    assert language_of("que es la trata de personas") == "es"
    assert language_of("¿Qué significa tráfico?") == "es"
    assert language_of("whats the diferencia between trata and smuggling") == "es"


def test_there_are_enough_cards_to_cover_the_topics():
    assert len(CARDS) >= 22, "expected about 22-30 cards; big topics should be split"


def test_card_ids_are_unique():
    duplicates = sorted({card_id for card_id in CARD_IDS if CARD_IDS.count(card_id) > 1})
    assert not duplicates, f"card ids used more than once: {duplicates}"


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_is_complete_in_every_language(card):
    assert CARD_ID.match(str(card.get("id", ""))), "id must be snake_case (it becomes utter_faq/<id>)"
    for field in ("title", "text"):
        assert isinstance(card.get(field), dict), f"{field} must have one entry per language"
        for lang in LANGUAGES:
            value = card[field].get(lang)
            assert isinstance(value, str) and value.strip(), f"{field}.{lang} is missing or empty"
    for lang in LANGUAGES:
        title, text = card["title"][lang].strip(), card["text"][lang].strip()
        assert len(title) <= MAX_TITLE_CHARS, f"title.{lang} is too long for a button: {title!r}"
        assert len(text) <= MAX_TEXT_CHARS, f"text.{lang} has {len(text)} characters"
        for value in (title, text):
            assert not HTML_TAG.search(value), f"HTML in {lang}: {value!r}"
            assert not MARKDOWN_LINK.search(value), f"markdown link in {lang}: {value!r}"
            # Hotline numbers live in the referral directory, which is checked separately.
            assert not PHONE_NUMBER.search(value), f"phone number in {lang}: {PHONE_NUMBER.search(value)[0]!r}"


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_card_cites_a_listed_source_and_a_past_review_date(card):
    titles = {source["title"] for source in load_sources()}
    assert card.get("source") in titles, f"source {card.get('source')!r} is not in sources.yml"
    reviewed = card.get("reviewed_on")
    assert isinstance(reviewed, dt.date), "reviewed_on must be a date (YYYY-MM-DD)"
    assert reviewed <= dt.date.today(), f"reviewed_on {reviewed} is in the future"


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_related_cards_exist(card):
    related = card.get("related") or []
    assert isinstance(related, list)
    assert card["id"] not in related, "a card should not point to itself"
    missing = [card_id for card_id in related if card_id not in CARD_IDS]
    assert not missing, f"related ids with no card: {missing}"


def test_sources_file_lists_each_article_once_with_its_seed_files():
    """IOM's articles are stored as seed files (the cards are checked against them); any other publisher's
    source names the page its facts were checked against, and who published it."""
    sources = load_sources()
    titles = [source["title"] for source in sources]
    assert len(titles) == len(set(titles)), "a source title is listed twice"
    for source in sources:
        if source.get("publisher"):
            assert set(source["publisher"]) >= set(LANGUAGES), source["title"]
            assert str(source.get("url") or "").startswith("https://"), source["title"]
        else:
            assert source.get("files"), f"no seed file named for {source['title']!r}"
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    for source in sources:
        for name in source.get("files") or []:
            path = SEEDS_DIR / name
            assert path.is_file(), f"{name} (for {source['title']!r}) is not in {SEEDS_DIR}"
            seed_text = " ".join(path.read_text(encoding="utf-8").split())
            assert source["title"] in seed_text, f"{source['title']!r} does not appear in {name}"


def test_every_card_can_be_reached_in_both_languages():
    examples = load_examples(FAQ_FILES)
    problems = []
    for card_id in CARD_IDS:
        found = examples.get(f"faq/{card_id}", [])
        counts = {lang: sum(language_of(example) == lang for example in found) for lang in LANGUAGES}
        if any(count < MIN_EXAMPLES_PER_LANGUAGE for count in counts.values()):
            problems.append(f"faq/{card_id}: {counts}")
    assert not problems, "cards with too few training examples:\n" + "\n".join(problems)


def test_card_titles_are_taught_as_questions_for_their_own_card():
    # The topic menu's buttons send the card's title as the user's message, so a tap must lead to that card.
    examples = load_examples(FAQ_FILES)
    missing = []
    for card in CARDS:
        taught = {normalise(example) for example in examples.get(f"faq/{card['id']}", [])}
        missing += [f"faq/{card['id']}: {card['title'][lang]!r}" for lang in LANGUAGES
                    if normalise(card["title"][lang]) not in taught]
    assert not missing, "titles not in the card's training examples:\n" + "\n".join(missing)


def test_every_faq_intent_has_a_card():
    # A faq/<key> with no card has no response, and Rasa training would fail on it.
    for path in (*FAQ_FILES, *EVAL_FILES.values()):
        orphans = [intent for intent in load_examples([path]) if intent.removeprefix("faq/") not in CARD_IDS]
        assert not orphans, f"{path.name}: intents without a card: {orphans}"


def test_faq_files_only_hold_faq_intents():
    for path in FAQ_FILES:
        data = datafile.read(path)
        assert str(data.get("version")) == "3.1", f"{path.name}: version must be \"3.1\""
        for block in data["nlu"]:
            assert str(block.get("intent", "")).startswith("faq/"), f"{path.name}: {block}"


def test_no_faq_example_is_taught_for_another_intent_too():
    # The same words under two intents make the classifier guess; for a user that is a wrong answer.
    # Only clashes involving a faq/ card are checked here; the other intents have their own tests.
    seen: dict[str, str] = {}
    clashes = []
    for intent, found in load_examples(sorted(NLU_DIR.glob("*.yml"))).items():
        for example in found:
            key = normalise(example)
            first = seen.setdefault(key, intent)
            if first != intent and "faq/" in f"{first} {intent}":
                clashes.append(f"{example!r}: {first} and {intent}")
    assert not clashes, "\n".join(clashes)


def test_eval_examples_are_in_their_language():
    """Held-out examples are optional for a new card (`make eval` lists the cards that have none yet), but those
    that exist are in the language of their file, and a card that has them has enough to measure it."""
    problems = []
    for lang, path in EVAL_FILES.items():
        assert path.is_file(), f"{path} is missing"
        examples = load_examples([path, *[p for p in [BLIND_FILES[lang]] if p.is_file()]])
        for card_id in CARD_IDS:
            found = examples.get(f"faq/{card_id}", [])
            wrong_language = [example for example in found if language_of(example) != lang]
            if found and (len(found) - len(wrong_language) < MIN_EVAL_EXAMPLES_PER_LANGUAGE or wrong_language):
                problems.append(f"{path.name} faq/{card_id}: {len(found)} examples, wrong language {wrong_language}")
    assert not problems, "\n".join(problems)


def test_make_eval_names_the_cards_without_held_out_examples():
    from bot.eval.nlu import cards_without_held_out_examples

    untested = cards_without_held_out_examples()
    for lang, path in EVAL_FILES.items():
        covered = load_examples([path, *[p for p in [BLIND_FILES[lang]] if p.is_file()]])
        expected = [card_id for card_id in CARD_IDS if f"faq/{card_id}" not in covered]
        assert untested.get(lang, []) == expected


def test_eval_examples_are_not_in_the_training_data():
    training = {normalise(example) for found in load_examples(sorted(NLU_DIR.glob("*.yml"))).values()
                for example in found}
    leaked = [example for found in load_examples(list(EVAL_FILES.values())).values()
              for example in found if normalise(example) in training]
    assert not leaked, f"held-out examples also used for training: {leaked}"


def _seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8")):
            words = normalise(sentence)
            if len(words.split()) >= MIN_SEED_SENTENCE_WORDS:
                sentences.append(words)
    return sentences


def test_cards_do_not_copy_sentences_from_the_seed_articles():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    sentences = _seed_sentences()
    assert sentences, f"no sentences read from {SEEDS_DIR}"
    copied = []
    for card in CARDS:
        for lang in LANGUAGES:
            text = f" {normalise(card['text'][lang])} "
            copied += [f"{card['id']} ({lang}): {s!r}" for s in sentences if f" {s} " in text]
    assert not copied, "sentences copied from the seed articles:\n" + "\n".join(copied)


# --- issue 21: facts checked against their sources ------------------------------------------------------------------

CARDS_BY_ID = {card["id"]: card for card in CARDS}
NO_BREAK_SPACES = "\u00a0\u202f"
# A figure: digits grouped by thousands (comma in English, no-break space in Spanish), a decimal, or a whole number,
# optionally followed by "million"/"millones".
# A decade such as "1990s" is not a figure (the Spanish says "años noventa").
FIGURE = re.compile(r"(\d{1,3}(?:[,\u00a0\u202f]\d{3})+|\d+(?:\.\d+)?)(?!\w)(\s+(?:million|millones)\b)?")


def figures(text: str) -> list[float]:
    found = []
    for number, million in FIGURE.findall(text):
        value = float(re.sub(r"[,\u00a0\u202f]", "", number))
        found.append(value * 1_000_000 if million else value)
    return sorted(found)


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_english_and_spanish_state_the_same_figures(card):
    assert figures(card["text"]["en"]) == figures(card["text"]["es"])


@pytest.mark.parametrize("card", CARDS, ids=CARD_IDS)
def test_spanish_figures_cannot_be_read_as_decimals(card):
    # "115,324" reads as 115.324 in much of the region (and "115.324" as 115 in Mexico): group with a space.
    assert not re.search(r"\d[,.]\d{3}\b", card["text"]["es"]), card["text"]["es"]


def test_no_card_says_at_least_50_million():
    for card in CARDS:
        for text in card["text"].values():
            assert not re.search(r"(at least|al menos) 50 mill", text), card["id"]
    figures_card = CARDS_BY_ID["modern_slavery_figures"]["text"]
    assert "49.6 million" in figures_card["en"] and "2021" in figures_card["en"]
    assert f"49{NO_BREAK_SPACES[0]}600{NO_BREAK_SPACES[0]}000" in figures_card["es"]


def test_three_elements_card_says_a_child_needs_no_means():
    text = CARDS_BY_ID["trafficking_three_elements"]["text"]
    assert "For a child (under 18) the means are not needed" in text["en"] and "3(c)" in text["en"]
    assert "no hacen falta los medios" in text["es"] and "3(c)" in text["es"]


def test_corrected_facts_stay_corrected():
    rcm = CARDS_BY_ID["regional_conference_migration"]["text"]
    assert "Tuxtla II" in rcm["en"] and "Tuxtla II" in rcm["es"]
    assert "first Tuxtla" not in rcm["en"] and "primera Cumbre" not in rcm["es"]
    draft = CARDS_BY_ID["ohchr_draft_instrument"]["text"]
    assert "July 2018" in draft["en"] and "Human Rights Council" in draft["en"]
    assert "julio de 2018" in draft["es"] and "Consejo de Derechos Humanos" in draft["es"]
    for card in CARDS:
        for text in card["text"].values():
            assert "OHCHR" not in text and "ACNUDH" not in text, card["id"]
            assert "leaves the definition open" not in text and "deja la definición abierta" not in text
            # The article says deception is "one of the most common means", not the most frequent one.
            assert not re.search(r"most often (deceiv|draw)", text), card["id"]
    online = CARDS_BY_ID["recruited_online"]["text"]
    assert "to threaten her" in online["en"] and "para amenazarla" in online["es"]


def test_cards_that_go_beyond_their_article_name_the_pages_they_rely_on():
    for card in CARDS:
        for url in card.get("further_sources") or []:
            assert re.match(r"https?://[^\s/]+\.[^\s/]+", url), (card["id"], url)
    for card_id in ("trafficking_three_elements", "modern_slavery_figures", "regional_conference_migration",
                    "ohchr_draft_instrument"):
        assert CARDS_BY_ID[card_id].get("further_sources"), card_id


def test_sources_cite_pages_never_file_paths():
    for source in load_sources():
        url = source.get("url")
        assert url is None or url.startswith(("https://", "http://")), source["title"]
    verify = datafile.read(REPO / "data" / "job_offer" / "verify.yml")
    items = [*verify["countries"].values(), verify["no_registry"], *verify["checks"], *verify["questions"]]
    for item in items:
        assert not re.search(r"reference/|seeds/|/work/|\.txt|\.md\b", item["source"]), item["source"]
    assert verify["countries"]["CR"]["registry"] is False
