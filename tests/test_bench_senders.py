"""The bench's view of how evenly a server served its flat-out senders: each stamp names
its sender, and a sender the server left unread shows up, where a pooled p99 hides it."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from bench.clients import STAMP, say_line, sender_figures, stamped_text

MS = 1_000_000


@dataclass
class Probe:
    """What a probe keeps: send stamps, latencies and the senders' numbers."""

    sends: array[int] = field(default_factory=lambda: array("q"))
    latencies: array[int] = field(default_factory=lambda: array("q"))
    origins: array[int] = field(default_factory=lambda: array("b"))

    def saw(self, sender: int, sent_ms: int, latency_ms: int) -> None:
        self.sends.append(sent_ms * MS)
        self.latencies.append(latency_ms * MS)
        self.origins.append(sender)


def test_a_stamp_carries_its_time_and_sender_in_a_64_character_text() -> None:
    text = stamped_text(1234567890123456789, 7)
    assert len(text) == 64
    relayed = b'{"type":"message","seq":1,"text":"' + text.encode() + b'","ts":1}'
    match = STAMP.search(relayed)
    assert match is not None
    assert (int(match.group(1)), int(match.group(2))) == (1234567890123456789, 7)
    assert say_line(text).endswith(b'"}\n')


def test_a_sender_left_unread_is_counted_though_the_pooled_p99_cannot_see_it() -> None:
    probe = Probe()
    for sent in range(0, 1000, 10):  # senders 0 and 1 served, 2 never
        probe.saw(0, sent, 100)
        probe.saw(1, sent, 300 if sent % 100 == 0 else 100)
    figures = sender_figures(probe, 3, 0, 1000 * MS)
    assert figures["senders_with_nothing_through"] == 1
    assert figures["slowest_sender_messages_in_per_s"] == 0
    assert figures["fastest_sender_messages_in_per_s"] == 90  # the last 10 arrive after it
    assert figures["worst_sender_p99_ms"] == 300


def test_intake_counts_arrivals_in_the_window_and_latency_counts_sends_in_it() -> None:
    probe = Probe()
    probe.saw(0, -500, 600)  # sent before the window, arrived in it: intake only
    probe.saw(0, 900, 400)  # sent in the window, arrived after it: latency only
    probe.saw(1, 100, 50)
    figures = sender_figures(probe, 2, 0, 1000 * MS)
    assert figures["slowest_sender_messages_in_per_s"] == 1
    assert figures["fastest_sender_messages_in_per_s"] == 1
    assert figures["senders_with_nothing_through"] == 0
    assert figures["worst_sender_p99_ms"] == 400
