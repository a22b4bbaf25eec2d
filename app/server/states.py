"""Conversation states as enums and their transitions as data (after h11's `_state.py`)."""

from __future__ import annotations

from enum import Enum, auto
from typing import TypeVar

from app.shared.protocol import LocalProtocolError


class MainState(Enum):
    """Where a main-port connection is: waiting for a login, hashing, logged in, closed.

    A password may be hashed before the login (login, register) or after it (a room
    password), so hashing has a state on each side and finishing goes back to where it was.
    While hashing, the session reads nothing and later requests wait in its queue.
    """

    AWAITING_LOGIN = auto()
    HASHING = auto()
    LOGGED_IN = auto()
    LOGGED_IN_HASHING = auto()
    CLOSED = auto()


class MainEvent(Enum):
    """What moves a main-port connection from one `MainState` to the next."""

    HASH_STARTED = auto()
    HASH_FINISHED = auto()
    LOGIN_SUCCEEDED = auto()
    CLOSED = auto()


class RoomState(Enum):
    """Where a room-port connection is: waiting for `enter`, inside, or closed."""

    AWAITING_ENTER = auto()
    MEMBER = auto()
    CLOSED = auto()


class RoomEvent(Enum):
    """What moves a room-port connection from one `RoomState` to the next."""

    ENTERED = auto()
    CLOSED = auto()


MAIN_TRANSITIONS: dict[tuple[MainState, MainEvent], MainState] = {
    (MainState.AWAITING_LOGIN, MainEvent.HASH_STARTED): MainState.HASHING,
    (MainState.HASHING, MainEvent.HASH_FINISHED): MainState.AWAITING_LOGIN,
    (MainState.AWAITING_LOGIN, MainEvent.LOGIN_SUCCEEDED): MainState.LOGGED_IN,
    (MainState.LOGGED_IN, MainEvent.HASH_STARTED): MainState.LOGGED_IN_HASHING,
    (MainState.LOGGED_IN_HASHING, MainEvent.HASH_FINISHED): MainState.LOGGED_IN,
    **{
        (state, MainEvent.CLOSED): MainState.CLOSED
        for state in MainState
        if state is not MainState.CLOSED
    },
}

ROOM_TRANSITIONS: dict[tuple[RoomState, RoomEvent], RoomState] = {
    (RoomState.AWAITING_ENTER, RoomEvent.ENTERED): RoomState.MEMBER,
    (RoomState.AWAITING_ENTER, RoomEvent.CLOSED): RoomState.CLOSED,
    (RoomState.MEMBER, RoomEvent.CLOSED): RoomState.CLOSED,
}

S = TypeVar("S", bound=Enum)
E = TypeVar("E", bound=Enum)


def advance(table: dict[tuple[S, E], S], state: S, event: E) -> S:
    """The state after `event`; LocalProtocolError when the table has no such transition
    (the server's own bug, never the peer's)."""
    try:
        return table[(state, event)]
    except KeyError:
        raise LocalProtocolError(f"{event.name} is not allowed in state {state.name}") from None


def main_after(state: MainState, event: MainEvent) -> MainState:
    return advance(MAIN_TRANSITIONS, state, event)


def room_after(state: RoomState, event: RoomEvent) -> RoomState:
    return advance(ROOM_TRANSITIONS, state, event)
