"""A room-port `history` request answered from the stored messages, in one line."""

from __future__ import annotations

from app.server.attachment_store import AttachmentStore
from app.server.database import Database, DatabaseError
from app.server.store import messages_before
from app.shared import logs
from app.shared.protocol import (
    MAX_FRAME_BYTES,
    ChatMessage,
    ErrorCode,
    HistoryPage,
    LocalProtocolError,
    ProtocolError,
    RoomHistory,
    ServerEvent,
    encode,
    error_reply,
    fitted_history,
)


def history_page(
    db: Database, room_id: int, request: RoomHistory, attachments: bool = False
) -> ServerEvent:
    """The `history` page `request` asks for, read on `db` (one more row is read to learn
    whether older ones exist), with the messages' attachments when the server keeps files,
    or the error frame when the database cannot answer now. Any thread may call it with a
    `Database` that thread opened (see `history_reader`)."""
    read = _read(db, room_id, request, attachments)
    if not isinstance(read, tuple):
        return read
    newest_first, more = read
    return fitted_history(newest_first, more, request.id)


def history_frame(
    db: Database, room_id: int, request: RoomHistory, attachments: bool = False
) -> bytes:
    """`history_page` encoded. The usual page, whole under the line limit, is encoded once
    (`fitted_history` encodes it to learn whether it fits, and sending would again): the
    same bytes, since it is then the very page `fitted_history` gives."""
    read = _read(db, room_id, request, attachments)
    if not isinstance(read, tuple):
        return encode(read)
    newest_first, more = read
    try:
        data = encode(HistoryPage(tuple(reversed(newest_first)), more, request.id))
        # fitted_history's test, on the page with `"more":true` (a byte shorter than false)
        if not more or len(data) + 1 <= MAX_FRAME_BYTES:
            return data
    except LocalProtocolError:
        pass
    return encode(fitted_history(newest_first, more, request.id))  # as many as fit


def _read(
    db: Database, room_id: int, request: RoomHistory, attachments: bool
) -> tuple[list[ChatMessage], bool] | ServerEvent:
    """The page's messages, newest first, and whether older ones exist; or the error."""
    try:
        rows = messages_before(db, room_id, request.before, request.limit + 1)
        newest_first = [ChatMessage(*row) for row in rows[: request.limit]]
        if attachments:  # its statements only read: one for the call costs nothing
            newest_first = AttachmentStore(db).with_attachments(room_id, newest_first)
    except DatabaseError as failure:
        return history_failed(room_id, request, failure)
    return newest_first, len(rows) > request.limit


def history_failed(room_id: int, request: RoomHistory, failure: DatabaseError) -> ServerEvent:
    """The error frame for a page the database could not give: `server_busy` (try again
    in a second) when the failure may pass, else `internal_error`, logged."""
    if failure.transient:
        return history_busy(request)
    logs.db.error("room %d: history not read: %s", room_id, failure)
    problem = ProtocolError(ErrorCode.INTERNAL_ERROR, "the history was not read", request.id)
    return error_reply(problem)


def history_busy(request: RoomHistory) -> ServerEvent:
    busy = ProtocolError(
        ErrorCode.SERVER_BUSY, "the history cannot be read now; try again", request.id, 1.0
    )
    return error_reply(busy)
