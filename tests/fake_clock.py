"""A clock for tests: seconds that only move when the test moves them."""

from __future__ import annotations


class FakeClock:
    """Stands in for `time.monotonic`; `advance()` moves it on by seconds or milliseconds."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def advance_ms(self, ms: float) -> None:
        self.now += ms / 1000
