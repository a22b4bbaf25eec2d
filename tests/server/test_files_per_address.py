"""Uploads in progress per address on a real server: one machine logged in as many accounts
holds no more than `--max-uploads-per-address` of the server's upload slots."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.server.server import ChatServer
from tests.server.test_files import begin, content, pair  # noqa: F401 (a fixture)
from tests.server.test_rooms import join
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


@pytest.mark.server_config(max_uploads_per_address=2)
def test_one_address_holds_at_most_its_uploads_whatever_its_accounts(
    pair,  # noqa: F811 (the fixture)
    login: Login,
    connect: Connect,
    server: ChatServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    alice, bob, room = pair
    carol = join(connect, login("carol"), room)
    dora = join(connect, login("dora"), room)
    assert begin(alice, content(10))["type"] == "upload_ready"
    ready = begin(bob, content(10, 1))
    assert ready["type"] == "upload_ready"
    for member in (carol, dora):
        refused = begin(member, content(10, 2))
        assert refused["code"] == "rate_limited" and refused["retry_after"] >= 1, refused
    assert len(server.directory.files.uploads) == 2
    logged = [r.getMessage() for r in caplog.records if "upload_begin refused" in r.getMessage()]
    assert logged == ["127.0.0.1 has 2 uploads in progress: upload_begin refused"]
    bob.send(type="upload_cancel", upload_id=ready["upload_id"])
    assert begin(carol, content(10, 2))["type"] == "upload_ready"  # a slot came free


@pytest.mark.server_config(max_uploads_per_address=1)
def test_uploads_from_different_addresses_are_counted_apart(
    key_per_port: None,
    pair,  # noqa: F811 (the fixture)
    login: Login,
    connect: Connect,
    server: ChatServer,
) -> None:
    alice, bob, room = pair
    carol = join(connect, login("carol"), room)
    for member in (alice, bob, carol):
        assert begin(member, content(10))["type"] == "upload_ready"
    assert len(server.directory.files.uploads) == 3
