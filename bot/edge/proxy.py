"""Forwarding to Rasa, which listens on loopback only: the REST webhook, socket.io and the widget's forget call.

Only these paths exist here; Rasa's HTTP API (conversations, model, status) is never reachable from outside.
Every request body is limited (413 with a clear message), every client is rate limited (429), and when Rasa
cannot answer, or answers nothing, the person gets the fixed text with the emergency numbers.

With several Rasa replicas (make cluster-test, docs/deploy.md), each entry point has its own Rasa and tries the
others, in order, only when no connection to its own could be opened (the replica is down or restarting): a
request that reached a Rasa is never sent to a second one from here. The client sends it again instead, with the
same `message_id`, and Rasa's REST channel (bot/channels/rest.py) makes sure it is processed once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.rest import valid_message_id
from bot.channels.sessions import SENDER_PREFIX
from bot.edge.limits import RateLimiter
from bot.edge.settings import EdgeSettings

logger = logging.getLogger(__name__)

REST_PATH = "/webhooks/rest/webhook"
FORGET_PATH = "/webhooks/socketio/forget"
SOCKET_PATH = "/socket.io/"
MAX_SENDER_CHARS = 128
# Conversations the public REST webhook must not write into: the widget's (bot/channels/sessions.py) and the
# Telegram gateway's, which reach Rasa from inside.
RESERVED_SENDER_PREFIXES = (SENDER_PREFIX, "tg-")
# Request headers passed on to Rasa; everything else (cookies, forwarded-for, authorization) stays here.
FORWARDED_HEADERS = ("Content-Type", "Accept", "Accept-Language", "Origin")
# Response headers passed back; Rasa's own CORS headers are replaced by ours.
RETURNED_HEADERS = ("Content-Type", "Cache-Control")


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def error(status: int, message: str, **extra: Any) -> web.Response:
    """A JSON error a person or a developer can act on."""
    body = {"error": message, **extra}
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"}, dumps=dumps)


class Proxy:
    """The forwarding handlers, with the session, limits and texts they need."""

    def __init__(self, settings: EdgeSettings, unavailable) -> None:
        self.settings = settings
        self.unavailable = unavailable  # callable(language or None) -> text with the emergency numbers
        self.rest_limit = RateLimiter(settings.rest_per_minute)
        self.connect_limit = RateLimiter(settings.connects_per_minute)
        self.session: aiohttp.ClientSession | None = None

    async def start(self, _: web.Application) -> None:
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.settings.upstream_timeout, connect=3),
            auto_decompress=False,
        )

    async def stop(self, _: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    @asynccontextmanager
    async def upstream(self, method: str, path_qs: str, **kwargs: Any) -> AsyncIterator[aiohttp.ClientResponse]:
        """The response of the first Rasa that accepts a connection (own Rasa first, then the fallbacks)."""
        urls = self.settings.rasa_urls
        for index, base in enumerate(urls):
            try:
                response = await self.session.request(method, base + path_qs, **kwargs)
            except aiohttp.ClientConnectorError:
                if index == len(urls) - 1:
                    raise
                logger.warning("Rasa %d of %d unreachable: trying the next one", index + 1, len(urls))
                continue
            async with response:
                yield response
            return

    def client(self, request: web.Request) -> str:
        """Who is asking, for rate limits: the peer address, or the proxy's X-Forwarded-For when trusted."""
        if self.settings.trust_forwarded_for:
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                return forwarded
        return request.remote or "unknown"

    def cors(self, request: web.Request) -> dict[str, str]:
        origin = request.headers.get("Origin")
        if origin and self.settings.origin_allowed(origin):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    async def read_body(self, request: web.Request) -> bytes:
        """The request body, or 413 before reading more than the limit."""
        limit = self.settings.max_body
        if request.content_length is not None and request.content_length > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
        body = await request.content.read(limit + 1)
        if len(body) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
        return body

    # --- REST --------------------------------------------------------------------------------------

    async def preflight(self, request: web.Request) -> web.Response:
        if not self.settings.origin_allowed(request.headers.get("Origin")):
            return error(403, "This site is not allowed to use the assistant (ALLOWED_ORIGINS).")
        headers = {
            **self.cors(request),
            "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        return web.Response(status=204, headers=headers)

    async def rest(self, request: web.Request) -> web.Response:
        """POST /webhooks/rest/webhook {"sender": "...", "message": "..."}: Rasa's answer, never an empty one."""
        if not self.settings.origin_allowed(request.headers.get("Origin")):
            return error(403, "This site is not allowed to use the assistant (ALLOWED_ORIGINS).")
        client = self.client(request)
        if not self.rest_limit.allow(client):
            retry = self.rest_limit.retry_after(client)
            return error(429, f"Too many messages; wait {retry} s and try again.", retry_after=retry)
        body = await self.read_body(request)
        try:
            data = json.loads(body)
        except ValueError:
            return error(400, 'The body must be JSON like {"sender": "some-id", "message": "hello"}.')
        if not isinstance(data, dict):
            return error(400, 'The body must be a JSON object like {"sender": "some-id", "message": "hello"}.')
        sender, message = data.get("sender"), data.get("message")
        if not isinstance(message, str):
            return error(400, '"message" must be a string (the text the person wrote).')
        if not message.strip():
            return error(400, "The message is empty: write a few words.")
        if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
            return error(400, f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} characters.')
        if sender.startswith(RESERVED_SENDER_PREFIXES):
            return error(403, "This sender id belongs to another channel; choose another one.")
        message_id = data.get("message_id")
        if message_id is not None and not valid_message_id(message_id):
            return error(400, '"message_id" must be 1 to 64 letters, digits, "-", "_", "." or ":" (send the same '
                              "one again when you retry a message).")  # fmt: skip
        forwarded = {"sender": sender, "message": message}
        if message_id is not None:
            forwarded["message_id"] = message_id
        if isinstance(data.get("metadata"), dict):
            forwarded["metadata"] = data["metadata"]
        language = _language(data)
        headers = {**self.cors(request), "Cache-Control": "no-store"}
        try:
            async with self.upstream("POST", REST_PATH, json=forwarded) as upstream:
                if upstream.status >= 500:
                    raise aiohttp.ClientResponseError(upstream.request_info, (), status=upstream.status)
                if upstream.status >= 400:
                    return web.Response(status=upstream.status, body=await upstream.read(), headers=headers)
                replies = await upstream.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
            logger.warning("Rasa did not answer (%s): sending the numbers", type(failure).__name__)
            text = self.unavailable(language or _detect(message))
            return web.json_response(
                [{"recipient_id": sender, "text": text}], status=503, headers=headers, dumps=dumps
            )
        if not isinstance(replies, list) or not replies:
            logger.warning("Rasa answered nothing: sending the numbers")
            replies = [{"recipient_id": sender, "text": self.unavailable(language or _detect(message))}]
        return web.json_response(replies, headers=headers, dumps=dumps)

    async def rest_health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"}, headers=self.cors(request))

    # --- socket.io ---------------------------------------------------------------------------------

    async def socketio(self, request: web.Request) -> web.StreamResponse:
        """Engine.io long-polling and WebSocket, passed through to Rasa's socket.io channel."""
        if not self.settings.origin_allowed(request.headers.get("Origin")):
            return error(403, "This site is not allowed to use the assistant (ALLOWED_ORIGINS).")
        if "sid" not in request.query and not self.connect_limit.allow(self.client(request)):
            return error(429, "Too many new connections; wait a minute and try again.")
        path_qs = request.rel_url.path_qs
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request, path_qs)
        body = await self.read_body(request) if request.method == "POST" else None
        headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
        try:
            async with self.upstream(request.method, path_qs, data=body, headers=headers) as upstream:
                payload = await upstream.read()
                returned = {name: upstream.headers[name] for name in RETURNED_HEADERS if name in upstream.headers}
                return web.Response(status=upstream.status, body=payload, headers={**returned, **self.cors(request)})
        except (aiohttp.ClientError, asyncio.TimeoutError) as failure:
            logger.warning("socket.io: Rasa unreachable (%s)", type(failure).__name__)
            return error(503, "The assistant is restarting; the chat reconnects by itself.")

    async def _websocket(self, request: web.Request, path_qs: str) -> web.StreamResponse:
        limit = self.settings.max_body
        try:
            upstream = await self._ws_connect(path_qs, limit)
        except (aiohttp.ClientError, asyncio.TimeoutError) as failure:
            logger.warning("socket.io websocket: Rasa unreachable (%s)", type(failure).__name__)
            return error(503, "The assistant is restarting; the chat reconnects by itself.")
        client = web.WebSocketResponse(max_msg_size=limit, autoping=True)
        await client.prepare(request)

        async def pump(source, target) -> None:
            async for message in source:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await target.send_str(message.data)
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await target.send_bytes(message.data)
                else:
                    break

        tasks = [asyncio.create_task(pump(client, upstream)), asyncio.create_task(pump(upstream, client))]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await upstream.close()
            await client.close()
        return client

    async def _ws_connect(self, path_qs: str, limit: int) -> aiohttp.ClientWebSocketResponse:
        """A WebSocket to the first Rasa that accepts a connection."""
        urls = self.settings.rasa_urls
        for base in urls[:-1]:
            try:
                return await self.session.ws_connect(
                    base.replace("http", "ws", 1) + path_qs, max_msg_size=limit, timeout=10, autoping=True
                )
            except aiohttp.ClientConnectorError:
                logger.warning("socket.io websocket: a Rasa is unreachable, trying the next one")
        return await self.session.ws_connect(
            urls[-1].replace("http", "ws", 1) + path_qs, max_msg_size=limit, timeout=10, autoping=True
        )

    async def forget(self, request: web.Request) -> web.Response:
        """The widget's quick exit asks Rasa to delete the conversation (the token is checked by Rasa)."""
        if not self.settings.origin_allowed(request.headers.get("Origin")):
            return error(403, "This site is not allowed to use the assistant (ALLOWED_ORIGINS).")
        if not self.rest_limit.allow(self.client(request)):
            return error(429, "Too many requests; wait a minute and try again.")
        body = await self.read_body(request)
        try:
            async with self.upstream(
                "POST", FORGET_PATH, data=body, headers={"Content-Type": "application/json"}
            ) as upstream:
                return web.Response(
                    status=upstream.status, body=await upstream.read(), content_type="application/json",
                    headers=self.cors(request),
                )  # fmt: skip
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return error(503, "The assistant could not be reached; try again in a minute.")

    async def ready(self, _: web.Request) -> web.Response:
        """200 when Rasa (its own, or a fallback it would use) has a model loaded, 503 otherwise (for load
        balancers and the supervisor)."""
        try:
            async with self.upstream("GET", "/webhooks/socketio/ready") as upstream:
                return web.json_response({"ready": upstream.status == 200}, status=upstream.status)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return web.json_response({"ready": False}, status=503)


def _language(data: dict) -> str | None:
    metadata = data.get("metadata")
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return language if isinstance(language, str) else None


@lru_cache(maxsize=1)
def _detector():
    from bot.language import LanguageDetector

    return LanguageDetector.from_file()


def _detect(text: str) -> str | None:
    try:
        return _detector().detect(text)
    except Exception:  # noqa: BLE001 - an answer in every language is better than none
        return None
