"""Deleting files on a real server: a deleted room's or expired messages' attachments go in
batches, and only theirs (another room's, or a file no attachment of this database names,
stays)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.server import file_service
from app.server.server import ChatServer
from tests.db_access import run_sql
from tests.server.test_files import (  # noqa: F401 (pair: a fixture)
    content,
    download,
    files_dir,
    on_disk,
    pair,
    sha,
    upload,
)
from tests.server.test_persistent_rooms import log_in
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def foreign_file(server: ChatServer) -> str:
    """A file in the folder that no attachment of this database names (another database's,
    sharing the folder); its hash."""
    data = content(5_000, 9)
    (files_dir(server) / sha(data)).write_bytes(data)
    return sha(data)


@pytest.mark.server_config(keep_deleted_history=False)
def test_deleting_a_room_deletes_its_own_files_only_in_batches(
    pair,  # noqa: F811 (the fixture)
    login: Login,
    connect: Connect,
    server: ChatServer,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(file_service, "BATCH", 2)  # three pages for five attachments
    alice, _, room = pair
    shared = content(3_000)
    own = [content(4_000, seed) for seed in range(1, 5)]
    for data in [shared, *own]:
        upload(alice, data)
    other, ticket = create(login("dora"), "Elsewhere")
    dora = enter(connect, other, ticket)
    kept = upload(dora, shared)
    foreign = foreign_file(server)
    login("alice").request("delete_room", "room_deleted", room_id=room["id"])
    qtbot.wait_until(lambda: sha(own[-1]) not in on_disk(server)[0], timeout=5_000)
    qtbot.wait_until(lambda: not server.directory.files.pending)
    assert on_disk(server) == ({sha(shared), foreign}, 0)
    assert download(dora, kept["attachment"]["id"]) == shared


def test_history_days_deletes_the_expired_messages_files_only(
    make_server, db_path: str, qtbot: QtBot
) -> None:
    wall = [time.time()]
    server = make_server(history_days=2.0, wall_clock=lambda: wall[0])
    alice = log_in(qtbot, server, "alice")
    room, ticket = create(alice)
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    old, new = content(3_000), content(4_000, 1)
    aged = upload(member, old)
    fresh = upload(member, new)
    run_sql(db_path, f"UPDATE messages SET ts = '2001-01-01T00:00:00Z' WHERE seq = {aged['seq']}")
    foreign = foreign_file(server)
    server.history_expiry.start_pass()
    qtbot.wait_until(lambda: not server.history_expiry.running)
    qtbot.wait_until(lambda: not server.directory.files.pending)
    assert on_disk(server) == ({sha(new), foreign}, 0)
    assert download(member, fresh["attachment"]["id"]) == new
    member.close()
    alice.close()
