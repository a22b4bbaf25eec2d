"""The client's DNS-SD browser for `_roomchat._tcp`, sans-IO: packets in, queries out.

`ServerBrowser` keeps a cache of the records it heard (each until its TTL runs out, a
goodbye at once), asks again at growing intervals with its known answers (RFC 6762 §5.2,
§7.1), re-asks for a server's SRV as it nears its end (§5.2's cache maintenance) and lists
the servers the cache describes. No Qt; time from an injected clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dns.name

from app.shared import dnssd
from app.shared.dnssd import MalformedPacketError, Packet, Question, Record
from app.shared.limits import Clock

FIRST_INTERVAL, MAX_INTERVAL = 1.0, 60.0  # §5.2: 1 s, then doubling
REFRESH_AT = (0.80, 0.90)  # of a server's SRV lifetime: ask for it again
MAX_RECORDS = 2_000  # a flood of records cannot grow the cache without end


@dataclass(frozen=True, slots=True)
class FoundServer:
    """A RoomChat server found on the network: what the login window lists."""

    name: str  # the instance label, "RoomChat on box"
    host: str  # an address to connect to
    port: int
    tls: bool = False
    fingerprint: str = ""  # SHA-256 of its certificate, lower-case hex, from TXT
    registration: bool = True
    rooms: int = 0

    @property
    def key(self) -> str:
        return self.name.casefold()


@dataclass(slots=True)
class _Cached:
    record: Record
    received: float
    source: str  # the address the packet came from

    def expires(self) -> float:
        return self.received + self.record.ttl


class ServerBrowser:
    """Browses for RoomChat servers; `poll()` returns queries due, `servers()` the list.

    `receive()` and `poll()` return True when `servers()` may have changed.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._cache: dict[tuple[dns.name.Name, int, object], _Cached] = {}
        self._interval = FIRST_INTERVAL
        self._query_due: float | None = None
        self._refreshes: dict[dns.name.Name, int] = {}  # instance → refresh queries sent
        self.malformed = 0

    def start(self) -> None:
        self._query_due = self._clock()

    def next_wakeup(self) -> float | None:
        times = [self._query_due, *(self._refresh_time(item) for item in self._srvs())]
        times += [item.expires() for item in self._cache.values()]
        due = [t for t in times if t is not None]
        return min(due) if due else None

    def poll(self) -> tuple[list[bytes], bool]:
        """The queries due by now, and whether servers went (their records expired)."""
        now = self._clock()
        changed = self._expire(now)
        queries: list[bytes] = []
        if self._query_due is not None and now >= self._query_due:
            queries.append(self._browse_query(now))
            self._query_due = now + self._interval
            self._interval = min(self._interval * 2, MAX_INTERVAL)
        refresh = [
            Question(item.record.name, dnssd.SRV)
            for item in self._srvs()
            if (due := self._refresh_time(item)) is not None and now >= due
        ]
        for question in refresh:
            self._refreshes[question.name] = self._refreshes.get(question.name, 0) + 1
        if refresh:
            queries.append(dnssd.encode(Packet(False, tuple(refresh))))
        return queries, changed

    def _browse_query(self, now: float) -> bytes:
        known = tuple(
            item.record.with_ttl(max(0, int(item.expires() - now)))
            for item in self._cache.values()
            if item.record.rdtype == dnssd.PTR
            and item.record.name == dnssd.SERVICE_TYPE
            and item.expires() - now > item.record.ttl / 2
        )
        question = Question(dnssd.SERVICE_TYPE, dnssd.PTR)
        return dnssd.encode(Packet(False, (question,), answers=known))

    def _srvs(self) -> list[_Cached]:
        return [item for item in self._cache.values() if item.record.rdtype == dnssd.SRV]

    def _refresh_time(self, item: _Cached) -> float | None:
        sent = self._refreshes.get(item.record.name, 0)
        if sent >= len(REFRESH_AT):
            return None
        return item.received + item.record.ttl * REFRESH_AT[sent]

    def _expire(self, now: float) -> bool:
        gone = [key for key, item in self._cache.items() if item.expires() <= now]
        for key in gone:
            del self._cache[key]
        return bool(gone)

    def receive(self, data: bytes, address: str) -> bool:
        """Take the records of one packet; a query's known answers are not news."""
        try:
            packet = dnssd.decode(data)
        except MalformedPacketError:
            self.malformed += 1
            return False
        if not packet.response:
            return False
        now = self._clock()
        changed = False
        for record in packet.answers + packet.additionals:
            if _wanted(record):
                changed = self._store(record, now, address) or changed
        return changed

    def _store(self, record: Record, now: float, source: str) -> bool:
        key = (record.name, int(record.rdtype), record.rdata)
        if record.ttl == 0:  # a goodbye
            return self._cache.pop(key, None) is not None
        if record.cache_flush:  # §10.2: this is the whole set now
            for other in [k for k in self._cache if k[:2] == key[:2] and k != key]:
                del self._cache[other]
        if key not in self._cache and len(self._cache) >= MAX_RECORDS:
            return False
        old = self._cache.get(key)
        self._cache[key] = _Cached(record, now, source)
        if record.rdtype == dnssd.SRV:
            self._refreshes.pop(record.name, None)
        return old is None or old.record.rdata != record.rdata or record.cache_flush

    def servers(self) -> list[FoundServer]:
        """Every server with an unexpired PTR and SRV, by name."""
        by_type: dict[tuple[dns.name.Name, int], list[_Cached]] = {}
        for (name, rdtype, _), item in self._cache.items():
            by_type.setdefault((name, rdtype), []).append(item)

        def rdatas(name: dns.name.Name, rdtype: int) -> list[Any]:
            return [item.record.rdata for item in by_type.get((name, rdtype), [])]

        found = []
        for pointer in rdatas(dnssd.SERVICE_TYPE, dnssd.PTR):
            instance = pointer.target
            srvs = by_type.get((instance, dnssd.SRV))
            if not srvs:
                continue
            srv: Any = srvs[0].record.rdata
            txts = by_type.get((instance, dnssd.TXT))
            txt = dnssd.ServiceTxt.parse(dnssd.txt_values(txts[0].record) if txts else {})
            addresses = [a.address for a in rdatas(srv.target, dnssd.A)]
            addresses += [a.address for a in rdatas(srv.target, dnssd.AAAA)]
            found.append(
                FoundServer(
                    name=dnssd.instance_label(instance),
                    host=(*addresses, srvs[0].source)[0],  # IPv4 first, else who answered
                    port=srv.port,
                    tls=txt.tls,
                    fingerprint=txt.fingerprint,
                    registration=txt.registration,
                    rooms=txt.rooms,
                )
            )
        return sorted(found, key=lambda server: (server.key, server.host, server.port))


def _wanted(record: Record) -> bool:
    """Records about RoomChat servers and the addresses of hosts (.local)."""
    if record.rdtype == dnssd.PTR:
        return record.name == dnssd.SERVICE_TYPE
    if record.rdtype in (dnssd.SRV, dnssd.TXT):
        return len(record.name) > 1 and record.name.parent() == dnssd.SERVICE_TYPE
    if record.rdtype in (dnssd.A, dnssd.AAAA):
        return record.name.is_subdomain(dnssd.LOCAL)
    return False
