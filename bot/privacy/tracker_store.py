"""Rasa's SQL tracker store, keeping less: masked text, real deletion on "forget me", retention purge.

Use it from endpoints.yml (Rasa 3.6 imports the class by its dotted path and calls it with
`host=<url>, domain=..., event_broker=...` plus every other key of the block as a keyword argument):

    tracker_store:
      type: bot.privacy.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite            # or postgresql
      db: build/tracker.sqlite
      # url / port / username / password as for Rasa's `type: sql`; empty values mean "not set"
      # forget_intent: forget_me  (optional; a list is accepted too)

Rasa falls back to an in-memory store, with only a warning, when this import fails, so this module imports
nothing but Rasa and bot.privacy/bot.logging_setup.

Importing this module is also where production log redaction is switched on in the Rasa server process
(BOT_ENV=production): Rasa imports the tracker store after its own logging setup, so our filter sticks.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.logging_setup import configure_logging
from bot.privacy.events import DEFAULT_FORGET_INTENT, is_forget_request, mask_event_dict

logger = logging.getLogger(__name__)

_DELETE_CHUNK = 500  # stays below every database's limit on bound parameters

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
        **kwargs: Any,
    ) -> None:
        """Blank values count as unset, so endpoints.yml can pass `${TRACKER_DB_PORT}` even when it is empty.

        `background`: in the Rasa server (the default), also install the action-server fallbacks and the
        retention purge (bot/rasa_hooks.py); command-line tools pass False.
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
            new_events = list(self._additional_events(session, tracker))
            if any(is_forget_request(event, self.forget_intents) for event in new_events):
                removed = self._delete_sender_rows(session, tracker.sender_id)
                session.commit()
                logger.info("Deleted a conversation on the user's request (%d stored events).", removed)
                return
            masked = [mask_event_dict(event.as_dict()) for event in new_events]
            session.add_all(
                self._row(tracker.sender_id, event, data) for event, data in zip(new_events, masked, strict=True)
            )
            session.commit()
        self._publish(tracker.sender_id, masked)

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


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
