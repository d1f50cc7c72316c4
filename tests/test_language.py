"""Replies follow the user's language: detected per message, sticky on short or ambiguous ones."""

import pytest

from bot.language import LanguageConfig, LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.from_file()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("¿qué es la trata de personas?", "es"),
        ("que es la trata de personas", "es"),
        ("me ofrecieron un trabajo en canada, es seguro?", "es"),
        ("hola", "es"),
        ("gracias", "es"),
        ("necesito ayuda", "es"),
        ("estoy en mexico", "es"),
        ("what is human trafficking?", "en"),
        ("is this job offer safe", "en"),
        ("hi", "en"),
        ("hello", "en"),
        ("thanks", "en"),
        ("I am in Mexico", "en"),
        ("they took my passport", "en"),
    ],
)
def test_detects_the_language_of_real_messages(detector: LanguageDetector, text: str, expected: str) -> None:
    assert detector.detect(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # No one of the three signals is sure: two that lean the same way decide (first messages, batch 2).
        ("busco un job en canada", "es"),  # markers 2 to 1, n-grams and lingua Spanish, neither sure alone
        ("me van a deportar?", "es"),  # markers 1 to 1
        ("can u help me", "en"),
        ("will u report me", "en"),
        # The marker majority and the n-grams are heard before lingua, which reads a place name as Spanish.
        ("is it cold in ciudad de mexico", "en"),
        ("el boss dice q si me quejo llama a la migra y no me da el paycheck", "es"),
        # lingua sure, short of its two-word threshold, with the n-grams on its side (first messages, batch 3)
        ("passport stolen", "en"),
        ("jobs abroad", "en"),
    ],
)
def test_signals_that_lean_the_same_way_decide(detector: LanguageDetector, text: str, expected: str) -> None:
    assert detector.detect(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("urgente!!", "es"),
        ("wena", "es"),
        ("ola k ase", "es"),
        ("jobs?", "en"),
        ("scammed", "en"),
        ("hallo", "en"),
        # batch 5
        ("nmms", "es"),
        ("no manches", "es"),
        ("k tal", "es"),
        ("unsubscribe", "en"),
        # batch 6
        ("emergency", "en"),
        ("urgent!!", "en"),
        ("no pay", "en"),
        ("wepa", "es"),
        ("consulta", "es"),
        ("ntp", "es"),
        ("persona real", "es"),
        ("le van a decir a migración?", "es"),
        # a code with a digit, or a lone letter of one, is no word ("H-2B question")
        ("H-2B question", "en"),
        ("H-2A visa scam?", "en"),
    ],
)
def test_one_word_openers_of_each_language_are_answered_in_it(
    detector: LanguageDetector, text: str, expected: str
) -> None:
    """First messages, batch 4: a lone word that only one of the languages writes was asked about."""
    assert detector.detect(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("is this job legit? https://bit.ly/3xK9pQz", "en"),
        ("me mandaron esto, es real? www.trabajos-canada.com/oferta", "es"),
    ],
)
def test_a_link_inside_a_message_does_not_change_its_language(
    detector: LanguageDetector, text: str, expected: str
) -> None:
    assert detector.detect(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Western Union",
        "H2A",
        "DACA",
        "visa",
        "chat",
        "Qatar",
        "Dubai",
        "k",
        # a link or a handle alone (first messages, batch 5)
        "https://www.facebook.com/share/p/1AbCdEfGh/",
        "https://bit.ly/3xK9pQz",
        "@maria_gonzalez",
    ],
)
def test_a_name_alone_is_not_guessed(detector: LanguageDetector, text: str) -> None:
    """A name or a single word leans too, but a person could not tell which language to answer in: ask."""
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    "text", ["ok", "sí", "si", "no", "🙏", "👍👍", "Honduras", "El Salvador", "12345", "", "   ", "?!"]
)
def test_short_or_ambiguous_messages_keep_the_current_language(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("in English please", "en"),
        ("can you speak spanish?", "es"),
        ("háblame en inglés", "en"),
        ("en espanol por favor", "es"),
        ("what is trafficking", None),
    ],
)
def test_a_named_language_is_a_request_to_switch(detector: LanguageDetector, text: str, expected: str | None) -> None:
    assert detector.requested(text) == expected


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "\x00\x01\xff binary", "a" * 1_000_000, "😀" * 5000])
def test_bad_input_never_raises(detector: LanguageDetector, text: str) -> None:
    detector.detect(text)
    detector.requested(text)


def test_every_language_in_the_data_is_known_to_the_detector_library() -> None:
    from lingua import Language

    config = LanguageConfig.load()
    assert config.default in config.codes
    for spec in config.languages:
        assert hasattr(Language, spec.lingua), f"{spec.code}: lingua has no language {spec.lingua}"


def test_a_single_language_is_detected_without_a_second_to_compare() -> None:
    """A deployment with one language (the others staged) must not break on the marker majority."""
    full = LanguageConfig.load()
    only = LanguageConfig(default="en", languages=[s for s in full.languages if s.code == "en"], neutral=full.neutral)
    detector = LanguageDetector(only)
    assert detector.detect("hello, can you help me with a job offer") == "en"
    assert detector.detect("xyzzy plugh") in ("en", None)


@pytest.mark.parametrize(
    "text",
    [
        # Written half in each language: whichever `detect` picks (it finds none in the second), both are named.
        "perdon my english, mi hermana trabaja en una casa en Dallas and the lady took her papers, no le pagan nada",
        "my cousin is at a ranch in Georgia, el patron le quito los documentos y dice que no se puede ir, what do I do",
    ],
)
def test_a_message_written_in_two_languages_names_both(detector: LanguageDetector, text: str) -> None:
    assert set(detector.written_in(text)) == {"en", "es"}


@pytest.mark.parametrize(
    "text",
    [
        "my employer took my passport and I cannot leave the farm",
        "mi jefe me quitó el pasaporte y no me deja salir de la finca",
        # A Spanish word or two, or a loanword, does not make a message bilingual.
        "i work at a house and the señora keeps my passport",
        "busco un job en canada",
        # Jamaican English uses "mi" and "di", Spanish marker words: few distinct ones, so still one language.
        "mi deh inna one house an di man tek mi passport, mi cyaan leave di yard",
        "",
    ],
)
def test_a_message_in_one_language_names_no_second(detector: LanguageDetector, text: str) -> None:
    assert detector.written_in(text) == ()
