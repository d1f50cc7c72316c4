"""First messages: detect the language from everything there is, and ask rather than guess (issue 20)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.language import LanguageDetector
from bot.nlu.cards import CardConfidenceGate
from bot.nlu.components import LanguageExtractor
from bot.policies import should_ask

DETECTOR = LanguageDetector.from_file()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # First messages that once got a Spanish reply (the default won when the detector was unsure).
        ("can I talk to a real person?", "en"),
        ("is this jbo ofer safe", "en"),
        ("are you a real person?", "en"),
        ("what's the weather in tegucigalpa", "en"),
        ("do I need a visa to go to Canada from Mexico?", "en"),
        ("quiero hablar con alguien de verdad", "es"),
        ("oye y esto es seguro o que", "es"),
    ],
)
def test_first_messages_in_a_clear_language_are_detected(text: str, language: str) -> None:
    assert DETECTOR.detect(text) == language


@pytest.mark.parametrize("text", ["Honduras", "ok", "👍", "911", "taxi"])
def test_messages_that_do_not_tell_are_left_open(text: str) -> None:
    assert DETECTOR.detect(text) is None


def extract(text: str, **metadata) -> Message:
    message = Message(data={"text": text, "metadata": metadata or None})
    LanguageExtractor({}).process([message])
    return message


def test_an_unclear_message_is_marked_unsure_and_a_channel_hint_settles_it() -> None:
    unsure = extract("Honduras")
    assert unsure.get("language_unsure") is True and not unsure.get("entities")
    hinted = extract("Honduras", language_hint="en")
    assert [e["value"] for e in hinted.get("entities")] == ["en"] and not hinted.get("language_unsure")
    # A hint never overrides words that tell: the widget's page may be English while the person writes Spanish.
    spoken = extract("¿qué es la trata de personas?", language_hint="en")
    assert [e["value"] for e in spoken.get("entities")] == ["es"]
    assert extract("ok", language_hint="fr").get("language_unsure") is True  # not a language we speak


def tracker(*turns: tuple[str, bool]) -> DialogueStateTracker:
    """A conversation with one user message per turn: (intent, was the language unsure)."""
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for n, (intent, unsure) in enumerate(turns):
        if n:
            events += [BotUttered("..."), ActionExecuted("action_listen")]
        parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "language_unsure": unsure}
        events.append(UserUttered("text", parse_data=parse))
    return DialogueStateTracker.from_events("someone", events)


def test_the_language_is_asked_on_an_unclear_first_message_only() -> None:
    assert should_ask(tracker(("inform_country", True)))
    assert not should_ask(tracker(("inform_country", False)))  # the first message told
    assert not should_ask(tracker(("greet", False), ("affirm", True)))  # later: the language is sticky


@pytest.mark.parametrize("intent", ["report_danger", "forget_me", "switch_language"])
def test_a_cry_for_help_is_never_delayed_by_the_question(intent: str) -> None:
    assert not should_ask(tracker((intent, True)))


def selected(intent: str, *confidences: float) -> Message:
    ranking = [{"confidence": c, "intent_response_key": f"faq/card{n}"} for n, c in enumerate(confidences)]
    message = Message(data={"text": "x", "intent": {"name": intent, "confidence": 0.99}})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.99}])
    message.set("response_selector", {"faq": {"response": {"confidence": confidences[0]}, "ranking": ranking}})
    CardConfidenceGate({"retrieval_intent": "faq", "threshold": 0.5, "margin": 0.15}).process([message])
    return message


def test_an_unsure_card_choice_becomes_the_fallback_never_an_unrelated_card() -> None:
    assert selected("faq", 0.97, 0.01).get("intent")["name"] == "faq"
    assert selected("faq", 0.40, 0.30).get("intent")["name"] == "nlu_fallback"  # unsure
    assert selected("faq", 0.55, 0.45).get("intent")["name"] == "nlu_fallback"  # a coin toss between two cards
    assert selected("greet", 0.1, 0.1).get("intent")["name"] == "greet"  # not a card: left alone


def test_make_eval_scores_every_scored_set_of_first_messages_beside_its_first_score(tmp_path, monkeypatch, capsys):
    """The first score in a set's header is printed beside today's figures; a set not yet scored is not read."""
    from bot.eval import language

    (tmp_path / "first_messages.yml").write_text(
        "version: 1\n# First scored on 2026-01-01: English right 50.0 %.\nmessages:\n"
        "  - {text: 'hello, can you help me', expected: en}\n  - {text: 'ok', expected: ask}\n",
        encoding="utf-8",
    )
    (tmp_path / "first_messages_2.yml").write_text(
        "version: 1\n# NOT YET SCORED.\nmessages:\n  - {text: 'hola, necesito ayuda', expected: es}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(language, "SETS_DIR", tmp_path)
    assert language.main([]) == 0
    out = capsys.readouterr().out
    assert "first_messages.yml" in out and "first score: First scored on 2026-01-01: English right 50.0 %." in out
    assert "en: right 100.0%" in out and "ask: right 100.0%" in out
    assert "first_messages_2.yml" not in out
