"""The action server as `make run` starts it: loopback only, bounded bodies, no inflation bomb."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator

import pytest

from bot.ops.actions_server import MAX_INFLATED_BYTES, inflated_size_ok
from tests.server import REPO, free_port, wait_for


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> Iterator[int]:
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.ops.actions_server", "--port", str(port)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/health", 120, alive=lambda: process.poll() is None)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def post(port: int, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_compressed_body_that_would_inflate_to_gigabytes_is_refused(action_server: int) -> None:
    bomb = zlib.compress(b"{" + b" " * (MAX_INFLATED_BYTES * 4) + b"}", 9)  # tens of KB on the wire
    assert len(bomb) < 200_000
    assert post(action_server, bomb, {"Content-Encoding": "deflate", "Content-Type": "application/json"}) == 413


def test_a_normal_compressed_call_still_reaches_the_actions(action_server: int) -> None:
    call = {"next_action": "no_such_action", "sender_id": "x", "tracker": {"sender_id": "x", "events": []},
            "domain": {}, "version": "3.6.2"}  # fmt: skip
    body = zlib.compress(json.dumps(call).encode())
    # Reaches rasa_sdk (which says the action does not exist), instead of being refused for its size.
    assert post(action_server, body, {"Content-Encoding": "deflate", "Content-Type": "application/json"}) == 404


def test_it_listens_on_loopback_only(action_server: int) -> None:
    from tests.security.test_stack import listening_addresses

    assert listening_addresses(action_server) <= {"0100007F", "00000000000000000000000001000000"}


def test_inflation_is_measured_without_inflating_everything() -> None:
    assert inflated_size_ok(zlib.compress(b"a" * 1000), limit=2000)
    assert not inflated_size_ok(zlib.compress(b"a" * 5000), limit=2000)
    assert inflated_size_ok(b"not deflate at all")
