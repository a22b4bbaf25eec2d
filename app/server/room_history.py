"""A room-port `history` request answered from the stored messages, in one line."""

from __future__ import annotations

from app.server.attachment_store import AttachmentStore
from app.server.database import DatabaseError
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import (
    ChatMessage,
    ErrorCode,
    ProtocolError,
    RoomHistory,
    ServerEvent,
    error_reply,
    fitted_history,
)


def history_page(
    store: ChatStore,
    room_id: int,
    request: RoomHistory,
    attachments: AttachmentStore | None = None,
) -> ServerEvent:
    """The `history` page `request` asks for (one more row is read to learn whether older
    ones exist), with the messages' attachments, or the error frame when the database
    cannot answer now."""
    try:
        rows = store.messages_before(room_id, request.before, request.limit + 1)
        newest_first = [ChatMessage(*row) for row in rows[: request.limit]]
        if attachments is not None:
            newest_first = attachments.with_attachments(room_id, newest_first)
    except DatabaseError as failure:
        if failure.transient:
            busy = ProtocolError(
                ErrorCode.SERVER_BUSY, "the history cannot be read now; try again", request.id, 1.0
            )
            return error_reply(busy)
        logs.db.error("room %d: history not read: %s", room_id, failure)
        problem = ProtocolError(ErrorCode.INTERNAL_ERROR, "the history was not read", request.id)
        return error_reply(problem)
    more = len(rows) > request.limit
    return fitted_history(newest_first, more, request.id)
