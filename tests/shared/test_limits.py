"""Token buckets, the flood guard and failure windows on a fake clock."""

from __future__ import annotations

from app.shared.limits import FailureWindow, FloodGuard, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=20, clock=clock)
    assert all(bucket.take() for _ in range(20))
    assert not bucket.take()
    assert abs(bucket.retry_after() - 0.1) < 1e-9
    clock.now += 0.1
    assert bucket.take() and not bucket.take()
    clock.now += 100
    assert sum(bucket.take() for _ in range(30)) == 20  # never more than the burst


def test_a_zero_rate_is_no_limit() -> None:
    bucket = TokenBucket(rate=0, burst=1, clock=FakeClock())
    assert all(bucket.take() for _ in range(1000)) and bucket.retry_after() == 0


def test_flood_guard_refuses_then_closes_at_five_times_the_rate() -> None:
    clock = FakeClock()
    guard = FloodGuard(rate=10, burst=20, close_factor=5, clock=clock)
    verdicts = [guard.admit() for _ in range(100)]
    assert verdicts[:20] == [True] * 20 and set(verdicts[20:]) == {False}
    assert guard.admit() is None  # the 101st attempt in no time: 5x the burst is spent
    slow = FloodGuard(rate=10, burst=20, close_factor=5, clock=clock)
    for _ in range(200):  # 20 attempts a second: refused often, never closed
        clock.now += 0.05
        assert slow.admit() is not None


def test_failure_window_blocks_at_the_limit_and_forgets_after_the_window() -> None:
    clock = FakeClock()
    window = FailureWindow(limit=5, window=60, clock=clock)
    for _ in range(4):
        window.record("alice")
    assert window.blocked_for("alice") == 0
    window.record("alice")
    assert window.blocked_for("alice") == 60
    assert window.blocked_for("bob") == 0
    clock.now += 30
    assert window.blocked_for("alice") == 30
    clock.now += 30
    assert window.blocked_for("alice") == 0
    window.prune()
    assert window._failures == {}
    assert FailureWindow(limit=0, window=60, clock=clock).blocked_for("x") == 0
