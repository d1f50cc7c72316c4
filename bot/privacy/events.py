"""What the tracker store does with single Rasa events: mask them, and spot a "forget me" request.

Masking walks the whole serialised event rather than a list of known fields, because user text is copied
into many places (event text, parse_data.text, entity values, slots filled from text, channel metadata)
and a field we forgot to list would silently keep the raw text. Keys are never changed, so the event still
deserialises; short numbers survive (see bot.privacy.masking), so slots such as ages or amounts keep working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rasa.shared.core.events import Event, UserUttered

from bot.privacy.masking import mask_text

DEFAULT_FORGET_INTENT = "forget_me"
# A stored string is cut here: nothing a person types in a chat is longer, and a 5 MB paste must not be kept.
MAX_STORED_CHARS = 8000
CUT_MARK = " [...]"
# "/forget" and "/forget_me", also as a Telegram group command ("/forget@SomeBot") or with Rasa entities.
_FORGET_COMMAND = re.compile(r"\s*/forget(?:_me)?(?:@\w+)?\s*(?:\{.*\})?\s*", re.I | re.S)


def mask_event_dict(data: dict[str, Any], mask: Callable[[str], str] = mask_text) -> dict[str, Any]:
    """Return a copy of a serialised event with every string value cut to MAX_STORED_CHARS and masked.

    The input is left untouched.
    """
    return _mask_value(data, mask)


def _mask_value(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value[:MAX_STORED_CHARS] + CUT_MARK if len(value) > MAX_STORED_CHARS else value)
    if isinstance(value, dict):
        return {key: _mask_value(item, mask) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(item, mask) for item in value]
    return value


FORGET_ENTITY = "forget_request"  # set by bot/nlu/forget.py on a cry for help that also asks to delete the chat


def is_forget_request(event: Event, forget_intents: Iterable[str] = (DEFAULT_FORGET_INTENT,)) -> bool:
    """True for a user message asking us to delete the conversation: by intent, by command, or inside a
    danger message (the `forget_request` entity)."""
    if not isinstance(event, UserUttered):
        return False
    if event.intent_name and event.intent_name in set(forget_intents):
        return True
    if any(entity.get("entity") == FORGET_ENTITY for entity in event.entities or []):
        return True
    return bool(event.text and _FORGET_COMMAND.fullmatch(event.text))
