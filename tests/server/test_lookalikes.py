"""Issue 21 items 3, 7 and 10 over real sockets: look-alike names and rooms, room passwords of
at least 4 characters, and chat text without hidden tricks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.server.hashing import make_argon2
from app.server.store import ChatStore
from app.shared.validation import name_key
from tests.conftest import PASSWORD
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines
TABLE = "inputs refused before the database; passes on PostgreSQL, kept off it for time"

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def register_error(connect: Connect, name: str) -> dict:
    client = connect()
    client.send(type="register", name=name, password=PASSWORD, id=4)
    error = client.expect("error")
    assert error["id"] == 4 and error["message"]
    client.request("ping", "pong")  # nothing broke
    return error


@pytest.mark.parametrize(
    "lookalike",
    [
        "ａｌｉｃｅ",  # fullwidth: PRECIS maps it to plain `alice`
        "alıce",  # Latin dotless ı: one script, so only the skeleton catches it
        "a1ice",  # the digit 1 for l
    ],
)
def test_a_lookalike_of_a_taken_name_is_taken(connect: Connect, lookalike: str) -> None:
    connect().request("register", "registered", name="alice", password=PASSWORD)
    assert register_error(connect, lookalike)["code"] == "name_taken"


def test_a_whole_script_lookalike_is_taken(connect: Connect) -> None:
    connect().request("register", "registered", name="ace", password=PASSWORD)
    assert register_error(connect, "асе")["code"] == "name_taken"  # all Cyrillic


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize(
    "name",
    [
        "аlice",  # Cyrillic а among Latin letters
        "admіn",  # Cyrillic і
        "𝐚𝐥𝐢𝐜𝐞",  # mathematical bold
        "ᴀlice",  # Latin small capital A, not a letter for identifiers
        "\u3164\u3164\u3164",
        "\uffa0\uffa0\uffa0",
        "\u115f\u115f\u115f",
    ],
)
def test_mixed_styled_and_invisible_names_are_invalid(connect: Connect, name: str) -> None:
    assert register_error(connect, name)["code"] == "invalid_name"
    connect().request("register", "registered", name="alice", password=PASSWORD)  # still free


def test_korean_and_latin_with_hangul_names_work(connect: Connect) -> None:
    client = connect()
    for name in ("김민지", "kim김민지"):
        client.request("register", "registered", name=name, password=PASSWORD)
    assert (
        client.request("login", "logged_in", name="김민지", password=PASSWORD)["name"] == "김민지"
    )


def test_decomposed_and_precomposed_names_are_one_account(connect: Connect) -> None:
    client = connect()
    registered = client.request("register", "registered", name="cafe\u0301", password=PASSWORD)
    assert registered["name"] == "café"
    assert register_error(connect, "café")["code"] == "name_taken"
    logged_in = connect().request("login", "logged_in", name="cafe\u0301", password=PASSWORD)
    assert logged_in["name"] == "café"


def test_an_account_from_before_these_rules_still_logs_in(make_server, db_path, qtbot) -> None:
    # Accounts stay stored under name_key; one whose name the new rules refuse still works.
    store = ChatStore(db_path)
    assert store.add_account("ѕam", name_key("ѕam"), make_argon2("test").hash(PASSWORD))
    store.close()
    client = WireClient(qtbot, make_server().port)
    client.expect("welcome")
    assert client.request("login", "logged_in", name="ЅAM", password=PASSWORD)["name"] == "ѕam"
    client.send(type="register", name="sam", password=PASSWORD)  # its look-alike is taken
    client.expect_error("name_taken")
    client.close()


def test_a_lookalike_room_name_is_taken(login: Login) -> None:
    alice, bob = login("alice"), login("bobby")
    create(alice, "Lounge")
    for lookalike in ("LOUNGE", "Lоunge", "Ｌｏｕｎｇｅ"):  # case, Cyrillic о, fullwidth
        bob.send(type="create_room", name=lookalike, capacity=2, password=None)
        error = bob.expect_error("room_name_taken")
        assert "Lounge" in error["message"]
    create(bob, "Lounge 2")


@pytest.mark.parametrize("password", ["", "a", "abc", "x" * 129])
def test_new_room_passwords_have_4_to_128_characters(login: Login, password: str) -> None:
    alice = login("alice")
    alice.send(type="create_room", name="Vault", capacity=2, password=password)
    assert "4 to 128" in alice.expect_error("invalid_password")["message"]
    assert alice.request("list_rooms", "rooms")["rooms"] == []
    create(alice, "Vault", password="abcd")


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize(
    "text",
    [
        "fake\u0085line",
        "\u009b31mred",
        "\u202eexe.gnp",
        "\u2067unclosed",
        "\u200b\u200b",
        "\u3164",
        "x\u2028bobby: hi",
    ],
)
def test_tricky_texts_are_refused_and_not_sent(connect: Connect, login: Login, text: str) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    inside = enter(connect, room, ticket)
    inside.send(type="say", text=text, id=8)
    error = inside.expect_error("invalid_text")
    assert error["id"] == 8 and error["message"].startswith("a message ")
    inside.send(type="say", text="\u2067שלום\u2069 ok\nsecond line")
    assert inside.expect("message")["text"] == "\u2067שלום\u2069 ok\nsecond line"
    assert "message" not in inside.types()
