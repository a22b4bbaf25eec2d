"""Files on a real server whose disk misbehaves or is slow to read: a files folder that
refuses, a stored file cut short or in the way, a disk that fills mid-upload, part files of
an earlier run, racing uploads of one content, and deletions that must not read every row."""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable, Iterator

import pytest

from app.server.server import ChatServer
from tests.server import test_files
from tests.server.test_files import (
    KIB,
    begin,
    content,
    download,
    files_dir,
    on_disk,
    send_chunks,
    sha,
    upload,
)
from tests.server.test_files_hostile import chunk

pytestmark = pytest.mark.both_engines

pair = test_files.pair  # the fixture: alice (the room's owner) and bob inside one room


def test_a_stored_file_that_cannot_be_deleted_does_not_break_the_room(
    pair, server: ChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The sweep after a deletion meets a file it cannot remove (here a folder in its place,
    as a read-only or failing disk would refuse): logged, the room goes on."""
    alice, bob, _ = pair
    data = content(3_000)
    posted = upload(alice, data)
    stored = files_dir(server) / sha(data)
    stored.unlink()
    stored.mkdir()
    (stored / "in the way").write_bytes(b"x")
    alice.request("delete_message", "ok", seq=posted["seq"])
    alice.send(type="say", text="still here")
    bob.wait_until(lambda: any(m.get("text") == "still here" for m in bob.inbox))
    assert not [r for r in caplog.records if r.exc_info], "a request raised"
    assert any("cannot delete" in r.getMessage() for r in caplog.records)


def test_a_stored_file_cut_short_on_disk_is_replaced_not_trusted(pair, server: ChatServer) -> None:
    """Content addressing checks what holds the name: a stored file cut short (a failing
    disk, a copy gone wrong) is replaced by the next upload of that content."""
    alice, bob, _ = pair
    data = content(100 * KIB)
    upload(alice, data)
    bob.expect("message")
    stored = files_dir(server) / sha(data)
    stored.write_bytes(data[:1000])
    again = upload(bob, data)["attachment"]
    assert stored.read_bytes() == data
    assert download(alice, again["id"]) == data


def test_a_files_folder_that_refuses_new_parts_gives_a_clear_error(
    pair, server: ChatServer
) -> None:
    alice, _, _ = pair
    parts = files_dir(server) / "parts"
    parts.rmdir()
    parts.write_bytes(b"not a folder")
    refused = begin(alice, content(10))
    assert refused["code"] == "internal_error"
    assert len(server.directory.files.uploads) == 0
    alice.request("ping", "pong")


def test_a_checked_upload_that_cannot_be_stored_gives_a_clear_error(
    pair, server: ChatServer
) -> None:
    alice, bob, _ = pair
    data = content(3_000)
    ready = begin(alice, data)
    send_chunks(alice, ready, data)
    (files_dir(server) / sha(data)).mkdir()  # the name it would take is held
    (files_dir(server) / sha(data) / "x").write_bytes(b"x")
    alice.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    assert alice.expect_error("internal_error")["id"] == "e"
    assert len(server.directory.files.uploads) == 0
    alice.request("ping", "pong")
    assert "message" not in bob.types()


def test_two_uploads_of_one_content_racing_both_post_and_store_it_once(
    pair, server: ChatServer
) -> None:
    alice, bob, _ = pair
    data = content(200 * KIB)
    mine, theirs = begin(alice, data), begin(bob, data)
    step = mine["chunk_bytes"]
    for start in range(0, len(data), step):  # chunk by chunk, in turn
        chunk(alice, mine["upload_id"], data[start : start + step])
        chunk(bob, theirs["upload_id"], data[start : start + step])
    alice.send(type="upload_end", upload_id=mine["upload_id"], id="e")
    bob.send(type="upload_end", upload_id=theirs["upload_id"], id="e")
    for member in (alice, bob):
        member.wait_until(lambda m=member: m.types().count("message") == 2)
    posted = [m["attachment"] for m in alice.inbox if m["type"] == "message"]
    assert {a["sha256"] for a in posted} == {sha(data)} and posted[0]["id"] != posted[1]["id"]
    assert on_disk(server) == ({sha(data)}, 0)
    assert (files_dir(server) / sha(data)).read_bytes() == data
    assert download(bob, posted[0]["id"]) == data


def test_part_files_left_by_an_earlier_run_are_deleted_at_start(make_server, tmp_path) -> None:
    first = make_server(files_dir=str(tmp_path / "files"))
    first.shutdown()
    parts = tmp_path / "files" / "parts"
    (parts / "upload-AbCdEf").write_bytes(b"x" * 1000)  # where unnamed files are not made
    (tmp_path / "files" / ("0" * 64)).write_bytes(b"no message has me")
    make_server(files_dir=str(tmp_path / "files"))
    assert list(parts.iterdir()) == []
    assert not (tmp_path / "files" / ("0" * 64)).exists()


@pytest.fixture
def small_disk() -> Iterator[Callable[[int], None]]:
    """`limit(n)`: from now on no file of this process may grow past n bytes (EFBIG, as a
    full disk refuses a write with ENOSPC); lifted at the end."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a kill

    def limit(size: int) -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))

    yield limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    signal.signal(signal.SIGXFSZ, previous)


def test_a_disk_that_fills_mid_upload_gives_a_clear_error_and_keeps_nothing(
    pair, server: ChatServer, small_disk: Callable[[int], None]
) -> None:
    alice, bob, _ = pair
    data = content(1024 * KIB)
    ready = begin(alice, data)
    small_disk(300 * KIB)
    send_chunks(alice, ready, data)
    alice.send(type="upload_end", upload_id=ready["upload_id"], id="e")
    alice.wait_until(lambda: "error" in alice.types())
    problem = alice.expect("error")
    assert problem["code"] == "internal_error", problem
    assert len(server.directory.files.uploads) == 0
    assert on_disk(server) == (set(), 0)
    alice.request("ping", "pong")
    assert "message" not in bob.types()


def test_deletions_and_uploads_do_not_read_every_attachment(
    pair, server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep (every attachment row and every stored file) after each deleted message, and
    the total of all files summed afresh at each upload_begin, took about a second each with
    100,000 attachments: a member deleting and uploading in turn stalled the server. The
    total is kept as files come and go; one deletion looks at its own rows only."""
    alice, bob, _ = pair
    service = server.directory.files
    scans: list[str] = []
    rows = service.attachments.db.rows

    def counted(sql: str, **values: object) -> list:
        if "GROUP BY" in sql or "DISTINCT" in sql or "NOT EXISTS" in sql:
            scans.append(sql)
        return rows(sql, **values)

    monkeypatch.setattr(service.attachments.db, "rows", counted)
    monkeypatch.setattr(service, "sweep", lambda: scans.append("sweep"))
    shared, own = content(3_000), content(4_000, 1)
    first = upload(alice, shared)
    upload(bob, shared)
    alice.expect("message")  # bob's
    third = upload(alice, own)
    for message in (first, third):
        alice.request("delete_message", "ok", seq=message["seq"])
    assert on_disk(server) == ({sha(shared)}, 0)
    assert begin(alice, content(10, 5))["type"] == "upload_ready"
    assert len(scans) <= 1, scans  # the total, counted once
    assert service.attachments.total_bytes() == len(shared)
