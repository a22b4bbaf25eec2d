"""Per-address limits count IPv6 hosts by network, and IPv4-mapped addresses as IPv4."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable

import pytest
from PySide6.QtNetwork import QHostAddress

from app.server.addresses import address_key, ipv6_prefix_length
from app.server.server import ChatServer
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]


@pytest.mark.parametrize(
    ("address", "prefix", "key"),
    [
        ("192.0.2.7", 64, "192.0.2.7"),
        ("::ffff:192.0.2.7", 64, "192.0.2.7"),
        ("::ffff:192.0.2.7", 128, "192.0.2.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", 64, "2001:db8:1:3::/64"),
        ("2001:db8:1:3::1", 48, "2001:db8:1::/48"),
        ("2001:db8:1:3::1", 128, "2001:db8:1:3::1"),
        ("fe80::1%lo", 64, "fe80::/64"),
        ("::1", 64, "::/64"),
    ],
)
def test_an_address_is_counted_under_its_key(address: str, prefix: int, key: str) -> None:
    assert address_key(QHostAddress(address), prefix) == key


def test_addresses_of_one_ipv6_network_share_a_key_and_others_do_not() -> None:
    def key(text: str) -> str:
        return address_key(QHostAddress(text), 64)

    assert key("2001:db8::1") == key("2001:db8::ffff:ffff:ffff:ffff")
    assert key("2001:db8::1") != key("2001:db8:0:1::1")


@pytest.mark.parametrize("text", ["0", "129", "-1"])
def test_the_prefix_flag_is_a_prefix_length(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        ipv6_prefix_length(text)


@pytest.mark.server_config(max_connections_per_address=1)
def test_the_connection_cap_counts_keys_not_addresses(
    key_per_port: None, server: ChatServer, connect: Connect
) -> None:
    first, second = connect(), connect()  # each read its welcome: neither was refused
    assert not first.disconnected and not second.disconnected
    assert len({c.address_key for c in server.connections}) == 2


@pytest.mark.server_config(login_fails_per_address=1, login_fails_per_name=100)
def test_the_login_throttle_counts_keys_not_addresses(
    key_per_port: None, server: ChatServer, connect: Connect
) -> None:
    guesser, other = connect(), connect()
    guesser.send(type="login", name="nobody", password="wrong guess")
    guesser.expect_error("bad_credentials")
    guesser.send(type="login", name="nobody", password="wrong guess")
    guesser.expect_error("rate_limited")
    other.send(type="login", name="somebody", password="wrong guess")
    other.expect_error("bad_credentials")  # not throttled: another key


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_two_connections_from_one_ipv6_network_count_as_one_address(
    qtbot, make_server: Callable[..., ChatServer]
) -> None:
    server = make_server(host="::1", max_connections_per_address=1)
    first = WireClient(qtbot, server.port, host="::1")
    first.expect("welcome")
    second = WireClient(qtbot, server.port, host="::1")
    second.expect_error("server_busy")
    second.wait_closed()
    assert [c.address_key for c in server.connections] == ["::/64"]
    first.close()
    second.close()
