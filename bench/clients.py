"""asyncio clients that speak protocol v1 to the server under test, over 127.0.0.1 only.

One `Wire` (an `asyncio.Protocol`) is one TCP connection. It starts in `Mode.LINES`, where it
parses every line, for the set-up conversation (welcome, login, tickets, enter); a measuring
connection then switches to a cheap mode:

- `Mode.COUNT` counts deliveries by counting b"\\n" in whatever one read returned;
- `Mode.PROBE` also reads the send time a sender put in each message's text, for latency;
- `Mode.SLOW` counts, then stops reading for a while after every read (a slow reader).

Texts are 64 characters: `t=<perf_counter_ns, 19 digits> ` and padding. Sender and probe
live in this one process, so the clock is the same on both ends.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import json
import re
import socket
import time
from array import array
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

HOST = "127.0.0.1"
TEXT_LENGTH = 64
REQUEST_TIMEOUT_S = 60.0
STAMP = re.compile(rb'"text":\s*"t=(\d{19}) (\d\d)')
_request_ids = itertools.count(1)


class BenchError(RuntimeError):
    """The server answered a set-up request with an error, or not at all."""


class TryLaterError(BenchError):
    """The server refused for now (`server_busy` or `rate_limited` with `retry_after`)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"try again in {retry_after} s")
        self.retry_after = retry_after


class Mode(enum.Enum):
    """What a `Wire` does with what it reads."""

    LINES = "lines"
    COUNT = "count"
    PROBE = "probe"
    SLOW = "slow"


def stamped_text(stamp_ns: int, sender: int = 0) -> str:
    """A 64-character chat text carrying `stamp_ns` and the number of its sender (0-99) for
    the probe."""
    head = f"t={stamp_ns:019d} {sender % 100:02d} "
    return head + "x" * (TEXT_LENGTH - len(head))


def say_line(text: str) -> bytes:
    return b'{"type":"say","text":"' + text.encode() + b'"}\n'


class Wire(asyncio.Protocol):
    """One client connection; see the module docstring for its modes."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.mode = Mode.LINES
        self.count = 0  # newlines received, in every mode
        self.bytes_received = 0
        self.sends: array[int] = array("q")  # probe: send stamps (perf_counter_ns)
        self.latencies: array[int] = array("q")  # probe: receive minus send, ns
        self.origins: array[int] = array("b")  # probe: the sender's number in the stamp
        self.slow_pause_s = 0.0
        self.lost_by_peer = False  # the server closed or reset the connection
        self.closing = False  # we closed it
        self._tail = b""
        # Lines as read, parsed only when taken: a login among n online gets n presence
        # frames behind its reply, which the bench would otherwise parse to drop (n² in all).
        self._lines: deque[bytes] = deque()
        self._line_waiter: asyncio.Future[None] | None = None
        self._writable = asyncio.Event()
        self._writable.set()
        self._slow_handle: asyncio.TimerHandle | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # --- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.count += data.count(b"\n")
        self.bytes_received += len(data)
        mode = self.mode
        if mode is Mode.COUNT:
            return
        if mode is Mode.PROBE:
            self._probe(data)
        elif mode is Mode.SLOW:
            self._rest()
        else:
            self._parse(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closing:
            self.lost_by_peer = True
        if self._slow_handle is not None:
            self._slow_handle.cancel()
        if not self.closed.done():
            self.closed.set_result(None)
        self._wake()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    # --- modes ---------------------------------------------------------------------------

    def set_mode(self, mode: Mode, slow_pause_s: float = 0.0) -> None:
        """Switch modes; what was parsed and not yet taken is dropped."""
        self.mode = mode
        self.slow_pause_s = slow_pause_s
        self._lines.clear()
        self._tail = b""

    def _parse(self, data: bytes) -> None:
        data = self._tail + data
        *lines, self._tail = data.split(b"\n")
        self._lines.extend(line for line in lines if line.strip())
        if lines:
            self._wake()

    def _probe(self, data: bytes) -> None:
        now = time.perf_counter_ns()
        data = self._tail + data
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        for match in STAMP.finditer(data, 0, cut):
            sent = int(match.group(1))
            self.sends.append(sent)
            self.latencies.append(now - sent)
            self.origins.append(int(match.group(2)))

    def _rest(self) -> None:
        transport = self.transport
        if transport is None or transport.is_closing() or self._slow_handle is not None:
            return
        transport.pause_reading()
        loop = asyncio.get_running_loop()
        self._slow_handle = loop.call_later(self.slow_pause_s, self._wake_up_slow)

    def _wake_up_slow(self) -> None:
        self._slow_handle = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    def _wake(self) -> None:
        waiter = self._line_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- conversation --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.transport is not None and not self.closed.done()

    @property
    def writable(self) -> bool:
        return self._writable.is_set()

    async def wait_writable(self, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self._writable.wait()
        except TimeoutError:
            return False
        return True

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send(self, message: dict[str, Any]) -> None:
        self.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    async def next_message(self, timeout: float = REQUEST_TIMEOUT_S) -> dict[str, Any]:
        """The next parsed line (LINES mode)."""
        return self._parsed(await self._next_line(timeout))

    async def _next_line(self, timeout: float) -> bytes:
        async with asyncio.timeout(timeout):
            while not self._lines:
                if self.closed.done():
                    raise BenchError("the server closed the connection")
                self._line_waiter = asyncio.get_running_loop().create_future()
                await self._line_waiter
            return self._lines.popleft()

    @staticmethod
    def _parsed(line: bytes) -> dict[str, Any]:
        try:
            parsed: dict[str, Any] = json.loads(line)
        except ValueError:
            return {"type": "unparsable", "line": line[:200].decode("latin1")}
        return parsed

    async def request(
        self, message: dict[str, Any], timeout: float = REQUEST_TIMEOUT_S
    ) -> dict[str, Any]:
        """Send a request with a fresh id and return the reply with that id, skipping the
        events in between; an error reply raises `BenchError`."""
        request_id = f"b{next(_request_ids)}"
        self.send({**message, "id": request_id})
        try:
            async with asyncio.timeout(timeout):
                while True:
                    line = await self._next_line(timeout)
                    if request_id.encode() not in line and b'"error"' not in line:
                        continue  # an event (presence, say), left unparsed
                    reply = self._parsed(line)
                    if reply.get("id") == request_id:
                        break
                    if reply.get("type") == "error" and "id" not in reply:
                        raise BenchError(f"{message['type']}: {reply.get('code')}")
        except TimeoutError:
            raise BenchError(f"{message['type']}: no reply in {timeout} s") from None
        if reply.get("type") == "error":
            wait = reply.get("retry_after")
            if reply.get("code") in ("server_busy", "rate_limited") and wait is not None:
                raise TryLaterError(float(wait))
            raise BenchError(f"{message['type']}: {reply.get('code')} {reply.get('message')}")
        return reply

    def close(self) -> None:
        self.closing = True
        if self.transport is not None:
            self.transport.abort()


async def connect(port: int, rcvbuf: int | None = None, host: str = HOST) -> Wire:
    """A `Wire` to `host`:`port`; `rcvbuf` shrinks the kernel's receive buffer."""
    loop = asyncio.get_running_loop()
    if rcvbuf is None:
        _, wire = await loop.create_connection(Wire, host, port)
        return wire
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
    except BaseException:
        sock.close()
        raise
    _, wire = await loop.create_connection(Wire, sock=sock)
    return wire


@dataclass
class Member:
    """A logged-in user: the main-port connection and, once entered, the room connection."""

    name: str
    main: Wire
    room: Wire | None = None
    room_id: int = 0


async def log_in(port: int, name: str, password: str, timeout: float = REQUEST_TIMEOUT_S) -> Member:
    main = await connect(port)
    try:
        welcome = await main.next_message(timeout)
        if welcome.get("type") != "welcome":
            raise BenchError(f"expected welcome, got {welcome}")
        deadline = time.monotonic() + timeout
        while True:  # as a real client does: wait out a server_busy's retry_after, then again
            try:
                await main.request({"type": "login", "name": name, "password": password}, timeout)
                break
            except TryLaterError as busy:
                if time.monotonic() + busy.retry_after > deadline:
                    raise BenchError(f"login: still busy after {timeout} s") from None
                await asyncio.sleep(busy.retry_after)
    except BaseException:
        main.close()
        raise
    return Member(name, main)


def room_address(room: dict[str, Any]) -> tuple[str, int]:
    """Where a room listens: its `host` when the reply names one (a room on another node,
    issue 19's `--workers`), else the main port's host; and its port."""
    return str(room.get("host") or HOST), int(room["port"])


async def enter(
    member: Member,
    room_port: int,
    ticket: str,
    mode: Mode,
    rcvbuf: int | None = None,
    host: str = HOST,
) -> None:
    """Present the ticket on the room port; then the room connection reads in `mode`
    and the main connection only counts (lobby events are not looked at)."""
    room = await connect(room_port, rcvbuf, host)
    member.room = room
    room.send({"type": "enter", "ticket": ticket})
    reply = await room.next_message()
    if reply.get("type") != "entered":
        raise BenchError(f"enter: {reply}")
    room.set_mode(mode)
    member.main.set_mode(Mode.COUNT)


async def create_room(
    owner: Member, room_name: str, capacity: int, mode: Mode = Mode.COUNT
) -> tuple[int, int]:
    """The owner opens a room and enters it; returns (room id, room port)."""
    reply = await owner.main.request(
        {"type": "create_room", "name": room_name, "capacity": capacity, "password": None}
    )
    room_id = reply["room"]["id"]
    host, room_port = room_address(reply["room"])
    owner.room_id = room_id
    await enter(owner, room_port, reply["ticket"], mode, host=host)
    return room_id, room_port


async def join(
    member: Member, room_id: int, mode: Mode = Mode.COUNT, rcvbuf: int | None = None
) -> None:
    reply = await member.main.request({"type": "join_room", "room_id": room_id})
    member.room_id = room_id
    host, room_port = room_address(reply["room"])
    await enter(member, room_port, reply["ticket"], mode, rcvbuf, host)


async def gather_limited(coroutines: Sequence[Any], limit: int) -> list[Any]:
    """Run coroutines with at most `limit` at a time; the first failure propagates."""
    gate = asyncio.Semaphore(limit)

    async def one(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))


@dataclass
class RoomSetup:
    """A room full of members: `members[0]` is the owner."""

    room_id: int
    port: int
    members: list[Member] = field(default_factory=list)


async def build_room(
    port: int,
    room_name: str,
    names: Sequence[str],
    password: str,
    modes: Sequence[Mode],
    capacity: int,
    rcvbufs: Sequence[int | None] | None = None,
    parallel: int = 32,
) -> RoomSetup:
    """Log everyone in, the first creates the room, the others join it (`parallel` at a
    time); member i's room connection reads in `modes[i]`."""
    owner = await log_in(port, names[0], password)
    room_id, room_port = await create_room(owner, room_name, capacity, modes[0])
    setup = RoomSetup(room_id, room_port, [owner])

    async def one(index: int) -> Member:
        member = await log_in(port, names[index], password)
        rcvbuf = rcvbufs[index] if rcvbufs else None
        await join(member, room_id, modes[index], rcvbuf)
        return member

    setup.members += await gather_limited([one(i) for i in range(1, len(names))], parallel)
    return setup


def close_all(members: Sequence[Member]) -> None:
    for member in members:
        member.main.close()
        if member.room is not None:
            member.room.close()


# --- senders ---------------------------------------------------------------------------


async def paced(
    wires: Sequence[Wire], rate: float, until: float, stop: asyncio.Event | None = None
) -> int:
    """Send `rate` messages a second in total, round-robin over `wires`, until `until` (loop
    time) or `stop` is set. Each text carries the time it was written. Messages that fell due
    while the loop was busy are sent at once (none are skipped), stamped with the actual
    write time."""
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    sent = 0
    turn = 0
    while loop.time() < until and not (stop is not None and stop.is_set()):
        due = int((time.perf_counter() - start) * rate) - sent
        if due > 0:
            batches: dict[int, int] = {}
            for _ in range(due):
                index = turn % len(wires)
                batches[index] = batches.get(index, 0) + 1
                turn += 1
            for index, count in batches.items():
                line = say_line(stamped_text(time.perf_counter_ns(), index))
                wires[index].write(line * count)
            sent += due
        await asyncio.sleep(0.0005)
    return sent


class Probed(Protocol):
    """Anything that kept send stamps and latencies: a probe `Wire` or engine endpoint."""

    sends: array[int]
    latencies: array[int]
    origins: array[int]


def percentiles_ms(probes: Sequence[Probed], since_ns: int, until_ns: int) -> dict[str, float]:
    """p50/p95/p99/max delivery latency (ms) of messages sent within [since, until)."""
    values: list[int] = []
    for probe in probes:
        values += [
            latency
            for sent, latency in zip(probe.sends, probe.latencies, strict=True)
            if since_ns <= sent < until_ns
        ]
    if not values:
        return {"samples": 0}
    return {"samples": len(values), **_quantiles_ms(values)}


def _quantiles_ms(values: list[int]) -> dict[str, float]:
    values.sort()

    def at(fraction: float) -> float:
        return round(values[min(len(values) - 1, int(fraction * len(values)))] / 1e6, 3)

    return {
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(values[-1] / 1e6, 3),
    }


def sender_figures(probe: Probed, senders: int, since_ns: int, until_ns: int) -> dict[str, Any]:
    """How evenly the server served `senders` (numbered 0..senders-1 in their stamps), as one
    probe that reads the whole room saw it: the slowest and fastest sender's messages that
    arrived within [since, until), how many senders had none arrive, and the worst sender's
    p99 over its messages sent in the window.

    A pooled p99 counts only messages that arrived, so a server that leaves some senders
    unread shows the latency of those it serves: these figures say whether it did."""
    wall_s = (until_ns - since_ns) / 1e9
    arrived = [0] * senders
    latencies: list[list[int]] = [[] for _ in range(senders)]
    for sent, latency, origin in zip(probe.sends, probe.latencies, probe.origins, strict=True):
        if origin >= senders:
            continue
        if since_ns <= sent + latency < until_ns:
            arrived[origin] += 1
        if since_ns <= sent < until_ns:
            latencies[origin].append(latency)
    served = [_quantiles_ms(values)["p99_ms"] for values in latencies if values]
    return {
        "slowest_sender_messages_in_per_s": round(min(arrived) / wall_s, 1),
        "fastest_sender_messages_in_per_s": round(max(arrived) / wall_s, 1),
        "senders_with_nothing_through": arrived.count(0),
        "worst_sender_p99_ms": max(served) if served else None,
    }
