"""`create_room` and `join_room`'s password rule driven through the sans-IO door alone: no
socket, no room, no hasher, a fake clock; the test answers each hash itself."""

from __future__ import annotations

import pytest

from app.server.conversation import LoginGuard, RoomPasswordGuard
from app.server.lobby_accounts import AccountDesk
from app.server.lobby_effects import GrantSeat, Hash, OpenRoom, Refuse, Throttled, Verify
from app.server.lobby_rooms import ROOM_PASSWORD_THROTTLED, Door, RoomDoor
from app.shared.limits import FailureWindow
from app.shared.protocol import CreateRoom, ErrorCode, JoinRoom, ProtocolError, RequestId
from tests.fake_clock import FakeClock
from tests.server.test_lobby_accounts import Book

ADDRESS = "198.51.100.4"
WINDOW = 30.0
LOCKED = Door(7, "argon2-hash-of-the-room", inside=False, entered_before=False)


@pytest.fixture
def door(fake_clock: FakeClock) -> RoomDoor:
    guard = LoginGuard(3, 100, 50, WINDOW, fake_clock)
    accounts = AccountDesk(
        Book(), True, guard, FailureWindow(5, WINDOW, fake_clock), lambda _: None
    )
    return RoomDoor(RoomPasswordGuard(2, 10, WINDOW, fake_clock), accounts, "operators", 50)


def join(door: RoomDoor, room: Door, password: str | None = "sesame") -> list:
    return list(door.join(JoinRoom(room.room_id, password, "j"), room, "bob", "Bob", ADDRESS))


def test_an_open_room_grants_a_seat_at_once(door: RoomDoor) -> None:
    request = JoinRoom(3, None, "j")
    assert door.join(request, Door(3, None, False, False), "bob", "Bob", ADDRESS) == [
        GrantSeat(request)
    ]


def test_a_locked_room_asks_for_its_password_and_grants_on_the_right_one(
    door: RoomDoor,
) -> None:
    with pytest.raises(ProtocolError) as asked:
        join(door, LOCKED, None)
    assert asked.value.code == ErrorCode.PASSWORD_REQUIRED
    [verify] = join(door, LOCKED)
    assert isinstance(verify, Verify) and verify.password_hash == LOCKED.password_hash
    assert verify.secret == "sesame"
    [grant] = verify.then(True)
    assert isinstance(grant, GrantSeat) and grant.request.room_id == 7


def test_a_persistent_room_asks_its_password_only_of_who_never_entered(door: RoomDoor) -> None:
    again = Door(7, LOCKED.password_hash, inside=False, entered_before=True)
    [grant] = join(door, again, None)
    assert isinstance(grant, GrantSeat)


def test_someone_inside_already_gets_no_second_seat(door: RoomDoor) -> None:
    with pytest.raises(ProtocolError) as refused:
        join(door, Door(7, None, inside=True, entered_before=False))
    assert refused.value.code == ErrorCode.ALREADY_IN_ROOM


def test_wrong_guesses_throttle_the_room_for_that_account_until_the_window_passes(
    door: RoomDoor, fake_clock: FakeClock
) -> None:
    for _ in range(2):
        [verify] = join(door, LOCKED, "guess")
        assert isinstance(verify, Verify)
        with pytest.raises(ProtocolError) as wrong:
            verify.then(False)
        assert wrong.value.code == ErrorCode.WRONG_PASSWORD
    throttled, refusal = join(door, LOCKED)  # the right one: not even looked at
    assert throttled == Throttled(ROOM_PASSWORD_THROTTLED, ADDRESS)
    assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.RATE_LIMITED
    fake_clock.advance(WINDOW + 0.001)
    [verify] = join(door, LOCKED)
    assert isinstance(verify, Verify)


def test_a_hasher_failure_is_no_wrong_guess(door: RoomDoor) -> None:
    for _ in range(4):
        [verify] = join(door, LOCKED)
        assert isinstance(verify, Verify)
        with pytest.raises(ProtocolError) as failed:
            verify.then(None)
        assert failed.value.code == ErrorCode.INTERNAL_ERROR
    [verify] = join(door, LOCKED)
    assert isinstance(verify, Verify)


class Names:
    """The open rooms' checks: one name is taken."""

    def check_name_free(self, name: str, request_id: RequestId) -> None:
        if name.lower() == "lounge":
            raise ProtocolError(ErrorCode.ROOM_NAME_TAKEN, "taken", request_id)

    def check_room_allowed(self, owner: str, request_id: RequestId) -> None:
        pass


def create(door: RoomDoor, operator: bool = False, **fields: object) -> list:
    request = CreateRoom(**{"name": "Study", "capacity": 10, "id": "c", **fields})  # type: ignore[arg-type]
    return list(door.create(request, Names(), "bob", operator, ADDRESS))


def test_an_open_room_opens_at_once_and_a_locked_one_once_hashed(door: RoomDoor) -> None:
    assert create(door) == [OpenRoom("Study", 10, False, None, "c")]
    [hashing] = create(door, password="sesame")
    assert isinstance(hashing, Hash) and hashing.secret == "sesame"
    assert hashing.then("argon2") == [OpenRoom("Study", 10, False, "argon2", "c")]
    with pytest.raises(ProtocolError) as failed:
        hashing.then(None)  # a failed hash never opens the room unlocked
    assert failed.value.code == ErrorCode.INTERNAL_ERROR


def test_a_room_needs_a_free_name_a_fair_capacity_and_the_right_to_persist(
    door: RoomDoor,
) -> None:
    for fields, code in (
        ({"name": "LOUNGE"}, ErrorCode.ROOM_NAME_TAKEN),
        ({"capacity": 51}, ErrorCode.INVALID_CAPACITY),
        ({"persistent": True}, ErrorCode.NOT_ALLOWED),
    ):
        with pytest.raises(ProtocolError) as refused:
            create(door, **fields)
        assert refused.value.code == code
    assert create(door, operator=True, persistent=True) == [OpenRoom("Study", 10, True, None, "c")]
