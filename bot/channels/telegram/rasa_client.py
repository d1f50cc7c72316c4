"""A small async client for Rasa's REST channel.

The gateway must answer a frightened person within seconds even when Rasa is restarting, overloaded or
gone. So every call has one overall deadline (``timeout``), connection failures are retried with backoff
inside that deadline, and anything else that goes wrong becomes :class:`RasaUnavailable`, which the
gateway turns into an apology with emergency numbers. The client keeps no state about failures, so the
first message after Rasa comes back simply works.

Only a request that certainly never reached Rasa (connection refused, connect timeout) is retried: a
request that did reach it may already have changed the conversation, and sending it twice would make the
assistant hear the user twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

logger = logging.getLogger(__name__)

Reply = dict[str, Any]


class RasaUnavailable(Exception):
    """Rasa did not give a usable answer in time."""


class RasaClient:
    """Sends one user message to Rasa and returns its replies."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        *,
        attempts: int = 4,
        backoff: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.webhook_url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def send(self, sender: str, message: str) -> list[Reply]:
        """Relays ``message`` as ``sender``; raises :class:`RasaUnavailable` within ``timeout`` seconds."""
        deadline = time.monotonic() + self.timeout
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                return await asyncio.wait_for(self._post(sender, message), timeout=remaining)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Never reached Rasa: safe to try again while the deadline allows.
                logger.warning("Rasa unreachable (attempt %d/%d): %s", attempt, self.attempts, type(exc).__name__)
                if attempt == self.attempts or deadline - time.monotonic() <= delay:
                    break
                await asyncio.sleep(delay)
                delay *= 2
            except asyncio.TimeoutError:
                logger.warning("Rasa did not answer within %.1f s", self.timeout)
                raise RasaUnavailable("timeout") from None
            except (httpx.HTTPError, ValueError) as exc:
                # Reached Rasa (or something in front of it) and failed: retrying could repeat the turn.
                logger.warning("Rasa call failed: %s", type(exc).__name__)
                raise RasaUnavailable(type(exc).__name__) from exc
        raise RasaUnavailable("unreachable")

    async def _post(self, sender: str, message: str) -> list[Reply]:
        logger.debug("to Rasa: %r", message)
        response = await self._client.post(self.webhook_url, json={"sender": sender, "message": message})
        response.raise_for_status()
        replies = response.json()
        if not isinstance(replies, list) or not all(isinstance(r, dict) for r in replies):
            raise ValueError("Rasa's answer is not a list of messages")
        logger.debug("from Rasa: %r", replies)
        return replies

    async def aclose(self) -> None:
        """Closes the connection pool; call once when the gateway stops."""
        await self._client.aclose()
