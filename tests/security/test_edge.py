"""The public entry point on its own, in front of a stand-in for Rasa: what it lets through, and what not.

Real aiohttp servers on loopback (the entry point and a fake Rasa), real HTTP; no mocks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.edge.app import create_app
from bot.edge.settings import EdgeSettings

RUNTIME = {"phones": ["911"], "unavailable": {"en": "call 911", "es": "llama al 911"}}


class FakeRasa:
    """Answers the REST webhook with whatever `reply` holds, and exposes what a real Rasa would (its API too)."""

    def __init__(self) -> None:
        self.reply: list | None = [{"text": "hello"}]
        self.status = 200
        self.received: list[dict] = []

    def app(self) -> web.Application:
        app = web.Application()

        async def rest(request: web.Request) -> web.Response:
            body = await request.json()
            self.received.append(body)
            return web.json_response(self.reply, status=self.status)

        async def api(_: web.Request) -> web.Response:
            return web.json_response({"events": ["everything anyone ever wrote"]})

        app.router.add_post("/webhooks/rest/webhook", rest)
        app.router.add_route("*", "/conversations/{sender}/tracker", api)
        app.router.add_route("*", "/model", api)
        app.router.add_get("/status", api)
        return app


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[FakeRasa, TestServer]]:
    fake = FakeRasa()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    yield fake, server
    await server.close()


async def edge(rasa_url: str, **overrides) -> TestServer:
    settings = replace(
        EdgeSettings.from_env({"RASA_INTERNAL_URL": rasa_url, "ALLOWED_ORIGINS": "https://ngo.example"}), **overrides
    )
    server = TestServer(create_app(settings, RUNTIME), host="127.0.0.1")
    await server.start_server()
    return server


@pytest.fixture
async def entry(rasa) -> AsyncIterator[str]:
    _, upstream = rasa
    server = await edge(str(upstream.make_url("")).rstrip("/"))
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def post(url: str, body: bytes | str, headers: dict | None = None) -> tuple[int, object]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, headers=headers or {"Content-Type": "application/json"}) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text


async def test_the_readme_curl_works_through_the_entry_point(entry, rasa) -> None:
    status, body = await post(f"{entry}/webhooks/rest/webhook", '{"sender":"a","message":"hola"}')
    assert status == 200 and body == [{"text": "hello"}]
    assert rasa[0].received == [{"sender": "a", "message": "hola"}]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/a/tracker"),
        ("POST", "/conversations/a/tracker/events"),
        ("DELETE", "/conversations/a/tracker"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("GET", "/status"),
        ("POST", "/model/parse"),
    ],
)
async def test_rasa_http_api_does_not_exist_from_outside(entry, method: str, path: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, entry + path, data=b"{}") as response:
            assert response.status in (404, 405)
            assert "everything anyone ever wrote" not in await response.text()


async def test_a_5_mb_message_is_refused_with_a_clear_413(entry, rasa) -> None:
    huge = json.dumps({"sender": "a", "message": "x" * 5_000_000})
    status, body = await post(f"{entry}/webhooks/rest/webhook", huge)
    assert status == 413 and "64 KB" in body["error"]
    assert rasa[0].received == []
    for path in ("/webhooks/socketio/forget", "/socket.io/?EIO=4&transport=polling&sid=x"):
        status, body = await post(entry + path, huge, {"Content-Type": "text/plain"})
        assert status == 413, path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("not json", "must be JSON"),
        ("[1, 2]", "JSON object"),
        ('{"sender": "a"}', '"message" must be a string'),
        ('{"sender": "a", "message": "   "}', "empty"),
        ('{"message": "hola"}', '"sender" must be'),
        ('{"sender": "' + "s" * 200 + '", "message": "hola"}', '"sender" must be'),
    ],
)
async def test_a_malformed_request_gets_a_clear_error(entry, rasa, body: str, fragment: str) -> None:
    status, answer = await post(f"{entry}/webhooks/rest/webhook", body)
    assert status == 400 and fragment in answer["error"]
    assert rasa[0].received == []


@pytest.mark.parametrize("sender", ["web-0123456789abcdef0123456789abcdef", "tg-abc"])
async def test_rest_cannot_write_into_a_widget_or_telegram_conversation(entry, rasa, sender: str) -> None:
    status, answer = await post(f"{entry}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": "hi"}))
    assert status == 403 and "another channel" in answer["error"]
    assert rasa[0].received == []


async def test_only_configured_origins_may_use_it_from_a_browser(entry, rasa) -> None:
    body = '{"sender":"a","message":"hola"}'
    status, _ = await post(f"{entry}/webhooks/rest/webhook", body, {"Origin": "https://evil.example"})
    assert status == 403
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{entry}/webhooks/rest/webhook", data=body, headers={"Origin": "https://ngo.example"}
        ) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "https://ngo.example"
        async with session.get(
            f"{entry}/socket.io/?EIO=4&transport=polling", headers={"Origin": "https://evil.example"}
        ) as response:
            assert response.status == 403


async def test_an_empty_answer_from_rasa_becomes_the_emergency_numbers(entry, rasa) -> None:
    rasa[0].reply = []
    status, body = await post(f"{entry}/webhooks/rest/webhook", '{"sender":"a","message":"help me please"}')
    assert status == 200 and "911" in body[0]["text"]


async def test_rasa_down_or_failing_gives_the_numbers_with_a_503(rasa) -> None:
    fake, upstream = rasa
    fake.status = 500
    server = await edge(str(upstream.make_url("")).rstrip("/"))
    try:
        url = str(server.make_url("/webhooks/rest/webhook"))
        spanish = '{"sender":"a","message":"me quitaron el pasaporte","metadata":{"language":"es"}}'
        status, body = await post(url, spanish)
        assert status == 503 and "911" in body[0]["text"] and "peligro" in body[0]["text"]
        await upstream.close()  # now nothing listens at all
        status, body = await post(url, '{"sender":"a","message":"they took my passport"}')
        assert status == 503 and "911" in body[0]["text"]
    finally:
        await server.close()


async def test_one_client_flooding_gets_429_with_a_retry_time(rasa) -> None:
    _, upstream = rasa
    server = await edge(str(upstream.make_url("")).rstrip("/"), rest_per_minute=30)
    try:
        url = str(server.make_url("/webhooks/rest/webhook"))
        statuses = [(await post(url, '{"sender":"a","message":"hola"}'))[0] for _ in range(20)]
        assert statuses[:5] == [200] * 5 and statuses[-1] == 429
        _, body = await post(url, '{"sender":"a","message":"hola"}')
        assert "wait" in body["error"] and body["retry_after"] >= 1
    finally:
        await server.close()


async def test_answers_are_not_to_be_sniffed_or_referred(entry) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{entry}/webhooks/rest/webhook", data='{"sender":"a","message":"x"}') as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Cache-Control"] == "no-store"
        async with session.get(f"{entry}/") as page:
            assert "default-src 'none'" in page.headers["Content-Security-Policy"]


async def test_the_widget_file_carries_the_directory_numbers_and_the_unavailable_text(entry) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{entry}/widget.js") as response:
            body = await response.text()
    assert json.dumps(RUNTIME, ensure_ascii=False) in body and "/*@runtime@*/" not in body


def test_internal_addresses_are_loopback_by_default() -> None:
    settings = EdgeSettings.from_env({})
    assert settings.host == "127.0.0.1" and settings.rasa_url.startswith("http://127.0.0.1:")


async def test_a_slow_client_cannot_hold_the_rest_upstream_forever(rasa) -> None:
    """The upstream call has a deadline: a Rasa that never answers yields the numbers, not a hung request."""
    fake, upstream = rasa

    async def never(_: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.json_response([])

    slow = web.Application()
    slow.router.add_post("/webhooks/rest/webhook", never)
    slow_server = TestServer(slow, host="127.0.0.1")
    await slow_server.start_server()
    server = await edge(str(slow_server.make_url("")).rstrip("/"), upstream_timeout=1.0)
    try:
        status, body = await post(str(server.make_url("/webhooks/rest/webhook")), '{"sender":"a","message":"hola"}')
        assert status == 503 and "911" in body[0]["text"]
    finally:
        await server.close()
        await slow_server.close()


# --- several Rasa replicas (make cluster-test) -----------------------------------------------------------


async def test_a_message_id_is_passed_on_and_checked(entry, rasa) -> None:
    body = '{"sender":"a","message":"hola","message_id":"m-1"}'
    status, _ = await post(f"{entry}/webhooks/rest/webhook", body)
    assert status == 200 and rasa[0].received[-1] == {"sender": "a", "message": "hola", "message_id": "m-1"}
    for bad in ("with space", 12, "x" * 65):
        request = json.dumps({"sender": "a", "message": "hola", "message_id": bad})
        status, body = await post(f"{entry}/webhooks/rest/webhook", request)
        assert status == 400 and "message_id" in body["error"]


async def test_the_next_rasa_is_tried_only_when_no_connection_could_be_opened(rasa) -> None:
    fake, upstream = rasa
    closed = TestServer(web.Application(), host="127.0.0.1")
    await closed.start_server()
    down = str(closed.make_url("")).rstrip("/")
    await closed.close()  # nothing listens there any more: connections are refused
    up = str(upstream.make_url("")).rstrip("/")
    settings = EdgeSettings.from_env({"RASA_INTERNAL_URL": f"{down} {up}"})
    assert settings.rasa_url == down and settings.rasa_fallback_urls == (up,)
    server = await edge(down, rasa_fallback_urls=(up,))
    try:
        url = str(server.make_url("/webhooks/rest/webhook"))
        status, body = await post(url, '{"sender":"a","message":"hola","message_id":"m-2"}')
        assert status == 200 and body == [{"text": "hello"}] and len(fake.received) == 1
        async with aiohttp.ClientSession() as session:
            async with session.get(str(server.make_url("/readyz"))) as response:
                assert response.status == 404  # the fake has no ready endpoint, but it was reached
    finally:
        await server.close()

    # A Rasa that was reached and failed is not asked twice: the client retries, with the same message_id.
    fake.status = 500
    other = FakeRasa()
    other_server = TestServer(other.app(), host="127.0.0.1")
    await other_server.start_server()
    server = await edge(up, rasa_fallback_urls=(str(other_server.make_url("")).rstrip("/"),))
    try:
        status, body = await post(str(server.make_url("/webhooks/rest/webhook")), '{"sender":"a","message":"hola"}')
        assert status == 503 and "911" in body[0]["text"] and other.received == []
    finally:
        await server.close()
        await other_server.close()
