"""Deleting and reporting a room's messages, sans I/O: who may, and what follows."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from app.server.moderation import Act, DeletedMessage, ReportedMessage
from app.server.room_effects import Broadcast, Effect, Remember, Send
from app.shared.protocol import (
    DELETE_MESSAGE,
    MEMBER,
    DeleteMessage,
    ErrorCode,
    MessageDeleted,
    Moderation,
    Ok,
    ProtocolError,
    Report,
    Reported,
)

if TYPE_CHECKING:
    from app.server.room_conversation import Member, RoomConversation

C = TypeVar("C", bound=Hashable)


def delete_message(
    room: RoomConversation[C], actor: Member[C], role: str, request: DeleteMessage, now: float
) -> list[Effect[C]]:
    """The author may delete their own recent message (one newcomers are still given); the
    owner, moderators and operators any message. Raises ProtocolError when refused."""
    rid, seq = request.id, request.seq
    found = next((m for m in room.history if m.seq == seq), None)
    if found is not None and found.deleted:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "that message is deleted already", rid)
    own = found is not None and found.sender == actor.name
    if role == MEMBER and not own:
        text = "only its author, the owner, moderators and operators may delete a message"
        raise ProtocolError(ErrorCode.NOT_ALLOWED, text, rid)
    newest = room.history[-1].seq if room.history else 0
    if found is None and seq > newest:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "no message has that seq yet", rid)
    if found is not None:  # newcomers see it as deleted: no text, `deleted` true
        history = [  # its file goes too
            replace(m, text="", deleted=True, attachment=None) if m.seq == seq else m
            for m in room.history
        ]
        room.history.clear()
        room.history.extend(history)
    author = found.sender if found is not None else None
    return [
        Send(actor.connection, Ok(rid)),
        Remember(DeletedMessage(seq)),
        Broadcast(MessageDeleted(seq, actor.name)),
        Broadcast(Moderation(DELETE_MESSAGE, author, actor.name)),
        Remember(Act(room.info.id, now, actor.name, DELETE_MESSAGE, author, seq=seq)),
    ]


def report_message(
    room: RoomConversation[C], actor: Member[C], request: Report, now: float
) -> list[Effect[C]]:
    """Any member may report a message; it is kept for the server's operators."""
    found = next((m for m in room.history if m.seq == request.seq), None)
    author = found.sender if found is not None else None
    kept = ReportedMessage(request.seq, author, actor.name, request.reason, now)
    return [Send(actor.connection, Reported(request.id)), Remember(kept)]
