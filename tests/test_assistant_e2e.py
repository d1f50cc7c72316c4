"""The real assistant over REST, as a user (or the widget and Telegram gateway) talks to it.

These start the trained model and the action server once per session (tests/conftest.py).
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import uuid

import pytest

from bot import datafile
from bot.emergency import Directory
from bot.paths import DATA_DIR
from tests.server import Assistant

pytestmark = pytest.mark.rasa_server


def new_sender() -> str:
    return uuid.uuid4().hex


def test_spanish_question_gets_the_spanish_card_with_its_source(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "¿qué es la trata de personas?")
    assert "Fuente: OIM" in reply
    assert "revisado el" in reply
    assert "Source:" not in reply


def test_english_question_gets_the_english_card(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "what is human trafficking?")
    assert "Source: IOM" in reply
    assert "Fuente:" not in reply


def test_a_retried_message_is_answered_again_but_processed_once(assistant: Assistant) -> None:
    """A client that got no answer sends the message again with the same id (bot/channels/rest.py)."""
    sender = new_sender()
    first = assistant.say(sender, "what is human trafficking?", message_id="retry-1")
    stored = assistant.tracker(sender)["events"]
    again = assistant.say(sender, "what is human trafficking?", message_id="retry-1")
    assert [m.get("text") for m in again] == [m.get("text") for m in first]
    assert "Source: IOM" in "\n".join(m.get("text", "") for m in first)
    events = assistant.tracker(sender)["events"]
    assert [e.get("message_id") for e in events if e.get("event") == "user"] == ["retry-1"]
    assert len(events) == len(stored), "the retry stored nothing"


def test_language_is_sticky_across_short_messages_and_switchable(assistant: Assistant) -> None:
    sender = new_sender()
    assert "Hola" in assistant.text(sender, "hola")
    assert "¿" in assistant.text(sender, "ok")  # still Spanish: "ok" says nothing about the language
    switched = assistant.text(sender, "in English please")
    assert "English" in switched
    assert "Source: IOM" in assistant.text(sender, "what is the difference between smuggling and trafficking")


def test_seized_passport_gets_the_emergency_reply_first(assistant: Assistant) -> None:
    messages = assistant.say(new_sender(), "me quitaron el pasaporte y no me dejan salir")
    assert "911" in messages[0]["text"]
    assert "peligro" in messages[0]["text"]


def test_emergency_reply_arrives_when_the_action_server_is_down(assistant: Assistant) -> None:
    assistant.stop_actions()
    try:
        sender = new_sender()
        first = assistant.say(sender, "they took my passport and won't let me leave")
        assert "911" in first[0]["text"]
        country = assistant.text(sender, "Honduras")
        assert "145" in country  # Honduras' trafficking line, from the static reply
    finally:
        assistant.start_actions()
        assistant.wait_for_actions()


def test_a_cry_for_help_in_two_languages_gets_the_emergency_reply_in_both_with_actions_down(
    assistant: Assistant,
) -> None:
    """Code-switched: whichever language the conversation is in, the writer may read only the other one."""
    assistant.stop_actions()
    try:
        message = "sorry my english, mi hermano trabaja en un barco and the captain took his passport, no lo dejan ir"
        text = assistant.say(new_sender(), message)[0]["text"]
        directory = Directory.load()
        assert directory.emergency_numbers("en") in text and directory.emergency_numbers("es") in text
        assert "danger" in text and "peligro" in text
    finally:
        assistant.start_actions()
        assistant.wait_for_actions()


# --- the check-in (issue 19): static responses and rules, so all of it must work with the action server down ---

# Messages that get the check-in from the rules alone, whatever the classifiers say: a plea for an answer.
CHECK_IN_TRIGGER = {"en": "hello?? please someone answer", "es": "alguien responda por favor"}
FORGET = {"en": "forget me", "es": "borra mis datos"}


def _check_in_question(language: str) -> str:
    responses = datafile.read(DATA_DIR / "responses" / "safety.yml")["responses"]
    return responses["utter_danger_check_in"][language]["text"].splitlines()[0]


def _payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


@pytest.fixture()
def actions_down(assistant: Assistant):
    assistant.stop_actions()
    try:
        yield assistant
    finally:
        assistant.start_actions()
        assistant.wait_for_actions()


def _checked_in(assistant: Assistant, language: str) -> str:
    """A new conversation that got the check-in; checks what the person sees, returns the sender."""
    sender = new_sender()
    asked = assistant.say(sender, CHECK_IN_TRIGGER[language])
    text = "\n".join(m.get("text", "") for m in asked)
    assert _check_in_question(language) in text
    assert Directory.load().emergency_numbers_short(language) in text, "the numbers are under the question"
    assert _payloads(asked) == ["/report_danger", "/safe_now", "/cant_talk"]
    return sender


@pytest.mark.parametrize("language", ["en", "es"])
def test_check_in_button_in_danger_gives_the_emergency_reply_with_actions_down(
    actions_down: Assistant, language: str
) -> None:
    sender = _checked_in(actions_down, language)
    reply = actions_down.say(sender, "/report_danger")
    assert Directory.load().emergency_numbers(language) in reply[0]["text"]
    assert any(p.startswith("/inform_country") for p in _payloads(reply)), "it asks the country next"


@pytest.mark.parametrize("language", ["en", "es"])
def test_check_in_button_safe_invites_the_question_without_the_alarm_with_actions_down(
    actions_down: Assistant, language: str
) -> None:
    sender = _checked_in(actions_down, language)
    reply = actions_down.say(sender, "/safe_now")
    text = "\n".join(m.get("text", "") for m in reply)
    assert "/find_help" in _payloads(reply)
    assert Directory.load().emergency_numbers_short(language) not in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_check_in_button_cant_talk_gives_the_silent_path_with_actions_down(
    actions_down: Assistant, language: str
) -> None:
    sender = _checked_in(actions_down, language)
    reply = actions_down.say(sender, "/cant_talk")
    text = "\n".join(m.get("text", "") for m in reply)
    book = Directory.load()
    assert book.emergency_numbers_short(language) in text
    assert book.hotlines(language) in text, "the hotlines, with their SMS and WhatsApp options"
    assert FORGET[language] in text, "how to delete the chat"
    assert _payloads(reply) == [], "nothing to answer"


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "i'm fine, it was only a question", "/find_help"),
        ("es", "estoy bien, solo era una pregunta", "/find_help"),
        ("en", "no", "/inform_country"),
        ("es", "no", "/inform_country"),
    ],
)
def test_a_typed_answer_to_the_check_in_goes_the_right_way_with_actions_down(
    actions_down: Assistant, language: str, typed: str, expected: str
) -> None:
    sender = _checked_in(actions_down, language)
    reply = actions_down.say(sender, typed)
    assert any(p.startswith(expected) for p in _payloads(reply)), reply


@pytest.mark.parametrize("language", ["en", "es"])
def test_cant_talk_typed_after_the_check_in_gives_the_silent_path(actions_down: Assistant, language: str) -> None:
    sender = _checked_in(actions_down, language)
    typed = {"en": "cant talk now", "es": "ahorita no puedo hablar"}[language]
    text = actions_down.text(sender, typed)
    assert Directory.load().hotlines(language) in text and FORGET[language] in text


@pytest.mark.parametrize(
    ("language", "story"),
    [
        ("en", "years ago a recruiter kept my passport and made me work for free, i got out in 2017 and i'm safe now"),
        ("es", "hace años me tuvieron encerrada en una casa trabajando, logre salir en 2018 y ya estoy bien"),
    ],
)
def test_a_story_that_is_over_gets_acknowledgement_not_the_alarm(
    actions_down: Assistant, language: str, story: str
) -> None:
    reply = actions_down.say(new_sender(), story)
    text = "\n".join(m.get("text", "") for m in reply)
    assert "/find_help" in _payloads(reply), "the way to support and reintegration contacts"
    assert not any(p.startswith("/inform_country") for p in _payloads(reply)), "not the emergency reply"
    assert Directory.load().emergency_numbers(language) not in text


def test_forget_me_deletes_every_row_and_phone_numbers_were_masked(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "hola, mi numero es +504 9999-9999")
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = [r[0] for r in db.execute("select data from events where sender_id = ?", (sender,))]
    assert rows, "the conversation should be stored before it is forgotten"
    assert not any("9999-9999" in row for row in rows)
    reply = assistant.text(sender, "borra mis datos")
    assert "Borré" in reply
    with sqlite3.connect(assistant.tracker_db) as db:
        left = db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]
    assert left == 0


def test_find_help_in_the_united_states_gives_the_national_hotline(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "I'm in the United States, who can I call about trafficking?")
    assert "888" in reply and "373" in reply and "7888" in reply
    assert "911" in reply


def test_find_help_in_mexico_in_spanish(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "donde puedo pedir ayuda en México")
    assert "800 5533 000" in reply or "8005533000" in reply.replace(" ", "")
    assert "Verificado" in reply


def test_find_help_asks_the_country_then_answers(assistant: Assistant) -> None:
    sender = new_sender()
    asked = assistant.say(sender, "I need help")
    assert any(b["payload"].startswith("/inform_country") for m in asked for b in m.get("buttons", []))
    reply = assistant.text(sender, "Honduras")
    assert "145" in reply


BAD_INPUT = {
    "emoji-only": "🙏🙏🙏",
    "html": "<img src=x onerror=alert(1)>",
    "control-chars": "\x00\x01\x02",
    "huge": "hola " * 12000,  # 60 KB: just under the entry point's 64 KB limit
    "mixed-language": "hola, is this job safe?",
}


@pytest.mark.parametrize("message", list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_gets_a_reply_not_an_error(assistant: Assistant, message: str) -> None:
    messages = assistant.say(new_sender(), message)
    assert messages and all(m.get("text", "").strip() for m in messages if "custom" not in m)


@pytest.mark.parametrize("message", ["", "   "])
def test_an_empty_message_gets_a_clear_error(assistant: Assistant, message: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        assistant.say(new_sender(), message)
    assert refused.value.code == 400
    assert "empty" in json.loads(refused.value.read())["error"]


def test_a_plea_at_the_end_of_a_huge_message_is_still_heard(assistant: Assistant) -> None:
    messages = assistant.say(new_sender(), "bla " * 15000 + " me quitaron el pasaporte y no me dejan salir")
    assert "911" in messages[0]["text"]


def test_production_logs_never_contain_message_text(assistant: Assistant) -> None:
    marker = f"secreto{uuid.uuid4().hex[:8]}"
    assistant.say(new_sender(), f"mi jefe se llama {marker}")
    assert marker not in assistant.rasa_log.read_text(errors="replace")


def test_an_unclear_first_message_is_answered_with_the_language_question(assistant: Assistant) -> None:
    sender = new_sender()
    asked = assistant.say(sender, "Honduras")
    assert len(asked) == 1 and "Which language" in asked[0]["text"] and "idioma" in asked[0]["text"]
    assert {b["title"] for b in asked[0]["buttons"]} == {"English", "Español"}
    english = next(b["payload"] for b in asked[0]["buttons"] if b["title"] == "English")
    assert "English" in assistant.text(sender, english)
    assert "Source:" in assistant.text(sender, "what is human trafficking?")


def test_a_clear_first_message_is_answered_in_its_language_without_asking(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "can I talk to a real person?")
    assert "Which language" not in reply and "¿" not in reply


@pytest.mark.parametrize(
    ("question", "footer"),
    [
        ("can a boss keep my passport legally?", "Source: ILO"),
        ("is it legal for my employer to keep my passport?", "Source: ILO"),
        ("mi patron puede quedarse con mi pasaporte? es legal?", "Fuente: OIT"),
    ],
)
def test_a_rights_question_gets_the_rights_card_not_the_job_offer_check(
    assistant: Assistant, question: str, footer: str
) -> None:
    reply = assistant.text(new_sender(), question)
    assert footer in reply
    assert "911" not in reply.split(footer)[0]  # not the emergency reply either


def test_nonsense_gets_no_card(assistant: Assistant) -> None:
    reply = assistant.text(new_sender(), "<img src=x onerror=alert(1)> **bold** [link](http://x.y)")
    assert "Source:" not in reply and "Fuente:" not in reply
    assert "911" in reply  # the "I didn't understand" reply carries the emergency numbers
