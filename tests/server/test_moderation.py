"""Moderation on a real server: kick, ban, mute, roles and the owner, by each role; a plain
member refused every act; bans kept across leaving, logging in again and a restart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from tests.db_access import query_db
from tests.fake_clock import FakeClock
from tests.server.test_persistent_rooms import log_in
from tests.server.test_rooms import create, join
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
WALL = 1_800_000_000.0  # Unix seconds the fake wall clock starts at


@dataclass
class Scene:
    """A room owned by olive, with oscar (an operator), mona (a moderator), kim and lee."""

    server: ChatServer
    room: dict
    lobbies: dict[str, WireClient]
    inside: dict[str, WireClient]

    def act(self, who: str, kind: str, **fields: object) -> dict:
        """`who` sends a moderation request; its answer (ok or error)."""
        client = self.inside[who]
        client.send(type=kind, id=kind, **fields)
        client.wait_until(lambda: any(m.get("id") == kind for m in client.inbox))
        answer = next(m for m in client.inbox if m.get("id") == kind)
        client.inbox.remove(answer)
        return answer


def make_scene(qtbot: QtBot, server: ChatServer, connect: Connect) -> Scene:
    lobbies = {
        name: log_in(qtbot, server, name, operator=name == "oscar")
        for name in ("olive", "oscar", "mona", "kim", "lee")
    }
    room, ticket = create(lobbies["olive"], capacity=10)
    olive = connect(port=room["port"])
    olive.request("enter", "entered", ticket=ticket)
    inside = {"olive": olive}
    for name in ("oscar", "mona", "kim", "lee"):
        inside[name] = join(connect, lobbies[name], room)
    scene = Scene(server, room, lobbies, inside)
    assert scene.act("olive", "set_role", name="mona", role="moderator")["type"] == "ok"
    for client in [*inside.values(), *lobbies.values()]:
        client.inbox.clear()
    return scene


@pytest.fixture
def wall() -> FakeClock:
    return FakeClock(WALL)


@pytest.fixture
def scene(qtbot: QtBot, make_server, wall: FakeClock, connect_to) -> Scene:
    server = make_server(wall_clock=wall)
    return make_scene(qtbot, server, connect_to(server))


@pytest.fixture
def connect_to(qtbot: QtBot):
    clients: list[WireClient] = []

    def for_server(server: ChatServer) -> Connect:
        def open_client(port: int | None = None) -> WireClient:
            client = WireClient(qtbot, port if port is not None else server.port)
            clients.append(client)
            if port is None:
                client.expect("welcome")
            return client

        return open_client

    yield for_server
    for client in clients:
        client.close()


def audit(db_path: str) -> list[tuple]:
    """The audit log's lines; an empty field (NULL, or 0 minutes) as None."""
    sql = "SELECT actor, action, target, COALESCE(minutes, 0), reason FROM audit_log ORDER BY id"
    return [
        tuple(v if v not in ("", 0, None) else None for v in row) for row in query_db(db_path, sql)
    ]


# --- each role, each act ---------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["olive", "oscar", "mona"])
def test_owner_operator_and_moderator_kick_a_member(scene: Scene, actor: str, db_path) -> None:
    assert scene.act(actor, "kick", name="kim", reason="shouting")["type"] == "ok"
    kim = scene.inside["kim"]
    kicked = kim.expect_error("kicked")
    assert kicked["reason"] == "shouting" and "id" not in kicked
    kim.wait_closed()
    lee = scene.inside["lee"]
    told = lee.expect("moderation")
    assert told == {"type": "moderation", "action": "kick", "name": "kim", "by": actor,
                    "minutes": None, "reason": "shouting"}  # fmt: skip
    left = lee.expect("left")
    assert left["name"] == "kim" and left["kicked_by"] == actor
    assert "kim" not in left["members"]
    assert audit(db_path)[-1] == (actor, "kick", "kim", None, "shouting")


@pytest.mark.parametrize("actor", ["olive", "oscar", "mona"])
def test_owner_operator_and_moderator_ban_mute_and_list_bans(
    scene: Scene, actor: str, wall: FakeClock, db_path
) -> None:
    assert scene.act(actor, "ban", name="kim", minutes=10, reason="spam")["type"] == "ok"
    banned = scene.inside["kim"].expect_error("banned")
    assert banned["reason"] == "spam" and banned["until"].startswith("2027-01-15T08:")
    left = scene.inside["lee"].expect("left")
    assert left["banned_by"] == actor and "kicked_by" not in left
    [entry] = scene.act(actor, "bans")["bans"]
    assert entry == {"name": "kim", "until": banned["until"], "by": actor, "reason": "spam"}
    assert scene.act(actor, "mute", name="lee", minutes=5)["type"] == "ok"
    assert scene.act(actor, "unmute", name="lee")["type"] == "ok"
    assert scene.act(actor, "unban", name="kim")["type"] == "ok"
    assert scene.act(actor, "bans")["bans"] == []
    assert [row[1] for row in audit(db_path)[1:]] == ["ban", "mute", "unmute", "unban"]


@pytest.mark.parametrize("actor", ["olive", "oscar"])
def test_owner_and_operator_name_moderators_and_hand_the_room_on(
    scene: Scene, actor: str, db_path
) -> None:
    assert scene.act(actor, "set_role", name="kim", role="moderator")["type"] == "ok"
    changed = scene.inside["lee"].expect("role_changed")
    assert changed == {"type": "role_changed", "name": "kim", "role": "moderator", "by": actor}
    scene.inside["kim"].expect("role_changed")
    assert scene.act(actor, "transfer_owner", name="lee")["type"] == "ok"
    roles = [scene.inside["kim"].expect("role_changed") for _ in range(2)]
    assert {(r["name"], r["role"]) for r in roles} == {("olive", "moderator"), ("lee", "owner")}
    lobby = scene.lobbies["kim"]
    lobby.wait_until(lambda: any(m.get("room", {}).get("owner") == "lee" for m in lobby.inbox))
    assert query_db(db_path, "SELECT owner FROM rooms") == [("lee",)]
    # The new owner may now name moderators; the former one, a moderator, may not.
    assert scene.act("lee", "set_role", name="kim", role="member")["type"] == "ok"
    assert scene.act("olive", "set_role", name="kim", role="moderator")["code"] == "not_allowed"


def test_a_moderator_may_not_manage_roles_nor_touch_the_owner(scene: Scene) -> None:
    for kind, fields in [
        ("set_role", {"name": "kim", "role": "moderator"}),
        ("transfer_owner", {"name": "kim"}),
        ("kick", {"name": "olive"}),
        ("ban", {"name": "oscar"}),
    ]:
        assert scene.act("mona", kind, **fields)["code"] == "not_allowed", kind
    assert scene.act("olive", "kick", name="oscar")["code"] == "not_allowed"  # outranked


MEMBER_ACTS = [
    ("kick", {"name": "lee"}),
    ("ban", {"name": "lee", "minutes": None, "reason": "x"}),
    ("unban", {"name": "lee"}),
    ("bans", {}),
    ("mute", {"name": "lee", "minutes": 5}),
    ("unmute", {"name": "lee"}),
    ("set_role", {"name": "kim", "role": "moderator"}),
    ("transfer_owner", {"name": "kim"}),
]


@pytest.mark.parametrize(("kind", "fields"), MEMBER_ACTS, ids=[k for k, _ in MEMBER_ACTS])
def test_a_plain_member_is_refused_every_act_and_nothing_changes(
    scene: Scene, kind: str, fields: dict, db_path
) -> None:
    refused = scene.act("kim", kind, **fields)
    assert refused["code"] == "not_allowed" and refused["id"] == kind
    assert audit(db_path) == [("olive", "set_role", "mona", None, None)]
    assert query_db(db_path, "SELECT COUNT(*) FROM room_bans") == [(0,)]
    assert query_db(db_path, "SELECT user_key FROM room_roles") == [("mona",)]
    lee = scene.inside["lee"]
    lee.send(type="say", text="still here")
    assert lee.expect("message")["text"] == "still here"  # not muted, not removed
    assert "moderation" not in lee.types() and "role_changed" not in lee.types()
    assert scene.server.directory.rooms[scene.room["id"]].info.owner == "olive"


# --- bans and mutes over time ------------------------------------------------------------------


def test_a_ban_holds_across_leaving_logging_in_again_and_a_restart(
    qtbot: QtBot, make_server, connect_to, db_path
) -> None:
    first = make_server(persistent_rooms="everyone")
    olive, kim = log_in(qtbot, first, "olive"), log_in(qtbot, first, "kim")
    created = olive.request("create_room", "room_created", name="Club", capacity=5,
                            persistent=True)  # fmt: skip
    room = created["room"]
    owner = connect_to(first)(port=room["port"])
    owner.request("enter", "entered", ticket=created["ticket"])
    kim_inside = join(connect_to(first), kim, room)
    owner.send(type="ban", name="kim", reason="for good")
    assert owner.expect("ok") and owner.expect("moderation")["minutes"] is None
    refused = kim_inside.expect_error("banned")
    assert "until" not in refused  # for good
    kim_inside.wait_closed()
    kim.send(type="join_room", room_id=room["id"], id=1)
    assert kim.expect_error("banned")["id"] == 1
    kim.close()
    kim = log_in(qtbot, first, "kim")  # a new session changes nothing
    kim.send(type="join_room", room_id=room["id"])
    kim.expect_error("banned")
    for client in (olive, kim, owner):
        client.close()
    first.shutdown()

    second = make_server(persistent_rooms="everyone")
    kim = log_in(qtbot, second, "kim")
    kim.send(type="join_room", room_id=room["id"])
    kim.expect_error("banned")
    olive = log_in(qtbot, second, "olive")
    owner = join(connect_to(second), olive, room)
    [entry] = owner.request("bans", "bans")["bans"]
    assert (entry["name"], entry["by"], entry["until"]) == ("kim", "olive", None)
    owner.send(type="unban", name="kim")
    owner.expect("ok")
    kim.request("join_room", "join_granted", room_id=room["id"])


def test_a_timed_ban_ends_on_the_clock(scene: Scene, wall: FakeClock) -> None:
    assert scene.act("mona", "ban", name="kim", minutes=10)["type"] == "ok"
    kim = scene.lobbies["kim"]
    kim.send(type="join_room", room_id=scene.room["id"])
    kim.expect_error("banned")
    wall.advance(10 * 60 - 1)
    kim.send(type="join_room", room_id=scene.room["id"])
    kim.expect_error("banned")
    wall.advance(1)
    kim.request("join_room", "join_granted", room_id=scene.room["id"])


def test_a_muted_member_reads_but_may_not_speak_until_the_mute_ends(
    scene: Scene, wall: FakeClock
) -> None:
    assert scene.act("mona", "mute", name="kim", minutes=5, reason="calm down")["type"] == "ok"
    assert scene.inside["lee"].expect("moderation")["action"] == "mute"
    kim, lee = scene.inside["kim"], scene.inside["lee"]
    kim.send(type="say", text="let me", id="s")
    muted = kim.expect_error("muted")
    assert muted["id"] == "s" and muted["until"].startswith("2027-01-15T08:")
    lee.send(type="say", text="I can")
    assert kim.expect("message")["text"] == "I can"  # kim still reads
    assert lee.expect("message")["text"] == "I can"  # and nothing of kim's came before
    wall.advance(5 * 60)
    kim.send(type="say", text="back")
    assert lee.expect("message")["text"] == "back"


def test_roles_are_kept_and_travel_in_member_roles(
    qtbot: QtBot, make_server, connect_to, db_path
) -> None:
    server = make_server()
    scene = make_scene(qtbot, server, connect_to(server))
    scene.inside["kim"].send(type="leave")
    scene.inside["kim"].wait_closed()
    left = scene.inside["lee"].expect("left")
    assert {r["name"]: r["role"] for r in left["member_roles"]} == {
        "olive": "owner", "oscar": "operator", "mona": "moderator",
    }  # fmt: skip
    assert query_db(db_path, "SELECT room_id, user_key, role FROM room_roles") == [
        (scene.room["id"], "mona", "moderator")
    ]


# --- room settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["olive", "oscar", "mona"])
def test_settings_are_told_to_members_and_lobbies_and_kept(
    scene: Scene, actor: str, db_path
) -> None:
    answer = scene.act(actor, "room_settings", capacity=6, name="Quiet", read_only=False)
    assert answer["type"] == "ok"
    changed = scene.inside["kim"].expect("room_settings_changed")
    assert changed == {"type": "room_settings_changed", "by": actor,
                       "changes": {"capacity": 6, "name": "Quiet", "read_only": False}}  # fmt: skip
    lobby = scene.lobbies["lee"]
    lobby.wait_until(lambda: any(m.get("room", {}).get("name") == "Quiet" for m in lobby.inbox))
    assert query_db(db_path, "SELECT name, capacity FROM rooms") == [("Quiet", 6)]
    assert audit(db_path)[-1] == (actor, "room_settings", None, None, "capacity, name, read_only")


def test_capacity_never_below_the_members_and_a_member_may_change_nothing(
    scene: Scene, db_path
) -> None:
    assert scene.act("olive", "room_settings", capacity=4)["code"] == "invalid_capacity"  # 5 in
    for fields in ({"read_only": True}, {"slow_mode_seconds": 5}, {"locked_doors": True}):
        assert scene.act("kim", "room_settings", **fields)["code"] == "not_allowed"
    scene.inside["kim"].send(type="say", text="free")
    assert scene.inside["lee"].expect("message")["text"] == "free"
    assert query_db(db_path, "SELECT capacity FROM rooms") == [(10,)]
    assert "room_settings_changed" not in scene.inside["lee"].types()


def test_read_only_lets_only_owner_and_moderators_speak(scene: Scene) -> None:
    assert scene.act("mona", "room_settings", read_only=True)["type"] == "ok"
    kim, lee = scene.inside["kim"], scene.inside["lee"]
    kim.send(type="say", text="may I", id=1)
    assert kim.expect_error("read_only")["id"] == 1
    for speaker in ("olive", "mona", "oscar"):
        scene.inside[speaker].send(type="say", text=f"{speaker} speaks")
        assert lee.expect("message")["text"] == f"{speaker} speaks"
    assert scene.act("olive", "room_settings", read_only=False)["type"] == "ok"
    kim.send(type="say", text="now")
    assert lee.expect("message")["text"] == "now"


def test_slow_mode_allows_one_message_per_period_moderators_exempt(
    scene: Scene, wall: FakeClock
) -> None:
    assert scene.act("olive", "room_settings", slow_mode_seconds=30)["type"] == "ok"
    kim, lee = scene.inside["kim"], scene.inside["lee"]
    kim.send(type="say", text="one")
    assert lee.expect("message")["text"] == "one"
    wall.advance(10)
    kim.send(type="say", text="two", id="t")
    slow = kim.expect_error("slow_mode")
    assert slow["id"] == "t" and slow["retry_after"] == 20
    for _ in range(2):
        scene.inside["mona"].send(type="say", text="mod")
        assert lee.expect("message")["text"] == "mod"
    wall.advance(20)
    kim.send(type="say", text="three")
    assert lee.expect("message")["text"] == "three"


def test_locked_doors_refuse_newcomers_even_with_a_ticket_asked(qtbot: QtBot, scene: Scene) -> None:
    assert scene.act("olive", "room_settings", locked_doors=True)["type"] == "ok"
    newcomer = log_in(qtbot, scene.server, "nora")
    newcomer.send(type="join_room", room_id=scene.room["id"], id=5)
    assert newcomer.expect_error("room_locked")["id"] == 5
    assert scene.act("olive", "room_settings", locked_doors=False)["type"] == "ok"
    newcomer.request("join_room", "join_granted", room_id=scene.room["id"])


# --- deleting and reporting messages ---------------------------------------------------------


def said(scene: Scene, who: str, text: str) -> int:
    scene.inside[who].send(type="say", text=text)
    message = scene.inside["lee"].expect("message")
    assert message["text"] == text
    return int(message["seq"])


def file_bytes(db_path: str) -> bytes:
    with open(db_path, "rb") as main:
        data = main.read()
    try:
        with open(db_path + "-wal", "rb") as wal:
            data += wal.read()
    except FileNotFoundError:
        pass
    return data


@pytest.mark.parametrize(("actor", "author"), [("kim", "kim"), ("mona", "kim"),
                                               ("olive", "mona"), ("oscar", "olive")])  # fmt: skip
def test_a_deleted_message_is_gone_from_every_view_and_the_database(
    qtbot: QtBot, scene: Scene, actor: str, author: str, db_path, db_engine: str
) -> None:
    secret = "pineapple-on-pizza-7f3a9c"
    seq = said(scene, author, secret)
    said(scene, "lee", "a later one")
    if db_engine == "sqlite":
        scene.server.store.db.pragma("PRAGMA wal_checkpoint(TRUNCATE)")
        assert secret.encode() in file_bytes(db_path)  # the check below can see it
    assert scene.act(actor, "delete_message", seq=seq)["type"] == "ok"
    deleted = scene.inside["lee"].expect("message_deleted")
    assert deleted == {"type": "message_deleted", "seq": seq, "by": actor}
    told = scene.inside["lee"].expect("moderation")
    assert (told["action"], told["name"], told["by"]) == ("delete_message", author, actor)
    assert query_db(db_path, f"SELECT COUNT(*) FROM messages WHERE seq = {seq}") == [(0,)]
    if db_engine == "sqlite":
        assert secret.encode() not in file_bytes(db_path)
    newcomer = log_in(qtbot, scene.server, "nora")
    granted = newcomer.request("join_room", "join_granted", room_id=scene.room["id"])
    room = WireClient(qtbot, scene.room["port"])
    history = room.request("enter", "entered", ticket=granted["ticket"])["history"]
    room.close()
    gone = next(m for m in history if m["seq"] == seq)
    assert gone["deleted"] is True and gone["text"] == ""
    assert secret not in str(history) and "a later one" in str(history)
    rows = query_db(db_path, "SELECT actor, action, target, seq FROM audit_log ORDER BY id")
    assert rows[-1] == (actor, "delete_message", author, seq)
    assert secret not in str(query_db(db_path, "SELECT * FROM audit_log"))


def test_a_member_may_not_delete_anothers_message(scene: Scene, db_path) -> None:
    seq = said(scene, "lee", "mine")
    assert scene.act("kim", "delete_message", seq=seq)["code"] == "not_allowed"
    assert query_db(db_path, f"SELECT text FROM messages WHERE seq = {seq}") == [("mine",)]
    assert "message_deleted" not in scene.inside["lee"].types()


def test_a_report_is_kept_for_the_operators(scene: Scene, db_path) -> None:
    seq = said(scene, "lee", "rude words")
    assert scene.act("kim", "report", seq=seq, reason="rude")["type"] == "reported"
    sql = "SELECT room_id, seq, author, reporter, reason, at, open FROM reports"
    assert query_db(db_path, sql) == [(scene.room["id"], seq, "lee", "kim", "rude", WALL, 1)]
    assert "moderation" not in scene.inside["lee"].types()  # nobody else is told
