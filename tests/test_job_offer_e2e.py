"""The job-offer check over REST, with the trained model and the real action server."""

from __future__ import annotations

import uuid

import pytest

from bot.job_offer import question_text
from bot.job_offer.guidance import default_guidance
from bot.job_offer_form import flag_ids
from tests.server import Assistant

pytestmark = pytest.mark.rasa_server
FACEBOOK_OFFER = (
    "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
)
MINORS_OFFER_ES = (
    "se buscan chicas de 14 a 17 años para atender en eventos, 800 pesos la noche, sin permiso de los papás, "
    "escribe al privado"
)


def answer_until_result(assistant: Assistant, sender: str, first: list[dict], answer: str, language: str) -> list[str]:
    """Answer every question with `answer` until the result arrives; return every bot text, the first reply first.

    Rasa's REST channel sends each paragraph of a reply as its own message, so the result spans several.
    """
    markers = [default_guidance().text(f"level_{level}", language) for level in ("serious", "some", "none")]
    texts = [m.get("text", "") for m in first]
    for _ in range(4):  # never more than three questions before the result
        if any(t.startswith(tuple(markers)) for t in texts):
            return texts
        texts += [m.get("text", "") for m in assistant.say(sender, answer)]
    raise AssertionError(f"no result after three answers: {texts[-3:]}")


def test_a_pasted_offer_is_read_first_then_three_questions_at_most(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.say(sender, FACEBOOK_OFFER)
    assert "911" not in first[0]["text"], "a described offer is the job-offer check, not the emergency reply"
    assert "They keep your documents" in first[0]["text"], "the first reply names what the text shows"
    texts = answer_until_result(assistant, sender, first, "/not_sure", "en")
    questions = {question_text(flag, "en") for flag in flag_ids()}
    asked = [t for t in texts if t in questions]
    assert 1 <= len(asked) <= 3
    assert question_text("document_retention", "en") not in texts, "asked about the passport although the offer said it"
    assert any(t.startswith(default_guidance().text("level_serious", "en")) for t in texts)


def test_show_me_the_result_now_ends_the_questions(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.say(sender, "quiero revisar una oferta de trabajo")
    assert question_text("recruitment_fee", "es") in "\n".join(m.get("text", "") for m in first)
    reply = assistant.text(sender, "/show_result")
    assert default_guidance().text("level_none", "es") in reply
    assert "segura" not in reply.lower() and "seguro" not in reply.lower()


def test_an_offer_aimed_at_minors_is_serious_and_answered_in_its_language(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.say(sender, MINORS_OFFER_ES)
    assert "Dirigida a menores de 18" in first[0]["text"]
    texts = answer_until_result(assistant, sender, first, "/not_sure", "es")
    assert any(t.startswith(default_guidance().text("level_serious", "es")) for t in texts)


def test_stop_in_the_middle_of_the_check(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assistant.say(sender, "is this job offer safe?")
    reply = assistant.text(sender, "stop")
    assert "stopped" in reply
    assert "911" not in reply


def test_danger_in_the_middle_of_the_check_gets_the_emergency_reply_first(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assistant.say(sender, "quiero revisar una oferta de trabajo")
    messages = assistant.say(sender, "ya estoy aqui y me quitaron el pasaporte, no me dejan salir")
    assert "911" in messages[0]["text"]
