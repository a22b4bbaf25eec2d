"""DNS-SD over multicast DNS as plain values: records, packets and RoomChat's TXT, via dnspython.

No Qt and no I/O: the server's responder and the client's browser both speak through here.
dnspython does the DNS wire format; this module adds what multicast DNS changes in it
(RFC 6762 §10.2 and §5.4: the top bit of a record's class is "cache flush", of a
question's class "unicast response wanted").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rdtypes.IN.A
import dns.rdtypes.IN.AAAA
import dns.rdtypes.IN.SRV
import dns.rrset

MDNS_PORT = 5353
MDNS_IPV4 = "224.0.0.251"
MDNS_IPV6 = "ff02::fb"
MAX_PACKET = 9_000  # RFC 6762 §17: a multicast DNS packet, headers included, fits 9 kB
LABEL_BYTES = 63  # one DNS label

SERVICE_TYPE = dns.name.from_text("_roomchat._tcp.local.")
SERVICE_ENUMERATION = dns.name.from_text("_services._dns-sd._udp.local.")
LOCAL = dns.name.from_text("local.")

IN = dns.rdataclass.IN
FLUSH_BIT = 0x8000
_IN_FLUSH = dns.rdataclass.RdataClass.make(IN | FLUSH_BIT)
A, AAAA, PTR, SRV, TXT, ANY = (
    dns.rdatatype.A,
    dns.rdatatype.AAAA,
    dns.rdatatype.PTR,
    dns.rdatatype.SRV,
    dns.rdatatype.TXT,
    dns.rdatatype.ANY,
)

# dnspython knows A, AAAA and SRV only in class IN; with the cache-flush bit the class reads
# as 0x8001, so it is told that those rdata have the same form there (its public hook).
for _impl, _type in ((dns.rdtypes.IN.A.A, A), (dns.rdtypes.IN.AAAA.AAAA, AAAA)):
    dns.rdata.register_type(_impl, _type, _type.name, rdclass=_IN_FLUSH)
dns.rdata.register_type(dns.rdtypes.IN.SRV.SRV, SRV, "SRV", rdclass=_IN_FLUSH)


class MalformedPacketError(Exception):
    """Bytes that are not a DNS message multicast DNS can use."""


def rdata_wire(rdata: dns.rdata.Rdata) -> bytes:
    """The rdata uncompressed, so that it stands alone."""
    return rdata.to_wire() or b""


def _in_class(rdata: dns.rdata.Rdata, rdclass: dns.rdataclass.RdataClass) -> dns.rdata.Rdata:
    if rdata.rdclass == rdclass:
        return rdata
    wire = rdata_wire(rdata)
    return dns.rdata.from_wire(rdclass, rdata.rdtype, wire, 0, len(wire))


@dataclass(frozen=True, slots=True)
class Record:
    """One resource record in class IN; `cache_flush` marks a unique record (RFC 6762 §10.2)."""

    name: dns.name.Name
    rdata: dns.rdata.Rdata
    ttl: int
    cache_flush: bool = False

    @property
    def rdtype(self) -> dns.rdatatype.RdataType:
        return self.rdata.rdtype

    def same(self, other: Record) -> bool:
        """The same name, type and data (TTL and flags aside)."""
        return self.name == other.name and self.rdata == other.rdata

    def with_ttl(self, ttl: int, cache_flush: bool | None = None) -> Record:
        flush = self.cache_flush if cache_flush is None else cache_flush
        return Record(self.name, self.rdata, ttl, flush)


@dataclass(frozen=True, slots=True)
class Question:
    name: dns.name.Name
    rdtype: int
    unicast: bool = False  # the QU bit: the asker wants a unicast reply

    def matches(self, record: Record) -> bool:
        return self.name == record.name and self.rdtype in (record.rdtype, ANY)


@dataclass(frozen=True, slots=True)
class Packet:
    """A multicast DNS message: a query (with known answers, or a probe's proposals in
    `authorities`) or a response."""

    response: bool
    questions: tuple[Question, ...] = ()
    answers: tuple[Record, ...] = ()
    authorities: tuple[Record, ...] = ()
    additionals: tuple[Record, ...] = ()
    id: int = 0

    def records(self) -> tuple[Record, ...]:
        return self.answers + self.authorities + self.additionals


def _records(section: Iterable[dns.rrset.RRset]) -> tuple[Record, ...]:
    found: list[Record] = []
    for rrset in section:
        if rrset.rdclass & ~FLUSH_BIT != IN:
            continue  # OPT and other classes say nothing to us
        flush = bool(rrset.rdclass & FLUSH_BIT)
        found.extend(Record(rrset.name, _in_class(rd, IN), rrset.ttl, flush) for rd in rrset)
    return tuple(found)


def decode(data: bytes) -> Packet:
    """The packet `data` holds; raises `MalformedPacketError` for anything dnspython refuses."""
    if len(data) > MAX_PACKET:
        raise MalformedPacketError(f"{len(data)} bytes is more than a multicast DNS packet")
    try:
        message = dns.message.from_wire(data, ignore_trailing=True)
        questions = tuple(
            Question(q.name, q.rdtype, bool(q.rdclass & FLUSH_BIT))
            for q in message.question
            if q.rdclass & ~FLUSH_BIT in (IN, dns.rdataclass.ANY)
        )
        return Packet(
            response=bool(message.flags & dns.flags.QR),
            questions=questions,
            answers=_records(message.answer),
            authorities=_records(message.authority),
            additionals=_records(message.additional),
            id=message.id,
        )
    # dnspython raises DNSException for bad wire data (60,000 mangled packets showed no
    # other); the rest are listed because a packet from the network must never raise.
    except (dns.exception.DNSException, ValueError, TypeError, IndexError, UnicodeError) as e:
        raise MalformedPacketError(str(e) or type(e).__name__) from None


def _rrset(record: Record) -> dns.rrset.RRset:
    rdclass = _IN_FLUSH if record.cache_flush else IN
    rrset = dns.rrset.RRset(record.name, rdclass, record.rdtype)
    rrset.add(_in_class(record.rdata, rdclass), record.ttl)
    return rrset


def encode(packet: Packet) -> bytes:
    message = dns.message.Message(id=packet.id)
    message.flags = (dns.flags.QR | dns.flags.AA) if packet.response else 0
    for question in packet.questions:
        rdclass = _IN_FLUSH if question.unicast else IN
        rdtype = dns.rdatatype.RdataType.make(question.rdtype)
        message.question.append(dns.rrset.RRset(question.name, rdclass, rdtype))
    message.answer.extend(_rrset(r) for r in packet.answers)
    message.authority.extend(_rrset(r) for r in packet.authorities)
    message.additional.extend(_rrset(r) for r in packet.additionals)
    return message.to_wire()


def label(text: str) -> bytes:
    """`text` as one DNS label: UTF-8, cut at a character boundary to 63 bytes."""
    data = text.encode("utf-8")[:LABEL_BYTES]
    return data.decode("utf-8", "ignore").encode("utf-8")


def instance_name(instance: str) -> dns.name.Name:
    return dns.name.Name((label(instance), *SERVICE_TYPE.labels))


def instance_label(name: dns.name.Name) -> str:
    """The person-readable first label of an instance name."""
    return name.labels[0].decode("utf-8", "replace") if name.labels else ""


def host_name(host: str) -> dns.name.Name:
    return dns.name.Name((label(host), *LOCAL.labels))


def ptr(owner: dns.name.Name, target: dns.name.Name, ttl: int) -> Record:
    return Record(owner, dns.rdata.from_text(IN, PTR, target.to_text()), ttl)


def srv(owner: dns.name.Name, host: dns.name.Name, port: int, ttl: int) -> Record:
    return Record(owner, dns.rdata.from_text(IN, SRV, f"0 0 {port} {host.to_text()}"), ttl, True)


def address(owner: dns.name.Name, text: str, ttl: int, cache_flush: bool = False) -> Record:
    kind = A if ipaddress.ip_address(text).version == 4 else AAAA
    return Record(owner, dns.rdata.from_text(IN, kind, text), ttl, cache_flush)


def txt(owner: dns.name.Name, values: Mapping[str, str], ttl: int) -> Record:
    strings = tuple(f"{key}={value}".encode()[:255] for key, value in values.items())
    rdata = dns.rdtypes.ANY.TXT.TXT(IN, TXT, strings or (b"",))
    return Record(owner, rdata, ttl, True)


def txt_values(record: Record) -> dict[str, str]:
    """A TXT record's `key=value` strings (RFC 6763 §6.4: the first of a key counts)."""
    values: dict[str, str] = {}
    for item in getattr(record.rdata, "strings", ()):
        key, _, value = bytes(item).decode("utf-8", "replace").partition("=")
        if key:
            values.setdefault(key.lower(), value)
    return values


@dataclass(frozen=True, slots=True)
class ServiceTxt:
    """What RoomChat's TXT record says about a server."""

    tls: bool = False
    fingerprint: str = ""  # SHA-256 of the certificate, lower-case hex, when `tls`
    registration: bool = True
    rooms: int = 0

    def values(self) -> dict[str, str]:
        values = {"v": "1", "tls": "1" if self.tls else "0"}
        if self.tls and self.fingerprint:
            values["fp"] = self.fingerprint
        values["reg"] = "1" if self.registration else "0"
        values["rooms"] = str(self.rooms)
        return values

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> ServiceTxt:
        rooms = values.get("rooms", "0")
        return cls(
            tls=values.get("tls") == "1",
            fingerprint=values.get("fp", "").lower() if values.get("tls") == "1" else "",
            registration=values.get("reg", "1") != "0",
            rooms=int(rooms) if rooms.isdigit() and len(rooms) < 10 else 0,
        )
