"""The presence feed gathers what is released in one window into one write per session."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray

from app.server.presence_feed import LONGEST_WINDOW_S, PresenceFeed
from app.shared.protocol import ONLINE, Presence, encode


class Recorder:
    """Stands in for a connection's Output: keeps every write, as given and as bytes."""

    def __init__(self) -> None:
        self.given: list[bytes | QByteArray] = []
        self.writes: list[bytes] = []

    def send_bytes(self, data: bytes | QByteArray, size: int = -1) -> int:
        self.given.append(data)
        whole = data.data() if isinstance(data, QByteArray) else data
        assert size in (-1, len(whole))
        self.writes.append(bytes(whole))
        return 0


def test_a_burst_of_logins_is_one_write_per_session_without_its_own(qtbot: Any) -> None:
    people = {name: Recorder() for name in ("ann", "bob", "cho", "dan")}
    feed = PresenceFeed(lambda: list(people.items()), window=0.05)
    arrivals = [Presence(name, ONLINE, None) for name in ("bob", "cho", "eve")]
    for presence in arrivals:
        feed.release(presence)
    assert all(not r.writes for r in people.values())  # nothing before the window ends
    qtbot.waitUntil(lambda: bool(people["ann"].writes), timeout=2000)
    everything = b"".join(encode(p) for p in arrivals)
    assert people["ann"].writes == [everything]
    assert people["dan"].writes == [everything]
    assert people["bob"].writes == [encode(arrivals[1]) + encode(arrivals[2])]
    assert people["cho"].writes == [encode(arrivals[0]) + encode(arrivals[2])]


def test_nothing_pending_writes_nothing(qtbot: Any) -> None:
    alone = Recorder()
    feed = PresenceFeed(lambda: [("ann", alone)], window=0)
    feed.release(Presence("ann", ONLINE, None))
    feed.flush()
    feed.flush()
    assert alone.writes == []


def test_the_sessions_share_one_block_that_qt_need_not_copy(qtbot: Any) -> None:
    """One QByteArray for every session: Qt keeps a reference to one of 4 KiB or more
    instead of copying it into each socket's buffer, and PySide converts no bytes each."""
    people = {f"p{i}": Recorder() for i in range(50)}
    feed = PresenceFeed(lambda: list(people.items()), window=0)
    for i in range(100):
        feed.release(Presence(f"new{i}", ONLINE, None))
    feed.flush()
    given = [r.given[0] for r in people.values()]
    assert all(isinstance(block, QByteArray) for block in given)
    assert all(block is given[0] for block in given)
    assert given[0].size() >= 4096


def test_the_window_grows_with_the_sessions_up_to_the_longest(qtbot: Any) -> None:
    """Each window costs a write per session: with many online, fewer windows a second."""
    people = {f"p{i}": Recorder() for i in range(3)}
    online = [3]
    feed = PresenceFeed(
        lambda: list(people.items()), window=0.05, count=lambda: online[0], longest=0.5
    )
    assert feed.window() == 0.05
    online[0] = 600
    assert abs(feed.window() - 0.3) < 1e-9
    online[0] = 1000  # a thousand online: one write per session per longest window
    assert feed.window() == 0.5
    online[0] = 600
    feed.release(Presence("eve", ONLINE, None))
    qtbot.wait(150)
    assert not people["p0"].writes  # a window of 0.3 s, not 0.05
    qtbot.waitUntil(lambda: bool(people["p0"].writes), timeout=2000)


def test_each_of_a_persons_own_frames_in_a_window_is_left_out_of_their_write(qtbot: Any) -> None:
    people = {name: Recorder() for name in ("ann", "bob")}
    feed = PresenceFeed(lambda: list(people.items()), window=0)
    released = [
        Presence("bob", ONLINE, None),
        Presence("cho", ONLINE, None),
        Presence("bob", "away", "lunch"),
        Presence("dan", ONLINE, None),
    ]
    for presence in released:
        feed.release(presence)
    feed.flush()
    assert people["ann"].writes == [b"".join(encode(p) for p in released)]
    assert people["bob"].writes == [encode(released[1]) + encode(released[3])]


def test_with_thousands_online_a_window_is_two_seconds_at_most() -> None:
    """At 5,000 online a window of 0.5 s cost every login 0.11 ms of writes (10,000 a
    second); by default the window grows to 2 s (about 2,000 writes a second at 4,000)."""
    online = [1000]
    feed = PresenceFeed(lambda: [], window=0.1, count=lambda: online[0])
    assert feed.window() == 0.5
    online[0] = 4000
    assert feed.window() == LONGEST_WINDOW_S == 2.0
    online[0] = 100_000
    assert feed.window() == 2.0
