"""The job-offer check over REST, with the trained model and the real action server."""

from __future__ import annotations

import uuid

import pytest

from bot.job_offer import question_text
from bot.job_offer_form import flag_ids
from tests.server import Assistant

pytestmark = pytest.mark.rasa_server
FACEBOOK_OFFER = (
    "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
)


def answer_until_verdict(assistant: Assistant, sender: str, first: list[dict], answer: str, marker: str) -> list[str]:
    """Answer every question with `answer` until a reply contains `marker`; return all bot texts.

    Rasa's REST channel sends each paragraph of a reply as its own message, so the verdict spans several.
    """
    texts = [m.get("text", "") for m in first]
    for _ in range(len(flag_ids()) + 1):
        if any(marker in t for t in texts):
            return texts
        texts += [m.get("text", "") for m in assistant.say(sender, answer)]
    raise AssertionError(f"no verdict after {len(flag_ids())} answers: {texts[-3:]}")


def test_pasted_offer_is_read_and_not_asked_again(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.say(sender, FACEBOOK_OFFER)
    assert "911" not in first[0]["text"], "a described offer is the job-offer check, not the emergency reply"
    texts = answer_until_verdict(assistant, sender, first, "no", "warning signs in this offer")
    verdict = "\n".join(texts[next(i for i, t in enumerate(texts) if "warning signs in this offer" in t) :])
    for label in ("They keep your documents", "Too good to be true", "Stranger or online recruiter"):
        assert label in verdict
    for flag in ("document_retention", "online_recruiter", "too_good"):
        assert question_text(flag, "en") not in texts, f"asked about {flag} although the offer said it"
    assert question_text("recruitment_fee", "en") in texts


def test_no_flags_in_spanish_never_calls_the_offer_safe(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.say(sender, "me ofrecieron un trabajo en canada, es seguro?")
    texts = answer_until_verdict(assistant, sender, first, "no", "No encontré")
    verdict = "\n".join(texts[next(i for i, t in enumerate(texts) if "No encontré" in t) :])
    assert "no demuestra" in verdict
    assert "es segura" not in verdict.lower() and "es seguro" not in verdict.lower()
    assert any("otra oferta" in t for t in texts)


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
