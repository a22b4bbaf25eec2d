"""The main port's door to rooms, sans I/O: what `create_room` must pass before a room
opens, who must give a room's password on `join_room`, its throttles on an injected clock,
and the seat that follows. Fed a request and what the lobby knows (`Door`, `RoomNames`),
it returns `LobbyEffect`s; no Qt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Protocol

from app.server.conversation import RoomPasswordGuard
from app.server.hash_queue import Priority
from app.server.lobby_accounts import AccountDesk, Effects
from app.server.lobby_effects import GrantSeat, Hash, OpenRoom, Refuse, Throttled, Verify
from app.server.rights import check_may_create_persistent
from app.shared.protocol import CreateRoom, ErrorCode, JoinRoom, ProtocolError, RequestId
from app.shared.validation import (
    PASSWORD_MAX,
    check_capacity,
    check_room_name,
    check_room_password,
)

ROOM_PASSWORD_THROTTLED = "room password throttled"

_server = logging.getLogger("roomchat.server")  # app.shared.logs' name; that module has Qt


@dataclass(frozen=True, slots=True)
class Door:
    """What `join_room` needs to know of the room, read by the lobby as the request comes."""

    room_id: int
    password_hash: str | None  # None: not locked
    inside: bool  # the one asking is a member already
    entered_before: bool  # a persistent room they have entered (its password is asked once)


class RoomNames(Protocol):
    """The open rooms' checks on a new one (the server's `RoomDirectory`); each raises."""

    def check_name_free(self, name: str, request_id: RequestId) -> None: ...

    def check_room_allowed(self, owner: str, request_id: RequestId) -> None: ...


class RoomDoor:
    """`join_room`'s password rule: a locked room asks for its password, but a persistent
    one only of someone who has never entered it. A guess counts against the (room,
    account) pair until proven right and against (room, address) once wrong; a throttled
    guess is refused before its password is looked at, right or wrong."""

    def __init__(
        self,
        guard: RoomPasswordGuard,
        accounts: AccountDesk,
        persistent_rooms: str,
        max_capacity: int,
    ) -> None:
        self._guard = guard
        self._accounts = accounts  # for its hashing-queue check
        self._persistent_rooms = persistent_rooms  # who may create one (--persistent-rooms)
        self._max_capacity = max_capacity

    def create(
        self, request: CreateRoom, names: RoomNames, owner: str, operator: bool, address: str
    ) -> Effects:
        """A room opens only with a good name, capacity and password, within the caps; a
        locked one once its password is hashed (`OpenRoom` checks name and caps again)."""
        persistent = bool(request.persistent)
        if persistent:
            check_may_create_persistent(self._persistent_rooms, operator, request.id)
        name = check_room_name(request.name, request.id)
        capacity = check_capacity(request.capacity, self._max_capacity, request.id)
        names.check_name_free(name, request.id)
        names.check_room_allowed(owner, request.id)
        opening = OpenRoom(name, capacity, persistent, None, request.id)
        if request.password is None:
            return [opening]
        check_room_password(request.password, request.id)
        busy = self._accounts.busy(Priority.OTHER, address, request.id)
        if busy:
            return busy

        def hashed(password_hash: object) -> Effects:
            if not isinstance(password_hash, str):  # never open it unlocked instead
                raise ProtocolError(ErrorCode.INTERNAL_ERROR, "could not open the room", request.id)
            return [replace(opening, password_hash=password_hash)]

        return [Hash(request.password, hashed, request.id)]

    def join(self, request: JoinRoom, door: Door, key: str, name: str, address: str) -> Effects:
        if door.inside:
            raise ProtocolError(
                ErrorCode.ALREADY_IN_ROOM, "you are in this room already", request.id
            )
        if door.password_hash is None or door.entered_before:
            return [GrantSeat(request)]
        if request.password is None:
            raise ProtocolError(
                ErrorCode.PASSWORD_REQUIRED, "this room needs a password", request.id
            )
        room_id = door.room_id
        # Checked before the password: a right password does not lift the throttle.
        wait = self._guard.blocked_for(room_id, key, address)
        if wait > 0:
            text = "too many wrong passwords for this room; wait and try again"
            problem = ProtocolError(ErrorCode.RATE_LIMITED, text, request.id, wait)
            return [Throttled(ROOM_PASSWORD_THROTTLED, address), Refuse(problem)]
        busy = self._accounts.busy(Priority.OTHER, address, request.id)
        if busy:
            return busy
        self._guard.attempt(room_id, key)  # counted until proven right

        def checked(verified: object) -> Effects:
            if verified is None:
                self._guard.not_checked(room_id, key)
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "could not check the password; try again", request.id
                )
            if not verified:
                _server.info("wrong password for room %d by %s from %s", room_id, name, address)
                self._guard.failed(room_id, address)
                raise ProtocolError(ErrorCode.WRONG_PASSWORD, "wrong room password", request.id)
            self._guard.succeeded(room_id, key)
            return [GrantSeat(request)]

        secret = request.password[:PASSWORD_MAX]
        return [Verify(door.password_hash, secret, checked, request.id)]
