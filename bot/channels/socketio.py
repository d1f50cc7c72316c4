"""The web widget's channel: Rasa's socket.io channel with sessions a stranger cannot join, and never silence.

Use it from credentials.yml (Rasa imports a custom channel by its dotted path):

    bot.channels.socketio.SecureSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      max_message_bytes: 65536

What it changes in Rasa 3.6's ``SocketIOInput``, and why:

* **Sessions are issued, not named.** ``session_request`` resumes a session only with the signed token this
  server gave out (bot/channels/sessions.py); otherwise it starts a new one. Each socket's session is kept in
  the server's own socket state, and every message is stored under that session, whatever id the browser
  writes in it. So a session id alone reads nothing and writes nothing.
* **Never an empty reply.** When Rasa answers nothing (no model loaded, an error inside the pipeline), the
  person gets the fixed text with the emergency numbers (bot/emergency.py) instead of silence.
* **"Forget me" from the quick-exit button**: ``POST /webhooks/socketio/forget`` with the session id and its
  token deletes the conversation, so the widget can ask for it with ``navigator.sendBeacon`` as the page goes.
* **Limits**: messages above ``max_message_bytes`` are refused by the socket.io server itself, and a session
  sending faster than a person types is told once to slow down.
* ``send_custom_json`` sends the custom payload as the message (Rasa's passes it as keyword arguments to
  ``emit``, which fails); the widget reads ``{"forget": true}`` from it to wipe its transcript.
* ``GET /webhooks/socketio/ready`` says whether a model is loaded, for health checks (Rasa's HTTP API, which
  has ``/status``, is not enabled in production).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.sessions import SessionKeyError, SessionSigner, sender_for
from bot.edge.limits import RateLimiter

logger = logging.getLogger(__name__)

SESSION_KEY_ENV = "WIDGET_SESSION_KEY"
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024
DEFAULT_MAX_TEXT_CHARS = 4000


class CountingOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends and sending custom payloads correctly."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": dict(json_message)})


class SecureSocketIOInput(SocketIOInput):
    """Socket.io channel with server-issued signed sessions (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SecureSocketIOInput:
        credentials = credentials or {}
        key_env = credentials.get("session_key_env", SESSION_KEY_ENV)
        try:
            signer = SessionSigner.from_key(os.environ.get(key_env), float(credentials.get("session_ttl", 86400)))
        except SessionKeyError as error:
            raise SessionKeyError(str(error).replace(SESSION_KEY_ENV, key_env)) from None
        return cls(
            signer,
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            namespace=credentials.get("namespace"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "metadata"),
            max_message_bytes=int(credentials.get("max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES)),
        )

    def __init__(
        self,
        signer: SessionSigner,
        *,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        socketio_path: str = "/socket.io",
        metadata_key: str = "metadata",
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        rate: RateLimiter | None = None,
    ) -> None:
        super().__init__(
            user_message_evt=user_message_evt,
            bot_message_evt=bot_message_evt,
            namespace=namespace,
            session_persistence=True,
            socketio_path=socketio_path,
            metadata_key=metadata_key,
        )
        self.signer = signer
        self.max_message_bytes = max_message_bytes
        # A person types a few messages a minute; a burst of 8, then one every 2.5 s, is far beyond that.
        self.rate = rate or RateLimiter(per_minute=24, burst=8, max_keys=10_000)

    def get_output_channel(self) -> CountingOutput | None:
        return CountingOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Origins are checked by the public entry point (bot/edge), which is the only way in.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=self.max_message_bytes)
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            loaded = bool(agent is not None and agent.is_ready())
            return response.json({"ready": loaded}, status=200 if loaded else 503)

        @blueprint.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                data = None
            if not isinstance(data, dict) or not self.signer.verify(data.get("session_id"), data.get("token")):
                return response.json({"error": "unknown or expired session"}, status=403)
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage("/forget_me", collector, sender_for(data["session_id"]), input_channel=self.name())
            )
            return response.json({"forgotten": True})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if self.signer.verify(session_id, data.get("token")):
                token = self.signer.token(session_id)  # refreshed, so an active chat never expires
            else:
                session_id, token = self.signer.new_session()
            previous = await sio.get_session(sid, namespace=self.namespace)
            if previous and previous.get("session_id") and previous["session_id"] != session_id:
                sio.leave_room(sid, sender_for(previous["session_id"]), namespace=self.namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
            sio.enter_room(sid, sender_for(session_id), namespace=self.namespace)
            await sio.emit("session_confirm", {"session_id": session_id, "token": token}, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            session_id = session.get("session_id") if session else None
            if not session_id:
                await sio.emit("session_required", {}, room=sid)  # the widget asks for a session and resends
                return
            data = data if isinstance(data, dict) else {}
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            metadata = metadata if isinstance(metadata, dict) else {}
            text = data.get("message")
            text = text[:DEFAULT_MAX_TEXT_CHARS] if isinstance(text, str) else ""
            sender = sender_for(session_id)
            output = CountingOutput(sio, self.bot_message_evt)
            if not self.rate.allow(session_id):
                await output._send_message(sender, {"text": _slow_down(metadata.get("language"))})
                return
            try:
                await on_new_message(
                    UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata)
                )
            except Exception as error:  # noqa: BLE001 - the person must get the numbers whatever went wrong
                logger.error("socket.io message failed (%s)", type(error).__name__)
            if not output.sent:
                await output._send_message(sender, {"text": _unavailable(metadata.get("language"))})

        return blueprint


def _texts_for(language: Any, make: Callable[[str], str]) -> str:
    """The text in the person's language if the widget said which, otherwise in every language."""
    from bot.emergency import directory

    codes = list(directory().labels["unavailable"])
    if isinstance(language, str) and language in codes:
        return make(language)
    return "\n\n".join(make(code) for code in codes)


def _unavailable(language: Any) -> str:
    from bot.emergency import directory

    return _texts_for(language, directory().unavailable)


def _slow_down(language: Any) -> str:
    from bot.emergency import directory

    book = directory()
    return _texts_for(language, lambda code: book.fill(book.labels["slow_down"][code], code))
