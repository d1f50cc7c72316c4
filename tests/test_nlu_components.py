"""The rule components in the Rasa pipeline, run on real Rasa messages with the real FallbackClassifier after them."""

from __future__ import annotations

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import CountryExtractor, DangerBackstop, LanguageExtractor, MessageLimiter


@pytest.fixture(scope="module")
def backstop() -> DangerBackstop:
    return DangerBackstop({})


def classified(text: str, intent: str, confidence: float, runner_up: str = "faq") -> Message:
    """A message as the DIET classifier leaves it: an intent and a ranking."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": confidence}, {"name": runner_up, "confidence": confidence}],
        add_to_output=True,
    )
    return message


def fallback(messages: list[Message]) -> list[Message]:
    config = {**FallbackClassifier.get_default_config(), "threshold": 0.55, "ambiguity_threshold": 0.05}
    return FallbackClassifier(config).process(messages)


def test_backstop_forces_danger_and_the_fallback_does_not_undo_it(backstop: DangerBackstop) -> None:
    message = classified("me quitaron el pasaporte y no me dejan salir", "faq", 0.99, runner_up="find_help")
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"


def test_an_unsure_danger_guess_confirmed_by_the_rules_is_not_turned_into_a_fallback(backstop: DangerBackstop) -> None:
    message = classified("i havent been paid in 3 months and they threaten to call immigration", "report_danger", 0.13)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"


def test_backstop_hears_a_plea_at_the_end_of_a_huge_paste(backstop: DangerBackstop) -> None:
    message = Message(data={"text": "bla " * 30000 + " they took my passport and won't let me leave"})
    MessageLimiter({"max_chars": 2000}).process([message])
    assert len(message.get("text")) <= 2001
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.3})
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_a_described_offer_with_a_passport_term_goes_to_the_job_offer_check(backstop: DangerBackstop) -> None:
    text = "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_an_offer_that_turned_into_being_locked_in_is_danger(backstop: DangerBackstop) -> None:
    text = "they offered me a job in Cancun, now they keep my passport and lock me in the house at night"
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


@pytest.mark.parametrize(
    "text",
    [
        "el patron guarda nuestros pasaportes en su camioneta",
        "they keep my documents in a safe until the contract ends",
    ],
)
def test_an_employer_holding_documents_now_is_danger_even_if_it_sounds_like_an_offer(
    backstop: DangerBackstop, text: str
) -> None:
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_a_question_the_rules_dismissed_is_not_danger_on_the_classifier_word_alone(backstop: DangerBackstop) -> None:
    message = classified("what if they take my passport when i get there?", "report_danger", 1.0, "ask_job_offer_safe")
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_danger_words_the_rules_do_not_know_keep_the_classifier_verdict(backstop: DangerBackstop) -> None:
    message = classified("the man at the farm says i belong to him now", "report_danger", 0.97, "faq")
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_ordinary_questions_are_left_alone(backstop: DangerBackstop) -> None:
    for text in ["what is debt bondage?", "¿qué es la trata de personas?", "hola"]:
        message = classified(text, "faq", 0.9)
        backstop.process([message])
        assert message.get("intent")["name"] == "faq", text


@pytest.mark.parametrize(
    "text,language",
    [("¿qué es la trata de personas?", "es"), ("what is human trafficking?", "en"), ("ok", None), ("🙏", None)],
)
def test_language_entity_only_when_the_message_tells(text: str, language: str | None) -> None:
    message = Message(data={"text": text})
    LanguageExtractor({}).process([message])
    found = [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]
    assert found == ([language] if language else [])


def test_country_entity_is_the_iso_code_of_the_last_country_named() -> None:
    message = Message(data={"text": "soy de honduras pero ahora estoy en mexico"})
    CountryExtractor({}).process([message])
    assert [e["value"] for e in message.get("entities", []) if e["entity"] == "country"] == ["MX"]


@pytest.mark.parametrize("text", ["", "\x00\xff", "<script>alert(1)</script>", "😀" * 10000])
def test_bad_input_never_breaks_the_pipeline(backstop: DangerBackstop, text: str) -> None:
    message = Message(data={"text": text})
    for component in (MessageLimiter({}), LanguageExtractor({}), CountryExtractor({}), backstop):
        component.process([message])
