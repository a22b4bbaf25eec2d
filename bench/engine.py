"""The measuring phase on raw sockets and one epoll, so that the generator stays light.

asyncio sets the connections up (`bench.clients`); then `Engine.adopt()` takes each room
connection's socket away from asyncio, and `Engine.run()` drives them all from a tight loop:
a readable socket costs one `recv_into` into a shared buffer and one `bytearray.count`, with
no callback machinery in between. That keeps one generator core ahead of the server, which
asyncio's per-read overhead did not at 100,000 deliveries a second.

Roles: `COUNT` counts newlines; `PROBE` also reads the send stamps in the texts for latency;
`SLOW` makes one small read, then ignores the socket for a pause. A full-speed sender writes
a block of `say` lines whenever its socket has room; paced sending runs from a timer.
"""

from __future__ import annotations

import enum
import heapq
import itertools
import os
import select
import socket
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from bench.clients import STAMP, Wire, say_line, stamped_text

READ_BYTES = 256 * 1024
IN = select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR | select.EPOLLRDHUP
OUT = select.EPOLLOUT


class Role(enum.Enum):
    """What the engine does with a socket's incoming bytes."""

    COUNT = "count"
    PROBE = "probe"
    SLOW = "slow"


@dataclass(eq=False)
class Endpoint:
    """One adopted room connection and its counters."""

    sock: socket.socket
    role: Role
    count: int = 0  # newlines received
    lost_by_peer: bool = False
    written: int = 0  # say lines written (senders)
    block: bytes = b""  # a full-speed sender's block of say lines
    block_lines: int = 0
    stamped: bool = False  # re-stamp the block with the time each time it is queued
    out: bytearray = field(default_factory=bytearray)
    slow_pause: float = 0.0
    slow_read: int = 4096
    paused: bool = False
    tail: bytes = b""
    sends: array[int] = field(default_factory=lambda: array("q"))
    latencies: array[int] = field(default_factory=lambda: array("q"))
    origins: array[int] = field(default_factory=lambda: array("b"))  # senders' numbers
    sender: int = 0  # the number a sender puts in its stamps

    @property
    def fd(self) -> int:
        return self.sock.fileno()


class Engine:
    """A minimal single-threaded loop: epoll for the sockets, a heap for the timers."""

    def __init__(self) -> None:
        self._epoll = select.epoll()
        self._endpoints: dict[int, Endpoint] = {}
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._stopped = False
        self.lags: list[float] = []  # paced sending: how late each send was, seconds
        self.markers_sent = 0  # read markers (`read_markers`)

    # --- sockets -------------------------------------------------------------------------

    def adopt(
        self,
        wire: Wire,
        role: Role = Role.COUNT,
        *,
        full_speed_lines: int = 0,
        stamped: bool = False,
        sender: int = 0,
        slow_pause: float = 0.0,
        slow_read: int = 4096,
    ) -> Endpoint:
        """Take over a room connection: asyncio stops reading it, the engine reads a
        duplicate of its descriptor. `full_speed_lines` > 0 makes it a full-speed sender;
        `stamped` makes every block carry the time it was queued, for a probe, and `sender`
        the number of this sender (for `clients.sender_figures`)."""
        assert wire.transport is not None
        wire.transport.pause_reading()
        original = wire.transport.get_extra_info("socket")
        sock = socket.socket(fileno=os.dup(original.fileno()))
        sock.setblocking(False)
        endpoint = Endpoint(sock, role, slow_pause=slow_pause, slow_read=slow_read, sender=sender)
        if full_speed_lines:
            endpoint.block = say_line(stamped_text(0, sender)) * full_speed_lines
            endpoint.block_lines = full_speed_lines
            endpoint.stamped = stamped
        self._endpoints[endpoint.fd] = endpoint
        self._epoll.register(endpoint.fd, IN | (OUT if full_speed_lines else 0))
        return endpoint

    def send(self, endpoint: Endpoint, data: bytes, lines: int) -> None:
        """Queue `data` (`lines` say lines) and write what the socket takes now."""
        if endpoint.lost_by_peer:
            return
        endpoint.out += data
        endpoint.written += lines
        self._flush(endpoint)

    def _flush(self, endpoint: Endpoint) -> None:
        if endpoint.block and not endpoint.out:
            if endpoint.stamped:  # the latency of a flat-out sender includes its own queue
                line = say_line(stamped_text(time.perf_counter_ns(), endpoint.sender))
                endpoint.block = line * endpoint.block_lines
            endpoint.out += endpoint.block
            endpoint.written += endpoint.block_lines
        if not endpoint.out:
            return
        try:
            sent = endpoint.sock.send(endpoint.out)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._lose(endpoint)
            return
        del endpoint.out[:sent]
        if not endpoint.block:  # a paced sender waits for room only when it has to
            mask = (0 if endpoint.paused else IN) | (OUT if endpoint.out else 0)
            self._epoll.modify(endpoint.fd, mask)

    def _lose(self, endpoint: Endpoint) -> None:
        if not endpoint.lost_by_peer:
            endpoint.lost_by_peer = True
            self._epoll.unregister(endpoint.fd)

    def close(self) -> None:
        """Forget every socket (the duplicates are closed; the asyncio side stays)."""
        for endpoint in self._endpoints.values():
            if not endpoint.lost_by_peer:
                self._epoll.unregister(endpoint.fd)
            endpoint.sock.close()
        self._endpoints.clear()
        self._epoll.close()

    # --- timers --------------------------------------------------------------------------

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Run `callback` at `when` (time.perf_counter())."""
        heapq.heappush(self._timers, (when, next(self._order), callback))

    def stop(self) -> None:
        self._stopped = True

    def pace(self, senders: Sequence[Endpoint], rate: float, start: float, until: float) -> None:
        """From `start` to `until`, write `rate` messages a second in total, round-robin over
        `senders`, each text stamped with the time it is written. Messages that fall due
        while the loop is busy go out at once (none skipped); `lags` records the delay."""
        state = {"sent": 0, "turn": 0}
        tick = 0.0005

        def send_due() -> None:
            now = time.perf_counter()
            due = int((now - start) * rate) - state["sent"]
            if due > 0:
                self.lags.append(now - (start + (state["sent"] + 1) / rate))
                counts = [0] * len(senders)
                for _ in range(due):
                    counts[state["turn"] % len(senders)] += 1
                    state["turn"] += 1
                for number, (endpoint, count) in enumerate(zip(senders, counts, strict=True)):
                    if count:
                        line = say_line(stamped_text(time.perf_counter_ns(), number))
                        self.send(endpoint, line * count, count)
                state["sent"] += due
            if now < until:
                self.call_at(max(now + tick, start + (state["sent"] + 1) / rate), send_due)

        self.call_at(start, send_due)

    def read_markers(
        self, endpoints: Sequence[Endpoint], interval: float, start: float, until: float
    ) -> None:
        """Every endpoint sends a `read` marker every `interval` seconds (staggered), as a
        client does whose window is active and at the bottom (issue 15). Its seq is what
        the member has surely seen: lines received less every marker sent by anyone (each
        relayed at most once), so it never passes the room's last message; a marker is
        sent only when that moved on. `markers_sent` counts them."""
        last = dict.fromkeys(range(len(endpoints)), 0)

        def send(index: int, when: float) -> None:
            endpoint = endpoints[index]
            seq = endpoint.count - self.markers_sent
            if seq > last[index]:
                last[index] = seq
                self.markers_sent += 1
                self.send(endpoint, b'{"type":"read","seq":%d}\n' % seq, 0)
            if when + interval < until:
                self.call_at(when + interval, partial(send, index, when + interval))

        for index in range(len(endpoints)):
            first = start + interval * index / len(endpoints)
            self.call_at(first, partial(send, index, first))

    # --- the loop ------------------------------------------------------------------------

    def run(self, until: float) -> None:
        """Serve sockets and timers until `until` (time.perf_counter()) or `stop()`."""
        poll = self._epoll.poll
        endpoints = self._endpoints
        timers = self._timers
        buffer = bytearray(READ_BYTES)
        view = memoryview(buffer)
        clock = time.perf_counter
        count_role, slow_role = Role.COUNT, Role.SLOW
        while not self._stopped:
            now = clock()
            while timers and timers[0][0] <= now:
                heapq.heappop(timers)[2]()
                now = clock()
            if now >= until or self._stopped:
                break
            wake = min(until, timers[0][0]) if timers else until
            for fd, mask in poll(max(0.0, wake - now)):
                endpoint = endpoints.get(fd)
                if endpoint is None or endpoint.lost_by_peer:
                    continue
                if mask & OUT:
                    self._flush(endpoint)
                if not mask & IN:
                    continue
                role = endpoint.role
                target = view[: endpoint.slow_read] if role is slow_role else buffer
                try:
                    size = endpoint.sock.recv_into(target)
                except BlockingIOError:
                    continue
                except OSError:
                    self._lose(endpoint)
                    continue
                if size == 0:
                    self._lose(endpoint)
                    continue
                endpoint.count += buffer.count(b"\n", 0, size)
                if role is count_role:
                    continue
                if role is slow_role:
                    self._rest(endpoint)
                else:
                    self._probe(endpoint, bytes(view[:size]))

    def _probe(self, endpoint: Endpoint, data: bytes) -> None:
        now = time.perf_counter_ns()
        data = endpoint.tail + data
        cut = data.rfind(b"\n") + 1
        endpoint.tail = data[cut:]
        for match in STAMP.finditer(data, 0, cut):
            sent = int(match.group(1))
            endpoint.sends.append(sent)
            endpoint.latencies.append(now - sent)
            endpoint.origins.append(int(match.group(2)))

    def _rest(self, endpoint: Endpoint) -> None:
        endpoint.paused = True
        self._epoll.modify(endpoint.fd, OUT if endpoint.out else 0)

        def resume() -> None:
            endpoint.paused = False
            if not endpoint.lost_by_peer:
                self._epoll.modify(endpoint.fd, IN | (OUT if endpoint.out else 0))

        self.call_at(time.perf_counter() + endpoint.slow_pause, resume)
