"""Rate limits as plain values with an injectable clock: token buckets and failure windows."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]


class TokenBucket:
    """`rate` tokens a second, holding at most `burst`; a rate of 0 means no limit."""

    __slots__ = ("_clock", "_stamp", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def take(self) -> bool:
        """Spend one token; False (and nothing spent) when the bucket is empty."""
        if self.rate <= 0:
            return True
        self._refill()
        if self._tokens >= 1.0 - 1e-9:  # float steps must not lose a token at the boundary
            self._tokens -= 1.0
            return True
        return False

    def take_amount(self, amount: float) -> bool:
        """Spend `amount` tokens at once (a byte count, a batch); False (nothing spent) when
        fewer are left. More than `burst` can never be taken."""
        if self.rate <= 0:
            return True
        self._refill()
        if self._tokens >= amount - 1e-9:
            self._tokens -= amount
            return True
        return False

    def retry_after(self, amount: float = 1.0) -> float:
        """Seconds until `amount` tokens are there (at most `burst` are ever there)."""
        if self.rate <= 0:
            return 0.0
        self._refill()
        return max(0.0, (min(amount, self.burst) - self._tokens) / self.rate)

    def is_full(self) -> bool:
        """True when the bucket has refilled to its burst: forgetting it changes nothing."""
        if self.rate <= 0:
            return True
        self._refill()
        return self._tokens >= self.burst - 1e-9


class FloodGuard:
    """A connection's chat allowance: `rate`/s with bursts of `burst`; past that a message is
    refused, and a sender that keeps trying at `close_factor` times the rate is to be closed."""

    __slots__ = ("_attempts", "_messages", "_unlimited")

    def __init__(
        self, rate: float, burst: int, close_factor: float, clock: Clock = time.monotonic
    ) -> None:
        self._messages = TokenBucket(rate, burst, clock)
        factor = close_factor if close_factor > 0 else 0.0
        self._attempts = TokenBucket(rate * factor, burst * max(factor, 1.0), clock)
        self._unlimited = rate <= 0  # both buckets then always give (a per-say call each)

    def admit(self) -> bool | None:
        """True: send it. False: refuse it (`rate_limited`). None: close the connection."""
        if self._unlimited:
            return True
        if not self._attempts.take():
            return None
        return self._messages.take()

    def retry_after(self) -> float:
        return self._messages.retry_after()

    def is_idle(self) -> bool:
        """Both buckets full again: a fresh guard would behave the same."""
        return self._messages.is_full() and self._attempts.is_full()


class FailureWindow:
    """Counts failures per key within a sliding `window` of seconds; `limit` 0 = no limit."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float] | None:
        stamps = self._failures.get(key)
        if stamps is None:
            return None
        horizon = self._clock() - self.window
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return None
        return stamps

    def record(self, key: str) -> None:
        if self.limit > 0:
            self._failures.setdefault(key, deque()).append(self._clock())
            stamps = self._failures[key]
            while len(stamps) > self.limit:  # only the newest `limit` matter
                stamps.popleft()

    def forget_one(self, key: str) -> None:
        """Take back the newest failure recorded for `key` (it turned out a success)."""
        stamps = self._failures.get(key)
        if stamps:
            stamps.pop()
            if not stamps:
                del self._failures[key]

    def blocked_for(self, key: str) -> float:
        """Seconds until `key` may try again (0.0 when it may now)."""
        if self.limit <= 0:
            return 0.0
        stamps = self._recent(key)
        if stamps is None or len(stamps) < self.limit:
            return 0.0
        return max(0.0, stamps[0] + self.window - self._clock())

    def prune(self) -> None:
        """Forget keys whose failures have all aged out (keeps memory bounded)."""
        for key in list(self._failures):
            self._recent(key)


class OncePerWindow:
    """Says yes to a key at most once per `window` of seconds: a limit that bites again and
    again is logged once per window, not once per refusal."""

    def __init__(self, window: float, clock: Clock = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._last: dict[str, float] = {}

    def due(self, key: str) -> bool:
        """True (and the window starts) unless `key` was due less than `window` ago."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.window:
            return False
        self._last[key] = now
        return True

    def prune(self) -> None:
        horizon = self._clock() - self.window
        for key in [k for k, last in self._last.items() if last <= horizon]:
            del self._last[key]
