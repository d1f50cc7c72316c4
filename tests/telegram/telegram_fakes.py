"""Loopback stand-ins for the Telegram Bot API and for Rasa's REST channel.

Both are real HTTP servers (aiohttp on 127.0.0.1, random ports) that record what they receive, so the
tests drive the real python-telegram-bot ``Application`` and the real httpx Rasa client end to end.
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.channels.telegram.config import Settings
from bot.channels.telegram.gateway import build_application
from bot.channels.telegram.rasa_client import RasaClient
from bot.channels.telegram.server import serve

TOKEN = "123456:TEST-token"
RASA_TIMEOUT = 1.5
SENDER_KEY = b"test-sender-key-0123456789abcdef-0123456789"
LONG_PAYLOAD = '/inform{"job_offer":"domestic work abroad","country":"Canada","salary":"2500 USD a month"}'


def rasa_like(sender: str, message: str) -> list[dict[str, Any]]:
    """Answers roughly like the assistant would, enough to see what the gateway does with replies."""
    if message.startswith("/greet"):
        if '"language":"es"' in message:
            return [{"text": "¡Hola! Estoy aquí para ayudarte."}]
        return [{"text": "Hi! I'm here to help."}]
    if message == "/what_can_you_do":
        return [
            {
                "text": "I can help you check a job offer or find help.",
                "buttons": [
                    {"title": "Check a job offer", "payload": LONG_PAYLOAD},
                    {"title": "Find help", "payload": "/ask_help"},
                ],
            }
        ]
    if message == "¿Qué es la trata de personas?":
        return [{"text": "La trata de personas es cuando alguien te engaña o te obliga para explotarte."}]
    if message == "long answer":
        return [{"text": ("A paragraph about safe migration. " * 60 + "\n\n") * 5, "buttons": [
            {"title": "More", "payload": "/more"}
        ]}]
    if message == "several answers":
        return [{"text": f"Part {n}"} for n in range(1, 6)]
    if message == "buttons only":
        return [{"buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    if message == "nothing":
        return []
    if message in ("/forget_me", "forget me"):
        return [{"text": "Done, I deleted our conversation."}, {"custom": {"forget": True}}]
    return [{"text": f"You said: {message}"}]


BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Assistant", "username": "assistant_test_bot"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "chat_id", "message_id", "cache_time", "message_ids"}
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")


async def wait_until(condition: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Polls ``condition`` until it returns something truthy; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class _Server:
    def __init__(self) -> None:
        self.port = 0
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:  # pragma: no cover - overridden
        raise NotImplementedError

    async def start(self) -> None:
        """Starts listening; after :meth:`stop`, starts again on the same port."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class FakeBotAPI(_Server):
    """Just enough of https://core.telegram.org/bots/api for the gateway, recording every call."""

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.deleted: dict[int, list[int]] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    # --- what the tests look at --------------------------------------------------------------------

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params, _ in self.calls if name == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """sendMessage calls for one chat, in order."""
        return [p for p in self.called("sendMessage") if p.get("chat_id") == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.sent_to(chat_id)]

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[dict]:
        return await wait_until(
            lambda: self.sent_to(chat_id) if len(self.sent_to(chat_id)) >= count else None,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )

    # --- updates the "user" sends ------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._new_update.set()
        return update

    def message(self, chat_id: int, language_code: str | None = "en", **content: Any) -> dict[str, Any]:
        """A new message from a private chat whose user id equals the chat id, as Telegram does."""
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
        if language_code:
            user["language_code"] = language_code
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
            "from": user,
            **content,
        }
        return self.push({"message": message})

    def text(self, chat_id: int, text: str, language_code: str | None = "en") -> dict[str, Any]:
        """A text message; a leading command gets a bot_command entity like Telegram gives it."""
        content: dict[str, Any] = {"text": text}
        match = _COMMAND.match(text)
        if match:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": match.end()}]
        return self.message(chat_id, language_code, **content)

    def press(self, chat_id: int, data: str, language_code: str | None = "en") -> dict[str, Any]:
        """A press on an inline button of a message the bot sent earlier."""
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
        if language_code:
            user["language_code"] = language_code
        query = {
            "id": f"cq{next(self._message_ids)}",
            "from": user,
            "chat_instance": "42",
            "data": data,
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
                "from": BOT_USER,
                "text": "earlier reply",
            },
        }
        return self.push({"callback_query": query})

    # --- the Bot API -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params, time.monotonic()))
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, status=404
            )
        return web.json_response({"ok": True, "result": await handler(params)})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            value = str(value)
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        return params

    async def _getMe(self, params: dict) -> dict:
        return BOT_USER

    async def _getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        # Long polling, but short: the gateway must be able to stop quickly at the end of a test.
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.3)
        while True:
            pending = [u for u in self._updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return pending
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                pass

    async def _sendMessage(self, params: dict) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    async def _sendPhoto(self, params: dict) -> dict:
        message = await self._sendMessage(params)
        message.pop("text")
        message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        return message

    async def _deleteMessages(self, params: dict) -> bool:
        ids = params["message_ids"]
        ids = json.loads(ids) if isinstance(ids, str) else ids
        if not 1 <= len(ids) <= 100:
            raise web.HTTPBadRequest(text="message_ids must have 1 to 100 ids")
        self.deleted.setdefault(int(params["chat_id"]), []).extend(int(i) for i in ids)
        return True

    async def _editMessageReplyMarkup(self, params: dict) -> dict:
        return await self._sendMessage(params)

    async def _true(self, params: dict) -> bool:
        return True

    _sendChatAction = _answerCallbackQuery = _setWebhook = _deleteWebhook = _setMyCommands = _true


Replier = Callable[[str, str], list[dict[str, Any]]]


class FakeRasa(_Server):
    """Rasa's REST channel: records each (sender, message) and answers with ``reply``.

    ``delay`` makes every answer slow, ``delays`` only the answer to one message (seconds before
    answering); :meth:`stop` makes it refuse connections, :meth:`start` brings it back on the same port.
    """

    def __init__(self, reply: Replier) -> None:
        super().__init__()
        self.reply = reply
        self.received: list[dict[str, Any]] = []
        self.delay = 0.0
        self.delays: dict[str, float] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def messages(self) -> list[str]:
        return [r["message"] for r in self.received]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        return app

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        delay = self.delays.get(body["message"], self.delay)
        if delay:
            await asyncio.sleep(delay)
        replies = self.reply(body["sender"], body["message"])
        return web.json_response([{"recipient_id": body["sender"], **r} for r in replies])


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[int | None]:
    """Runs the real gateway (polling or webhook) until the block ends; yields the webhook port."""
    client = RasaClient(settings.rasa_url, settings.rasa_timeout, backoff=0.1)
    application = build_application(settings, client)
    stop = asyncio.Event()
    ready: asyncio.Future = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(application, settings, stop, ready))
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raise the start-up error
        assert ready in done, "gateway did not start"
        yield ready.result()
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await client.aclose()


