"""The REST channel, with retries that are safe: a message sent twice is answered twice but processed once.

Use it from credentials.yml in place of Rasa's `rest:` (same name, same path, `/webhooks/rest/webhook`):

    bot.channels.rest.IdempotentRestInput:

What it changes in Rasa 3.6's ``RestInput``, and why:

* **A retried message is not processed again.** A client that got no answer (a replica crashed, a timeout)
  sends the same message again, with the same ``"message_id"`` (1 to 64 letters, digits, ``-``, ``_``,
  ``.`` or ``:``). Rasa stores that id on the user event (its own ``UserUttered.message_id``). Under Rasa's
  conversation lock (the lock store: Redis when several replicas share the tracker store), the channel first
  looks for the id in the stored conversation. If it is there, the message was processed already (by this
  replica or another one, perhaps one that died before it could answer): the replies that followed it are
  sent again, regenerated from their responses (``utter_action``) with the conversation as it was then, or as
  stored for texts a custom action wrote (those are masked, like everything stored). Nothing is processed,
  so no turn, reply or slot is doubled. Without a ``message_id`` the channel behaves like Rasa's.
* **A failure says so.** Rasa's channel answers 200 with an empty list when processing raised (the database
  went away, a lock could not be had); a client cannot tell that from an answer and would not retry. Here it
  is a 500, and a 503 when no model is loaded yet (nothing was processed: safe to send again). The public
  entry point turns both into its 503 with the emergency numbers (bot/edge/proxy.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# What a stored bot event may carry besides its text (Rasa's BotUttered.data keys an output channel sends).
_BOT_DATA_KEYS = ("elements", "quick_replies", "buttons", "attachment", "image", "custom")


def valid_message_id(value: Any) -> bool:
    return isinstance(value, str) and bool(MESSAGE_ID.fullmatch(value))


def replies_after(tracker: DialogueStateTracker, message_id: str) -> list[BotUttered] | None:
    """The bot events that answered the user message `message_id`, or None if it is not in `tracker`."""
    found = False
    replies: list[BotUttered] = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            replies.append(event)
    return replies if found else None


class IdempotentRestInput(RestInput):
    """Rasa's REST channel, plus `message_id` (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            data = request.json if isinstance(request.json, dict) else {}
            sender, text = data.get("sender"), data.get("message")
            message_id = data.get("message_id")
            if message_id is not None and not valid_message_id(message_id):
                return response.json({"error": '"message_id" must be 1 to 64 letters, digits, "-", "_", ".", ":"'},
                                     status=400)  # fmt: skip
            metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else None
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"error": "no model loaded yet; nothing was processed"}, status=503)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata, message_id=message_id
            )
            try:
                if message_id is None:
                    await on_new_message(message)
                else:
                    await self._handle_once(agent, message)
            except Exception as error:  # noqa: BLE001 - the client must learn that this message failed
                logger.error("REST message failed (%s)", type(error).__name__)
                return response.json({"error": "the message could not be processed"}, status=500)
            return response.json(collector.messages)

        return blueprint

    @staticmethod
    async def _handle_once(agent: Any, message: UserMessage) -> None:
        """Process `message` unless its id is already stored; then send the replies it got, again."""
        async with agent.lock_store.lock(message.sender_id):
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            earlier = replies_after(tracker, message.message_id) if tracker is not None else None
            if earlier is None:
                await agent.processor.handle_message(message)
                return
            logger.info("a retried message was already processed: sending its %d replies again", len(earlier))
            for event in earlier:
                await message.output_channel.send_response(
                    message.sender_id, await _reply(agent, tracker, event, message.output_channel.name())
                )


async def _reply(agent: Any, tracker: DialogueStateTracker, event: BotUttered, channel: str) -> dict[str, Any]:
    """What `event` said: regenerated from its response when it names one, else as stored."""
    utter_action = (event.metadata or {}).get("utter_action")
    if utter_action:
        then = tracker.travel_back_in_time(event.timestamp)
        try:
            generated = await agent.nlg.generate(utter_action, then, channel)
        except Exception as error:  # noqa: BLE001 - the stored text is the next best answer
            logger.warning("could not regenerate %s (%s); sending the stored text", utter_action,
                           type(error).__name__)  # fmt: skip
            generated = None
        if generated:
            return {key: value for key, value in generated.items() if key != "utter_action"}
    stored = {key: value for key, value in (event.data or {}).items() if key in _BOT_DATA_KEYS and value}
    return {"text": event.text, **stored} if event.text else stored
