"""The job-offer check: read what the user wrote, ask only what is still open, then give the verdict."""

from __future__ import annotations

import logging
from functools import lru_cache

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import contacts_text, language_of
from bot.job_offer_form import ANSWER_INTENTS, SLOT_PREFIX, flag_ids, slot_name

logger = logging.getLogger(__name__)
FORM = "job_offer_form"


@lru_cache(maxsize=1)
def _reader():
    from bot.job_offer import OfferReader

    return OfferReader.from_files()


def read_offer_events(tracker: Tracker) -> list[EventType]:
    """Slots for the red flags the latest message already answers, in either direction."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if not text or text.startswith("/"):
        return []
    reading = _reader().read(text, tracker.get_slot("language"))
    events: list[EventType] = []
    for flag in flag_ids():
        if tracker.get_slot(slot_name(flag)) is not None:
            continue
        if flag in reading.flags:
            events.append(SlotSet(slot_name(flag), "yes"))
        elif flag in reading.absent:
            events.append(SlotSet(slot_name(flag), "no"))
    return events


class ActionReadJobOffer(Action):
    """Starts the check: takes what the first message says about the offer, and tells the user what it saw."""

    def name(self) -> str:
        return "action_read_job_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reset = [SlotSet(slot_name(flag), None) for flag in flag_ids()]
        tracker.add_slots(reset)
        events = read_offer_events(tracker)
        found = sum(1 for e in events if e["value"] == "yes")
        dispatcher.utter_message(response="utter_job_offer_intro_found" if found else "utter_job_offer_intro")
        return reset + events


class ValidateJobOfferForm(FormValidationAction):
    """Asks only the red flags nobody has answered yet; free text in the middle can answer several at once."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return [slot for slot in domain_slots if slot.startswith(SLOT_PREFIX) and tracker.get_slot(slot) is None]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if tracker.get_intent_of_latest_message() not in ANSWER_INTENTS:
            already = {e["name"] for e in events}
            events += [e for e in read_offer_events(tracker) if e["name"] not in already]
        return events


class ActionJobOfferVerdict(Action):
    """Lists the warning signs found, never calls the offer safe, and ends with whom to call."""

    def name(self) -> str:
        return "action_job_offer_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from bot.job_offer import build_verdict

        answers = {flag: tracker.get_slot(slot_name(flag)) for flag in flag_ids()}
        language = language_of(tracker)
        country = tracker.get_slot("country")
        verdict = build_verdict(
            present=[f for f, a in answers.items() if a == "yes"],
            absent=[f for f, a in answers.items() if a == "no"],
            unsure=[f for f, a in answers.items() if a == "unsure"],
            language=language,
            country=country,
            invite_again=False,  # utter_job_offer_again offers it, with buttons
        )
        dispatcher.utter_message(text=verdict)
        contacts = None
        if country:
            try:
                contacts = contacts_text(country, "trafficking_hotline", language)
            except Exception:
                logger.exception("referral directory unavailable")
        if contacts:
            dispatcher.utter_message(text=contacts)
        else:
            dispatcher.utter_message(response="utter_job_offer_where_to_ask")
        dispatcher.utter_message(response="utter_job_offer_again")
        return [SlotSet(slot_name(flag), None) for flag in flag_ids()]
