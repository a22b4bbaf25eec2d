"""Resume tokens over real sockets: a login without the password, after a restart too;
revoked by logout and by use, expired after --resume-days; never stored or logged in plain."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import argon2
import pytest
from pytestqt.qtbot import QtBot

from app.server import hashing
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.db_access import query_db
from tests.fake_clock import FakeClock
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines  # the direct-message and token SQL, on either engine

Login = Callable[..., WireClient]
DAY = 86_400


def fresh_token(server: ChatServer, qtbot: QtBot, name: str = "alice") -> tuple[WireClient, str]:
    client = WireClient(qtbot, server.port)
    client.expect("welcome")
    client.send(type="register", name=name, password=PASSWORD)
    client.expect("registered")
    token = client.request("login", "logged_in", name=name, password=PASSWORD)["resume_token"]
    return client, token


def resume(server: ChatServer, qtbot: QtBot, token: str, request_id: object = 1) -> dict:
    client = WireClient(qtbot, server.port)
    client.expect("welcome")
    client.send(type="resume", token=token, id=request_id)
    reply = client.next()
    client.close()
    return reply


def test_a_token_logs_in_once_without_the_password_and_gives_the_next(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server()
    first, token = fresh_token(server, qtbot)
    first.close()
    reply = resume(server, qtbot, token, "r")
    assert reply["type"] == "logged_in" and reply["name"] == "alice" and reply["id"] == "r"
    assert reply["resume_token"] != token
    assert resume(server, qtbot, token)["code"] == "bad_credentials"  # used up
    assert resume(server, qtbot, reply["resume_token"])["type"] == "logged_in"


def test_a_token_survives_a_server_restart_on_the_same_database(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    first = make_server()
    client, token = fresh_token(first, qtbot)
    first.shutdown()
    client.wait_closed()
    second = make_server()
    reply = resume(second, qtbot, token)
    assert reply["type"] == "logged_in" and reply["name"] == "alice"


def test_logout_revokes_the_sessions_token(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server()
    client, token = fresh_token(server, qtbot)
    client.request("logout", "bye")
    assert resume(server, qtbot, token)["code"] == "bad_credentials"


def test_a_dropped_connection_keeps_the_token(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server()
    client, token = fresh_token(server, qtbot)
    client.close()
    assert resume(server, qtbot, token)["type"] == "logged_in"


@pytest.mark.parametrize("days", [14, 3])
def test_a_token_expires_after_resume_days(
    make_server: Callable[..., ChatServer], qtbot: QtBot, days: int
) -> None:
    wall = FakeClock(time.time())
    server = make_server(wall_clock=wall, resume_days=float(days))
    client, token = fresh_token(server, qtbot)
    client.close()
    wall.advance(days * DAY - 60)
    _, other = fresh_token(server, qtbot, "bob")
    assert resume(server, qtbot, other)["type"] == "logged_in"  # within its days
    wall.advance(61)
    reply = resume(server, qtbot, token)
    assert reply["type"] == "error" and reply["code"] == "resume_expired"


@pytest.mark.parametrize(
    "token", ["", "x", "a" * 22 + "." + "b" * 43, "a" * 22 + "." + "b" * 42, "é" * 66]
)
def test_a_wrong_or_malformed_token_is_bad_credentials(
    make_server: Callable[..., ChatServer], qtbot: QtBot, token: str
) -> None:
    server = make_server()
    assert resume(server, qtbot, token, 3) == {
        "type": "error", "code": "bad_credentials", "message": "that resume token is not valid",
        "id": 3,
    }  # fmt: skip


def test_a_known_selector_with_a_wrong_secret_is_bad_credentials(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server()
    _, token = fresh_token(server, qtbot)
    selector, secret = token.split(".")
    forged = selector + "." + ("A" if secret[0] != "A" else "B") + secret[1:]
    assert resume(server, qtbot, forged)["code"] == "bad_credentials"
    assert resume(server, qtbot, token)["type"] == "logged_in"  # the real one still works


def test_resume_on_a_logged_in_connection_is_refused(login: Login) -> None:
    alice = login("alice")
    alice.send(type="resume", token="a" * 22 + "." + "b" * 43, id=2)
    assert alice.expect_error("already_logged_in")["id"] == 2


def test_the_token_is_in_neither_the_database_nor_the_log(
    make_server: Callable[..., ChatServer],
    qtbot: QtBot,
    db_path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = make_server()
    client, token = fresh_token(server, qtbot)
    client.close()
    resumed = resume(server, qtbot, token)["resume_token"]
    (stored_hash,) = server.store.db.rows(
        "SELECT verifier_hash FROM resume_tokens WHERE selector = :s", s=resumed.split(".")[0]
    )[0]
    assert stored_hash.startswith("$argon2id$")
    server.shutdown()
    files = [Path(db_path)] + [Path(db_path + suffix) for suffix in ("-wal", "-shm")]
    data = b"".join(path.read_bytes() for path in files if path.exists())
    for secret in (token, resumed):
        assert secret.split(".")[1].encode() not in data
        assert secret.split(".")[1] not in caplog.text


def test_expired_tokens_are_deleted_at_start_up(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    wall = FakeClock(time.time())
    first = make_server(wall_clock=wall, resume_days=1.0)
    client, _ = fresh_token(first, qtbot)
    client.close()
    first.shutdown()
    wall.advance(DAY + 1)
    second = make_server(wall_clock=wall, resume_days=1.0)
    assert second.store.db.rows("SELECT COUNT(*) FROM resume_tokens") == [(0,)]


def test_expired_tokens_are_deleted_hourly(
    make_server: Callable[..., ChatServer], qtbot: QtBot, fake_clock: FakeClock
) -> None:
    wall = FakeClock(time.time())
    server = make_server(clock=fake_clock, wall_clock=wall, resume_days=1.0)
    client, _ = fresh_token(server, qtbot)
    client.close()
    wall.advance(DAY + 1)
    server.sweep()
    assert server.store.db.rows("SELECT COUNT(*) FROM resume_tokens") == [(1,)]  # not yet
    fake_clock.advance(3_600)
    server.sweep()
    assert server.store.db.rows("SELECT COUNT(*) FROM resume_tokens") == [(0,)]


def test_an_account_keeps_only_its_newest_tokens(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server(resume_tokens_per_account=2)
    client, oldest = fresh_token(server, qtbot)
    client.close()
    tokens = []
    for _ in range(2):
        again = WireClient(qtbot, server.port)
        again.expect("welcome")
        reply = again.request("login", "logged_in", name="alice", password=PASSWORD)
        tokens.append(reply["resume_token"])
        again.close()
    assert resume(server, qtbot, oldest)["code"] == "bad_credentials"
    assert all(resume(server, qtbot, token)["type"] == "logged_in" for token in tokens)


def test_bad_tokens_from_one_address_are_throttled(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    server = make_server(login_fails_per_address=3)
    _, token = fresh_token(server, qtbot)
    wrong = "a" * 22 + "." + "b" * 43
    assert [resume(server, qtbot, wrong)["code"] for _ in range(3)] == ["bad_credentials"] * 3
    throttled = resume(server, qtbot, token)  # the right one too, for a while
    assert throttled["code"] == "rate_limited" and throttled["retry_after"] > 0


def test_only_a_server_of_nodes_lists_its_nodes_after_logged_in(
    make_server: Callable[..., ChatServer], qtbot: QtBot, db_engine: str
) -> None:
    server = make_server()
    client, _ = fresh_token(server, qtbot)
    client.send(type="ping")
    client.expect("pong")  # after whatever followed logged_in
    listed = [m["nodes"] for m in client.inbox if m.get("type") == "nodes"]
    here = {"host": "127.0.0.1", "port": server.port}
    assert listed == ([[here]] if db_engine == "postgresql" else [])  # SQLite: one server
    client.close()


def test_with_the_standard_profile_a_token_costs_the_least_and_a_password_the_full(
    make_server: Callable[..., ChatServer], qtbot: QtBot, db_path: str
) -> None:
    server = make_server(hash_profile="standard")
    first, token = fresh_token(server, qtbot)
    first.close()
    (stored,) = query_db(db_path, "SELECT verifier_hash FROM resume_tokens")
    (password,) = query_db(db_path, "SELECT password_hash FROM users")
    assert argon2.extract_parameters(str(stored[0])).memory_cost == 8  # 8 KiB, one pass
    assert argon2.extract_parameters(str(password[0])).memory_cost == 65_536
    assert resume(server, qtbot, token)["type"] == "logged_in"


def test_a_login_and_a_resume_take_one_hashing_job_each_token_and_all(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    """The new token is hashed in the job that checks the password (or the old token): one
    trip through the pool, not a second job once the first has answered."""
    server = make_server()
    jobs: list[int] = []
    submit = server.hasher._submit

    def counted(*args: Any, **kwargs: Any) -> None:
        jobs.append(1)
        submit(*args, **kwargs)

    server.hasher._submit = counted  # type: ignore[method-assign]
    first, token = fresh_token(server, qtbot)
    assert len(jobs) == 2  # the registration's hash, then the login's check
    first.close()
    assert resume(server, qtbot, token)["type"] == "logged_in"
    assert len(jobs) == 3


def test_a_login_costs_two_statements_the_account_and_its_new_token(
    make_server: Callable[..., ChatServer], qtbot: QtBot
) -> None:
    """The account is read before the check; after it, the token's insert also says how
    many tokens the account holds and whether direct messages wait: no transaction, no
    pruning and no query of what waited unless there is something to do."""
    server = make_server()
    first, _ = fresh_token(server, qtbot)
    first.close()
    qtbot.waitUntil(lambda: not server.lobby.online)  # its logout's statements are done
    db = server.store.db
    statements: list[str] = []
    execute = db.execute

    def counted(sql: str, **values: Any) -> Any:
        statements.append(sql.split()[0])
        return execute(sql, **values)

    db.execute = counted  # type: ignore[method-assign]
    client = WireClient(qtbot, server.port)
    client.expect("welcome")
    assert client.request("login", "logged_in", name="alice", password=PASSWORD)["resume_token"]
    assert statements == ["SELECT", "INSERT"]
    client.close()


class GatedVerify:
    """Stands in for the hasher's argon2: each verification waits for the gate."""

    def __init__(self, real: argon2.PasswordHasher) -> None:
        self.real = real
        self.gate = threading.Event()

    def verify(self, password_hash: str, password: str) -> bool:
        assert self.gate.wait(30)
        return self.real.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self.real.hash(password)


def test_logins_checked_together_share_one_commit_before_any_is_answered(
    make_server: Callable[..., ChatServer], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit per login cost its locks and WAL writes: the tokens of logins whose checks
    come back in one batch are stored in one transaction, committed before the first of
    them is answered, and each token given then resumes."""
    server = make_server()
    names = ["alice", "bob", "carol"]
    for name in names:
        fresh_token(server, qtbot, name)[0].close()
    qtbot.waitUntil(lambda: not server.lobby.online)
    monkeypatch.setattr(hashing, "HOLD_RESULTS_S", 60.0)  # the three come back together
    hasher = server.hasher
    hasher._pool.setMaxThreadCount(1)
    hasher._queue.workers = 1
    gated = GatedVerify(hasher._argon2)
    hasher._argon2 = gated  # type: ignore[assignment]
    events: list[str] = []
    store, direct = server.lobby._direct_store, server.lobby._direct
    add_tokens, add_token, at_login = store.add_tokens, store.add_token, direct.at_login

    def together(tokens: list[Any], keep: int) -> list[bool]:
        waiting = add_tokens(tokens, keep)
        events.append(f"committed {len(tokens)}")
        return waiting

    def alone(*args: Any) -> bool:
        events.append("one alone")
        return add_token(*args)

    def answered(*args: Any) -> Any:
        events.append("answered")
        return at_login(*args)

    monkeypatch.setattr(store, "add_tokens", together)
    monkeypatch.setattr(store, "add_token", alone)
    monkeypatch.setattr(direct, "at_login", answered)
    clients = []
    for name in names:
        client = WireClient(qtbot, server.port)
        client.expect("welcome")
        client.send(type="login", name=name, password=PASSWORD)
        clients.append(client)
    qtbot.waitUntil(lambda: hasher.pending == 3)
    gated.gate.set()
    tokens = [client.expect("logged_in")["resume_token"] for client in clients]
    assert events == ["committed 3", "answered", "answered", "answered"]
    for client in clients:
        client.close()
    qtbot.waitUntil(lambda: not server.lobby.online)
    for token in tokens:
        assert resume(server, qtbot, token)["type"] == "logged_in"


def test_a_token_stored_with_its_batch_for_a_login_that_went_meanwhile_is_deleted(
    make_server: Callable[..., ChatServer], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Else it would count against the account's kept tokens, given to nobody."""
    server = make_server()
    for name in ("alice", "bob"):
        fresh_token(server, qtbot, name)[0].close()
    qtbot.waitUntil(lambda: not server.lobby.online)
    monkeypatch.setattr(hashing, "HOLD_RESULTS_S", 60.0)
    hasher = server.hasher
    hasher._pool.setMaxThreadCount(1)
    hasher._queue.workers = 1
    gated = GatedVerify(hasher._argon2)
    hasher._argon2 = gated  # type: ignore[assignment]
    clients = []
    for name in ("alice", "bob"):
        client = WireClient(qtbot, server.port)
        client.expect("welcome")
        client.send(type="login", name=name, password=PASSWORD)
        clients.append(client)
    qtbot.waitUntil(lambda: hasher.pending == 2)
    clients[1].close()
    qtbot.waitUntil(lambda: len(server.lobby.sessions) == 1)
    gated.gate.set()
    clients[0].expect("logged_in")

    def tokens_of(key: str) -> int:
        sql = "SELECT COUNT(*) FROM resume_tokens WHERE user_key = :k"
        return int(server.store.db.rows(sql, k=key)[0][0])

    assert (tokens_of("alice"), tokens_of("bob")) == (2, 1)  # bob's first login's only
