"""The first reply says what the text shows before asking anything; never more than three questions; a graded result."""

from __future__ import annotations

import re
from itertools import product

import pytest

from bot.job_offer import NONE, SERIOUS, SOME, OfferReader, build_result, default_flags, grade, start_check
from bot.job_offer.guidance import default_guidance
from bot.job_offer.labelled import held_out_offers, load_file, training_offers

# The check must never call an offer safe, not even in a negated sentence.
SAFE_WORDS = re.compile(r"\b(safe|safety|secure|seguro|segura|seguros|seguras|asegur\w*)\b", re.IGNORECASE)
PASSPORT_OFFER = (
    "Hotel jobs in Dubai, 1,000 USD a month. When you arrive the manager keeps your passport for the work permit."
)



def test_the_first_reply_names_each_sign_the_text_shows_with_its_reason_before_any_question(
    reader: OfferReader,
) -> None:
    book = default_flags()
    start = start_check(reader.read(PASSPORT_OFFER, "en"), "en", is_offer=True)
    retention = book.get("document_retention")
    assert "document_retention" in start.found
    assert retention.label["en"] in start.text and retention.why["en"] in start.text
    assert "document_retention" not in start.questions


def test_someone_who_wrote_about_the_passport_hears_about_it_first_not_eight_answers_later(reader: OfferReader) -> None:
    start = start_check(reader.read("I have to give them my passport when I arrive", "en"), "en", is_offer=True)
    first_paragraph = start.text.split("\n\n")[0]
    assert default_flags().get("document_retention").label["en"] in first_paragraph


def test_a_request_to_check_an_offer_is_not_read_as_an_offer_by_the_learned_reader() -> None:
    from bot.job_offer.reader import MODEL, Evidence, OfferReading

    guessed = Evidence("unverifiable_company", "", 0, 0, "es", by=MODEL)
    reading = OfferReading("es", flags={"unverifiable_company": guessed})
    request = start_check(reading, "es", is_offer=False)
    assert request.found == ()
    assert request.text.startswith(default_guidance().text("ask_first", "es"))
    pasted = start_check(reading, "es", is_offer=True)
    assert pasted.found == ("unverifiable_company",)


def test_what_looks_right_is_said_too(reader: OfferReader) -> None:
    text = "Warehouse job at Northside Logistics LLC, 1200 Oak Street, $17 an hour, written contract, no fees."
    start = start_check(reader.read(text, "en"), "en", is_offer=True)
    assert default_guidance().text("read_right_intro", "en") in start.text
    assert default_flags().get("no_contract").passed["en"] in start.text


def test_fees_documents_debt_and_contract_are_asked_first() -> None:
    start = start_check(None, "es")
    assert start.questions == ("recruitment_fee", "document_retention", "travel_debt")
    assert default_guidance().text("ask_first", "es") in start.text


def test_never_more_than_three_questions_before_a_result_on_any_labelled_offer(reader: OfferReader) -> None:
    offers = training_offers() + held_out_offers() + load_file("tests/job_offer/unseen/batch_j1.yml").offers
    for offer in offers:
        start = start_check(reader.read(offer.text, offer.language), offer.language, is_offer=True)
        assert len(start.questions) <= 3, offer.id
        assert not set(start.questions) & (set(start.found) | set(start.ruled_out)), offer.id


def test_the_first_reply_names_the_result_button_in_the_conversation_language() -> None:
    for language in ("en", "es"):
        assert default_guidance().result_button[language] in start_check(None, language).text


def test_an_offer_aimed_at_children_is_serious_on_its_own() -> None:
    assert grade(["minors"]) == SERIOUS
    assert build_result(["minors"], [], [], "es").level == SERIOUS


@pytest.mark.parametrize(
    ("present", "level"),
    [
        ([], NONE),
        (["urgency"], SOME),
        (["document_retention"], SOME),
        (["recruitment_fee", "too_good"], SOME),
        (["document_retention", "online_recruiter"], SERIOUS),
        (["recruitment_fee", "too_good", "unverifiable_company"], SERIOUS),
    ],
)
def test_the_level_grows_with_the_signs_and_their_weight(present: list[str], level: str) -> None:
    assert grade(present) == level


def test_the_result_texts_name_the_level_and_with_no_sign_how_to_check_the_rest() -> None:
    guide = default_guidance()
    for language in ("en", "es"):
        none = build_result([], ["recruitment_fee"], ["no_contract"], language, country="MX").text
        assert none.startswith(guide.text("level_none", language))
        assert guide.text("not_proof", language) in none and "STPS" in none
        assert default_flags().get("no_contract").question[language] in none  # still to find out
        serious = build_result(["minors", "secrecy"], [], [], language).text
        assert serious.startswith(guide.text("level_serious", language))


def test_no_result_and_no_first_reply_ever_calls_an_offer_safe() -> None:
    ids = default_flags().ids
    combos = [([], [], []), ([], ids, []), (ids, [], []), ([], [], ids), (ids[:3], ids[3:6], ids[6:])]
    for language, country, (present, absent, unsure) in product(("en", "es"), (None, "MX", "GT", "US", "CO"), combos):
        assert not SAFE_WORDS.search(build_result(present, absent, unsure, language, country).text)
    for language in ("en", "es"):
        assert not SAFE_WORDS.search(start_check(None, language).text)
    for flag in default_flags().flags:
        for texts in (flag.label, flag.passed, flag.question, flag.why):
            assert not any(SAFE_WORDS.search(t) for t in texts.values()), flag.id


def test_no_legitimate_labelled_offer_is_graded_serious_from_its_text(reader: OfferReader) -> None:
    offers = training_offers() + held_out_offers() + load_file("tests/job_offer/unseen/batch_j1.yml").offers
    serious = [o.id for o in offers if not o.is_deceptive and grade(reader.read(o.text, o.language).flags) == SERIOUS]
    assert not serious


def test_the_reply_language_follows_the_conversation_not_the_sign_data() -> None:
    english = build_result(["recruitment_fee"], [], [], "en").text
    spanish = build_result(["recruitment_fee"], [], [], "es").text
    assert default_flags().get("recruitment_fee").label["en"] in english
    assert default_flags().get("recruitment_fee").label["es"] in spanish
    assert build_result([], [], [], "pt").text == build_result([], [], [], default_flags().default_language).text
