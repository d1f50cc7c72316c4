"""The cluster's lock store against the cluster's Redis: separate processes (as separate replicas are) take turns.

Each worker process makes its own lock store and its own Redis connections, like a Rasa replica.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid

import pytest

from tests.cluster.conftest import RunningCluster

pytestmark = pytest.mark.cluster
WORKERS = 3


def _store(env: dict[str, str]):
    from bot.lock_store import AtomicRedisLockStore

    return AtomicRedisLockStore(host="127.0.0.1", port=env["REDIS_PORT"], password=env["REDIS_PASSWORD"], db=3,
                                key_prefix="test")  # fmt: skip


def _issue(env: dict[str, str], conversation: str, count: int, out) -> None:
    store = _store(env)
    out.put([store.issue_ticket(conversation, 120) for _ in range(count)])


def _critical_sections(env: dict[str, str], conversation: str, rounds: int) -> None:
    """Read a counter, wait, write it plus one, under the conversation's lock: lost updates mean overlap."""
    store = _store(env)
    counter = f"test:counter:{conversation}"

    async def run() -> None:
        for _ in range(rounds):
            async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.005):
                value = int(store.red.get(counter) or 0)
                await asyncio.sleep(0.002)
                store.red.set(counter, value + 1, ex=600)

    asyncio.run(run())


CONTEXT = multiprocessing.get_context("spawn")


def _run(target, args_list: list[tuple]) -> None:
    processes = [CONTEXT.Process(target=target, args=args) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0


def test_tickets_issued_at_once_by_several_processes_are_all_different(cluster: RunningCluster) -> None:
    conversation = f"tickets-{uuid.uuid4().hex}"
    queue = CONTEXT.Queue()
    _run(_issue, [(cluster.env, conversation, 100, queue)] * WORKERS)
    numbers = [number for _ in range(WORKERS) for number in queue.get(timeout=60)]
    assert len(numbers) == WORKERS * 100 and len(set(numbers)) == len(numbers)
    store = _store(cluster.env)
    assert len(store.get_lock(conversation).tickets) == WORKERS * 100
    for number in numbers:
        store.cleanup(conversation, number)
    assert store.get_lock(conversation) is None, "the last ticket handed back deletes the lock"


def test_processes_never_hold_one_conversations_lock_at_the_same_time(cluster: RunningCluster) -> None:
    conversation = f"mutex-{uuid.uuid4().hex}"
    rounds = 40
    _run(_critical_sections, [(cluster.env, conversation, rounds)] * WORKERS)
    store = _store(cluster.env)
    assert int(store.red.get(f"test:counter:{conversation}")) == WORKERS * rounds, "no update lost"
    assert store.get_lock(conversation) is None


def test_a_lock_left_by_a_dead_replica_expires_by_itself(cluster: RunningCluster) -> None:
    store = _store(cluster.env)
    conversation = f"dead-{uuid.uuid4().hex}"
    store.issue_ticket(conversation, 1)  # and never handed back, as by a process killed while holding it
    ttl_ms = store.red.pttl(store.key_prefix + conversation)
    assert 0 < ttl_ms <= 62_000
