"""Back-pressure decisions on fake connections and a fake clock."""

from __future__ import annotations

import pytest

from app.server import pressure
from app.server.pressure import CHECK_MS, HIGH, LOW, MAX_CHECK_MS, PAUSE_SHARE, STALL, BackPressure


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


def test_only_senders_are_held_and_one_who_starts_meanwhile_waits_too(qtbot, clock) -> None:
    """Issue 18: a member who only reads keeps being read (a leave, a ping) while the room's
    senders wait for a backed-up reader; and the room resumes at LOW, half of HIGH."""
    slow, sender, reader, latecomer = (FakeConnection() for _ in range(4))
    senders = [sender]
    guard = BackPressure(lambda: [slow, sender, reader, latecomer], senders=lambda: senders)
    slow.backlog = HIGH + 1
    guard.wrote(slow.backlog)
    assert guard.paused and not sender.reading
    assert slow.reading and reader.reading and latecomer.reading
    guard.hold(latecomer)  # said something while the room was held
    assert not latecomer.reading
    assert LOW == HIGH // 2
    clock[0] += 0.02
    slow.backlog = LOW - 1
    guard._check()
    assert not guard.paused and sender.reading and latecomer.reading
    guard.hold(reader)  # not paused: nothing to wait for
    assert reader.reading


class OrderedSender(FakeConnection):
    """Notes the order in which the room's senders are read again."""

    def __init__(self, name: str, resumed: list[str]) -> None:
        super().__init__()
        self.name, self._resumed = name, resumed

    def resume_reading(self) -> None:
        super().resume_reading()
        self._resumed.append(self.name)


def test_every_sender_takes_its_turn_to_be_read_first_after_a_pause(qtbot, clock) -> None:
    # The first sender read after a pause can fill the readers again and pause the room
    # before the others are read: with a fixed order, one sender had the room to itself
    # and the others' messages waited seconds (the bench's saturation p99).
    resumed: list[str] = []
    reader = FakeConnection()
    senders = [OrderedSender(name, resumed) for name in "abc"]
    guard = BackPressure(lambda: [reader], senders=lambda: senders)
    firsts = []
    for _ in range(6):
        clock[0] += 0.01
        reader.backlog = HIGH + 1
        guard.wrote(reader.backlog)
        assert guard.paused
        resumed.clear()
        clock[0] += 0.01
        reader.backlog = 0
        guard._check()
        assert not guard.paused and sorted(resumed) == ["a", "b", "c"]
        firsts.append(resumed[0])
    assert sorted(firsts) == ["a", "a", "b", "b", "c", "c"]


def test_a_long_pause_is_looked_at_less_often_than_a_short_one(qtbot, clock) -> None:
    # Every CHECK_MS, 45 slow readers' backlogs were asked for 500 times a second while
    # they took a third of a second to drain: most of the server's CPU in the overload bench.
    reader = FakeConnection()
    guard = BackPressure(lambda: [reader])
    reader.backlog = HIGH + 1
    guard.wrote(reader.backlog)
    assert guard.paused and guard._timer.interval() == CHECK_MS
    paused_at = clock[0]
    for backlog in range(HIGH, LOW, -2_048):  # draining slowly, 2 kB a look
        clock[0] += guard._timer.interval() / 1000
        waited = clock[0] - paused_at
        reader.backlog = backlog
        guard._check()
        assert guard.paused
        assert guard._timer.interval() == max(
            CHECK_MS, min(MAX_CHECK_MS, int(waited * 1000 / PAUSE_SHARE))
        )
    assert guard._timer.interval() == MAX_CHECK_MS
    clock[0] += MAX_CHECK_MS / 1000
    reader.backlog = LOW - 1
    guard._check()
    assert not guard.paused and reader.reading
