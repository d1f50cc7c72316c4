"""The job-offer check: read what the user wrote, say what it shows, ask at most three questions, grade it.

Thin glue: the reading, the first reply, the questions and the result are built in bot/job_offer/.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import contacts_text, language_of
from bot.job_offer_form import (
    ANSWER_INTENTS,
    FORM,
    OFFER_INTENT,
    QUESTIONS_SLOT,
    RESULT_NOW_INTENT,
    flag_ids,
    is_new_offer,
    slot_name,
)

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _reader():
    from bot.job_offer import OfferReader

    return OfferReader.from_files()


def _offer_text(tracker: Tracker) -> str:
    """The latest message's text, unless it is a button payload ("/ask_job_offer_safe")."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def read_offer_events(tracker: Tracker) -> list[EventType]:
    """Slots for the red flags the latest message settles, in either direction, where none is set yet."""
    text = _offer_text(tracker)
    if not text:
        return []
    reading = _reader().read(text, language_of(tracker))
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
    """Starts (or restarts) the check: what the text shows and what looks right, then at most three questions."""

    def name(self) -> str:
        return "action_read_job_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from bot.job_offer import start_check

        language = language_of(tracker)
        text = _offer_text(tracker)
        reading = _reader().read(text, language) if text else None
        routing = (tracker.latest_message or {}).get("offer_routing") or {}
        start = start_check(reading, language, is_offer=bool(routing.get("offer")) or is_new_offer(text))
        dispatcher.utter_message(text=start.text)
        events: list[EventType] = [SlotSet(slot_name(flag), None) for flag in flag_ids()]
        events += [SlotSet(slot_name(f), "yes") for f in start.found]
        events += [SlotSet(slot_name(f), "no") for f in start.ruled_out]
        events.append(SlotSet(QUESTIONS_SLOT, list(start.questions)))
        return [*events, SlotSet("requested_slot", None)]


class ValidateJobOfferForm(FormValidationAction):
    """Asks only the questions the first reply chose and nobody has answered; free text can answer them too."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_intent_of_latest_message() == RESULT_NOW_INTENT:
            return []
        chosen = [slot_name(f) for f in tracker.get_slot(QUESTIONS_SLOT) or []]
        return [slot for slot in chosen if slot in domain_slots and tracker.get_slot(slot) is None]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = tracker.get_intent_of_latest_message()
        if intent == RESULT_NOW_INTENT:
            return []  # the form stops; the rule "show the result now" answers
        if intent == OFFER_INTENT and is_new_offer(_offer_text(tracker)):
            return []  # a new offer pasted mid-check: the form stops and the rule restarts the check
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if intent not in ANSWER_INTENTS:
            already = {e["name"] for e in events}
            events += [e for e in read_offer_events(tracker) if e["name"] not in already]
        return events


class ActionJobOfferVerdict(Action):
    """The graded result (never "safe"), how to check the employer in the user's country, and whom to call."""

    def name(self) -> str:
        return "action_job_offer_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from bot.job_offer import build_result
        from bot.job_offer.guidance import default_guidance

        language = language_of(tracker)
        answers = {flag: tracker.get_slot(slot_name(flag)) for flag in flag_ids()}
        if tracker.get_slot(QUESTIONS_SLOT) is None and not any(answers.values()):
            dispatcher.utter_message(text=default_guidance().text("nothing_to_show", language))
            return []
        country = tracker.get_slot("country")
        result = build_result(
            present=[f for f, a in answers.items() if a == "yes"],
            absent=[f for f, a in answers.items() if a == "no"],
            unsure=[f for f, a in answers.items() if a == "unsure"],
            language=language,
            country=country,
        )
        dispatcher.utter_message(text=result.text)
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
        return [SlotSet(slot_name(flag), None) for flag in flag_ids()] + [SlotSet(QUESTIONS_SLOT, None)]
