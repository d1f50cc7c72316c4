"""Live responses (bot/nlg.py): what a maintainer sees after editing a data file while the assistant runs.

These drive the generator Rasa calls, on a copy of data/; tests/test_live_responses_server.py does the same
through the running server.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlg import LiveResponses

CARD = "utter_faq/rights_documents"
OLD = "Try to keep your passport and ID with you."
NEW = "Keep your passport and your ID card with you at all times."


def generator(data: Path, domain: Domain | None = None) -> LiveResponses:
    config = EndpointConfig(type="bot.nlg.LiveResponses", data_dir=str(data), check_every=0)
    nlg = NaturalLanguageGenerator.create(config, domain or Domain.empty())  # as Rasa builds it from endpoints.yml
    assert isinstance(nlg, LiveResponses)
    return nlg


def say(nlg: LiveResponses, response: str, **slots: str) -> str | None:
    """The text the person gets after the generator's next look at the data files (its thread does it every few
    seconds in the server; tests/test_live_responses_server.py shows that part)."""
    nlg.check_now()
    out = nlg.generate_from_slots(response, slots, "rest")
    return out["text"] if out else None


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(0.01)  # a different modification time even on coarse clocks
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_card_is_served_without_training(data: Path) -> None:
    nlg = generator(data)
    assert OLD in say(nlg, CARD, language="en")
    replace(data / "content" / "rights.yml", OLD, NEW)
    served = say(nlg, CARD, language="en")
    assert NEW in served and OLD not in served
    assert served.splitlines()[-1].startswith("Source: ILO")  # still a whole card, its footer included


def test_a_changed_emergency_number_reaches_the_static_emergency_reply(data: Path) -> None:
    nlg = generator(data)
    assert "📞 145 " in say(nlg, "utter_emergency_contacts", language="es", country="HN")
    replace(data / "referrals" / "hn.yml", '{kind: phone, value: "145"}', '{kind: phone, value: "146"}')
    served = say(nlg, "utter_emergency_contacts", language="es", country="HN")
    assert "📞 146 " in served and "📞 145 " not in served


def test_a_broken_edit_keeps_the_last_good_texts_and_says_why_in_the_log(data: Path, caplog) -> None:
    nlg = generator(data)
    replace(data / "content" / "rights.yml", OLD, NEW)
    assert NEW in say(nlg, CARD, language="en")
    replace(data / "content" / "rights.yml", "cards:\n", "cards:\n  - id: [broken\n")
    with caplog.at_level(logging.ERROR, logger="data_files"):
        served = say(nlg, CARD, language="en")
    assert NEW in served  # the assistant keeps answering with what it had
    assert any("rights.yml" in r.getMessage() and "last good" in r.getMessage() for r in caplog.records)


def test_data_broken_from_the_start_falls_back_to_the_models_responses(data: Path) -> None:
    (data / "responses" / "conversation.yml").write_text("responses: [", encoding="utf-8")
    domain = Domain.from_dict({"responses": {"utter_goodbye": [{"text": "Bye from the model"}]}})
    nlg = generator(data, domain)
    assert say(nlg, "utter_goodbye", language="en") == "Bye from the model"


def test_a_response_the_data_does_not_know_comes_from_the_model(data: Path) -> None:
    domain = Domain.from_dict({"responses": {"utter_only_in_model": [{"text": "From the model"}]}})
    nlg = generator(data, domain)
    assert say(nlg, "utter_only_in_model", language="en") == "From the model"
    assert say(nlg, "utter_nowhere", language="en") is None


def test_the_language_slot_still_picks_the_variation(data: Path) -> None:
    nlg = generator(data)
    assert say(nlg, "utter_goodbye", language="es").startswith("Cuídate")
    assert say(nlg, "utter_goodbye", language="en").startswith("Take care")


def test_the_server_notices_a_change_by_itself_with_nobody_talking(data: Path) -> None:
    config = EndpointConfig(type="bot.nlg.LiveResponses", data_dir=str(data), check_every=0.2)
    nlg = NaturalLanguageGenerator.create(config, Domain.empty())
    replace(data / "content" / "rights.yml", OLD, NEW)
    english = lambda: nlg.generate_from_slots(CARD, {"language": "en"}, "rest")["text"]  # noqa: E731
    deadline = time.monotonic() + 30
    while NEW not in english() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert NEW in english()


def _tracker_after(parse: dict, language: str) -> DialogueStateTracker:
    """A conversation whose latest message parsed as `parse`, with the language slot at `language`."""
    domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})
    tracker = DialogueStateTracker.from_events(
        "someone", [UserUttered("...", {"name": "report_danger"}, parse_data=parse)], domain.slots
    )
    tracker.update(SlotSet("language", language))
    return tracker


def generate(nlg: LiveResponses, response: str, tracker: DialogueStateTracker) -> dict:
    return asyncio.run(nlg.generate(response, tracker, "rest"))


def test_a_cry_for_help_written_in_two_languages_gets_the_emergency_reply_in_both(data: Path) -> None:
    nlg = generator(data)
    spanish = say(nlg, "utter_emergency_contacts", language="es")
    english = say(nlg, "utter_emergency_contacts", language="en")
    reply = generate(nlg, "utter_emergency_contacts", _tracker_after({"written_in": ["en", "es"]}, "es"))["text"]
    assert reply.startswith(spanish)  # the conversation's language first
    assert reply.endswith(english)
    reply = generate(nlg, "utter_emergency_contacts", _tracker_after({"written_in": ["es", "en"]}, "en"))["text"]
    assert reply.startswith(english) and reply.endswith(spanish)


def test_the_check_in_in_two_languages_keeps_its_buttons(data: Path) -> None:
    nlg = generator(data)
    alone = generate(nlg, "utter_danger_check_in", _tracker_after({}, "en"))
    both = generate(nlg, "utter_danger_check_in", _tracker_after({"written_in": ["es", "en"]}, "en"))
    assert both["text"] == alone["text"] + "\n\n" + say(nlg, "utter_danger_check_in", language="es")
    assert both["buttons"] == alone["buttons"]


def test_one_language_and_other_replies_are_not_doubled(data: Path) -> None:
    nlg = generator(data)
    spanish = say(nlg, "utter_emergency_contacts", language="es")
    assert generate(nlg, "utter_emergency_contacts", _tracker_after({}, "es"))["text"] == spanish
    # Only the replies a person in danger gets are doubled.
    goodbye = generate(nlg, "utter_goodbye", _tracker_after({"written_in": ["en", "es"]}, "es"))["text"]
    assert goodbye.startswith("Cuídate") and "Take care" not in goodbye
