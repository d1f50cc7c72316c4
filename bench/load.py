"""Load over REST: users who each hold conversations, one message at a time (each waits for its answer)."""

from __future__ import annotations

import asyncio
import itertools
import math
import statistics
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class Phase:
    """One measured stretch: every message's latency (ms) and status, and how long the stretch took."""

    bot: str
    users: int
    latencies_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(1 for status in self.statuses if status != 200)

    def summary(self) -> dict:
        return {
            "users": self.users,
            "messages": len(self.latencies_ms),
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_msg_s": round(self.throughput, 2),
            **{f"p{q}_ms": round(percentile(self.latencies_ms, q), 1) for q in (50, 95, 99)},
        }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): with 40 samples p99 is the slowest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def _send(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        status = 599
    return (time.perf_counter() - started) * 1000, status


async def _phase(url: str, bot: str, messages: list[str], users: int, per_user: int, turns: int, tag: str) -> Phase:
    """`users` users at once, each sending `per_user` messages in conversations of `turns` messages (a new sender
    for each conversation); each user starts at a different place in `messages`."""
    phase = Phase(bot, users)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:

        async def user(index: int) -> None:
            cycle = itertools.islice(itertools.cycle(messages), index * 3, None)
            for sent in range(per_user):
                sender = f"bench-{tag}-u{index}-c{sent // turns}"
                latency, status = await _send(session, url, sender, next(cycle))
                phase.latencies_ms.append(latency)
                phase.statuses.append(status)

        started = time.perf_counter()
        await asyncio.gather(*(user(index) for index in range(users)))
        phase.seconds = time.perf_counter() - started
    return phase


def phase(url: str, bot: str, messages: list[str], users: int, per_user: int, turns: int, tag: str) -> Phase:
    return asyncio.run(_phase(url, bot, messages, users, per_user, turns, tag))


def warm_up(url: str, messages: list[str], count: int = 10) -> None:
    """A few messages first: lazily built models and traced graphs are not what a person waits for twice."""
    asyncio.run(_phase(url, "warm-up", messages, 1, count, count, "warm"))


async def _long_conversations(bots: list[tuple[str, str, list[str]]], turns: int, tag: str) -> dict[str, list]:
    """One conversation of `turns` messages per bot, message by message in turn (bot A, bot B, bot A...), so both
    meet the same moments of a noisy machine; returns each bot's latency per turn (ms)."""
    out: dict[str, list] = {name: [] for name, _, _ in bots}
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for turn in range(turns):
            for name, url, messages in bots:
                latency, status = await _send(session, url, f"bench-{tag}-long", messages[turn % len(messages)])
                out[name].append((round(latency, 1), status))
    return out


def long_conversations(bots: list[tuple[str, str, list[str]]], turns: int, tag: str) -> dict[str, list]:
    return asyncio.run(_long_conversations(bots, turns, tag))


def cost_at(conversations: list[list[tuple[float, int]]], lengths: list[int], span: int = 10) -> dict[str, float]:
    """The cost of a message in a conversation of each length: the median latency of its last `span` turns, over
    every conversation held (one per round)."""
    out = {}
    for length in lengths:
        values = [latency for turns in conversations for latency, _ in turns[max(0, length - span) : length]]
        if values and all(len(turns) >= length for turns in conversations):
            out[str(length)] = round(median(values), 1)
    return out
