"""Rooms with a stored past: messages written straight into the server's database (with
the times the test chooses) and given to the open room as its newest history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from app.server.server import ChatServer
from app.shared.protocol import ChatMessage
from app.shared.timefmt import to_iso
from tests.wire_client import WireClient

Said = tuple[str, str, datetime]  # sender, text, when


def seed_room(
    login: Callable[[str], WireClient],
    server: ChatServer,
    name: str,
    said: Sequence[Said],
    persistent: bool = False,
) -> dict:
    """A room opened by carol over the wire (she never enters it; she stays logged in),
    whose stored history is `said`, numbered from 1; returns its ROOM."""
    carol = login("carol")
    created = carol.request(
        "create_room", "room_created", name=name, capacity=10, persistent=persistent
    )
    room = created["room"]
    messages = [
        ChatMessage(seq, sender, text, to_iso(when))
        for seq, (sender, text, when) in enumerate(said, 1)
    ]
    for message in messages:
        stored = [(message.seq, message.text)]
        server.store.add_messages(room["id"], message.sender, message.ts, stored)
    server.directory.rooms[room["id"]].restore_history(messages[-50:])  # as a reopened room
    return room
