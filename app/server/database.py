"""A thin, strict wrapper over one QtSql connection, to SQLite (the default) or PostgreSQL.

Every statement is a prepared `QSqlQuery` with bound values (prepared once, reused); every
false return from Qt becomes a `DatabaseError` whose `condition` says what went wrong;
transactions are context managers; the schema is brought up to date by numbered migrations
whose count is kept by the engine (SQLite's `PRAGMA user_version`, as qutebrowser's
`misc/sql.py` does; a `schema_version` table on PostgreSQL). A migration is a list of steps,
each an SQL statement (in `Engine.ddl` words) or a function that fills new columns from
Python (run in the migration's transaction). A lost PostgreSQL connection is opened again by
the next statement (at most once per RECONNECT_SECONDS), so the server keeps serving.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtSql import QSqlDatabase, QSqlError, QSqlQuery

from app.server.db_errors import (
    Condition,
    DatabaseError,
    SchemaTooNewError,
    condition_of,
    postgres_condition_of,
)
from app.server.db_lock import DatabaseLock
from app.server.db_target import DbTarget, parse_db
from app.server.engines import BUSY_TIMEOUT_MS, Engine, engine_for
from app.shared import logs

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Condition",
    "Database",
    "DatabaseError",
    "SchemaTooNewError",
    "Step",
    "condition_of",
    "postgres_condition_of",
]

_connection_numbers = itertools.count(1)
Step = str | Callable[["Database"], None]  # one step of a migration
ROWS_PER_STATEMENT = 64


def statement_sizes(rows: int) -> list[int]:
    """How `insert_rows` splits `rows` rows: statements of ROWS_PER_STATEMENT, then the
    rest as powers of two, largest first (100 = 64 + 32 + 4). Each size is a statement
    kept prepared for good, whose SQLite program grows with its rows: a statement for
    every count met (the group commit's rows, the index's chunks) would keep up to 100 of
    them per INSERT; these sizes are 7 at most, and at most 7 run for any count."""
    sizes = [ROWS_PER_STATEMENT] * (rows // ROWS_PER_STATEMENT)
    rest = rows % ROWS_PER_STATEMENT
    bit = ROWS_PER_STATEMENT
    while rest:
        bit //= 2
        if rest >= bit:
            sizes.append(bit)
            rest -= bit
    return sizes


RECONNECT_SECONDS = 1.0  # between two attempts to reopen a lost connection


class Database:
    """One named QtSql connection with cached prepared statements, on the engine `db` names
    (a `--db` value or a parsed target).

    `exclusive` takes the one-server lock (a lock file beside an SQLite file, an advisory lock
    on PostgreSQL) before the schema is read, or raises `DatabaseInUseError`.
    """

    def __init__(
        self, db: str | DbTarget, migrations: Sequence[Sequence[Step]], exclusive: bool = False
    ) -> None:
        self.target = parse_db(db) if isinstance(db, str) else db
        self.engine: Engine = engine_for(self.target)
        self.path = self.target.display  # names the database in every message, no password
        self._name = f"roomchat-{next(_connection_numbers)}"
        self._statements: dict[str, QSqlQuery] = {}
        # Columns a statement's rows have: the same each time (no statement here selects
        # `*`), and asking Qt builds a QSqlRecord per query (a login's statements asked twice).
        self._widths: dict[str, int] = {}
        self._exclusive = exclusive
        self._lock: DatabaseLock | None = None
        self._connected = False
        self._closed = False  # by close(): never connected again
        self._reconnect_at = 0.0
        self._db: QSqlDatabase
        error = self._connect()
        if error is not None:
            raise self.engine.opening_error(self.path, error)
        try:
            self.engine.connected(self)
            if exclusive:
                self._lock = self.engine.lock(self)
            # Read before anything is written: a newer schema is refused untouched.
            self.check_version(self.schema_version, len(migrations))
            current = self.engine.before_migrating(self, len(migrations))
            self._migrate(current, migrations)
        except DatabaseError as failure:
            self.close()
            if str(failure) != failure.condition.value:  # it names what failed already
                raise
            raise DatabaseError(f"{self.path}: {failure}", failure.condition) from None

    def error(self, context: str, error: QSqlError) -> DatabaseError:
        """A `DatabaseError` for a failed Qt call; an unknown failure is logged with details,
        a lost connection is closed (the next statement opens it again).

        `context` names what failed (a statement's SQL, never its bound values).
        """
        condition = self.engine.condition(error)
        if condition is Condition.CONNECTION_LOST and self._connected:
            logs.db.warning("%s: %s; reconnecting", self.path, condition.value)
            self._disconnect()
        if condition is not Condition.BUG:
            return DatabaseError(condition.value, condition)
        logs.db.error(
            "database bug: %s: %s (%s %s; Qt: %s)",
            context,
            self.engine.details(error),
            self.engine.code_name,
            error.nativeErrorCode() or "none",
            error.driverText(),
        )
        return DatabaseError(f"{context}: {self.engine.summary(error)}")

    def _connect(self) -> QSqlError | None:
        """Open the named connection; Qt's error when it cannot be opened."""
        connection = QSqlDatabase.addDatabase(self.engine.driver, self._name)
        self.engine.configure(connection)
        if not connection.open():
            error = connection.lastError()
            del connection
            QSqlDatabase.removeDatabase(self._name)
            return error
        self._db = connection
        del connection  # close() must hold the last handle, or Qt warns it is in use
        self._connected = True
        return None

    def _disconnect(self) -> None:
        """Drop a lost connection. Its driver goes first: prepared statements then die with
        it, instead of each trying (and failing, with a warning) to free itself on it."""
        del self._db
        QSqlDatabase.removeDatabase(self._name)
        self._statements.clear()
        self._connected = False
        self._reconnect_at = time.monotonic()  # the first attempt is the next statement

    def _ensure_connected(self) -> None:
        if self._connected:
            return
        lost = DatabaseError(Condition.CONNECTION_LOST.value, Condition.CONNECTION_LOST)
        if self._closed or time.monotonic() < self._reconnect_at:
            raise lost  # closed: a statement after shutdown must not open a new connection
        self._reconnect_at = time.monotonic() + RECONNECT_SECONDS
        error = self._connect()
        if error is not None:
            logs.db.debug("%s: %s", self.path, error.databaseText().strip())
            raise lost
        try:
            self.engine.connected(self)
            if self._exclusive:
                self._lock = self.engine.lock(self)
        except DatabaseError as failure:
            if self._connected:
                logs.db.error("%s: reconnected, but %s", self.path, failure)
                self._disconnect()
            self._reconnect_at = time.monotonic() + RECONNECT_SECONDS
            raise lost from None
        logs.db.info("%s: connection to the database is back", self.path)

    def pragma(self, statement: str) -> list[tuple[Any, ...]]:
        """Run an SQLite PRAGMA (which takes no bound value) and return its rows."""
        query = QSqlQuery(self._db)
        if not query.exec(statement):
            raise self.error(statement, query.lastError())
        rows = []
        while query.next():
            rows.append(tuple(query.value(i) for i in range(query.record().count())))
        query.finish()
        return rows

    @property
    def schema_version(self) -> int:
        """How many migrations this database has had."""
        return self.engine.schema_version(self)

    def check_version(self, version: int, known: int) -> None:
        if version > known:
            raise SchemaTooNewError(self.path, version, known)

    def _migrate(self, current: int, migrations: Sequence[Sequence[Step]]) -> None:
        for version, steps in enumerate(migrations, start=1):
            if version <= current:
                continue
            with self.transaction():
                for step in steps:
                    if isinstance(step, str):
                        self.execute(self.engine.ddl(step)).finish()
                    else:
                        step(self)
                self.engine.set_schema_version(self, version)
            logs.db.info("database schema migrated to version %d", version)

    def _prepared(self, sql: str) -> QSqlQuery:
        self._ensure_connected()
        query = self._statements.get(sql)
        if query is None:
            query = QSqlQuery(self._db)
            query.setForwardOnly(True)  # rows are only ever read in order: no row cache
            if not query.prepare(sql):
                raise self.error(sql, query.lastError())
            self._statements[sql] = query
        return query

    def execute(self, sql: str, **values: Any) -> QSqlQuery:
        """Run one statement with named values bound (`:name` in the SQL)."""
        query = self._prepared(sql)
        for key, value in values.items():
            query.bindValue(f":{key}", value)
        if not query.exec():
            error = query.lastError()
            query.finish()
            raise self.error(sql, error)
        return query

    def insert_rows(
        self, insert: str, width: int, rows: Sequence[Sequence[Any]], then: str = ""
    ) -> int:
        """`insert` ("INSERT INTO t (a, b) VALUES") for many rows of `width` values, as
        multi-row statements of up to ROWS_PER_STATEMENT rows (Qt's execBatch grows
        quadratically with the batch here; this stays linear), each ending in `then` (an
        ON CONFLICT clause); returns how many rows went in. The statements are of the
        sizes `statement_sizes` gives, so that few of them are kept prepared."""
        count = 0
        start = 0
        for size in statement_sizes(len(rows)):
            chunk = rows[start : start + size]
            start += size
            placeholders = "(" + ",".join("?" * width) + ")"
            values = ",".join([placeholders] * len(chunk))
            query = self._prepared(f"{insert} {values}{' ' if then else ''}{then}")
            position = 0
            for row in chunk:
                for value in row:
                    query.bindValue(position, value)
                    position += 1
            if not query.exec():
                error = query.lastError()
                query.finish()
                raise self.error(f"{insert} ({len(chunk)} rows)", error)
            count += query.numRowsAffected()
            query.finish()
        return count

    def rows(self, sql: str, **values: Any) -> list[tuple[Any, ...]]:
        """All rows a SELECT returns, as tuples."""
        query = self.execute(sql, **values)
        width = self._widths.get(sql)
        if width is None:
            width = self._widths[sql] = query.record().count()
        result = []
        while query.next():
            result.append(tuple(query.value(i) for i in range(width)))
        query.finish()
        return result

    def insert(self, sql: str, id_column: str = "id", **values: Any) -> int:
        """Run an INSERT into a table whose integer key the database makes (`id_column`)
        and return the new row's key."""
        if self.engine.returns_ids:
            return int(self.rows(f"{sql} RETURNING {id_column}", **values)[0][0])
        query = self.execute(sql, **values)
        row_id = query.lastInsertId()
        query.finish()
        return int(row_id)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._ensure_connected()
        if not self._db.transaction():
            raise self.error("BEGIN", self._db.lastError())
        try:
            yield
        except BaseException:
            if self._connected:
                self._db.rollback()
            raise
        if not self._db.commit():
            error = self._db.lastError()
            failure = self.error("COMMIT", error)
            if self._connected:
                self._db.rollback()
            raise failure

    def _finish_statements(self) -> None:
        for query in self._statements.values():
            query.finish()
        self._statements.clear()

    def close(self) -> None:
        self._closed = True
        if self._connected:
            self._finish_statements()
            self._db.close()
            self._connected = False
            del self._db
            QSqlDatabase.removeDatabase(self._name)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
