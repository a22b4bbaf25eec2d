"""The conversation state tables, without sockets."""

from __future__ import annotations

import pytest

from app.server.states import (
    MAIN_TRANSITIONS,
    ROOM_TRANSITIONS,
    MainEvent,
    MainState,
    RoomEvent,
    RoomState,
    main_after,
    room_after,
)
from app.shared.protocol import LocalProtocolError


def test_a_login_hashes_then_logs_in_and_a_room_password_hashes_after_it() -> None:
    state = MainState.AWAITING_LOGIN
    steps = [
        (MainEvent.HASH_STARTED, MainState.HASHING),
        (MainEvent.HASH_FINISHED, MainState.AWAITING_LOGIN),
        (MainEvent.LOGIN_SUCCEEDED, MainState.LOGGED_IN),
        (MainEvent.HASH_STARTED, MainState.LOGGED_IN_HASHING),
        (MainEvent.HASH_FINISHED, MainState.LOGGED_IN),
        (MainEvent.CLOSED, MainState.CLOSED),
    ]
    for event, expected in steps:
        state = main_after(state, event)
        assert state is expected


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (MainState.HASHING, MainEvent.LOGIN_SUCCEEDED),  # only after the hash came back
        (MainState.HASHING, MainEvent.HASH_STARTED),  # one hash at a time
        (MainState.LOGGED_IN, MainEvent.LOGIN_SUCCEEDED),
        (MainState.AWAITING_LOGIN, MainEvent.HASH_FINISHED),
        (MainState.CLOSED, MainEvent.CLOSED),
        (MainState.CLOSED, MainEvent.HASH_FINISHED),
    ],
)
def test_main_transitions_not_in_the_table_are_local_errors(
    state: MainState, event: MainEvent
) -> None:
    assert (state, event) not in MAIN_TRANSITIONS
    with pytest.raises(LocalProtocolError, match=event.name):
        main_after(state, event)


def test_every_open_main_state_can_close_and_closed_is_final() -> None:
    for state in MainState:
        if state is not MainState.CLOSED:
            assert main_after(state, MainEvent.CLOSED) is MainState.CLOSED
    assert not [key for key in MAIN_TRANSITIONS if key[0] is MainState.CLOSED]


def test_a_room_connection_enters_once_then_closes() -> None:
    assert room_after(RoomState.AWAITING_ENTER, RoomEvent.ENTERED) is RoomState.MEMBER
    assert room_after(RoomState.MEMBER, RoomEvent.CLOSED) is RoomState.CLOSED
    assert room_after(RoomState.AWAITING_ENTER, RoomEvent.CLOSED) is RoomState.CLOSED
    for state in (RoomState.MEMBER, RoomState.CLOSED):
        with pytest.raises(LocalProtocolError):
            room_after(state, RoomEvent.ENTERED)
    assert len(ROOM_TRANSITIONS) == 3
