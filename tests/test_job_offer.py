"""The job-offer reader as a user meets it: what it finds in an offer and what it rules out.

The first reply, the questions and the graded result are tested in tests/job_offer/; the learned half and the
router there too.
"""

from __future__ import annotations

import re

import pytest

from bot.job_offer import (
    OfferReader,
    answer_value,
    default_flags,
    next_questions,
    question_text,
    settle,
)
from bot.job_offer.amounts import WageFinder, parse_number
from bot.job_offer.flags import load_flags, load_yaml, parse_flags
from bot.job_offer.guidance import VERIFY_FILE
from bot.job_offer.language import detect_language
from bot.job_offer.text import fold_same_length

FACEBOOK_SPAIN = (
    "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
)
REQUIRED_FLAGS = {
    "recruitment_fee",
    "document_retention",
    "no_contract",
    "too_good",
    "online_recruiter",
    "travel_debt",
    "secrecy",
    "unverifiable_company",
    "changed_terms",
    "tourist_visa",
    "restricted_movement",
    "minors",
    "urgency",
    "withheld_wages",
}


@pytest.fixture(scope="module")
def reader() -> OfferReader:
    """The rules alone: what a reviewer's patterns find (the learned half is tested in tests/job_offer/)."""
    return OfferReader.from_files(signs=None)


# --- the example from the issue -----------------------------------------------------------------------


def test_facebook_spain_example_finds_passport_online_recruiter_and_too_good(reader: OfferReader) -> None:
    reading = reader.read(FACEBOOK_SPAIN)
    assert {"document_retention", "online_recruiter", "too_good"} == set(reading.flags)
    # "they pay my flight" says nothing about paying it back: the form must still ask.
    assert "travel_debt" not in reading.flags and "travel_debt" not in reading.absent
    assert reading.language == "en"
    assert reading.flags["document_retention"].text == "keep my passport"


def test_facebook_spain_example_is_not_asked_again(reader: OfferReader) -> None:
    asked = next_questions(reader.read(FACEBOOK_SPAIN), {})
    assert not {"document_retention", "online_recruiter", "too_good"} & set(asked)
    # Fees, documents, debt and the contract come first.
    assert asked[:3] == ["recruitment_fee", "travel_debt", "no_contract"]


# --- negative answers in the text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("I keep my passport with me the whole time", "document_retention"),
        ("yo me quedo con mi pasaporte", "document_retention"),
        ("no me cobran nada por el trabajo", "recruitment_fee"),
        ("they didn't ask me for any money", "recruitment_fee"),
        ("tengo contrato por escrito", "no_contract"),
        ("I signed a written contract in Spanish", "no_contract"),
        ("el empleador paga el pasaje y no se descuenta del salario", "travel_debt"),
        ("it is a work visa, H-2B", "tourist_visa"),
    ],
)
def test_text_that_rules_a_flag_out_settles_it_without_flagging(reader: OfferReader, text: str, flag: str) -> None:
    reading = reader.read(text)
    assert flag in reading.absent
    assert flag not in reading.flags
    assert flag not in next_questions(reading, {})


def test_a_warning_beats_a_reassurance_in_the_same_text(reader: OfferReader) -> None:
    reading = reader.read("no me cobran nada por el trabajo, pero tienes que depositar 200 dólares para la visa")
    assert "recruitment_fee" in reading.flags
    assert "recruitment_fee" not in reading.absent


def test_negated_warning_is_not_a_warning(reader: OfferReader) -> None:
    reading = reader.read("They will not keep your passport, you keep it.")
    assert "document_retention" not in reading.flags


def test_doubt_settles_nothing(reader: OfferReader) -> None:
    for text in ("I don't know whether they keep the passports", "no sé si me van a cobrar algo"):
        reading = reader.read(text)
        assert not reading.flags and not reading.absent, text


def test_ordinary_messages_raise_no_flag(reader: OfferReader) -> None:
    for text in (
        "Hello, I want to check a job offer",
        "I work 40 hours per week",
        "5 dias a la semana, 8 horas diarias",
        "Bring your passport and ID to the interview",
        "They asked for my CV and a copy of my ID",
        "Quiero trabajar en otro país, cómo lo hago?",
        "The job pays 15 dollars per hour",
    ):
        assert not reader.read(text).flags, text


# --- free-text details --------------------------------------------------------------------------------


def test_evidence_quotes_the_users_own_characters(reader: OfferReader) -> None:
    text = "Oye: el PATRÓN se queda con los PASAPORTES de todos"
    evidence = reader.read(text).flags["document_retention"]
    assert text[evidence.start : evidence.end] == evidence.text
    assert "PASAPORTES" in evidence.text


def test_accents_case_and_chat_spelling_do_not_matter(reader: OfferReader) -> None:
    for text in ("Tengo q pagar 300 dolares de inscripcion", "TENGO QUE PAGAR 300 DÓLARES DE INSCRIPCIÓN"):
        assert "recruitment_fee" in reader.read(text).flags, text


def test_mixed_language_message_is_read_in_both_languages(reader: OfferReader) -> None:
    reading = reader.read("hola, me dijeron 'we will keep your passport' y que no hay contrato")
    assert {"document_retention", "no_contract"} <= set(reading.flags)
    assert reading.language == "es"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("they want a deposit before they send the contract", "en"),
        ("me piden un depósito antes de mandarme el contrato", "es"),
    ],
)
def test_language_is_detected_when_not_given(reader: OfferReader, text: str, language: str) -> None:
    assert reader.read(text).language == language
    assert detect_language(text) == language


def test_given_language_is_kept_and_normalised(reader: OfferReader) -> None:
    assert reader.read("they keep the passports", "es-MX").language == "es"
    assert reader.read("ok", "fr").language == default_flags().default_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$6,000/month tax free", True),
        ("40 mil pesos a la semana", True),
        ("2000 dlls semanales", True),
        ("3k/mo", True),
        ("3,500 quetzales al mes", False),
        ("$16.50 per hour, 40 hours per week", False),
        ("8 horas diarias", False),
    ],
)
def test_pay_far_above_normal(text: str, expected: bool) -> None:
    finder = WageFinder(default_flags().pay)
    assert bool(finder.too_high(fold_same_length(text.lower()))) is expected


def test_numbers_are_read_as_people_write_them() -> None:
    assert parse_number("4,500") == 4500
    assert parse_number("3.500") == 3500
    assert parse_number("16.50") == 16.5
    assert parse_number("1,5") == 1.5


# --- the signs added for issue 18: minors, urgency, pay held back; pesos; employer names ------------------


@pytest.mark.parametrize(
    "text",
    [
        "need girls 16+ for easy online chat job, dm me",
        "se buscan jóvenes de 13 a 17 años para vender dulces",
        "looking for students 14 and up for summer sales trips",
        "no need parents permission, we take care of everything",
        "Buscamos niñas desde los 16 años, con o sin permiso de los papás",
    ],
)
def test_an_offer_aimed_at_children_is_read(reader: OfferReader, text: str) -> None:
    assert "minors" in reader.read(text).flags


@pytest.mark.parametrize(
    "text",
    [
        "Chicas de 18 a 25 años para hoteles",
        "Requirements: 21-40 years old, valid passport",
        "pay 15 to 17 dollars an hour",
    ],
)
def test_adult_ages_and_other_numbers_are_not_children(reader: OfferReader, text: str) -> None:
    assert "minors" not in reader.read(text).flags


def test_an_adult_age_range_rules_minors_out(reader: OfferReader) -> None:
    assert "minors" in reader.read("Se buscan hombres y mujeres de 18 a 45 años").absent


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("ONLY 15 PLACES LEFT, share with family", "urgency"),
        ("Salida el lunes desde la terminal, cupo limitado", "urgency"),
        ("decide in 2 hours or the job goes to someone else", "urgency"),
        ("your pay for the final 6 weeks is released when the season ends", "withheld_wages"),
        ("El sueldo se entrega cada 3 meses para que ahorre", "withheld_wages"),
        ("Weekly deductions: housing $90, transport $40", "withheld_wages"),
    ],
)
def test_pressure_and_pay_held_back_are_read(reader: OfferReader, text: str, flag: str) -> None:
    assert flag in reader.read(text).flags


def test_places_left_is_not_about_leaving_the_workplace(reader: OfferReader) -> None:
    # "left" after "places" is about places, not about leaving the workplace.
    assert "restricted_movement" not in reader.read("ONLY 15 PLACES LEFT!!").flags


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Sueldo $2,200 semanales + propinas, IMSS desde el primer día", "es", False),
        ("Busco chica para trabajar de planta, $6,000 al mes", "es", False),
        ("Visa H2B, pago $1,200 dólares a la semana", "es", True),
        ("$1,200 a week cleaning houses", "en", True),
    ],
)
def test_a_bare_dollar_sign_in_spanish_is_pesos_unless_dollars_are_named(
    text: str, language: str, expected: bool
) -> None:
    finder = WageFinder(default_flags().pay)
    assert bool(finder.too_high(fold_same_length(text.lower()), language)) is expected


def test_an_ordinary_stated_wage_blocks_too_good_without_claiming_the_pay_is_right(reader: OfferReader) -> None:
    reading = reader.read("Line cooks $16-18/hr, paid weekly")
    assert "too_good" in reading.blocked
    assert "too_good" not in reading.flags and "too_good" not in reading.absent


@pytest.mark.parametrize(
    "text",
    [
        "H-2B Job Order: Green Acres LLC, Raleigh NC",
        "Hoteles Costa Azul S.A. de C.V. – Puerto Vallarta",
        "Apply at freshmartfoods.ca/careers",
        "Drop your resume at 1550 Jane St, Toronto",
        "Presentarse en Calle 50 # 70-12",
        "Recruitment only through the Ministry of Labour",
    ],
)
def test_a_named_employer_rules_unverifiable_company_out(reader: OfferReader, text: str) -> None:
    assert "unverifiable_company" in reader.read(text).absent


@pytest.mark.parametrize(
    "text", ["write to hr.jobs2024@gmail.com", "places are limited", "contact us on facebook.com/jobs"]
)
def test_a_free_mailbox_or_a_social_page_is_not_an_employers_name(reader: OfferReader, text: str) -> None:
    assert "unverifiable_company" not in reader.read(text).absent


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        None,
        12345,
        b"\xff\xfe\x00binary\x00",
        "🙂🙏🔥" * 50,
        "<script>alert('they keep your passport')</script><b>hola</b>",
        "\ud800 lone surrogate \udfff",
        "\x00\x01\x02 control \x7f",
        "a" * 1_000_000,
        "pasaporte " * 20_000,
    ],
)
def test_bad_input_gets_a_safe_reading(reader: OfferReader, text: object) -> None:
    reading = reader.read(text)  # type: ignore[arg-type]
    assert reading.language in default_flags().languages
    assert isinstance(reading.flags, dict) and isinstance(reading.absent, set)


def test_script_content_is_not_read_as_an_offer(reader: OfferReader) -> None:
    assert not reader.read("<script>alert('they keep your passport')</script>").flags


# --- questions ----------------------------------------------------------------------------------------


def test_questions_in_order_skip_what_text_or_answers_settled(reader: OfferReader) -> None:
    book = default_flags()
    reading = reader.read("no me cobran nada, pero el patrón se queda con los pasaportes")
    asked = next_questions(reading, {"no_contract": "unsure", "too_good": "no"})
    settled = {"recruitment_fee", "document_retention", "no_contract", "too_good"}
    assert asked == [f for f in book.ids if f not in settled]
    assert next_questions(None, {}) == book.ids


def test_question_text_is_a_yes_no_question_in_each_language() -> None:
    for flag in default_flags().ids:
        assert question_text(flag, "en").endswith("?")
        assert question_text(flag, "es").startswith("¿") and question_text(flag, "es").endswith("?")
    assert question_text("document_retention", "pt") == question_text("document_retention", "es")
    with pytest.raises(KeyError):
        question_text("no_such_flag", "en")


def test_answers_override_the_reading_and_are_understood_in_both_languages(reader: OfferReader) -> None:
    reading = reader.read(FACEBOOK_SPAIN)
    present, absent, unsure = settle(reading, {"too_good": "no", "recruitment_fee": "Sí", "travel_debt": "not_sure"})
    assert "too_good" in absent and "too_good" not in present
    assert "recruitment_fee" in present and "document_retention" in present
    assert unsure == ["travel_debt"]
    assert answer_value("No sé") == "unsure" and answer_value("deny") == "no" and answer_value("banana") is None


# --- the data files -----------------------------------------------------------------------------------


def test_red_flags_data_is_complete_and_sourced() -> None:
    book = default_flags()
    assert REQUIRED_FLAGS <= set(book.ids)
    orders = [flag.order for flag in book.flags]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    for flag in book.flags:
        assert flag.source, flag.id
        assert 2 <= len(flag.label["en"].split()) <= 5, flag.label
        for lang in ("en", "es"):
            assert flag.patterns[lang], (flag.id, lang)


def test_verify_data_has_source_and_date_for_each_item() -> None:
    raw = load_yaml(VERIFY_FILE)
    items = list(raw["countries"].values()) + [raw["no_registry"]] + raw["checks"] + raw["questions"]
    for item in items:
        assert item["source"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(item["verified_on"])), item
    assert {"MX", "GT", "CR", "PA", "US"} <= set(raw["countries"])


def test_data_words_like_no_and_off_stay_words() -> None:
    assert "no" in default_flags().rules.negation["es"]
    assert load_yaml(VERIFY_FILE) is not None


def test_broken_data_is_refused_with_a_clear_message(tmp_path) -> None:
    flag = {
        "id": "x",
        "order": 1,
        "source": ["s"],
        "label": {"en": "a b"},
        "passed": {"en": "a", "es": "b"},
        "question": {"en": "q?", "es": "¿q?"},
        "why": {"en": "w", "es": "w"},
    }
    with pytest.raises(ValueError, match="label has no text for es"):
        parse_flags({"flags": [flag]})
    good = dict(flag, label={"en": "a b", "es": "c d"})
    with pytest.raises(ValueError, match="duplicate"):
        parse_flags({"flags": [good, good]})
    path = tmp_path / "flags.yml"
    path.write_text("languages: [en, es]\nflags: []\n", encoding="utf-8")
    assert load_flags(path).ids == []
    # A key written twice would silently drop the first list of patterns.
    path.write_text("languages: [en, es]\nlanguages: [en]\nflags: []\n", encoding="utf-8")
    with pytest.raises(Exception, match="written twice"):
        load_flags(path)
