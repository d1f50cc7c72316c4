"""Rasa's Redis lock store, with its read-modify-write steps made atomic, so replicas really take turns.

Use it from the endpoints file (deploy/cluster/endpoints.yml) with the keys of Rasa's `type: redis`:

    lock_store:
      type: bot.lock_store.AtomicRedisLockStore
      url: localhost
      port: 6379
      password: ...
      db: 1
      key_prefix: cta

Why: Rasa 3.6's `RedisLockStore` keeps each conversation's ticket lock as one JSON value and changes it by
reading it, changing it in Python and writing it back (issue a ticket, drop an expired one, hand back a
ticket, delete the lock). Two replicas doing that at the same moment both read "no lock", both write a lock
holding ticket 0, and both process the conversation at once. Measured on the test cluster with Rasa's class:
the same message sent to both replicas at the same instant was processed twice in 21 of 40 tries, and three
processes each adding one to a counter 40 times under the lock ended at 64, not 120 (two of them also stopped
with "Could not acquire lock": a waiting ticket deleted by another's clean-up). With this class: 0 of 40 and
120 (tests/cluster). Rasa Pro has a concurrent lock store for this; Rasa Open Source 3.6 does not.

This subclass changes nothing else: same tickets (rasa.core.lock.TicketLock), same lifetimes
(TICKET_LOCK_LIFETIME), same keys and waiting loop. Each read-modify-write runs in a Redis transaction (WATCH the
key, MULTI/EXEC the write, start again if another replica wrote in between), and the key expires a minute after
its last ticket, so a lock left by a replica that died goes away by itself.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
KEY_GRACE_S = 60  # a lock's key outlives its last ticket by this much


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are Redis transactions (see the module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by its module path with `endpoint_config=` only.
        if endpoint_config is not None:
            kwargs = {**(endpoint_config.kwargs or {}), **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        kwargs = {key: value for key, value in kwargs.items() if value not in (None, "")}
        super().__init__(**kwargs)

    def _transaction(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]
    ) -> T:
        """Run `change` on the stored lock and store what it returns (None: delete), atomically."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        last = max(ticket.expires for ticket in new.tickets)
                        pipe.set(key, new.dumps(), px=max(1, int((last - time.time() + KEY_GRACE_S) * 1000)))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed the lock in between: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            number = lock.issue_ticket(lock_lifetime)
            return lock, number

        try:
            return self._transaction(conversation_id, issue)
        except Exception as error:  # noqa: BLE001 - as Rasa's: any failure here is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._transaction(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def hand_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transaction(conversation_id, hand_back)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Rasa's version hands the ticket back, then deletes the lock if nobody waits: two steps, between which
        # another replica may issue a ticket that the delete then throws away. Here it is one step.
        self.finish_serving(conversation_id, ticket_number)
