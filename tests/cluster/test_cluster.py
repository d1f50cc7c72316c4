"""The scale-out cluster (make cluster-test): one address, two Rasa replicas on PostgreSQL and Redis.

What a visitor can reach goes through the public address; where a test must pick a replica or look inside it
uses what a maintainer has on the machine: each Rasa's REST channel on loopback, SQL on the tracker database,
supervisorctl, and the maintainers' CLI. The load test with a crash is bench/cluster.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import pytest
import socketio

from bot.channels.sessions import SENDER_PREFIX
from bot.paths import REPO_ROOT
from tests.cluster.conftest import RunningCluster

pytestmark = pytest.mark.cluster


REST = "/webhooks/rest/webhook"


async def post(url: str, body: dict | bytes, headers: dict | None = None, local: str | None = None):
    connector = aiohttp.TCPConnector(local_addr=(local, 0)) if local else None
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        async with session.post(url, data=data, headers={"Content-Type": "application/json", **(headers or {})}) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text


def texts(replies) -> list[str]:
    return [r.get("text", "") for r in replies or [] if isinstance(r, dict)]


def user_ids(rows: list[tuple[str, dict]]) -> list[str | None]:
    return [data.get("message_id") for kind, data in rows if kind == "user"]


def listening_addresses(port: int) -> set[str]:
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


# --- one address, nothing else ---------------------------------------------------------------------


def test_every_process_listens_on_loopback_only(cluster: RunningCluster) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for port in map(int, cluster.env["CLUSTER_PORTS"].split()):
        addresses = listening_addresses(port)
        assert addresses and addresses <= loopback, (port, addresses)


@pytest.mark.parametrize("path", ["/status", "/conversations/x/tracker", "/model", "/webhooks/socketio/ready"])
async def test_rasa_api_does_not_exist_at_the_public_address(cluster: RunningCluster, path: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(cluster.url + path) as response:
            assert response.status in (404, 405)


async def test_the_entry_points_protections_hold_behind_nginx(cluster: RunningCluster) -> None:
    url = cluster.url + "/webhooks/rest/webhook"
    status, body = await post(url, {"sender": "a", "message": "x" * 70_000})
    assert status == 413 and "64 KB" in body["error"]  # the entry point's own message, not nginx's page
    status, _ = await post(url, {"sender": "a", "message": "hola"}, {"Origin": "https://evil.example"})
    assert status == 403
    status, _ = await post(url, {"sender": SENDER_PREFIX + "abc", "message": "hola"})
    assert status == 403
    status, body = await post(url, {"sender": "a", "message": "hola", "message_id": "no spaces allowed"})
    assert status == 400 and "message_id" in body["error"]


async def test_a_stopped_entry_point_is_skipped(cluster: RunningCluster) -> None:
    """nginx's passive health check: requests go to the entry point that still answers."""
    cluster.supervisorctl("stop", "healthwatch", f"edge-{cluster.names[-1]}")
    try:
        statuses = [
            (await post(cluster.url + "/webhooks/rest/webhook", {"sender": uuid.uuid4().hex, "message": "hola"}))[0]
            for _ in range(6)
        ]
        assert statuses == [200] * 6
    finally:
        cluster.supervisorctl("start", f"edge-{cluster.names[-1]}", "healthwatch")


# --- one conversation, two replicas ----------------------------------------------------------------


async def test_a_message_sent_to_both_replicas_at_once_is_processed_once(cluster: RunningCluster) -> None:
    """A retry that overtakes the original: Rasa's Redis lock serialises them, the second sees the message id."""
    a, b = cluster.names[:2]
    for round_number in range(8):
        sender = f"twice-{uuid.uuid4().hex}"
        await post(cluster.rasa(a) + "/webhooks/rest/webhook", {"sender": sender, "message": "hola"})
        body = {"sender": sender, "message": "¿qué es la trata de personas?", "message_id": f"m-{round_number}"}
        (status_a, replies_a), (status_b, replies_b) = await asyncio.gather(
            post(cluster.rasa(a) + REST, body), post(cluster.rasa(b) + REST, body)
        )
        assert status_a == status_b == 200
        assert texts(replies_a) == texts(replies_b) and texts(replies_a), "both get the same answer"
        assert user_ids(cluster.rows(sender)).count(f"m-{round_number}") == 1, "stored once"


async def test_two_messages_of_one_conversation_on_two_replicas_are_not_interleaved(cluster: RunningCluster) -> None:
    a, b = cluster.names[:2]
    for _ in range(8):
        sender = f"both-{uuid.uuid4().hex}"
        await post(cluster.rasa(a) + "/webhooks/rest/webhook", {"sender": sender, "message": "hi"})
        first = {"sender": sender, "message": "what is human trafficking?", "message_id": "one"}
        second = {"sender": sender, "message": "what is smuggling?", "message_id": "two"}
        results = await asyncio.gather(post(cluster.rasa(a) + "/webhooks/rest/webhook", first),
                                       post(cluster.rasa(b) + "/webhooks/rest/webhook", second))  # fmt: skip
        assert [status for status, _ in results] == [200, 200]
        rows = cluster.rows(sender)
        assert sorted(i for i in user_ids(rows) if i in ("one", "two")) == ["one", "two"]
        # Every turn is whole: a user message comes only after the previous turn ended by listening.
        for index, (kind, _) in enumerate(rows):
            if kind == "user" and index:
                before = [data.get("name") for kind_, data in rows[:index] if kind_ == "action"]
                assert before and before[-1] == "action_listen", f"turn interleaved in {sender}"


# --- privacy across replicas -----------------------------------------------------------------------


async def test_forget_through_one_replica_deletes_what_the_other_stored(cluster: RunningCluster) -> None:
    a, b = cluster.names[:2]
    sender = f"forget-{uuid.uuid4().hex}"
    for text in ("hola, mi numero es +504 9999-9999", "¿qué es la trata de personas?"):
        status, _ = await post(cluster.rasa(b) + "/webhooks/rest/webhook", {"sender": sender, "message": text})
        assert status == 200
    stored = cluster.rows(sender)
    assert stored and "9999-9999" not in json.dumps(stored), "stored, masked"
    status, replies = await post(cluster.rasa(a) + REST, {"sender": sender, "message": "borra mis datos"})
    assert status == 200 and texts(replies)
    assert cluster.rows(sender) == []


async def test_the_widgets_quick_exit_on_one_replica_forgets_a_session_of_the_other(cluster: RunningCluster) -> None:
    """Sessions are signed with the shared WIDGET_SESSION_KEY, so any replica can check the token."""
    a, b = cluster.names[:2]
    chat = socketio.AsyncClient()
    confirmed: dict = {}
    received: list = []
    chat.on("session_confirm", lambda data: confirmed.update(data))
    chat.on("bot_uttered", lambda data: received.append(data))
    await chat.connect(cluster.rasa(b), socketio_path="/socket.io", transports=["polling"])
    try:
        await chat.emit("session_request", {})
        for _ in range(100):
            if confirmed:
                break
            await asyncio.sleep(0.1)
        await chat.emit("user_uttered", {"message": "what is human trafficking?", "metadata": {"language": "en"}})
        for _ in range(300):
            if received:
                break
            await asyncio.sleep(0.1)
    finally:
        await chat.disconnect()
    sender = SENDER_PREFIX + confirmed["session_id"]
    assert received and any(kind == "user" for kind, _ in cluster.rows(sender))
    forget = {"session_id": confirmed["session_id"], "token": confirmed["token"]}
    status, _ = await post(cluster.rasa(a) + "/webhooks/socketio/forget", forget)
    assert status == 200
    assert cluster.rows(sender) == []


async def test_retention_purge_on_postgresql(cluster: RunningCluster) -> None:
    old, recent = f"old-{uuid.uuid4().hex}", f"recent-{uuid.uuid4().hex}"
    for sender in (old, recent):
        status, _ = await post(cluster.url + "/webhooks/rest/webhook", {"sender": sender, "message": "hola"})
        assert status == 200
    connection = cluster.connect()
    try:
        with connection, connection.cursor() as cursor:  # as if nobody had written for 40 days
            cursor.execute("UPDATE events SET timestamp = timestamp - %s WHERE sender_id = %s", (40 * 86400, old))
    finally:
        connection.close()
    # What a maintainer sets to run it by hand (docs/deploy.md): the cluster's environment and secrets.
    env = {**os.environ, **cluster.env, "BOT_ENV": "production", "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "privacy", "purge", "--older-than", "30d", "--endpoints",
         str(REPO_ROOT / "deploy" / "cluster" / "endpoints.yml")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Removed" in result.stdout
    assert cluster.rows(old) == []
    assert cluster.rows(recent)


# --- socket.io through the one address -------------------------------------------------------------


async def test_web_chats_from_many_addresses_work_through_nginx(cluster: RunningCluster) -> None:
    """Long-polling needs every request of a socket at the same Rasa: nginx hashes the visitor's address to one
    entry point, which talks to its own Rasa. Eight visitors, spread over both entry points, all get answers."""

    async def one(index: int) -> int:
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(f"127.0.0.{60 + index}", 0)))
        chat = socketio.AsyncClient(http_session=session)
        received: list = []
        confirmed: dict = {}
        chat.on("session_confirm", lambda data: confirmed.update(data))
        chat.on("bot_uttered", lambda data: received.append(data))
        try:
            await chat.connect(cluster.url, socketio_path="/socket.io", transports=["polling"])
            await chat.emit("session_request", {})
            deadline = time.monotonic() + 60
            while not confirmed and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            for text in ("hola", "¿qué es la trata de personas?"):
                before = len(received)
                await chat.emit("user_uttered", {"message": text, "metadata": {"language": "es"}})
                while len(received) == before and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
            return len(received)
        finally:
            await chat.disconnect()
            await session.close()

    counts = await asyncio.gather(*(one(index) for index in range(8)))
    assert all(count >= 2 for count in counts), counts
