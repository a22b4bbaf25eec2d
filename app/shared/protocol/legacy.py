"""Dict-building helpers from before every message was typed; going away as callers move."""

from __future__ import annotations

from typing import Any

from app.shared.protocol.errors import ErrorCode, RequestId
from app.shared.protocol.events import PROTOCOL_VERSION, SERVER_NAME
from app.shared.protocol.framing import WireObject

Message = WireObject


def reply(kind: str, request_id: RequestId = None, **fields: Any) -> Message:
    message: Message = {"type": kind, **fields}
    if request_id is not None:
        message["id"] = request_id
    return message


def error(code: ErrorCode | str, text: str, request_id: RequestId = None) -> Message:
    return reply("error", request_id, code=str(code), message=text)


def welcome(version_string: str, registration: bool, max_room_capacity: int) -> Message:
    return reply(
        "welcome",
        version=PROTOCOL_VERSION,
        server=f"{SERVER_NAME} {version_string}",
        registration=registration,
        max_room_capacity=max_room_capacity,
    )
