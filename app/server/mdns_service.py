"""What the server announces with DNS-SD: its service description and the records it makes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.shared import dnssd
from app.shared.dnssd import MDNS_PORT, Record

HOST_TTL, OTHER_TTL = 120, 4500  # RFC 6762 §10: records naming a host, and the rest
_NUMBERED = re.compile(r"^(.*) \((\d+)\)$")


@dataclass(frozen=True, slots=True)
class ServiceDescription:
    """What the responder announces: one `_roomchat._tcp` instance on one host."""

    instance: str  # "RoomChat on HOST"
    host: str  # the host label: HOST.local.
    port: int
    addresses: tuple[str, ...] = ()
    txt: dnssd.ServiceTxt = field(default_factory=dnssd.ServiceTxt)


@dataclass(frozen=True, slots=True)
class Datagram:
    """Bytes to send: to the multicast group (`address` None) or to one address and port."""

    data: bytes
    address: str | None = None
    port: int = MDNS_PORT


def next_name(instance: str) -> str:
    """The name to try after a conflict: "X" → "X (2)" → "X (3)"; X is shortened if need be,
    so that the number still fits in one DNS label (63 bytes)."""
    match = _NUMBERED.match(instance)
    base, number = (match.group(1), int(match.group(2)) + 1) if match else (instance, 2)
    suffix = f" ({number})"
    room = dnssd.LABEL_BYTES - len(suffix.encode("utf-8"))
    return dnssd.label(base)[:room].decode("utf-8", "ignore") + suffix


def unique_records(service: ServiceDescription) -> list[Record]:
    """The records that are the service's alone (SRV, TXT), as a probe proposes them."""
    name, host = dnssd.instance_name(service.instance), dnssd.host_name(service.host)
    return [
        dnssd.srv(name, host, service.port, HOST_TTL),
        dnssd.txt(name, service.txt.values(), OTHER_TTL),
    ]


def service_records(service: ServiceDescription) -> list[Record]:
    """Every record answered for: the two PTRs (shared), SRV and TXT, the host's addresses."""
    name, host = dnssd.instance_name(service.instance), dnssd.host_name(service.host)
    shared = [
        dnssd.ptr(dnssd.SERVICE_TYPE, name, OTHER_TTL),
        dnssd.ptr(dnssd.SERVICE_ENUMERATION, dnssd.SERVICE_TYPE, OTHER_TTL),
    ]
    # No cache-flush bit on the addresses: the system's own responder (Avahi, mDNSResponder)
    # may hold this host name with more of them, and a flush would erase those from caches.
    addresses = [dnssd.address(host, text, HOST_TTL) for text in service.addresses]
    return shared + unique_records(service) + addresses
