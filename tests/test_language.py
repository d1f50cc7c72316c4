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
