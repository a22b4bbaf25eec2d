"""The key per-address limits count under: an IPv4 address, or the IPv6 network around one."""

from __future__ import annotations

import argparse
import ipaddress

from PySide6.QtNetwork import QAbstractSocket, QHostAddress

IPV6 = QAbstractSocket.NetworkLayerProtocol.IPv6Protocol


def address_key(address: QHostAddress, ipv6_prefix: int) -> str:
    """`1.2.3.4` as it is, `::ffff:1.2.3.4` as `1.2.3.4`, an IPv6 address as its network.

    One IPv6 host is commonly given a whole /64, so counting its addresses one by one would
    give it unlimited connections and login attempts (ergo groups them the same way).
    """
    if address.protocol() != IPV6:
        return address.toString()
    plain = QHostAddress(address)
    plain.setScopeId("")  # fe80::1%eth0: the interface does not make it another host
    text = plain.toString()
    mapped = ipaddress.IPv6Address(text).ipv4_mapped
    if mapped is not None:
        return str(mapped)
    if ipv6_prefix >= 128:
        return text
    network, length = QHostAddress.parseSubnet(f"{text}/{ipv6_prefix}")
    return f"{network.toString()}/{length}"


def ipv6_prefix_length(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 128:
        raise argparse.ArgumentTypeError("an IPv6 prefix length is 1 to 128")
    return value
