"""Back-pressure decisions on fake connections and a fake clock."""

from __future__ import annotations

import pytest

from app.server import pressure
from app.server.pressure import HIGH, LOW, STALL, BackPressure


class FakeConnection:
    def __init__(self) -> None:
        self.backlog = 0
        self.reading = True

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(pressure.time, "monotonic", lambda: now[0])
    return now


def test_a_draining_member_pauses_the_room_until_it_is_under_low(qtbot, clock) -> None:
    slow, fast = FakeConnection(), FakeConnection()
    guard = BackPressure(lambda: [slow, fast])
    slow.backlog = HIGH + 1
    guard.wrote(slow.backlog)
    assert guard.paused and not slow.reading and not fast.reading
    for backlog in (HIGH // 2, LOW + 10, LOW - 1):  # shrinking: it is draining
        clock[0] += 0.02
        slow.backlog = backlog
        guard._check()
    assert not guard.paused and slow.reading and fast.reading


def test_a_member_that_stops_draining_stops_holding_the_room(qtbot, clock) -> None:
    stuck, other = FakeConnection(), FakeConnection()
    guard = BackPressure(lambda: [stuck, other])
    stuck.backlog = HIGH + 1
    guard.wrote(stuck.backlog)
    assert guard.paused
    stuck.backlog = (HIGH + LOW) // 2  # drained a little, then sits between LOW and HIGH
    clock[0] += 0.02
    guard._check()
    assert guard.paused  # it did shrink: still given time
    clock[0] += STALL + 0.01
    guard._check()
    assert not guard.paused and other.reading  # stalled: the room goes on without it
    stuck.backlog = HIGH * 2  # crossing HIGH again earns one more look...
    guard.wrote(stuck.backlog)
    assert guard.paused
    clock[0] += STALL + 0.01
    guard._check()
    assert not guard.paused
    stuck.backlog = HIGH * 3  # ...but growing while over HIGH and stuck does not
    guard.wrote(stuck.backlog)
    assert not guard.paused
