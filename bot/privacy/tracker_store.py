"""Rasa's SQL tracker store, keeping less: masked text, real deletion on "forget me", retention purge.

Use it from endpoints.yml (Rasa 3.6 imports the class by its dotted path and calls it with
`host=<url>, domain=..., event_broker=...` plus every other key of the block as a keyword argument):

    tracker_store:
      type: bot.privacy.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite            # or postgresql
      db: build/tracker.sqlite
      # url / port / username / password as for Rasa's `type: sql`; empty values mean "not set"
      # forget_intent: forget_me  (optional; a list is accepted too)
      # window_turns: 10          (optional; 0 loads the whole session, as Rasa does)

Rasa falls back to an in-memory store, with only a warning, when this import fails, so this module imports
nothing but Rasa and bot.privacy/bot.logging_setup.

Importing this module is also where production log redaction is switched on in the Rasa server process
(BOT_ENV=production): Rasa imports the tracker store after its own logging setup, so our filter sticks.

**Loading only what the policies need.** Rasa's SQLTrackerStore loads every event of the current session on
every message, and every policy then replays all of them (TED, memoization and the rule policy each rebuild the
dialogue state after every action since the session started; Rasa also sends all of them to the action server),
so a message cost more the longer its conversation was: about 0.1 s at turn 10 and 0.6 s at turn 200 (issue 23,
docs/performance.md). Here a long session is loaded as a *window*: the last `window_turns` user turns in full,
preceded by one SlotSet per slot that was set before them, with the value it had. What came before the window is
read only for its slot and loop events; the bulky user and bot events are not even fetched. The policies look at
the last few turns only (max_history 4 and 5, rules of at most 3 states), so they see the same states as with the
whole session. The window is used only where that holds: at least `window_turns` user turns and
`MIN_POLICY_ACTIONS` actions the ML policies do not skip in the window, and no form active or conversation paused
where it starts; otherwise the whole session is loaded. What changes: the action server gets the window instead of
the whole session, and a session that starts after an expired one carries over one SlotSet per slot instead of
repeating every SlotSet of the old session (the slots end up with the same values). Saving stores exactly the
events added since loading. `retrieve_full_tracker` (Rasa's API, exports) still loads everything.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

from bot.logging_setup import configure_logging
from bot.privacy.events import DEFAULT_FORGET_INTENT, is_forget_request, mask_event_dict
from bot.privacy.masking import REGION_ENV, mask_text

logger = logging.getLogger(__name__)

_DELETE_CHUNK = 500  # stays below every database's limit on bound parameters

# The window (see the module docstring): user turns loaded in full, and actions the ML policies must find in them
# (they skip rule-only turns: TED looks at the last 5 states they keep, memoization at 4).
WINDOW_USER_TURNS = 10
MIN_POLICY_ACTIONS = 12
# Events before the window that change slots, forms or the conversation's state: read and replayed. User and
# action events are replayed as placeholders (a revert needs to know where they were); the rest is skipped.
_STATE_TYPES = frozenset(
    {
        "slot", "reset_slots", "restart", "session_started", "rewind", "undo", "followup", "pause", "resume",
        "active_loop", "form", "loop_interrupted", "form_validation", "action_execution_rejected",
    }
)  # fmt: skip
_REVERTS = frozenset({"rewind", "undo"})
_POSITIONS = frozenset({"user", "action"})
# Set on a tracker this store loaded or saved: its last event that is in the database.
_STORED_UNTIL = "_private_store_stored_until"

configure_logging()


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that masks what it writes and forgets a conversation when asked to."""

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str | None = "sqlite",
        host: str | None = None,
        port: int | str | None = None,
        db: str | None = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: EventBroker | None = None,
        login_db: str | None = None,
        query: dict | None = None,
        forget_intent: str | Sequence[str] = DEFAULT_FORGET_INTENT,
        background: bool = True,
        window_turns: int | str | None = WINDOW_USER_TURNS,
        **kwargs: Any,
    ) -> None:
        """Blank values count as unset, so endpoints.yml can pass `${TRACKER_DB_PORT}` even when it is empty.

        `background`: in the Rasa server (the default), also install the action-server fallbacks and the
        retention purge (bot/rasa_hooks.py); command-line tools pass False.
        `window_turns`: user turns a long session is loaded with (module docstring); 0 loads all of it.
        """
        configure_logging()  # again, in case this module was imported before Rasa set up logging
        super().__init__(
            domain=domain,
            dialect=_blank_to_none(dialect) or "sqlite",
            host=_blank_to_none(host),
            port=_blank_to_none(port),
            db=_blank_to_none(db) or "rasa.db",
            username=_blank_to_none(username),
            password=_blank_to_none(password),
            event_broker=event_broker,
            login_db=_blank_to_none(login_db),
            query=query or None,
            **kwargs,
        )
        intents = [forget_intent] if isinstance(forget_intent, str) else list(forget_intent or [])
        self.forget_intents = frozenset(intent for intent in intents if intent)
        window = _blank_to_none(window_turns)
        self.window_turns = max(0, int(window if window is not None else WINDOW_USER_TURNS))
        self._own_texts_domain: Domain | None = None
        self._own_texts: set[str] = set()
        self._masked_own_texts: dict[tuple[str, str | None], str] = {}
        self.retention = None
        if background:
            from bot.rasa_hooks import install_action_fallbacks, start_retention

            install_action_fallbacks()
            self.retention = start_retention(self)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events masked, or delete the conversation if one of them is a forget request.

        Rasa saves after the bot's reply has been computed and sent, so the user still gets the
        confirmation; nothing of the forget turn itself is written.
        """
        with self.session_scope() as session:
            new_events = self._unsaved_events(session, tracker)
            if tracker.events:
                setattr(tracker, _STORED_UNTIL, tracker.events[-1])
            if any(is_forget_request(event, self.forget_intents) for event in new_events):
                removed = self._delete_sender_rows(session, tracker.sender_id)
                session.commit()
                logger.info("Deleted a conversation on the user's request (%d stored events).", removed)
                return
            mask = self._masker(tracker)
            masked = [mask_event_dict(event.as_dict(), mask) for event in new_events]
            session.add_all(
                self._row(tracker.sender_id, event, data) for event, data in zip(new_events, masked, strict=True)
            )
            session.commit()
        self._publish(tracker.sender_id, masked)

    def _masker(self, tracker: DialogueStateTracker) -> Callable[[str], str]:
        """`mask_text`, remembered for the texts the assistant itself wrote: every response of the domain and the
        model's ids come back in every turn's events (a card's text in the response selector's output, a reply, the
        model id of each event), and masking them again each time was most of the masking work. Only those texts
        are remembered; what a person wrote is masked afresh and never kept."""
        if self._own_texts_domain is not self.domain:
            self._own_texts_domain = self.domain
            self._own_texts = {
                response["text"]
                for variations in (getattr(self.domain, "responses", None) or {}).values()
                for response in variations or []
                if isinstance(response, dict) and isinstance(response.get("text"), str)
            }
            self._masked_own_texts = {}
        own, ids = self._own_texts, {tracker.model_id, tracker.assistant_id} - {None}
        remembered = self._masked_own_texts

        def mask(text: str) -> str:
            if text not in own and text not in ids:
                return mask_text(text)
            key = (text, os.environ.get(REGION_ENV))
            if key not in remembered:
                remembered[key] = mask_text(text)
            return remembered[key]

        return mask

    def _unsaved_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> list[Event]:
        """The events added to `tracker` since this store loaded (or last saved) it; else, as Rasa counts them,
        those beyond the number stored for the current session."""
        stored_until = getattr(tracker, _STORED_UNTIL, None)
        if stored_until is not None:
            for offset, event in enumerate(reversed(tracker.events)):
                if event is stored_until:
                    return list(tracker.events)[len(tracker.events) - offset :]
            logger.warning("a loaded conversation lost its stored events; saving by count")
        return list(self._additional_events(session, tracker))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The current session's tracker: windowed when it is long (module docstring), else all of it."""
        tracker = None
        if self.window_turns and self.domain:
            with self.session_scope() as session:
                tracker = self._retrieve_window(session, sender_id)
        if tracker is None:
            tracker = await self._retrieve(sender_id, fetch_events_from_all_sessions=False)
        if tracker is not None and tracker.events:
            setattr(tracker, _STORED_UNTIL, tracker.events[-1])
        return tracker

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's loading of a whole session (or of every session), with a faster reading of the events."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions)
            events = _deserialise([json.loads(row.data) for row in query.all()])
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)

    def _retrieve_window(self, session: sa.orm.Session, sender_id: str) -> DialogueStateTracker | None:
        """The windowed tracker, or None when the session must be loaded whole (short, or no clean start)."""
        table = self.SQLEvent
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        state_data = sa.case((table.type_name.in_(sorted(_STATE_TYPES)), table.data), else_=sa.null())
        rows = query.with_entities(table.id, table.type_name, table.action_name, table.intent_name, state_data).all()
        starts = self._window_starts(rows)
        if not starts:
            return None
        # The latest start that leaves `window_turns` user turns; moved back while the ML policies would keep fewer
        # than MIN_POLICY_ACTIONS of the window's actions, fetching only the rows added each time.
        position, upto = 0, None
        window: list[dict[str, Any]] = []
        while True:
            start = starts[position]
            fetched = query.filter(table.id >= rows[start][0])
            if upto is not None:
                fetched = fetched.filter(table.id < upto)
            window = [json.loads(row.data) for row in fetched.all()] + window
            kept = sum(map(_kept_by_ml_policies, window))
            if kept >= MIN_POLICY_ACTIONS:
                break
            position += MIN_POLICY_ACTIONS - kept
            if position >= len(starts):
                return None
            upto = rows[start][0]
        set_before = _state_before(self.init_tracker(sender_id), rows, start)
        events = _deserialise(window)
        if set_before is None or not events:
            return None
        carried = [SlotSet(name, value, timestamp=events[0].timestamp) for name, value in set_before]
        return DialogueStateTracker.from_events(sender_id, carried + events, self.domain.slots)

    def _window_starts(self, rows: list[Any]) -> list[int]:
        """Where a window may start, latest first: each `action_listen` row right before a user row, from the one
        that leaves `window_turns` user turns after it back to the start of the session (one per user turn)."""
        starts: list[int] = []
        users = 0
        for index in range(len(rows) - 2, 0, -1):
            if rows[index + 1][1] != "user":
                continue
            users += 1
            if users >= self.window_turns and rows[index][1:3] == ("action", ACTION_LISTEN_NAME):
                starts.append(index)
        return starts

    def delete_sender(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many event rows were removed."""
        with self.session_scope() as session:
            removed = self._delete_sender_rows(session, sender_id)
            session.commit()
        return removed

    def purge_older_than(self, seconds: float, now: float | None = None) -> int:
        """Delete conversations whose newest event is older than `seconds`; returns how many went.

        A conversation that receives a message while the purge runs keeps that message (only rows older
        than the cut-off are deleted), so an active user never loses the turn in progress.
        """
        if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"retention must be a non-negative number of seconds, got {seconds!r}")
        cutoff = (time.time() if now is None else now) - seconds
        table = self.SQLEvent
        stale = sa.select(table.sender_id).group_by(table.sender_id).having(sa.func.max(table.timestamp) < cutoff)
        with self.session_scope() as session:
            senders = list(session.execute(stale).scalars())
            for chunk in _chunks(senders, _DELETE_CHUNK):
                session.execute(
                    sa.delete(table)
                    .where(table.sender_id.in_(chunk))
                    .where(sa.or_(table.timestamp < cutoff, table.timestamp.is_(None)))
                    .execution_options(synchronize_session=False)
                )
            session.commit()
        return len(senders)

    def _delete_sender_rows(self, session: sa.orm.Session, sender_id: str) -> int:
        result = session.execute(
            sa.delete(self.SQLEvent)
            .where(self.SQLEvent.sender_id == sender_id)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    def _row(self, sender_id: str, event: Event, data: dict[str, Any]) -> Any:
        parse_data = data.get("parse_data") or {}
        intent = (parse_data.get("intent") or {}).get(INTENT_NAME_KEY) if isinstance(parse_data, dict) else None
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=intent,
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _publish(self, sender_id: str, masked_events: Iterable[dict[str, Any]]) -> None:
        """Event brokers get the same masked events as the database, never the raw text."""
        if self.event_broker is None:
            return
        for data in masked_events:
            self.event_broker.publish({"sender_id": sender_id, **data})


@functools.lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    """Event classes by type name, the first one Rasa's `Event.resolve_by_type` would find for each."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def _deserialise(stored: list[dict[str, Any]]) -> list[Event]:
    """Rasa's `deserialise_events`, without looking for the event's class among all subclasses of Event for every
    event (which was a third of the time spent loading a conversation)."""
    classes = _event_classes()
    events = []
    for data in stored:
        name = data.get("event") if isinstance(data, dict) else None
        if name is None:
            continue
        cls = classes.get(name)
        event = cls._from_parameters(data) if cls is not None else Event.from_parameters(data)
        if event:
            events.append(event)
        else:
            logger.warning("could not read a stored %s event", name)
    return events


def _kept_by_ml_policies(stored: dict[str, Any]) -> bool:
    """An action (other than listening) the ML policies do not skip as a turn only rules know (`hide_rule_turn`)."""
    return stored.get("event") == "action" and stored.get("name") != ACTION_LISTEN_NAME and not stored.get(
        "hide_rule_turn"
    )


def _state_before(tracker: DialogueStateTracker, rows: list[Any], start: int) -> list[tuple[str, Any]] | None:
    """Replay the rows before `start` for their state (slots, forms, pauses) and return the slots that were set,
    with their values; None if a form is active or the conversation paused there (no window then).

    Slot and loop events are replayed as stored; bot messages and the rest change no state and are skipped.
    User and action rows change no slot either, except through a revert (a revert replays everything up to the
    user message or action it undoes): when the rows before the window hold one, they are replayed as
    placeholders (their type, intent and action name are all a revert needs to find its place).
    """
    placeholders = any(row[1] in _REVERTS for row in rows[:start])
    for _, type_name, action_name, intent_name, data in rows[:start]:
        if type_name in _POSITIONS and not placeholders:
            continue
        if type_name == "user":
            event: Event = UserUttered(None, {INTENT_NAME_KEY: intent_name} if intent_name else None)
        elif type_name == "action":
            event = ActionExecuted(action_name)
        elif type_name not in _STATE_TYPES or not data:
            continue
        elif type_name == "slot":
            stored = json.loads(data)
            event = SlotSet(stored.get("name"), stored.get("value"))
        else:
            event = Event.from_parameters(json.loads(data))
            if event is None:
                continue
        tracker.update(event)
    if tracker.active_loop_name or tracker.is_paused():
        return None
    return [(name, copy.deepcopy(slot.value)) for name, slot in tracker.slots.items() if slot.has_been_set]


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
