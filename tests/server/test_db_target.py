"""`--db` as a path or a PostgreSQL URL, its password never shown, and PostgreSQL's SQLSTATEs
sorted into the conditions SQLite's codes land in."""

from __future__ import annotations

import pytest
from PySide6.QtSql import QSqlError

from app.server.db_errors import Condition, postgres_condition_of
from app.server.db_target import DatabaseUrlError, PostgresTarget, SqliteTarget, parse_db


@pytest.mark.parametrize(
    "value", ["/var/lib/roomchat/chat.sqlite3", "chat.sqlite3", ":memory:", "C:/chat.db"]
)
def test_anything_but_a_postgresql_url_is_an_sqlite_path(value: str) -> None:
    assert parse_db(value) == SqliteTarget(value)
    assert parse_db(value).display == value


def test_a_url_gives_every_part_and_shows_no_password() -> None:
    target = parse_db(
        "postgresql://room%40chat:p%3Ass%40word@db.school.lan:5433/chat?sslmode=require"
    )
    assert target == PostgresTarget(
        host="db.school.lan",
        port=5433,
        dbname="chat",
        user="room@chat",
        password="p:ss@word",
        options=(("sslmode", "require"),),
    )
    assert target.display == "postgresql://room@chat:***@db.school.lan:5433/chat?sslmode=require"
    assert "p:ss@word" not in repr(target)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("postgres://alice@127.0.0.1/chat", "postgresql://alice@127.0.0.1/chat"),
        ("postgresql://h/chat?password=hunter2", "postgresql://h/chat?password=***"),
        ("postgresql:///chat", "postgresql:///chat"),  # libpq's defaults (PGHOST, socket)
        ("service=roomchat", "service=roomchat"),
    ],
)
def test_what_is_shown_of_a_postgresql_database(value: str, shown: str) -> None:
    assert parse_db(value).display == shown
    assert "hunter2" not in shown


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            "postgresql://alice:secret@h:54x/chat",
            "--db: the PostgreSQL URL's PORT must be a number",
        ),
        ("postgresql://alice:secret@h:5432", "--db: a PostgreSQL URL ends in /DBNAME"),
        ("postgresql://h/chat?options=-c x=1", "--db: the option 'options' cannot be passed"),
        ("postgresql://h/chat?a;b=1", "--db: the option 'a;b' cannot be passed"),
    ],
)
def test_a_broken_url_is_refused_without_echoing_it(value: str, problem: str) -> None:
    with pytest.raises(DatabaseUrlError) as refused:
        parse_db(value)
    assert str(refused.value).startswith(problem)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    ("code", "condition"),
    [("40001", Condition.BUSY), ("40P01", Condition.BUSY), ("55P03", Condition.BUSY),
     ("53100", Condition.DISK_FULL), ("25006", Condition.READ_ONLY),
     ("08006", Condition.CONNECTION_LOST), ("08003", Condition.CONNECTION_LOST),
     ("57P01", Condition.CONNECTION_LOST), ("23505", Condition.BUG), ("42601", Condition.BUG)],
)  # fmt: skip
def test_sqlstates_sort_into_conditions(code: str, condition: Condition) -> None:
    error = QSqlError(
        "QPSQL: Unable to create query", "ERROR:  …", QSqlError.ErrorType.StatementError, code
    )
    assert postgres_condition_of(error) is condition


def test_an_error_without_sqlstate_is_libpq_losing_the_connection_unless_qt_made_it() -> None:
    libpq = QSqlError("QPSQL: Unable to send query", "no connection to the server\n")
    assert postgres_condition_of(libpq) is Condition.CONNECTION_LOST
    assert postgres_condition_of(QSqlError("QPSQL: Unable to bind", "")) is Condition.BUG
