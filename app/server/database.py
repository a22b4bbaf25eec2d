"""A thin, strict wrapper over one QtSql SQLite connection.

Every statement is a prepared `QSqlQuery` with bound values (prepared once, reused); every
false return from Qt becomes a `DatabaseError`; transactions are context managers; the
schema is brought up to date by numbered migrations recorded in a `schema_version` table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtSql import QSqlDatabase, QSqlQuery

from app.shared import logs

_connection_numbers = itertools.count(1)
ROWS_PER_STATEMENT = 100


class DatabaseError(Exception):
    """A statement or the connection failed; the request that needed it fails, not the server."""


class Database:
    """One named QSQLITE connection in WAL mode, with cached prepared statements."""

    def __init__(self, path: str, migrations: Sequence[Sequence[str]]) -> None:
        self.path = path
        self._name = f"roomchat-{next(_connection_numbers)}"
        self._statements: dict[str, QSqlQuery] = {}
        db = QSqlDatabase.addDatabase("QSQLITE", self._name)
        db.setDatabaseName(path)
        # A short wait for a lock: the event loop must never stall long on the database.
        db.setConnectOptions("QSQLITE_BUSY_TIMEOUT=1000")
        if not db.open():
            error = db.lastError().text()
            del db
            QSqlDatabase.removeDatabase(self._name)
            raise DatabaseError(f"cannot open {path}: {error}")
        self._db = db
        self._pragma("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL is durable across a crash of the process (not of the OS).
        self._pragma("PRAGMA synchronous=NORMAL")
        self._pragma("PRAGMA foreign_keys=ON")
        self._migrate(migrations)

    def _pragma(self, statement: str) -> None:
        query = QSqlQuery(self._db)
        if not query.exec(statement):
            raise DatabaseError(f"{statement}: {query.lastError().text()}")
        query.finish()

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        self.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        rows = self.rows("SELECT version FROM schema_version")
        current = rows[0][0] if rows else 0
        if not rows:
            self.execute("INSERT INTO schema_version (version) VALUES (0)")
        for version, statements in enumerate(migrations, start=1):
            if version <= current:
                continue
            with self.transaction():
                for statement in statements:
                    self.execute(statement)
                self.execute("UPDATE schema_version SET version = :v", v=version)
            logs.db.info("database schema migrated to version %d", version)

    def _prepared(self, sql: str) -> QSqlQuery:
        query = self._statements.get(sql)
        if query is None:
            query = QSqlQuery(self._db)
            if not query.prepare(sql):
                raise DatabaseError(f"cannot prepare statement: {query.lastError().text()}")
            self._statements[sql] = query
        return query

    def execute(self, sql: str, **values: Any) -> QSqlQuery:
        """Run one statement with named values bound (`:name` in the SQL)."""
        query = self._prepared(sql)
        for key, value in values.items():
            query.bindValue(f":{key}", value)
        if not query.exec():
            error = query.lastError().text()
            query.finish()
            raise DatabaseError(error)
        return query

    def insert_rows(self, insert: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
        """`insert` ("INSERT INTO t (a, b) VALUES") for many rows of `width` values, as
        multi-row statements of up to ROWS_PER_STATEMENT rows (Qt's execBatch grows
        quadratically with the batch here; this stays linear)."""
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            placeholders = "(" + ",".join("?" * width) + ")"
            query = self._prepared(f"{insert} {','.join([placeholders] * len(chunk))}")
            position = 0
            for row in chunk:
                for value in row:
                    query.bindValue(position, value)
                    position += 1
            if not query.exec():
                error = query.lastError().text()
                query.finish()
                raise DatabaseError(error)
            query.finish()

    def rows(self, sql: str, **values: Any) -> list[tuple[Any, ...]]:
        """All rows a SELECT returns, as tuples."""
        query = self.execute(sql, **values)
        width = query.record().count()
        result = []
        while query.next():
            result.append(tuple(query.value(i) for i in range(width)))
        query.finish()
        return result

    def insert(self, sql: str, **values: Any) -> int:
        """Run an INSERT and return the new row's id."""
        query = self.execute(sql, **values)
        row_id = query.lastInsertId()
        query.finish()
        return int(row_id)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if not self._db.transaction():
            raise DatabaseError(f"cannot begin: {self._db.lastError().text()}")
        try:
            yield
        except BaseException:
            self._db.rollback()
            raise
        if not self._db.commit():
            error = self._db.lastError().text()
            self._db.rollback()
            raise DatabaseError(f"cannot commit: {error}")

    def close(self) -> None:
        for query in self._statements.values():
            query.finish()
        self._statements.clear()
        self._db.close()
        del self._db
        QSqlDatabase.removeDatabase(self._name)
