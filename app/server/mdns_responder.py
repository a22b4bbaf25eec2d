"""The server's multicast DNS responder (RFC 6762/6763), sans-IO: packets in, datagrams out.

`Responder` decides what to send and when; `app.server.mdns_announcer` moves the bytes.
It probes for its instance name, renames itself on a conflict, announces, answers queries
(known answers suppressed, unicast when asked), updates its TXT when the room count
changes and says goodbye. Time comes from an injected clock.
"""

from __future__ import annotations

import enum
from dataclasses import replace

import dns.name

from app.server.mdns_service import (
    Datagram,
    ServiceDescription,
    next_name,
    service_records,
    unique_records,
)
from app.shared import dnssd
from app.shared.dnssd import MDNS_PORT, MalformedPacketError, Packet, Question, Record
from app.shared.limits import Clock, TokenBucket

PROBES, PROBE_INTERVAL = 3, 0.25  # RFC 6762 §8.1
ANNOUNCEMENTS, ANNOUNCE_INTERVAL = 2, 1.0  # §8.3
LEGACY_TTL = 10  # §6.7: a reply to a one-shot (non-5353) query
MULTICAST_GAP = 1.0  # §6: a record is multicast at most once a second
TIE_BREAK_WAIT = 1.0  # §8.2: the loser of simultaneous probes waits, then probes again
CONFLICT_BURST, CONFLICT_WINDOW, CONFLICT_WAIT = 15, 10.0, 5.0  # §8.1's rate limit
OWN_ECHO = 5.0  # a record we multicast this recently, heard back, is our own echo


class State(enum.Enum):
    IDLE = "idle"
    PROBING = "probing"
    ANNOUNCING = "announcing"
    RUNNING = "running"
    STOPPED = "stopped"


class Responder:
    """The responder for one service; `receive()` and `poll()` return what to send.

    The adapter calls `poll()` when the clock reaches `next_wakeup()`. Malformed packets
    are counted in `malformed`; replies over the rate are counted in `dropped`.
    """

    def __init__(
        self,
        service: ServiceDescription,
        clock: Clock,
        answers_per_second: float = 20.0,
        update_interval: float = 3.0,
    ) -> None:
        self.service = service
        self.state = State.IDLE
        self.malformed = 0
        self.dropped = 0
        self._clock = clock
        self._bucket = TokenBucket(answers_per_second, answers_per_second, clock)
        self._update_interval = update_interval
        self._step_due: float | None = None  # the next probe or announcement
        self._steps = 0  # probes or announcements sent in this state
        self._txt_due: float | None = None
        self._txt_sent = float("-inf")
        self._multicast_at: dict[tuple[object, object], float] = {}
        self._conflicts: list[float] = []

    @property
    def name(self) -> str:
        """The instance name now in use (or being probed for)."""
        return self.service.instance

    # Records -------------------------------------------------------------------------

    def _instance(self) -> dns.name.Name:
        return dnssd.instance_name(self.service.instance)

    def _unique(self) -> list[Record]:
        return unique_records(self.service)

    def records(self) -> list[Record]:
        """Every record this responder answers for."""
        return service_records(self.service)

    # Timeline ------------------------------------------------------------------------

    def start(self) -> None:
        """Begin probing for the instance name; the first probe is due at once."""
        if self.state is State.IDLE:
            self._begin_probing(self._clock())

    def next_wakeup(self) -> float | None:
        """The clock time `poll()` has something to do at, or None."""
        due = [t for t in (self._step_due, self._txt_due) if t is not None]
        return min(due) if due else None

    def poll(self) -> list[Datagram]:
        """The probes, announcements and TXT updates due by now."""
        now = self._clock()
        out: list[Datagram] = []
        if self._step_due is not None and now >= self._step_due:
            out.extend(self._step(now))
        if self._txt_due is not None and now >= self._txt_due and self.state is State.RUNNING:
            self._txt_due = None
            self._txt_sent = now
            txt = self._unique()[1]
            out.append(self._multicast(Packet(True, answers=(txt,)), [txt], now))
        return out

    def _begin_probing(self, at: float) -> None:
        self.state = State.PROBING
        self._steps = 0
        self._step_due = at

    def _step(self, now: float) -> list[Datagram]:
        if self.state is State.PROBING:
            if self._steps < PROBES:
                self._steps += 1
                self._step_due = now + PROBE_INTERVAL
                question = Question(self._instance(), dnssd.ANY, unicast=True)
                probe = Packet(False, (question,), authorities=tuple(self._unique()))
                return [Datagram(dnssd.encode(probe))]
            self.state, self._steps = State.ANNOUNCING, 0  # 250 ms after the last probe
        if self.state is State.ANNOUNCING:
            self._steps += 1
            self._step_due = now + ANNOUNCE_INTERVAL if self._steps < ANNOUNCEMENTS else None
            if self._step_due is None:
                self.state = State.RUNNING
            records = self.records()
            return [self._multicast(Packet(True, answers=tuple(records)), records, now)]
        self._step_due = None
        return []

    def set_rooms(self, rooms: int) -> None:
        """The room count changed: the TXT record follows, at most once per update interval."""
        if rooms == self.service.txt.rooms:
            return
        self.service = replace(self.service, txt=replace(self.service.txt, rooms=rooms))
        if self.state is State.RUNNING:
            self._txt_due = max(self._clock(), self._txt_sent + self._update_interval)
        # Probing or announcing: the next announcement carries the new TXT.

    def stop(self) -> list[Datagram]:
        """Goodbye (every record with TTL 0) if the service was announced; then silence."""
        announced = self.state in (State.ANNOUNCING, State.RUNNING)
        self.state = State.STOPPED
        self._step_due = self._txt_due = None
        if not announced:
            return []
        goodbye = tuple(r.with_ttl(0) for r in self.records()[:2] + self._unique())
        return [Datagram(dnssd.encode(Packet(True, answers=goodbye)))]

    # Receiving -----------------------------------------------------------------------

    def receive(self, data: bytes, address: str, port: int) -> list[Datagram]:
        """Handle one packet from `address`:`port`; returns the replies to send now."""
        if self.state in (State.IDLE, State.STOPPED):
            return []
        try:
            packet = dnssd.decode(data)
        except MalformedPacketError:
            self.malformed += 1
            return []
        now = self._clock()
        if packet.response:
            self._check_response(packet, now)
            return []
        if self.state is State.PROBING:
            self._check_probe(packet, now)
            return []
        return self._answer(packet, address, port, now)

    def _conflict(self, now: float, wait: float = 0.0) -> None:
        """Another host holds (or won) our name: take the next one and probe again."""
        self._conflicts = [t for t in self._conflicts if now - t < CONFLICT_WINDOW] + [now]
        if len(self._conflicts) >= CONFLICT_BURST:
            wait = max(wait, CONFLICT_WAIT)
        self.service = replace(self.service, instance=next_name(self.service.instance))
        self._begin_probing(now + wait)

    def _check_response(self, packet: Packet, now: float) -> None:
        name, ours = self._instance(), self._unique()
        for record in packet.records():
            if (
                record.name != name
                or record.ttl == 0
                or record.rdtype not in (dnssd.SRV, dnssd.TXT)
            ):
                continue
            if any(record.same(mine) for mine in ours):
                continue  # our own packet, looped back, or the same data: no conflict
            sent = self._multicast_at.get((record.name, record.rdata))
            if sent is not None and now - sent < OWN_ECHO:
                continue  # our own packet from before the room count changed
            # While probing, any answer for the name is a conflict; once announced, only a
            # unique record with other data (§9).
            if self.state is State.PROBING or record.cache_flush:
                self._conflict(now)
                return

    def _check_probe(self, packet: Packet, now: float) -> None:
        """Simultaneous probes (§8.2): the lexicographically later proposal wins."""
        name = self._instance()
        theirs = sorted(_sort_key(r) for r in packet.authorities if r.name == name)
        if not theirs:
            return
        mine = sorted(_sort_key(r) for r in self._unique())
        if theirs > mine:  # we lost: the same name again, after a second
            self._begin_probing(now + TIE_BREAK_WAIT)

    def _answer(self, packet: Packet, address: str, port: int, now: float) -> list[Datagram]:
        legacy = port != MDNS_PORT  # §6.7: a one-shot resolver gets a plain DNS reply
        # A probe for a name we hold is answered by multicast at once (§8.1, §6: its gap is
        # 250 ms), whatever its QU bit: on a host where several programs share port 5353, a
        # unicast reply reaches only one of them, perhaps not the prober.
        probe = bool(packet.authorities) and not legacy
        records = self.records()
        known = packet.answers
        multicast: list[Record] = []
        unicast: list[Record] = []
        for question in packet.questions:
            for record in records:
                if not question.matches(record) or _known(record, known):
                    continue
                target = unicast if legacy or (question.unicast and not probe) else multicast
                if record not in target:
                    target.append(record)
        out: list[Datagram] = []
        if unicast:
            extra = self._additionals(unicast, records, known)
            if legacy:
                reply = Packet(
                    True,
                    packet.questions,
                    tuple(r.with_ttl(min(r.ttl, LEGACY_TTL), False) for r in unicast),
                    additionals=tuple(r.with_ttl(min(r.ttl, LEGACY_TTL), False) for r in extra),
                    id=packet.id,
                )
            else:
                reply = Packet(True, answers=tuple(unicast), additionals=tuple(extra))
            out.append(Datagram(dnssd.encode(reply), address, port))
        gap = PROBE_INTERVAL if probe else MULTICAST_GAP
        multicast = [r for r in multicast if not self._recently_multicast(r, now, gap)]
        if multicast:
            extra = self._additionals(multicast, records, known)
            reply = Packet(True, answers=tuple(multicast), additionals=tuple(extra))
            out.append(self._multicast(reply, multicast, now))
        sendable = [d for d in out if self._bucket.take()]
        self.dropped += len(out) - len(sendable)
        return sendable

    def _additionals(
        self, answers: list[Record], records: list[Record], known: tuple[Record, ...]
    ) -> list[Record]:
        """RFC 6763 §12: a PTR brings its SRV, TXT and addresses; an SRV its addresses."""
        types = {r.rdtype for r in answers}
        wanted: set[int] = set()
        if dnssd.PTR in types:
            wanted |= {dnssd.SRV, dnssd.TXT, dnssd.A, dnssd.AAAA}
        if dnssd.SRV in types:
            wanted |= {dnssd.A, dnssd.AAAA}
        return [
            r for r in records if r.rdtype in wanted and r not in answers and not _known(r, known)
        ]

    def _recently_multicast(self, record: Record, now: float, gap: float) -> bool:
        return now - self._multicast_at.get((record.name, record.rdata), -1e9) < gap

    def _multicast(self, packet: Packet, records: list[Record], now: float) -> Datagram:
        for record in records:
            self._multicast_at[(record.name, record.rdata)] = now
        return Datagram(dnssd.encode(packet))


def _known(record: Record, known: tuple[Record, ...]) -> bool:
    """Known-answer suppression (§7.1): the asker holds it with at least half its TTL."""
    return any(record.same(k) and k.ttl >= record.ttl / 2 for k in known)


def _sort_key(record: Record) -> tuple[int, int, bytes]:
    return (int(dnssd.IN), int(record.rdtype), dnssd.rdata_wire(record.rdata))
