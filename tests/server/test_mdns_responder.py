"""The multicast DNS responder with no sockets, on a fake clock; what it sends is read back
with dnspython's own parser."""

from __future__ import annotations

import random

import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from app.server.mdns_responder import Responder, State
from app.server.mdns_service import Datagram, ServiceDescription, next_name
from app.shared import dnssd
from tests.fake_clock import FakeClock

SERVICE = "_roomchat._tcp.local."
INSTANCE = "RoomChat on box._roomchat._tcp.local."
FLUSH = dns.rdataclass.RdataClass.make(0x8001)
LAN = "192.168.7.20"


def description(**changes: object) -> ServiceDescription:
    values: dict[str, object] = {
        "instance": "RoomChat on box",
        "host": "box",
        "port": 4000,
        "addresses": ("192.168.7.2", "fd00::2"),
        "txt": dnssd.ServiceTxt(tls=True, fingerprint="ab" * 32, registration=False, rooms=0),
    }
    values.update(changes)
    return ServiceDescription(**values)  # type: ignore[arg-type]


def parse(datagram: Datagram) -> dns.message.Message:
    return dns.message.from_wire(datagram.data)


def rrsets(message: dns.message.Message, section: str = "answer") -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = {}
    for rrset in getattr(message, section):
        key = (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype))
        found.setdefault(key, []).append(rrset)
    return found


def query(name: str, rdtype: str, *, unicast: bool = False, known: list | None = None) -> bytes:
    message = dns.message.Message(id=0x1234)
    rdclass = FLUSH if unicast else dns.rdataclass.IN
    message.question.append(
        dns.rrset.RRset(dns.name.from_text(name), rdclass, dns.rdatatype.from_text(rdtype))
    )
    for rrset in known or []:
        message.answer.append(rrset)
    return message.to_wire()


def announced(clock: FakeClock, **changes: object) -> Responder:
    """A responder past probing and both announcements."""
    responder = Responder(description(**changes), clock)
    responder.start()
    for _ in range(6):
        responder.poll()
        wakeup = responder.next_wakeup()
        if wakeup is None:
            break
        clock.now = wakeup
    assert responder.state is State.RUNNING
    return responder


def test_it_probes_three_times_250_ms_apart_then_announces_twice_a_second_apart(
    fake_clock: FakeClock,
) -> None:
    responder = Responder(description(), fake_clock)
    responder.start()
    sent: list[tuple[float, Datagram]] = []
    while (wakeup := responder.next_wakeup()) is not None:
        fake_clock.now = wakeup
        sent.extend((fake_clock.now - 1000.0, d) for d in responder.poll())
    assert [round(t, 3) for t, _ in sent] == [0.0, 0.25, 0.5, 0.75, 1.75]
    for _, probe in sent[:3]:
        message = parse(probe)
        assert not message.flags & dns.flags.QR
        (question,) = message.question
        assert question.name.to_text() == INSTANCE.replace(" ", "\\032")
        assert question.rdtype == dns.rdatatype.ANY and question.rdclass == FLUSH  # QU
        assert {k[1] for k in rrsets(message, "authority")} == {"SRV", "TXT"}
    for _, announcement in sent[3:]:
        message = parse(announcement)
        assert message.flags & dns.flags.QR and message.flags & dns.flags.AA
        found = rrsets(message)
        instance = INSTANCE.replace(" ", "\\032")
        assert found[(SERVICE, "PTR")][0][0].target.to_text() == instance
        assert found[("_services._dns-sd._udp.local.", "PTR")][0][0].target.to_text() == SERVICE
        (srv,) = found[(instance, "SRV")][0]
        assert (srv.port, srv.target.to_text()) == (4000, "box.local.")
        assert found[(instance, "SRV")][0].rdclass == FLUSH  # unique: cache flush
        (txt,) = found[(instance, "TXT")][0]
        assert [s.decode() for s in txt.strings] == ["v=1", "tls=1", f"fp={'ab' * 32}", "reg=0",
                                                    "rooms=0"]  # fmt: skip
        assert found[("box.local.", "A")][0][0].address == "192.168.7.2"
        assert found[("box.local.", "AAAA")][0][0].address == "fd00::2"
    assert responder.state is State.RUNNING


def test_a_probe_answered_by_another_host_takes_the_next_name(fake_clock: FakeClock) -> None:
    responder = Responder(description(), fake_clock)
    responder.start()
    responder.poll()
    other = dns.message.Message(id=0)
    other.flags = dns.flags.QR | dns.flags.AA
    other.answer.append(dns.rrset.from_text(INSTANCE, 120, FLUSH, "SRV", "0 0 4000 other.local."))
    responder.receive(other.to_wire(), LAN, 5353)
    assert responder.name == "RoomChat on box (2)"
    (probe,) = responder.poll()  # probing starts over, at once, for the new name
    assert "(2)" in parse(probe).question[0].name.labels[0].decode()
    assert next_name("RoomChat on box (2)") == "RoomChat on box (3)"
    assert next_name("Club (x)") == "Club (x) (2)"
    long = "동" * 30  # 90 bytes: the label holds 21 of them, and then the number
    assert next_name(long) == "동" * 19 + " (2)"
    assert next_name(next_name(long)) == "동" * 19 + " (3)"


def test_its_own_probe_looped_back_is_no_conflict_and_a_later_rival_probe_wins(
    fake_clock: FakeClock,
) -> None:
    responder = Responder(description(), fake_clock)
    responder.start()
    (probe,) = responder.poll()
    responder.receive(probe.data, "192.168.7.2", 5353)
    assert responder.next_wakeup() == pytest.approx(fake_clock.now + 0.25)
    earlier = Responder(description(port=3999), FakeClock(fake_clock.now))
    earlier.start()
    responder.receive(earlier.poll()[0].data, LAN, 5353)  # port 3999 < 4000: we win
    assert responder.next_wakeup() == pytest.approx(fake_clock.now + 0.25)
    later = Responder(description(port=4001), FakeClock(fake_clock.now))
    later.start()
    responder.receive(later.poll()[0].data, LAN, 5353)  # we lose: probe again in a second
    assert responder.next_wakeup() == pytest.approx(fake_clock.now + 1.0)
    assert responder.name == "RoomChat on box"


def test_a_ptr_query_gets_a_multicast_answer_with_srv_txt_and_addresses(
    fake_clock: FakeClock,
) -> None:
    responder = announced(fake_clock)
    fake_clock.advance(2)
    (reply,) = responder.receive(query(SERVICE, "PTR"), LAN, 5353)
    assert reply.address is None  # to the group
    message = parse(reply)
    assert set(rrsets(message)) == {(SERVICE, "PTR")}
    assert {k[1] for k in rrsets(message, "additional")} == {"SRV", "TXT", "A", "AAAA"}
    # Within a second of multicasting them, the same records are not multicast again.
    assert responder.receive(query(SERVICE, "PTR"), LAN, 5353) == []
    fake_clock.advance(1)
    assert len(responder.receive(query(SERVICE, "PTR"), LAN, 5353)) == 1


def test_the_qu_bit_gets_a_unicast_reply(fake_clock: FakeClock) -> None:
    responder = announced(fake_clock)
    (reply,) = responder.receive(query(INSTANCE, "SRV", unicast=True), LAN, 5353)
    assert (reply.address, reply.port) == (LAN, 5353)
    assert {k[1] for k in rrsets(parse(reply))} == {"SRV"}


def test_a_one_shot_query_from_another_port_gets_a_plain_dns_reply(fake_clock: FakeClock) -> None:
    responder = announced(fake_clock)
    (reply,) = responder.receive(query(SERVICE, "PTR"), "127.0.0.1", 40000)
    assert (reply.address, reply.port) == ("127.0.0.1", 40000)
    message = parse(reply)
    assert message.id == 0x1234
    assert [q.name.to_text() for q in message.question] == [SERVICE]
    for rrset in [*message.answer, *message.additional]:
        assert rrset.ttl <= 10
        assert rrset.rdclass == dns.rdataclass.IN  # no cache-flush bit for a legacy resolver


def test_known_answers_with_half_their_ttl_left_are_not_repeated(fake_clock: FakeClock) -> None:
    responder = announced(fake_clock)
    fake_clock.advance(2)
    fresh = dns.rrset.from_text(SERVICE, 4000, "IN", "PTR", INSTANCE.replace(" ", "\\032"))
    assert responder.receive(query(SERVICE, "PTR", known=[fresh]), LAN, 5353) == []
    stale = dns.rrset.from_text(SERVICE, 1000, "IN", "PTR", INSTANCE.replace(" ", "\\032"))
    assert len(responder.receive(query(SERVICE, "PTR", known=[stale]), LAN, 5353)) == 1


def test_the_txt_follows_the_room_count_at_most_once_per_interval(fake_clock: FakeClock) -> None:
    responder = announced(fake_clock)
    fake_clock.advance(10)

    def rooms_sent() -> list[str]:
        sent = []
        for datagram in responder.poll():
            for rrset in parse(datagram).answer:
                if rrset.rdtype == dns.rdatatype.TXT:
                    sent += [s.decode() for s in rrset[0].strings if s.startswith(b"rooms=")]
        return sent

    responder.set_rooms(1)
    assert rooms_sent() == ["rooms=1"]
    responder.set_rooms(2)
    responder.set_rooms(3)
    assert rooms_sent() == []
    fake_clock.advance(2.9)
    assert rooms_sent() == []
    fake_clock.advance(0.1)
    assert rooms_sent() == ["rooms=3"]
    assert responder.next_wakeup() is None


def test_the_goodbye_sends_every_service_record_with_ttl_zero(fake_clock: FakeClock) -> None:
    assert Responder(description(), fake_clock).stop() == []  # never announced: nothing
    responder = announced(fake_clock)
    (goodbye,) = responder.stop()
    message = parse(goodbye)
    assert {k[1] for k in rrsets(message)} == {"PTR", "SRV", "TXT"}
    assert all(rrset.ttl == 0 for rrset in message.answer)
    assert responder.receive(query(SERVICE, "PTR"), LAN, 40000) == []


def test_another_hosts_record_for_our_name_after_announcing_renames_us(
    fake_clock: FakeClock,
) -> None:
    responder = announced(fake_clock)
    other = dns.message.Message(id=0)
    other.flags = dns.flags.QR | dns.flags.AA
    other.answer.append(dns.rrset.from_text(INSTANCE, 120, FLUSH, "SRV", "0 0 4000 other.local."))
    responder.receive(other.to_wire(), LAN, 5353)
    assert responder.state is State.PROBING and responder.name == "RoomChat on box (2)"


def test_garbage_is_counted_and_ignored_and_the_responder_still_answers(
    fake_clock: FakeClock,
) -> None:
    responder = announced(fake_clock)
    good = query(SERVICE, "PTR")
    rng = random.Random(20)
    packets = [rng.randbytes(rng.randrange(0, 600)) for _ in range(1000)]
    packets += [bytearray(good) for _ in range(1000)]
    for packet in packets[1000:]:  # valid packets with bytes flipped, cut or grown
        for _ in range(rng.randrange(1, 4)):
            packet[rng.randrange(len(packet))] = rng.randrange(256)
        if rng.random() < 0.3:
            del packet[rng.randrange(len(packet)) :]
    packets.append(b"\0" * 10_000)
    for packet in packets:
        responder.receive(bytes(packet), LAN, 40000)
        fake_clock.advance(0.1)
    assert responder.malformed > 1000
    assert len(responder.receive(good, LAN, 40000)) == 1


def test_replies_beyond_the_rate_are_dropped_and_counted(fake_clock: FakeClock) -> None:
    responder = announced(fake_clock)
    replies = [responder.receive(query(SERVICE, "PTR"), LAN, 40000) for _ in range(100)]
    assert sum(map(len, replies)) == 20
    assert responder.dropped == 80
    fake_clock.advance(1)
    assert len(responder.receive(query(SERVICE, "PTR"), LAN, 40000)) == 1


def test_a_rivals_probe_for_our_name_is_answered_by_multicast_at_once(
    fake_clock: FakeClock,
) -> None:
    responder = announced(fake_clock)  # its announcement went out a moment ago
    fake_clock.advance(0.25)
    rival = Responder(description(port=5000), FakeClock(fake_clock.now))
    rival.start()
    (probe,) = rival.poll()  # QU bit set, from port 5353
    (reply,) = responder.receive(probe.data, LAN, 5353)
    assert reply.address is None  # to the group: every program on the rival's host hears it
    rival.receive(reply.data, "192.168.7.2", 5353)
    assert rival.name == "RoomChat on box (2)"


def test_its_own_announcement_heard_after_the_room_count_changed_is_no_conflict(
    fake_clock: FakeClock,
) -> None:
    responder = Responder(description(), fake_clock)
    responder.start()
    sent: list[Datagram] = []
    while (wakeup := responder.next_wakeup()) is not None:
        fake_clock.now = wakeup
        sent += responder.poll()
    responder.set_rooms(1)  # before the loopback copy of the last announcement is read
    responder.receive(sent[-1].data, "192.168.7.2", 5353)
    assert responder.state is State.RUNNING and responder.name == "RoomChat on box"
