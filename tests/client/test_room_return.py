"""A room's connection dropped while the lobby stays up: asked again by itself, with a
back-off that stops after `MAX_TRIES`, on a fake clock and with no socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.client.chat_window import ChatWindow
from app.client.current_session import CurrentSession
from app.client.room_return import MAX_TRIES, RoomReturn
from app.shared.protocol import ClientFailure, ErrorCode, ErrorReply, RoomSummary
from tests.fake_clock import FakeClock


@pytest.fixture
def chat() -> Iterator[ChatWindow]:
    room = RoomSummary(1, "Lounge", 4001, 0, 5, False, "alice", "t", persistent=True)
    window = ChatWindow(room, CurrentSession())
    yield window
    window.leave()


def _returning(chat: ChatWindow, asked: list[int], lobby_up: bool = True) -> RoomReturn:
    clock = FakeClock()

    def ask() -> bool:
        asked.append(1)
        return lobby_up

    returning = RoomReturn(chat, ask, clock, rand=lambda: 1.0, tick_ms=10)
    returning.timer.timeout.connect(lambda: clock.advance(10))  # every tick: due at once
    return returning


def test_the_lobby_is_asked_again_with_a_back_off_and_then_no_more(qtbot, chat) -> None:
    asked: list[int] = []
    returning = _returning(chat, asked)
    chat.dropped.emit(ClientFailure.CONNECTION_LOST)
    assert chat.banner_label.text() == "Connection lost. Reconnecting in 1 s…"
    with qtbot.waitSignal(returning.gave_up, timeout=30_000):
        for tries in range(1, MAX_TRIES + 1):
            qtbot.waitUntil(lambda tries=tries: len(asked) == tries, timeout=5_000)
            if len(asked) % 2:  # the node is gone, or the room is not listed yet
                chat.unreachable.emit(ClientFailure.CONNECTION_REFUSED)
            else:
                returning.refused(ErrorReply(ErrorCode.NO_SUCH_ROOM, "", 1))
    assert len(asked) == MAX_TRIES
    assert returning.delays == [1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8]
    assert not returning.active and not chat.reconnect_button.isHidden()


def test_entering_ends_it_and_an_ending_for_good_does_not_start_it(qtbot, chat) -> None:
    asked: list[int] = []
    returning = _returning(chat, asked)
    chat.dropped.emit(ErrorCode.KICKED)
    assert not returning.active
    chat.dropped.emit(ClientFailure.CONNECTION_LOST)
    qtbot.waitUntil(lambda: asked == [1], timeout=5_000)
    chat.entered_room.emit()
    assert not returning.active and returning.backoff.attempts == 0
    chat.dropped.emit(ErrorCode.SERVER_SHUTDOWN)
    qtbot.waitUntil(lambda: asked == [1, 1], timeout=5_000)
    assert not returning.refused(ErrorReply(ErrorCode.BANNED, "", 1))  # said by the joiner
    assert not returning.active


def test_with_the_lobby_gone_too_it_leaves_it_to_signing_in_again(qtbot, chat) -> None:
    asked: list[int] = []
    returning = _returning(chat, asked, lobby_up=False)
    chat.dropped.emit(ClientFailure.CONNECTION_LOST)
    qtbot.waitUntil(lambda: asked == [1], timeout=5_000)
    assert not returning.active
    assert chat.banner_label.text().startswith("The connection to the server was lost.")


def test_signed_in_again_it_asks_at_once_and_again_while_the_room_moves(qtbot, chat) -> None:
    asked: list[int] = []
    returning = _returning(chat, asked)
    returning.again()  # the lobby and the room's node died together; signed in elsewhere
    assert asked == [1] and returning.active
    assert returning.refused(ErrorReply(ErrorCode.NO_SUCH_ROOM, "", 1))  # not reopened yet
    qtbot.waitUntil(lambda: asked == [1, 1], timeout=5_000)
    chat.unreachable.emit(ClientFailure.CONNECTION_REFUSED)  # a ticket to the dead node
    qtbot.waitUntil(lambda: asked == [1, 1, 1], timeout=5_000)
    chat.entered_room.emit()
    assert not returning.active and returning.delays == [1, 2]
