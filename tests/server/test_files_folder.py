"""The files folder by default on a real server: beside an SQLite file, and with PostgreSQL
a folder of each database's own in the app-data folder, its name never a path."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.server.db_target import PostgresTarget, parse_db
from app.server.file_store import default_files_dir
from tests.server.test_files import content, files_dir, sha, upload
from tests.server.test_persistent_rooms import log_in
from tests.server.test_rooms import create
from tests.wire_client import WireClient


@pytest.mark.both_engines
def test_the_default_files_folder_is_the_databases_own(
    make_server, db_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the app-data folder's base
    server = make_server(files_dir="")
    target = parse_db(db_path)
    folder = files_dir(server)
    if isinstance(target, PostgresTarget):
        assert folder.parent.name == "files" and tmp_path / "data" in folder.parents
        assert folder.name == f"{target.host}-{target.port}-{target.dbname}"
    else:
        assert folder == Path(db_path + "-files")
    alice = log_in(qtbot, server, "alice")
    room, ticket = create(alice)
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    data = content(3_000)
    upload(member, data)
    assert (folder / sha(data)).read_bytes() == data
    member.close()
    alice.close()


@pytest.mark.parametrize(
    ("db", "name"),
    [
        ("postgresql://u:p@DB.Example.org:5433/chat", "db.example.org-5433-chat"),
        ("postgresql://u@localhost/chat?host=/run/pg", "localhost-default-chat"),
        ("postgresql://u@h/..", "h-default-_"),
        ("postgresql://u@..:1/a%5Cb:c", "_-1-a_b_c"),
        ("service=prod", "prod-default-default"),
    ],
)
def test_a_databases_folder_name_is_never_a_path(db: str, name: str) -> None:
    folder = default_files_dir(db)
    assert folder is not None and Path(folder).name == name
    assert Path(folder).parent.name == "files"
