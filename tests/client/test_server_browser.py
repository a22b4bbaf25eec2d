"""The client's DNS-SD browser wired to the server's responder with no sockets, on one fake
clock: what one sends, the other receives."""

from __future__ import annotations

import dns.message
import dns.rdatatype

from app.client.server_browser import FoundServer, ServerBrowser
from app.server.mdns_responder import Responder, State
from app.server.mdns_service import Datagram, ServiceDescription
from app.shared import dnssd
from tests.fake_clock import FakeClock

LAN = "192.168.7.2"  # the server's A record
SENDER = "192.168.7.3"  # where its answers come from (another of its addresses)


def responder_on(clock: FakeClock, **changes: object) -> Responder:
    values: dict[str, object] = {
        "instance": "RoomChat on box",
        "host": "box",
        "port": 4000,
        "addresses": ("fd00::2", LAN),
        "txt": dnssd.ServiceTxt(tls=True, fingerprint="ab" * 32, registration=False, rooms=2),
    }
    values.update(changes)
    responder = Responder(ServiceDescription(**values), clock)  # type: ignore[arg-type]
    responder.start()
    responder.poll()
    while (wakeup := responder.next_wakeup()) is not None:
        clock.now = wakeup
        responder.poll()
    assert responder.state is State.RUNNING
    clock.advance(2)  # its announcements heard elsewhere: it answers a query now
    return responder


def exchange(browser: ServerBrowser, responder: Responder) -> list[Datagram]:
    """Send the browser's due queries to the responder and its replies back."""
    queries, _ = browser.poll()
    replies = [r for q in queries for r in responder.receive(q, "192.168.7.9", 5353)]
    for reply in replies:
        browser.receive(reply.data, SENDER)
    return replies


def test_a_browse_finds_the_server_with_what_its_txt_says(fake_clock: FakeClock) -> None:
    responder = responder_on(fake_clock)
    browser = ServerBrowser(fake_clock)
    browser.start()
    assert browser.servers() == []
    assert exchange(browser, responder)
    assert browser.servers() == [
        FoundServer("RoomChat on box", LAN, 4000, True, "ab" * 32, False, 2)  # IPv4 first
    ]


def test_queries_come_at_doubling_intervals_with_known_answers(fake_clock: FakeClock) -> None:
    responder = responder_on(fake_clock)
    browser = ServerBrowser(fake_clock)
    browser.start()
    start = fake_clock.now
    asked = []
    while fake_clock.now - start < 200:
        queries, _ = browser.poll()
        for query in queries:
            message = dns.message.from_wire(query)
            if message.question[0].rdtype == dns.rdatatype.PTR:
                asked.append((round(fake_clock.now - start), len(message.answer)))
                for reply in responder.receive(query, "192.168.7.9", 5353):
                    browser.receive(reply.data, LAN)
            else:  # the SRV refresh at 80 % of its TTL: answered, so the server stays
                for reply in responder.receive(query, "192.168.7.9", 5353):
                    browser.receive(reply.data, LAN)
        wakeup = browser.next_wakeup()
        assert wakeup is not None
        fake_clock.now = wakeup
    assert [t for t, _ in asked] == [0, 1, 3, 7, 15, 31, 63, 123, 183]
    assert [k for _, k in asked] == [0] + [1] * 8  # the PTR it holds, so it is not resent
    assert len(browser.servers()) == 1


def test_a_goodbye_removes_the_server_at_once(fake_clock: FakeClock) -> None:
    responder = responder_on(fake_clock)
    browser = ServerBrowser(fake_clock)
    browser.start()
    exchange(browser, responder)
    (goodbye,) = responder.stop()
    assert browser.receive(goodbye.data, LAN)
    assert browser.servers() == []


def test_a_server_that_stops_answering_is_dropped_when_its_srv_expires(
    fake_clock: FakeClock,
) -> None:
    responder = responder_on(fake_clock)
    browser = ServerBrowser(fake_clock)
    browser.start()
    exchange(browser, responder)
    fake_clock.advance(119)
    browser.poll()  # its refresh queries go unanswered
    assert len(browser.servers()) == 1
    fake_clock.advance(1)
    _, changed = browser.poll()
    assert changed and browser.servers() == []


def test_a_txt_update_replaces_the_room_count(fake_clock: FakeClock) -> None:
    responder = responder_on(fake_clock)
    browser = ServerBrowser(fake_clock)
    browser.start()
    exchange(browser, responder)
    fake_clock.advance(10)
    responder.set_rooms(5)
    (update,) = responder.poll()
    assert browser.receive(update.data, LAN)
    assert [s.rooms for s in browser.servers()] == [5]


def test_without_an_address_record_it_uses_the_address_the_answer_came_from(
    fake_clock: FakeClock,
) -> None:
    responder = responder_on(fake_clock, addresses=())
    browser = ServerBrowser(fake_clock)
    browser.start()
    exchange(browser, responder)
    assert [s.host for s in browser.servers()] == [SENDER]


def test_two_servers_are_listed_and_garbage_and_queries_change_nothing(
    fake_clock: FakeClock,
) -> None:
    first = responder_on(fake_clock)
    second = responder_on(fake_clock, instance="RoomChat on box (2)", port=4001)
    browser = ServerBrowser(fake_clock)
    browser.start()
    queries, _ = browser.poll()
    for responder in (first, second):
        for reply in responder.receive(queries[0], "192.168.7.9", 5353):
            browser.receive(reply.data, LAN)
    assert [(s.name, s.port) for s in browser.servers()] == [
        ("RoomChat on box", 4000),
        ("RoomChat on box (2)", 4001),
    ]
    assert not browser.receive(b"\xff" * 30, LAN)
    assert not browser.receive(queries[0], LAN)
    assert browser.malformed == 1
    assert len(browser.servers()) == 2
