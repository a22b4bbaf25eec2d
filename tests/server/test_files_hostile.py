"""Files attacked by a hostile member on a real server: uploads that trickle or never end,
uploads posted by who may no longer speak or past the chat budgets, floods of tiny chunks,
odd declarations, downloads that are never read or whose message is deleted, and frames at
the line limit; each bad input gets a clear error and changes nothing."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable

import pytest

from app.server.server import ChatServer
from app.shared.protocol import MAX_FRAME_BYTES
from tests.fake_clock import FakeClock
from tests.server import test_files
from tests.server.test_files import (
    KIB,
    begin,
    content,
    on_disk,
    send_chunks,
    sha,
    upload,
)
from tests.server.test_rooms import create, enter, join
from tests.server.test_slow_reader import stalled_member
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines
TABLE = "inputs refused before the database; passes on PostgreSQL, kept off it for time"
LOAD = "a load test of the sockets, not of the database; kept off PostgreSQL for time"

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
pair = test_files.pair  # the fixture: alice (the room's owner) and bob inside one room


def chunk(member: WireClient, upload_id: int, data: bytes) -> None:
    member.send(type="upload_chunk", upload_id=upload_id, data=base64.b64encode(data).decode())


def test_a_trickled_upload_cannot_hold_its_quota_forever(
    pair, server: ChatServer, fake_clock: FakeClock
) -> None:
    """One byte every 59 s keeps the idle deadline away; the whole upload still has one."""
    alice, _, _ = pair
    ready = begin(alice, content(100 * KIB))
    dropped_at = None
    for minute in range(1, 120):
        chunk(alice, ready["upload_id"], b"x")
        alice.request("ping", "pong")
        fake_clock.advance(59)
        server.sweep()
        if on_disk(server) == (set(), 0):
            dropped_at = minute
            break
    assert dropped_at is not None, "a trickle of one byte a minute held the upload for 2 h"
    assert dropped_at * 59 <= 60 + 100 * KIB / server.config.upload_min_rate + 59
    chunk(alice, ready["upload_id"], b"x")
    alice.expect_error("upload_corrupt")


def test_empty_chunks_do_not_keep_an_upload_alive(
    pair, server: ChatServer, fake_clock: FakeClock
) -> None:
    alice, _, _ = pair
    ready = begin(alice, content(1024 * KIB))  # its whole deadline is minutes away
    fake_clock.advance(40)
    chunk(alice, ready["upload_id"], b"")
    alice.request("ping", "pong")
    fake_clock.advance(21)
    server.sweep()
    assert on_disk(server) == (set(), 0)


@pytest.mark.server_config(max_uploads_in_progress=2)
def test_uploads_in_progress_are_bounded_server_wide(
    pair, login: Login, connect: Connect, server: ChatServer
) -> None:
    """Each account may have one upload in progress; many accounts still do not make
    unbounded part files (an open file each)."""
    alice, bob, room = pair
    carol = join(connect, login("carol"), room)
    assert begin(alice, content(10))["type"] == "upload_ready"
    assert begin(bob, content(10))["type"] == "upload_ready"
    refused = begin(carol, content(10))
    assert refused["code"] == "server_busy" and refused["retry_after"] > 0
    assert len(server.directory.files.uploads) == 2


def test_a_member_muted_mid_upload_cannot_post_it(pair, server: ChatServer) -> None:
    alice, bob, _ = pair
    data = content(1_000)
    ready = begin(bob, data)
    send_chunks(bob, ready, data)
    alice.request("mute", "ok", name="bob", minutes=None, reason=None)
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert bob.expect_error("muted")["id"] == "e"
    alice.request("ping", "pong")
    assert "message" not in alice.types()
    assert sha(data) not in on_disk(server)[0]


def test_a_room_made_read_only_mid_upload_does_not_post_it(pair) -> None:
    alice, bob, _ = pair
    data = content(1_000)
    ready = begin(bob, data)
    send_chunks(bob, ready, data)
    alice.request("room_settings", "ok", read_only=True)
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert bob.expect_error("read_only")["id"] == "e"


def test_slow_mode_counts_an_upload_once(pair) -> None:
    """The upload took slow mode's turn at its begin: its end is not refused for it, and
    the next message waits its turn."""
    alice, bob, _ = pair
    alice.request("room_settings", "ok", slow_mode_seconds=30)
    data = content(1_000)
    ready = begin(bob, data)
    send_chunks(bob, ready, data)
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert bob.expect("message")["attachment"]["sha256"] == sha(data)
    bob.send(type="say", text="again", id="s")
    assert bob.expect_error("slow_mode")["id"] == "s"


@pytest.mark.server_config(msg_rate=10, msg_burst=20)
def test_a_posted_file_counts_against_the_chat_budget(pair, fake_clock: FakeClock) -> None:
    _, bob, _ = pair
    for n in range(20):
        bob.send(type="say", text=f"m{n}")
    bob.wait_until(lambda: bob.types().count("message") == 20)
    bob.inbox.clear()
    data = content(100)
    ready = begin(bob, data)
    send_chunks(bob, ready, data)
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert bob.expect_error("rate_limited")["id"] == "e"
    fake_clock.advance(1)
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")  # still there
    assert bob.expect("message")["attachment"]["sha256"] == sha(data)


@pytest.mark.server_config(msg_rate=0, text_bytes_per_minute=10_000)
def test_a_posted_files_text_counts_against_the_text_budget(pair, fake_clock: FakeClock) -> None:
    _, bob, _ = pair
    for n in range(2):
        data = content(100, n)
        ready = begin(bob, data)
        send_chunks(bob, ready, data)
        bob.send(type="upload_end", upload_id=ready["upload_id"], text="x" * 4_000, id=f"e{n}")
        reply = bob.next()
        while reply["type"] not in ("message", "error"):
            reply = bob.next()
        assert reply["type"] == "message", reply
    data = content(100, 9)
    ready = begin(bob, data)
    send_chunks(bob, ready, data)
    bob.send(type="upload_end", upload_id=ready["upload_id"], text="x" * 4_000, id="e")
    assert bob.expect_error("rate_limited")["id"] == "e"


def test_the_largest_posted_file_message_fits_a_line(pair) -> None:
    """The longest name (255 bytes of 4-byte characters), a long MIME type and the longest
    text of 4-byte characters, in one MESSAGE."""
    alice, bob, _ = pair
    name = "\U0001f600" * 62 + ".bin"
    mime = "x" * 127 + "/" + "y" * 127
    posted = upload(alice, content(10), name, "\U0001f600" * 4_000, mime=mime)
    assert posted["attachment"]["name"] == name and posted["attachment"]["mime"] == mime
    assert max(len(line) + 1 for line in bob.raw.split(b"\n")) <= MAX_FRAME_BYTES


@pytest.mark.sqlite_only(LOAD)
@pytest.mark.server_config(max_file_bytes=4 * 1024 * KIB, max_output_bytes=256 * KIB,
                           socket_send_buffer=64 * KIB)  # fmt: skip
def test_a_download_to_a_reader_that_never_reads_stays_bounded(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    """4 MiB asked for by a member who then reads nothing: the server queues only a chunk
    or two for it (never the file, never near the output cap), and all of it comes once
    the member reads."""
    sender, reader, members = stalled_member(qtbot, server, login, connect)
    sender.counting = False
    data = content(4 * 1024 * KIB)
    attachment = upload(sender, data)["attachment"]
    reader.sendall(b'{"type":"download","attachment_id":%d,"id":"d"}\n' % attachment["id"])
    stuck = members["stuck"].connection
    qtbot.waitUntil(lambda: stuck.backlog >= 32 * KIB, timeout=10_000)  # it stopped reading
    for n in range(20):  # the pump wakes as the kernel takes bytes: let it run a while
        sender.request("ping", "pong")
        assert stuck.backlog < 32 * KIB + 2 * MAX_FRAME_BYTES, (n, stuck.backlog)
    assert "stuck" in members
    frames = [json.loads(line) for line in read_to_end_of_download(qtbot, reader)]
    reader.close()
    chunks = [f for f in frames if f["type"] == "download_chunk"]
    assert b"".join(base64.b64decode(c["data"]) for c in chunks) == data


def read_to_end_of_download(qtbot, reader: socket.socket) -> list[bytes]:
    """The lines the stalled reader gets, read now, up to its `download_end`."""
    data = bytearray()

    def ended() -> bool:
        while b'"download_end"' not in data:
            try:
                chunk = reader.recv(1 << 20)
            except BlockingIOError:
                return False
            assert chunk, "the server closed the connection"
            data.extend(chunk)
        return True

    qtbot.waitUntil(ended, timeout=20_000)
    return bytes(data).splitlines()


def test_another_members_upload_cannot_be_fed_ended_or_cancelled(pair, server) -> None:
    alice, bob, _ = pair
    data = content(2_000)
    ready = begin(alice, data)
    send_chunks(alice, ready, data[:1000])
    chunk(bob, ready["upload_id"], data[1000:])
    bob.expect_error("upload_corrupt")
    bob.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert bob.expect_error("upload_corrupt")["id"] == "e"
    bob.send(type="upload_cancel", upload_id=ready["upload_id"])
    bob.request("ping", "pong")
    send_chunks(alice, ready, data[1000:])  # alice's upload is untouched
    alice.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert alice.expect("message")["attachment"]["sha256"] == sha(data)
    chunk(alice, ready["upload_id"], b"late")  # after its end
    alice.expect_error("upload_corrupt")


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize("offset", [-1, 2**53 + 1, 1_001, "0", 1.5, True])
def test_a_download_offset_out_of_range_is_refused(pair, offset) -> None:
    alice, bob, _ = pair
    attachment = upload(alice, content(1_000))["attachment"]
    bob.send(type="download", attachment_id=attachment["id"], offset=offset, id="d")
    assert bob.expect_error("bad_request")["id"] == "d"
    assert "download_chunk" not in bob.types()


def test_at_most_sixteen_downloads_wait_per_connection(pair) -> None:
    alice, bob, _ = pair
    attachment = upload(alice, content(200 * KIB))["attachment"]
    for n in range(40):
        bob.send(type="download", attachment_id=attachment["id"], id=n)
    bob.wait_until(lambda: bob.types().count("download_end") + bob.types().count("error") == 40)
    refused = [m for m in bob.inbox if m["type"] == "error"]
    assert refused and all(m["code"] == "rate_limited" for m in refused)
    assert max(len(line) + 1 for line in bob.raw.split(b"\n")) <= MAX_FRAME_BYTES


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"mime": "image/png; charset=x"}, "bad_request"),
        ({"mime": "image/png\n"}, "bad_request"),
        ({"mime": "/"}, "bad_request"),
        ({"mime": "x" * 300 + "/y"}, "bad_request"),
        ({"mime": "text/plain", "width": 10, "height": 10}, "bad_request"),
        ({"mime": "image/png", "width": 0, "height": 10}, "bad_request"),
        ({"mime": "image/png", "width": 70_000, "height": 10}, "bad_request"),
        ({"mime": "image/png", "width": 10}, "bad_request"),
        ({"name": "\u0301" * 20}, "invalid_file_name"),
        ({"name": "\u200b\u200b"}, "invalid_file_name"),
        ({"name": "invoice\u200f\u200fexe.pdf"}, "invalid_file_name"),
        ({"name": "\ufeffa.txt"}, "invalid_file_name"),
        ({"size": -1}, "bad_request"),
        ({"size": 2**60}, "bad_request"),
        ({"sha256": "A" * 64}, "bad_request"),
    ],
)
def test_odd_declarations_are_refused_and_begin_nothing(
    pair, server: ChatServer, fields: dict, code: str
) -> None:
    alice, _, _ = pair
    assert begin(alice, content(10), **fields)["code"] == code
    assert len(server.directory.files.uploads) == 0


@pytest.mark.server_config(max_total_storage=100 * KIB)
def test_naming_a_stored_files_hash_does_not_pass_the_total_storage(pair) -> None:
    """Hashes of stored files are shown to every member; declaring one with another size
    must not skip the total-storage check (the upload would then fill the disk for
    nothing, to be found corrupt at its end)."""
    alice, bob, _ = pair
    stored = content(60 * KIB)
    upload(alice, stored)
    refused = begin(bob, content(90 * KIB), sha256=sha(stored))
    assert refused["code"] == "quota_exceeded"
    assert begin(bob, stored)["type"] == "upload_ready"  # the same file still passes


@pytest.mark.server_config(max_user_storage=0)
def test_one_account_has_one_upload_in_progress_across_rooms_and_connections(
    login: Login, connect: Connect, server: ChatServer
) -> None:
    alice = login("alice")
    room, ticket = create(alice, "First")
    first = enter(connect, room, ticket)
    second = enter(connect, *create(alice, "Second"))
    assert begin(first, content(10))["type"] == "upload_ready"
    assert begin(second, content(10))["code"] == "rate_limited"
    again = join(connect, login("alice"), room)  # a new session replaces the old one...
    first.wait_closed()
    assert begin(again, content(10))["type"] == "upload_ready"  # ...and its upload with it
    assert len(server.directory.files.uploads) == 1


@pytest.mark.parametrize("real", [False, True])
def test_a_flood_of_tiny_chunks_is_budgeted_like_any_request(
    pair, server: ChatServer, real: bool
) -> None:
    """Chunks are free of the request budget because TCP paces their bytes; empty or tiny
    ones are not paced by anything: 20,000 of them, to no upload (each worth an error
    frame, more than it costs) or to a real one, are a flood."""
    alice, bob, _ = pair
    upload_id = begin(alice, content(100 * KIB))["upload_id"] if real else 999
    line = json.dumps({"type": "upload_chunk", "upload_id": upload_id, "data": "QQ=="})
    alice.send_raw((line + "\n").encode() * 20_000)
    alice.wait_closed(timeout=20_000)
    assert alice.inbox[-1]["code"] == "rate_limited", alice.inbox[-1]
    assert alice.types().count("error") < 500
    bob.request("ping", "pong")


@pytest.mark.server_config(max_file_bytes=4 * 1024 * KIB, socket_send_buffer=64 * KIB)
def test_deleting_a_message_stops_the_downloads_of_its_file(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    """A member who began a download before the owner deleted the message does not get the
    rest of the file: the download ends with `no_such_attachment`."""
    sender, reader, members = stalled_member(qtbot, server, login, connect)
    sender.counting = False
    data = content(4 * 1024 * KIB)
    posted = upload(sender, data)
    reader.sendall(
        b'{"type":"download","attachment_id":%d,"id":"d"}\n' % posted["attachment"]["id"]
    )
    stuck = members["stuck"].connection
    qtbot.waitUntil(lambda: stuck.backlog >= 32 * KIB, timeout=10_000)  # mid-file
    sender.request("delete_message", "ok", seq=posted["seq"])
    received = bytearray()

    def ended() -> bool:
        while b'"no_such_attachment"' not in received and b'"download_end"' not in received:
            try:
                chunk = reader.recv(1 << 20)
            except BlockingIOError:
                return False
            assert chunk, "the server closed the connection"
            received.extend(chunk)
        return True

    qtbot.waitUntil(ended, timeout=20_000)
    reader.close()
    frames = [json.loads(line) for line in bytes(received).splitlines() if b'"error"' in line]
    assert frames and frames[-1]["code"] == "no_such_attachment" and frames[-1]["id"] == "d"
    assert b'"download_end"' not in received


@pytest.mark.server_config(msg_rate=0, text_bytes_per_minute=0, uploads_per_minute=0)
def test_entered_and_history_fit_a_line_with_the_largest_file_messages(
    pair, login: Login, connect: Connect, server: ChatServer
) -> None:
    alice, _, room = pair
    name = "\U0001f600" * 62 + ".bin"
    mime = "x" * 127 + "/" + "y" * 127
    for n in range(12):
        upload(alice, content(10, n), name, '"\\' * 2_000, mime=mime)
    newcomer_lobby = login("carol")
    granted = newcomer_lobby.request("join_room", "join_granted", room_id=room["id"])
    newcomer = connect(port=room["port"])
    entered = newcomer.request("enter", "entered", ticket=granted["ticket"])
    assert entered["history"] and all("attachment" in m for m in entered["history"])
    page = newcomer.request("history", "history")
    assert page["messages"]
    assert max(len(line) + 1 for line in newcomer.raw.split(b"\n")) <= MAX_FRAME_BYTES


@pytest.mark.parametrize("how", ["kick", "delete_room"])
def test_a_member_removed_mid_upload_leaves_no_part(
    pair, login: Login, server: ChatServer, how: str
) -> None:
    alice, bob, room = pair
    ready = begin(bob, content(100 * KIB))
    send_chunks(bob, ready, content(50 * KIB))
    bob.request("ping", "pong")
    assert on_disk(server) == (set(), 1)
    if how == "kick":
        alice.request("kick", "ok", name="bob", reason=None)
    else:
        login("alice").request("delete_room", "room_deleted", room_id=room["id"])
    bob.wait_closed()
    bob.wait_until(lambda: len(server.directory.files.uploads) == 0)
    assert on_disk(server) == (set(), 0)
