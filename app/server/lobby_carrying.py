"""Carrying out the main port's effects (lobby_effects) and the room requests they end in:
opening a room, granting a seat, deleting a room, the join budget.

A part of `Lobby`, kept apart for size: `Lobby` inherits `CarryingOut` and provides what
it declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SignalInstance

from app.server.direct_store import DirectStore
from app.server.directory import RoomDirectory
from app.server.hash_queue import Priority
from app.server.hashing import PasswordHasher
from app.server.lobby_accounts import AccountDesk
from app.server.lobby_effects import (
    AddAccount,
    CloseRoom,
    GrantSeat,
    Hash,
    LobbyEffect,
    LoginFailed,
    OpenRoom,
    Refuse,
    Reply,
    RevokeToken,
    StartSession,
    Throttled,
    Verify,
)
from app.server.lobby_rooms import Door, RoomDoor
from app.server.lobby_session import Session
from app.server.resume_tokens import MintedToken
from app.server.room import Room
from app.server.store import Account, ChatStore
from app.shared import logs
from app.shared.protocol import (
    ErrorCode,
    JoinGranted,
    JoinRoom,
    ProtocolError,
    RequestId,
    RoomCreated,
    RoomDeleted,
    rate_limited,
)

if TYPE_CHECKING:  # multi-node only (PostgreSQL): not imported on SQLite
    from app.server.remote_rooms import RemoteRoom


class CarryingOut:
    """`Lobby`'s executor of `LobbyEffect`s and its room requests."""

    # What `Lobby` provides.
    _store: ChatStore
    _hasher: PasswordHasher
    _directory: RoomDirectory
    _direct_store: DirectStore
    _accounts: AccountDesk
    _rooms: RoomDoor
    login_failed: SignalInstance
    _after_hashing: Callable[[Session, RequestId, Callable[[Any], None]], Callable[[Any], None]]
    _log_throttle: Callable[[str, str], None]
    _start_session: Callable[[Session, str, Account, RequestId, str], None]

    def _hashing_full(self, priority: Priority) -> float | None:
        return None if self._hasher.accepts(priority) else self._hasher.retry_after

    def _carry_out(self, session: Session, effects: Sequence[LobbyEffect]) -> None:
        """Do what the sans-IO rules asked, in order; a `Refuse` is raised (see `_drain`)."""
        for effect in effects:
            if isinstance(effect, Reply):
                session.connection.send(effect.event)
            elif isinstance(effect, Refuse):
                raise effect.problem
            elif isinstance(effect, Hash):
                self._hasher.hash(effect.secret, self._then(session, effect), effect.priority)
            elif isinstance(effect, Verify):
                then = self._then(session, effect)
                self._hasher.verify(
                    effect.password_hash,
                    effect.secret,
                    then,
                    effect.priority,
                    effect.token,
                    effect.mint,
                    effect.account_key,
                )
            elif isinstance(effect, AddAccount):
                added = self._store.add_account(effect.name, effect.key, effect.password_hash)
                self._carry_out(session, effect.then(added))
            elif isinstance(effect, Throttled):
                self._log_throttle(effect.what, effect.address)
            elif isinstance(effect, LoginFailed):
                self.login_failed.emit(effect.address)
            elif isinstance(effect, OpenRoom):
                self._open_room(session, effect)
            elif isinstance(effect, GrantSeat):
                self._grant_seat(session, self._find_room(effect.request), effect.request)
            elif isinstance(effect, RevokeToken):
                self._direct_store.revoke_token(effect.selector)
            elif isinstance(effect, CloseRoom):
                self._close_room(session, effect)
            elif isinstance(effect, StartSession):
                key, account, request_id = effect.key, effect.account, effect.request_id
                self._start_session(session, key, account, request_id, effect.how)

    def _then(self, session: Session, effect: Hash | Verify) -> Callable[[Any], None]:
        """The hasher's callback: the session waits, then the rest of the request runs."""

        def then(result: Any) -> None:
            if isinstance(result, MintedToken):  # a match, with the session's next token
                session.minted, result = result, True
            self._carry_out(session, effect.then(result))

        return self._after_hashing(session, effect.request_id, then)

    def _may_join(self, session: Session, request_id: RequestId) -> bool:
        """Take one from the account's join budget, or answer `rate_limited`: every ticket
        is one room entry, so this bounds entries and the lobby events they cause."""
        key = session.user_key or ""
        budgets = self._directory.budgets
        joins = budgets.joins(key)
        if joins.take():
            return True
        if budgets.should_log("joins", key):
            logs.net.warning(
                "%s (%s) over the join budget", session.name, session.connection.address
            )
        text = "too many rooms joined or created; wait a moment"
        session.connection.send(rate_limited(text, joins.retry_after(), request_id))
        return False

    def _open_room(self, session: Session, opening: OpenRoom) -> None:
        name, request_id, owner = opening.name, opening.request_id, session.name or ""
        self._directory.check_name_free(name, request_id)  # things may have changed
        self._directory.check_room_allowed(owner, request_id)
        placement = self._directory.placement  # a node of several: maybe elsewhere
        if placement is not None and (target := placement.choose()) != placement.node:
            key, operator = session.user_key or "", session.operator
            placement.place(
                target,
                (name, owner, opening.capacity, opening.password_hash, opening.persistent),
                self._after_hashing(
                    session,
                    request_id,
                    lambda result: session.connection.send(
                        placement.created(result, key, owner, operator, request_id)
                    ),
                ),
            )
            return
        room = self._directory.open_room(
            name, owner, opening.capacity, opening.password_hash, request_id, opening.persistent
        )
        ticket = room.reserve_seat(session.user_key or "", owner, request_id, session.operator)
        self._directory.trim_tickets(session.user_key or "")
        session.connection.send(RoomCreated(room.summary(), ticket, request_id))

    def _join_room(self, session: Session, request: JoinRoom) -> None:
        room = self._find_room(request)
        key = session.user_key or ""
        room.check_may_enter(key, request.id, session.operator)
        room_id, password_hash = room.info.id, room.info.password_hash if room.locked else None
        entered = password_hash is not None and room.info.persistent
        door = Door(
            room_id,
            password_hash,
            key in room.members,
            entered and self._store.has_entered(room_id, key),
        )
        address = session.connection.address_key
        effects = self._rooms.join(request, door, key, session.name or "", address)
        self._carry_out(session, effects)

    def _close_room(self, session: Session, closing: CloseRoom) -> None:
        room_id, request_id = closing.room_id, closing.request_id
        self._directory.delete_room(
            room_id,
            ErrorCode.ROOM_CLOSED,
            "the room was deleted",
            lambda: session.connection.send(RoomDeleted(room_id, request_id)),
        )
        logs.server.info("%s deleted room %d %r", session.name, room_id, closing.name)

    def _find_room(self, request: JoinRoom) -> Room | RemoteRoom:
        room = self._directory.find_joinable(request.room_id)  # here, or on another node
        if room is None:
            raise ProtocolError(ErrorCode.NO_SUCH_ROOM, "no open room has that id", request.id)
        return room

    def _grant_seat(self, session: Session, room: Room | RemoteRoom, request: JoinRoom) -> None:
        # The room checks again that they are not inside (they may have entered while we
        # hashed); a second ask replaces the first ticket, never two seats.
        try:
            ticket = room.reserve_seat(
                session.user_key or "", session.name or "", request.id, session.operator
            )
        except ProtocolError as refused:
            if refused.code == ErrorCode.ROOM_FULL:  # for the operator's event log
                address = session.connection.address_key
                logs.server.info(
                    "room %d is full: refused %s from %s", room.info.id, session.name, address
                )
            raise
        self._directory.trim_tickets(session.user_key or "")
        session.connection.send(JoinGranted(room.summary(), ticket, request.id))
