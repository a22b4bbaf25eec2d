"""Files in a room on a real server: uploads checked, stored once by content and posted as
a MESSAGE with its attachment; downloads paced by the reader, for members only."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from app.shared.protocol import MAX_FRAME_BYTES
from tests.fake_clock import FakeClock
from tests.server.test_persistent_rooms import create_persistent, log_in
from tests.server.test_rooms import create, enter, join
from tests.wire_client import Message, WireClient

pytestmark = pytest.mark.both_engines
TABLE = "inputs refused before the database; passes on PostgreSQL, kept off it for time"

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
KIB = 1024
LIMIT = 300 * KIB


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(f"{seed}".encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def begin(member: WireClient, data: bytes, name: str = "notes.bin", **extra: object) -> Message:
    """Send `upload_begin` for `data`; its answer (upload_ready or an error)."""
    fields = {"name": name, "size": len(data), "mime": "application/octet-stream"}
    member.send(type="upload_begin", **{**fields, "sha256": sha(data), **extra}, id="b")
    member.wait_until(lambda: any(m.get("id") == "b" for m in member.inbox))
    reply = next(m for m in member.inbox if m.get("id") == "b")
    member.inbox.remove(reply)
    return reply


def send_chunks(member: WireClient, ready: Message, data: bytes) -> None:
    step = ready["chunk_bytes"]
    for start in range(0, len(data), step):
        chunk = base64.b64encode(data[start : start + step]).decode()
        member.send(type="upload_chunk", upload_id=ready["upload_id"], data=chunk)


def upload(member: WireClient, data: bytes, name: str = "notes.bin", text=None, **extra) -> Message:
    """Upload `data` whole; the MESSAGE that posts it."""
    ready = begin(member, data, name, **extra)
    assert ready["type"] == "upload_ready", ready
    send_chunks(member, ready, data)
    member.send(type="upload_end", upload_id=ready["upload_id"], text=text, id="e")
    return member.expect("message", timeout=10_000)


def download(member: WireClient, attachment_id: int, offset: int = 0) -> bytes:
    """Ask for the attachment from `offset`; its bytes, checked against download_end."""
    member.send(type="download", attachment_id=attachment_id, offset=offset, id="d")
    end = member.expect("download_end", timeout=10_000)
    assert end["attachment_id"] == attachment_id and end["id"] == "d"
    received = b""
    while any(m.get("type") == "download_chunk" for m in member.inbox):
        chunk = member.expect("download_chunk")
        assert chunk["attachment_id"] == attachment_id
        assert chunk["offset"] == offset + len(received)
        received += base64.b64decode(chunk["data"], validate=True)
    return received


def files_dir(server: ChatServer) -> Path:
    return server.directory.files.files.folder


def on_disk(server: ChatServer) -> tuple[set[str], int]:
    """The stored files' names, and how many uploads are in progress (their part files are
    unnamed where the system allows, so the parts folder stays empty: it is checked too)."""
    folder = files_dir(server)
    stored = {p.name for p in folder.iterdir() if p.is_file()}
    assert not list((folder / "parts").iterdir()) or len(server.directory.files.uploads)
    return stored, len(server.directory.files.uploads)


@pytest.fixture
def pair(login: Login, connect: Connect) -> tuple[WireClient, WireClient, dict]:
    """alice and bob inside one room (alice's lobby and the room)."""
    alice_lobby = login("alice")
    room, ticket = create(alice_lobby)
    alice = enter(connect, room, ticket)
    bob = join(connect, login("bob"), room)
    alice.expect("joined")
    alice.expect("joined")
    return alice, bob, room


@pytest.mark.server_config(max_file_bytes=LIMIT)
@pytest.mark.parametrize("size", [0, 1, 48 * KIB - 1, 48 * KIB, 48 * KIB + 1, LIMIT])
def test_a_file_goes_round_to_every_member_and_back(
    pair, connect: Connect, login: Login, server: ChatServer, size: int
) -> None:
    alice, bob, room = pair
    data = content(size)
    posted = upload(alice, data, "시험 결과.pdf", "the worksheet")
    attachment = posted["attachment"]
    assert attachment == {
        "id": attachment["id"],
        "name": "시험 결과.pdf",
        "size": size,
        "mime": "application/octet-stream",
        "sha256": sha(data),
    }
    assert posted["from"] == "alice" and posted["text"] == "the worksheet"
    assert bob.expect("message") == posted
    assert download(bob, attachment["id"]) == data
    assert download(alice, attachment["id"], size // 2) == data[size // 2 :]
    assert on_disk(server) == ({sha(data)}, 0)
    newcomer = join(connect, login("carol"), room)  # entered and history carry it too
    assert bob.expect("joined")
    history = newcomer.request("history", "history")["messages"]
    assert history[-1] == posted, str((history[-1], posted))
    assert max(len(line) + 1 for line in bob.raw.split(b"\n")) <= MAX_FRAME_BYTES


def test_an_image_carries_the_size_its_uploader_declared(pair) -> None:
    alice, bob, _ = pair
    data = content(500)
    posted = upload(alice, data, "board.png", mime="image/png", width=4032, height=3024)
    assert posted["attachment"]["width"] == 4032 and posted["attachment"]["height"] == 3024
    assert posted["text"] == ""
    assert bob.expect("message")["attachment"] == posted["attachment"]


def test_the_same_file_twice_is_stored_once(pair, server: ChatServer) -> None:
    alice, bob, _ = pair
    data = content(70 * KIB)
    first = upload(alice, data, "a.bin")["attachment"]
    bob.expect("message")
    second = upload(bob, data, "b.bin")["attachment"]
    assert first["id"] != second["id"] and second["name"] == "b.bin"
    assert on_disk(server) == ({sha(data)}, 0)
    assert download(alice, second["id"]) == data


@pytest.mark.parametrize(
    ("sent", "size", "why"),
    [
        (content(5_000, 1), 5_000, "wrong hash"),
        (content(4_000), 5_000, "truncated"),
    ],
)
def test_an_upload_whose_bytes_do_not_match_is_corrupt_and_leaves_nothing(
    pair, server: ChatServer, sent: bytes, size: int, why: str
) -> None:
    alice, bob, _ = pair
    declared = content(5_000)
    alice.send(type="upload_begin", name="x.bin", size=size, mime="text/plain",
               sha256=sha(declared), id="b")  # fmt: skip
    ready = alice.expect("upload_ready")
    send_chunks(alice, ready, sent)
    alice.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert alice.expect_error("upload_corrupt")["id"] == "e", why
    assert on_disk(server) == (set(), 0)
    alice.send(type="say", text="still here")
    assert alice.expect("message")["text"] == "still here"
    assert "message" not in [m["type"] for m in bob.inbox if m.get("text") != "still here"]


def test_a_chunk_past_the_declared_size_drops_the_upload(pair, server: ChatServer) -> None:
    alice, _, _ = pair
    ready = begin(alice, content(10))
    send_chunks(alice, ready, content(11))
    alice.expect_error("upload_corrupt")
    alice.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert alice.expect_error("upload_corrupt")["id"] == "e"
    assert on_disk(server) == (set(), 0)


def test_a_cancelled_upload_leaves_nothing(pair, server: ChatServer) -> None:
    alice, _, _ = pair
    ready = begin(alice, content(100 * KIB))
    send_chunks(alice, ready, content(50 * KIB))
    alice.send(type="upload_cancel", upload_id=ready["upload_id"])
    alice.request("ping", "pong")
    assert on_disk(server) == (set(), 0)
    assert begin(alice, content(5))["type"] == "upload_ready"  # the member may begin again


def test_a_dropped_connection_mid_upload_leaves_nothing(pair, server: ChatServer) -> None:
    alice, bob, _ = pair
    ready = begin(alice, content(100 * KIB))
    send_chunks(alice, ready, content(60 * KIB))
    alice.request("ping", "pong")
    assert on_disk(server) == (set(), 1)
    alice.close()
    bob.expect("left")
    assert on_disk(server) == (set(), 0)
    assert len(server.directory.files.uploads) == 0


def test_a_stalled_upload_is_dropped_after_the_upload_timeout(
    pair, server: ChatServer, fake_clock: FakeClock
) -> None:
    alice, _, _ = pair
    ready = begin(alice, content(100 * KIB))
    send_chunks(alice, ready, content(60 * KIB))
    alice.request("ping", "pong")
    fake_clock.advance(59)
    server.sweep()
    assert on_disk(server) == (set(), 1)
    fake_clock.advance(2)
    server.sweep()
    assert on_disk(server) == (set(), 0)
    send_chunks(alice, ready, content(40 * KIB))
    alice.expect_error("upload_corrupt")


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize("name", ["../../etc/passwd", "con.txt", "x" * 300, "a\\b", "x\x00"])
def test_names_that_could_be_paths_or_devices_are_refused(
    pair, server: ChatServer, name: str
) -> None:
    alice, _, _ = pair
    assert begin(alice, content(10), name)["code"] == "invalid_file_name"
    assert on_disk(server) == (set(), 0)


@pytest.mark.server_config(max_file_bytes=LIMIT)
def test_a_file_over_the_limit_is_too_large(pair) -> None:
    alice, _, _ = pair
    assert begin(alice, content(LIMIT + 1))["code"] == "file_too_large"


@pytest.mark.server_config(max_user_storage=100 * KIB)
def test_a_member_past_their_storage_is_refused(pair) -> None:
    alice, bob, _ = pair
    upload(alice, content(60 * KIB))
    assert begin(alice, content(60 * KIB, 2))["code"] == "quota_exceeded"
    upload(bob, content(60 * KIB, 3))  # bob's own quota is untouched


@pytest.mark.server_config(max_total_storage=100 * KIB)
def test_the_server_past_its_total_storage_refuses_new_files(pair) -> None:
    alice, bob, _ = pair
    data = content(60 * KIB)
    upload(alice, data)
    ready = begin(alice, content(30 * KIB, 1))  # in progress: it counts
    assert ready["type"] == "upload_ready"
    assert begin(bob, content(30 * KIB, 2))["code"] == "quota_exceeded"
    upload(bob, data)  # a file stored already takes no more room


def test_one_upload_at_a_time_per_member(pair) -> None:
    alice, bob, _ = pair
    begin(alice, content(10))
    refused = begin(alice, content(20))
    assert refused["code"] == "rate_limited" and refused["retry_after"] > 0
    assert begin(bob, content(20))["type"] == "upload_ready"


@pytest.mark.server_config(uploads_per_minute=3)
def test_uploads_past_the_budget_are_rate_limited(pair) -> None:
    alice, _, _ = pair
    ready = begin(alice, content(1))
    alice.send(type="upload_cancel", upload_id=ready["upload_id"])
    refused = begin(alice, content(1))
    assert refused["code"] == "rate_limited" and refused["retry_after"] > 0


def test_a_muted_member_cannot_upload(pair) -> None:
    alice, bob, _ = pair
    alice.request("mute", "ok", name="bob", minutes=None, reason=None)
    assert begin(bob, content(10))["code"] == "muted"


def test_only_a_member_of_the_room_can_download(
    pair, login: Login, connect: Connect, server: ChatServer
) -> None:
    alice, _, _ = pair
    posted = upload(alice, content(2_000))["attachment"]
    other_room, ticket = create(login("dora"), "Elsewhere")
    outsider = enter(connect, other_room, ticket)
    outsider.send(type="download", attachment_id=posted["id"], id="x")
    assert outsider.expect_error("no_such_attachment")["id"] == "x"
    outsider.send(type="download", attachment_id=posted["id"] + 1)
    outsider.expect_error("no_such_attachment")
    lobby = login("erin")
    lobby.send(type="download", attachment_id=posted["id"])
    lobby.expect_error("unknown_type")
    assert "download_chunk" not in outsider.types() + lobby.types()


@pytest.mark.server_config(max_file_bytes=2 * 1024 * KIB)
def test_chat_reaches_members_while_their_downloads_are_in_flight(
    pair, login: Login, connect: Connect
) -> None:
    alice, bob, room = pair
    carol = join(connect, login("carol"), room)
    data = content(2 * 1024 * KIB)
    attachment = upload(alice, data)["attachment"]
    for member in (bob, carol):
        member.inbox.clear()
        member.send(type="download", attachment_id=attachment["id"], id="d")
    alice.send(type="say", text="while you download")
    for member in (bob, carol):
        member.expect("download_end", timeout=20_000)
        kinds = [m["type"] for m in member.inbox if m["type"] != "joined"]
        assert "message" in kinds, "the chat message never came"
        assert kinds.index("message") < len(kinds) - 1, "it waited behind the whole file"
        assert kinds.count("download_chunk") == -(-len(data) // 46_080)
        assert download_collected(member, attachment["id"]) == data


def download_collected(member: WireClient, attachment_id: int) -> bytes:
    """The bytes of the download_chunk frames already in the inbox, in order."""
    chunks = [m for m in member.inbox if m.get("type") == "download_chunk"]
    assert [c["attachment_id"] for c in chunks] == [attachment_id] * len(chunks)
    return b"".join(base64.b64decode(c["data"]) for c in chunks)


def test_a_restart_keeps_attachments(make_server, qtbot: QtBot) -> None:
    first = make_server()
    alice = log_in(qtbot, first, "alice", operator=True)
    room, ticket = create_persistent(alice)
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    data = content(100 * KIB)
    posted = upload(member, data, "kept.bin", "before the restart")
    alice.close()
    first.shutdown()
    member.expect_error("server_shutdown")
    member.close()

    second = make_server()
    bob = log_in(qtbot, second, "bob")
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    again = WireClient(qtbot, room["port"])
    entered = again.request("enter", "entered", ticket=granted["ticket"])
    assert entered["history"][-1] == posted
    assert download(again, posted["attachment"]["id"]) == data
    again.close()
    bob.close()


@pytest.mark.server_config(keep_deleted_history=False)
def test_deleting_a_room_deletes_its_files_but_not_anothers(
    pair, login: Login, connect: Connect, server: ChatServer, qtbot: QtBot
) -> None:
    alice, _, room = pair
    shared, own = content(3_000), content(4_000, 1)
    upload(alice, shared)
    upload(alice, own)
    other, ticket = create(login("dora"), "Elsewhere")
    dora = enter(connect, other, ticket)
    upload(dora, shared)
    owner = login("alice")
    owner.request("delete_room", "room_deleted", room_id=room["id"])
    qtbot.waitUntil(lambda: on_disk(server)[0] == {sha(shared)}, timeout=5_000)


def test_history_days_deletes_the_files_of_the_messages_it_deletes(
    make_server, qtbot: QtBot
) -> None:
    wall = [time.time()]
    server = make_server(history_days=2.0, wall_clock=lambda: wall[0])
    alice = log_in(qtbot, server, "alice")
    room, ticket = create(alice)
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    data = content(3_000)
    upload(member, data)
    qtbot.wait_until(lambda: not server.history_expiry.running)
    assert on_disk(server) == ({sha(data)}, 0)
    wall[0] += 3 * 86_400
    server.history_expiry.start_pass()
    qtbot.wait_until(lambda: not server.history_expiry.running)
    assert on_disk(server) == (set(), 0)
    member.close()
    alice.close()


def test_a_deleted_message_takes_its_file_unless_another_message_has_it(
    pair, server: ChatServer, connect: Connect, login: Login
) -> None:
    alice, bob, room = pair
    shared, own = content(3_000), content(4_000, 1)
    first = upload(alice, shared)
    upload(alice, shared)
    third = upload(alice, own)
    for message in (first, third):
        alice.request("delete_message", "ok", seq=message["seq"])
    assert on_disk(server) == ({sha(shared)}, 0)
    bob.send(type="download", attachment_id=third["attachment"]["id"])
    bob.expect_error("no_such_attachment")
    granted = login("carol").request("join_room", "join_granted", room_id=room["id"])
    newcomer = connect(port=room["port"])
    history = newcomer.request("enter", "entered", ticket=granted["ticket"])["history"]
    assert [("attachment" in m, m.get("deleted", False)) for m in history] == [
        (False, True),
        (True, False),
        (False, True),
    ]


def test_an_invalid_text_keeps_the_upload_for_another_upload_end(pair) -> None:
    alice, bob, _ = pair
    data = content(1_000)
    ready = begin(alice, data)
    send_chunks(alice, ready, data)
    alice.send(type="upload_end", upload_id=ready["upload_id"], text="\u202e", id="e")
    assert alice.expect_error("invalid_text")["id"] == "e"
    alice.send(type="upload_end", upload_id=ready["upload_id"], text="fixed", id="e")
    posted = bob.expect("message")
    assert posted["text"] == "fixed" and posted["attachment"]["sha256"] == sha(data)
