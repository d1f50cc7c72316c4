"""Custom actions. Each reads the tracker, calls bot/, and answers; the logic lives in bot/."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.logging_setup import configure_logging

configure_logging()
logger = logging.getLogger(__name__)


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "es"


@lru_cache(maxsize=1)
def _need_finder():
    from bot.needs import NeedFinder

    return NeedFinder.from_file()


@lru_cache(maxsize=1)
def _session_factory():
    from bot.referrals.db import make_engine, session_factory

    return session_factory(make_engine())


def contacts_text(country: str, need: str | None, language: str) -> str | None:
    """The referral directory's contacts for a country and need, formatted for a phone screen."""
    from bot.referrals.formatting import format_contacts
    from bot.referrals.query import find_contacts

    with _session_factory()() as session:
        views = find_contacts(session, country, need)
        if not views:
            return None
        return format_contacts(views, language)


class ActionFindHelp(Action):
    """Answers "where can I get help?" with sourced contacts for the user's country, asking for it if unknown."""

    def name(self) -> str:
        return "action_find_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        need = _need_finder().find(text) or tracker.get_slot("need")
        country = tracker.get_slot("country")
        events: list[dict[str, Any]] = [SlotSet("need", need)] if need != tracker.get_slot("need") else []
        if not country:
            dispatcher.utter_message(response="utter_ask_country")
            return events
        if tracker.get_intent_of_latest_message() == "talk_to_person":
            dispatcher.utter_message(response="utter_talk_to_person")
        try:
            text = contacts_text(country, need, language_of(tracker))
        except Exception:
            logger.exception("referral directory unavailable")
            text = None
        if text:
            dispatcher.utter_message(text=text)
        else:
            # No directory entry (or no database): the static emergency reply for that country still has numbers.
            dispatcher.utter_message(response="utter_emergency_contacts")
        dispatcher.utter_message(response="utter_anything_else")
        return events
