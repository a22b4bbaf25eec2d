"""docs/PROTOCOL.md tells the truth: its example exchange replays against a real server, and
its lists of error codes and message types are the protocol package's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from app.shared.protocol import MAIN_PORT_TYPES, ROOM_PORT_TYPES, SERVER_TYPES, ErrorCode
from tests.wire_client import WireClient

DOC = (Path(__file__).resolve().parent.parent / "docs" / "PROTOCOL.md").read_text("utf-8")
# Values that differ on every run; the example's keys and the values' JSON types still count.
VARYING = {"port", "created_at", "ts", "ticket", "instance", "server", "resume_token"}


def section(title: str) -> str:
    start = DOC.index(f"## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else len(DOC)]


def check_shape(expected: Any, actual: Any, key: str = "") -> None:
    if key in VARYING:
        assert type(actual) is type(expected), (key, actual)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and set(actual) == set(expected), (expected, actual)
        for name, value in expected.items():
            check_shape(value, actual[name], name)
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (expected, actual)
        for want, got in zip(expected, actual, strict=True):
            check_shape(want, got, key)
    else:
        assert actual == expected, (key, expected, actual)


def exchange() -> list[tuple[str, str, dict[str, Any]]]:
    """(port kind, direction, frame) for each line of the example, in order."""
    steps = []
    port = ""
    for line in section("An example exchange").splitlines():
        if line.startswith("Main port"):
            port = "main"
        elif line.startswith("Room port"):
            port = "room"
        elif re.match(r"^    [<>] \{", line):
            steps.append((port, line[4], json.loads(line[6:])))
    return steps


def test_the_example_exchange_replays_against_a_real_server(
    qtbot: QtBot, server: ChatServer
) -> None:
    steps = exchange()
    assert [kind for kind, _, _ in steps].count("room") >= 5
    clients: dict[str, WireClient] = {"main": WireClient(qtbot, server.port)}
    learned: dict[str, Any] = {}
    try:
        for port, direction, frame in steps:
            if port not in clients:
                clients[port] = WireClient(qtbot, learned["port"])
            client = clients[port]
            if direction == ">":
                if "ticket" in frame:
                    frame = {**frame, "ticket": learned["ticket"]}
                client.send(frame)
                continue
            actual = client.next()
            check_shape(frame, actual)
            if "ticket" in actual:
                learned["ticket"] = actual["ticket"]
            if isinstance(actual.get("room"), dict):
                learned["port"] = actual["room"]["port"]
        clients["room"].wait_closed()
    finally:
        for client in clients.values():
            client.close()


def test_the_error_code_list_is_the_protocols() -> None:
    listed = set(re.findall(r"`([a-z_]+)`", section("Error codes"))) - {"retry_after"}
    assert listed == {code.value for code in ErrorCode}


def test_every_message_type_is_documented() -> None:
    documented = set(re.findall(r'"type":"([a-z_]+)"', DOC))
    assert documented >= SERVER_TYPES | MAIN_PORT_TYPES | ROOM_PORT_TYPES
