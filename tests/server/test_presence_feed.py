"""The presence feed gathers what is released in one window into one write per session."""

from __future__ import annotations

from typing import Any

from app.server.presence_feed import PresenceFeed
from app.shared.protocol import ONLINE, Presence, encode


class Recorder:
    """Stands in for a Connection: keeps every write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def send_bytes(self, data: bytes) -> None:
        self.writes.append(data)


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
