"""Rate limits of the public entry point: a token bucket per client, bounded in memory."""

from __future__ import annotations

import time
from collections import OrderedDict


class RateLimiter:
    """`per_minute` requests a minute per key, with bursts up to `burst` (default: a fifth of a minute's worth).

    Keys beyond `max_keys` push out the least recently seen, so a spray of addresses cannot grow memory.
    """

    def __init__(self, per_minute: int, burst: int | None = None, max_keys: int = 50_000) -> None:
        self.rate = max(per_minute, 1) / 60.0
        self.burst = float(burst if burst is not None else max(5, per_minute // 5))
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Seconds until the next request of `key` would be allowed (for the Retry-After header)."""
        tokens, _ = self._buckets.get(key, (self.burst, 0.0))
        return max(1, int((1.0 - tokens) / self.rate) + 1)
