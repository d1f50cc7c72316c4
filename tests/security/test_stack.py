"""The assistant as `make run` starts it, tried the way someone on the same network (or a curious user) would.

One stack for the whole session (tests/conftest.py): supervisord with the public entry point, Rasa and the
action server on loopback, and the health watch. The tests use only what an outsider has (the public address)
plus, where a test must look inside, what a maintainer has (the admin token on loopback, supervisorctl).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import socketio

from bot.channels.sessions import SENDER_PREFIX
from tests.server import Assistant

pytestmark = pytest.mark.rasa_server


def status_of(method: str, url: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/conversations/x/tracker"), ("POST", "/conversations/x/tracker/events"), ("PUT", "/model"),
     ("DELETE", "/model"), ("GET", "/status"), ("PUT", "/conversations/x/tracker/events"), ("POST", "/model/parse")],
)  # fmt: skip
def test_tracker_and_model_endpoints_are_refused_without_a_token(assistant: Assistant, method, path) -> None:
    # From outside, Rasa's API does not exist at all.
    assert status_of(method, assistant.url + path, b"{}") in (404, 405)
    # On loopback, where only a maintainer is, it answers only with the token from the environment.
    assert status_of(method, assistant.rasa_url + path, b"{}") == 401
    assert status_of(method, f"{assistant.rasa_url}{path}?token=wrong", b"{}") == 401


def test_the_model_is_still_loaded_after_the_attempts(assistant: Assistant) -> None:
    assert "911" in assistant.text(uuid.uuid4().hex, "me quitaron el pasaporte y no me dejan salir")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_every_port_listens_on_loopback_only(assistant: Assistant) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1
    for port in (assistant.public_port, assistant.rasa_port, assistant.actions_port):
        addresses = listening_addresses(port)
        assert addresses and addresses <= loopback, (port, addresses)


def test_a_5_mb_message_gets_413_and_is_not_stored(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    body = json.dumps({"sender": sender, "message": "x" * 5_000_000}).encode()
    assert status_of("POST", assistant.url + "/webhooks/rest/webhook", body) == 413
    assert assistant.tracker(sender)["events"] in ([], None) or all(
        e.get("event") != "user" for e in assistant.tracker(sender)["events"]
    )


class WebChat:
    """A browser-less widget: socket.io (long-polling) through the public entry point."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient()
        self.confirmed: dict | None = None
        self.received: list[dict] = []
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self._bot)

    async def _confirm(self, data):
        self.confirmed = data

    async def _bot(self, data):
        self.received.append(data)

    async def connect(self, session_id: str | None = None, token: str | None = None) -> dict:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id, "token": token})
        for _ in range(100):
            if self.confirmed:
                return self.confirmed
            await asyncio.sleep(0.1)
        raise AssertionError("no session_confirm")

    async def say(self, text: str, **extra) -> None:
        await self.client.emit("user_uttered", {"message": text, "metadata": {"language": "en"}, **extra})

    async def wait(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)


async def test_a_foreign_session_id_gets_nothing(assistant: Assistant) -> None:
    victim = WebChat(assistant.url)
    own = await victim.connect()
    await victim.say("hello, I am Ana from Tegucigalpa")
    await victim.wait(1)
    assert victim.received, "the victim's own chat should work"
    seen_by_victim = len(victim.received)

    # The attacker learnt the victim's session id (not the token): they get a session of their own.
    attacker = WebChat(assistant.url)
    theirs = await attacker.connect(session_id=own["session_id"], token="1796525264.forged")
    assert theirs["session_id"] != own["session_id"]
    await attacker.say("what is trafficking", session_id=own["session_id"])
    await attacker.wait(1)
    await asyncio.sleep(2)
    assert len(victim.received) == seen_by_victim, "the victim must not receive the attacker's replies"
    victim_texts = [e.get("text") for e in assistant.tracker(SENDER_PREFIX + own["session_id"])["events"]
                    if e.get("event") == "user"]  # fmt: skip
    assert "what is trafficking" not in victim_texts

    # ... cannot delete it, and cannot write into it over REST.
    forget = json.dumps({"session_id": own["session_id"], "token": "1796525264.forged"}).encode()
    assert status_of("POST", assistant.url + "/webhooks/socketio/forget", forget) == 403
    rest = json.dumps({"sender": SENDER_PREFIX + own["session_id"], "message": "hi"}).encode()
    assert status_of("POST", assistant.url + "/webhooks/rest/webhook", rest) == 403

    # The owner, with the token, gets the same session back after a reconnect.
    again = WebChat(assistant.url)
    assert (await again.connect(own["session_id"], own["token"]))["session_id"] == own["session_id"]
    for chat in (victim, attacker, again):
        await chat.client.disconnect()


def test_action_server_down_then_killed_danger_and_find_help_still_give_numbers(assistant: Assistant) -> None:
    assistant.stop_actions()
    try:
        sender = uuid.uuid4().hex
        asked = assistant.say(sender, "I need help")
        assert "911" in asked[0]["text"]
        assert any(b["payload"].startswith("/inform_country") for b in asked[0]["buttons"])
        mexico = assistant.text(sender, "Mexico")
        assert "800 5533 000" in mexico and "911" in mexico
        danger = assistant.say(uuid.uuid4().hex, "they took my passport and won't let me leave")
        assert "911" in danger[0]["text"]
    finally:
        assistant.start_actions()
        assistant.wait_for_actions()
    # A crash (SIGKILL) is noticed by the supervisor and the server comes back; nothing else stops.
    rasa_before, edge_before = assistant.pid("rasa"), assistant.pid("edge")
    old = assistant.pid("actions")
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if assistant.pid("actions") not in (0, old):
                break
        except ValueError:
            pass
        time.sleep(0.5)
    assistant.wait_for_actions()
    assert assistant.pid("actions") != old
    assert (assistant.pid("rasa"), assistant.pid("edge")) == (rasa_before, edge_before)
    assert "145" in assistant.text(uuid.uuid4().hex, "estoy en Honduras y necesito ayuda")


def test_production_logs_carry_no_message_text_and_no_secret(assistant: Assistant) -> None:
    marker = f"secreto{uuid.uuid4().hex[:8]}"
    assistant.say(uuid.uuid4().hex, f"me llamo {marker} y mi jefe me quitó el pasaporte")
    assistant.say(uuid.uuid4().hex, f"what is trafficking {marker}")
    time.sleep(1)
    logs = assistant.logs()
    assert logs, "the processes should have logged something"
    assert marker not in logs
    assert assistant.admin_token not in logs
    assert not re.search(r"\bDEBUG\b", logs)
