"""The main port's `delete_room` rule, sans I/O: a room's owner or an operator may delete
it, anyone else is refused, and an unknown room is `no_such_room`. Fed the request and
what the lobby found (`Doomed`), it returns `LobbyEffect`s; no Qt."""

from __future__ import annotations

from dataclasses import dataclass

from app.server.lobby_accounts import Effects
from app.server.lobby_effects import CloseRoom
from app.server.rights import check_may_delete
from app.shared.protocol import DeleteRoom, ErrorCode, ProtocolError


@dataclass(frozen=True, slots=True)
class Doomed:
    """What `delete_room` needs to know of the room, here or on another node."""

    room_id: int
    name: str
    owner: str


def delete_room(request: DeleteRoom, room: Doomed | None, name: str, operator: bool) -> Effects:
    """`room` is the open room `request` names (None: there is none); `name` and
    `operator` are the asking account's."""
    if room is None:
        raise ProtocolError(ErrorCode.NO_SUCH_ROOM, "no open room has that id", request.id)
    check_may_delete(room.owner, name, operator, request.id)
    return [CloseRoom(room.room_id, room.name, request.id)]
