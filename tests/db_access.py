"""The tests' own connections to a server's database (a `--db` value, SQLite or PostgreSQL),
as another program would open one: to look inside, to change it, or to hold its locks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtSql import QSqlDatabase, QSqlQuery

from app.server.database import Database
from app.server.db_target import PostgresTarget, parse_db
from app.server.engines import Engine, engine_for


def engine_of(db: str) -> Engine:
    return engine_for(parse_db(db))


def shown(db: str) -> str:
    """How the server names the database in messages (a password masked)."""
    return parse_db(db).display


def is_postgres(db: str) -> bool:
    return isinstance(parse_db(db), PostgresTarget)


@contextmanager
def connection(db: str, name: str) -> Iterator[QSqlQuery]:
    """A query on a connection of the test's own, closed (and removed) afterwards."""
    handle = QSqlDatabase.addDatabase(engine_of(db).driver, name)
    engine_of(db).configure(handle)
    assert handle.open(), handle.lastError().text()
    query = QSqlQuery(handle)
    if is_postgres(db):  # libpq writes notices ("no transaction in progress") to stderr
        assert query.exec("SET client_min_messages = error")
    try:
        yield query
    finally:
        query.finish()
        del query
        handle.close()
        del handle
        QSqlDatabase.removeDatabase(name)


def query_db(db: str, sql: str) -> list[tuple]:
    with connection(db, "inspect") as query:
        assert query.exec(sql), query.lastError().text()
        rows = []
        while query.next():
            rows.append(tuple(query.value(i) for i in range(query.record().count())))
        return rows


def run_sql(db: str, *statements: str) -> None:
    """Run statements as another program would."""
    with connection(db, "other") as query:
        for statement in statements:
            assert query.exec(statement), (statement, query.lastError().text())


def schema_version(db: str) -> int:
    """The schema version where the engine keeps it."""
    if is_postgres(db):
        return int(query_db(db, "SELECT version FROM schema_version")[0][0])
    return int(query_db(db, "PRAGMA user_version")[0][0])


def lock_writes(query: QSqlQuery, db: str) -> None:
    """Begin a transaction that keeps every other connection from writing (reads go on), as
    a second process holding the database would."""
    if is_postgres(db):
        assert query.exec("BEGIN")
        tables = "users, rooms, messages, meta"
        assert query.exec(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"), query.lastError().text()
    else:
        assert query.exec("BEGIN EXCLUSIVE")


def set_read_only(db: Database, read_only: bool) -> None:
    """Make the server's own connection refuse writes (`database is read-only`), or not."""
    if isinstance(db.target, PostgresTarget):  # as a hot standby would
        value = "on" if read_only else "off"
        db.rows("SELECT set_config('default_transaction_read_only', :v, false)", v=value)
    else:
        db.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}").finish()
