"""A thin, strict wrapper over one QtSql SQLite connection.

Every statement is a prepared `QSqlQuery` with bound values (prepared once, reused); every
false return from Qt becomes a `DatabaseError` whose `condition` says what went wrong;
transactions are context managers; the schema is brought up to date by numbered migrations
whose count is kept in SQLite's `PRAGMA user_version` (as qutebrowser's `misc/sql.py` does).
A migration is a list of steps, each an SQL statement or a function that fills new columns
from Python (run in the migration's transaction).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtSql import QSqlDatabase, QSqlError, QSqlQuery

from app.shared import logs

_connection_numbers = itertools.count(1)
Step = str | Callable[["Database"], None]  # one step of a migration
ROWS_PER_STATEMENT = 100
# How long a statement may wait for another process's lock. Short: the event loop must never
# stall on the database; a busy write is retried from a timer instead (see MessageLog).
BUSY_TIMEOUT_MS = 10


class Condition(enum.Enum):
    """What went wrong, as an operator can act on it; the value is the line that is logged."""

    BUSY = "database is busy (locked by another process)"
    READ_ONLY = "database is read-only"
    DISK_FULL = "database or disk is full"
    IO_ERROR = "disk I/O error on the database"
    CORRUPT = "database file is corrupt (or not a database)"
    CANNOT_OPEN = "database file cannot be opened"
    SCHEMA_TOO_NEW = "database was made by a newer RoomChat"
    IN_USE = "database is in use by another RoomChat server"
    BUG = "unexpected database error"


# SQLite's primary result codes (https://sqlite.org/rescode.html); Qt reports extended
# codes, whose low byte is the primary one.
_SQLITE_CONDITIONS = {
    5: Condition.BUSY,  # SQLITE_BUSY
    6: Condition.BUSY,  # SQLITE_LOCKED
    8: Condition.READ_ONLY,  # SQLITE_READONLY
    10: Condition.IO_ERROR,  # SQLITE_IOERR
    11: Condition.CORRUPT,  # SQLITE_CORRUPT
    13: Condition.DISK_FULL,  # SQLITE_FULL
    14: Condition.CANNOT_OPEN,  # SQLITE_CANTOPEN
    26: Condition.CORRUPT,  # SQLITE_NOTADB
}


class DatabaseError(Exception):
    """A statement or the connection failed; the request that needed it fails, not the server.

    `condition` is a known environmental condition (its message is one plain line), or
    `Condition.BUG` when the failure is RoomChat's own fault.
    """

    def __init__(self, message: str, condition: Condition = Condition.BUG) -> None:
        super().__init__(message)
        self.condition = condition


class SchemaTooNewError(DatabaseError):
    """The database's schema is newer than this code knows: it is not touched."""

    def __init__(self, path: str, version: int, known: int) -> None:
        super().__init__(
            f"{path}: {Condition.SCHEMA_TOO_NEW.value} (schema version {version}; this one "
            f"knows up to {known}): upgrade RoomChat or use another --db",
            Condition.SCHEMA_TOO_NEW,
        )
        self.version = version


def condition_of(error: QSqlError) -> Condition:
    """The condition a Qt SQLite error stands for, from its native (SQLite) result code."""
    try:
        code = int(error.nativeErrorCode()) & 0xFF
    except ValueError:
        return Condition.BUG
    return _SQLITE_CONDITIONS.get(code, Condition.BUG)


def sqlite_error(context: str, error: QSqlError) -> DatabaseError:
    """A `DatabaseError` for a failed Qt call; an unknown failure is logged with details.

    `context` names what failed (a statement's SQL, never its bound values).
    """
    condition = condition_of(error)
    if condition is not Condition.BUG:
        return DatabaseError(condition.value, condition)
    logs.db.error(
        "database bug: %s: %s (SQLite code %s; Qt: %s)",
        context,
        error.databaseText(),
        error.nativeErrorCode() or "none",
        error.driverText(),
    )
    return DatabaseError(f"{context}: {error.text()}")


class Database:
    """One named QSQLITE connection in WAL mode, with cached prepared statements."""

    def __init__(self, path: str, migrations: Sequence[Sequence[Step]]) -> None:
        self.path = path
        self._name = f"roomchat-{next(_connection_numbers)}"
        self._statements: dict[str, QSqlQuery] = {}
        db = QSqlDatabase.addDatabase("QSQLITE", self._name)
        db.setDatabaseName(path)
        db.setConnectOptions(f"QSQLITE_BUSY_TIMEOUT={BUSY_TIMEOUT_MS}")
        if not db.open():
            error = db.lastError()
            del db
            QSqlDatabase.removeDatabase(self._name)
            raise self._opening_error(error)
        self._db = db
        del db  # close() must hold the last handle, or Qt warns the connection is in use
        try:
            # Read before anything is written: a newer schema is refused untouched.
            self._check_version(self.user_version, len(migrations))
            self._pragma("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL is durable across a crash of the process (not of the OS).
            self._pragma("PRAGMA synchronous=NORMAL")
            self._pragma("PRAGMA foreign_keys=ON")
            self._migrate(migrations)
        except DatabaseError as failure:
            self.close()
            if failure.condition is Condition.BUG or isinstance(failure, SchemaTooNewError):
                raise
            raise DatabaseError(f"{path}: {failure}", failure.condition) from None

    def _opening_error(self, error: QSqlError) -> DatabaseError:
        condition = condition_of(error)
        if condition is Condition.BUG:
            return DatabaseError(f"cannot open {self.path}: {error.text()}")
        return DatabaseError(f"{self.path}: {condition.value}", condition)

    def _pragma(self, statement: str) -> None:
        query = QSqlQuery(self._db)
        if not query.exec(statement):
            raise sqlite_error(statement, query.lastError())
        query.finish()

    @property
    def user_version(self) -> int:
        """The schema version: how many migrations this database has had."""
        query = QSqlQuery(self._db)
        if not query.exec("PRAGMA user_version") or not query.next():
            raise sqlite_error("PRAGMA user_version", query.lastError())
        version = int(query.value(0))
        query.finish()
        return version

    def _set_user_version(self, version: int) -> None:
        # A PRAGMA takes no bound value; int() keeps anything but a number out of it.
        self._pragma(f"PRAGMA user_version = {int(version)}")

    def _check_version(self, version: int, known: int) -> None:
        if version > known:
            raise SchemaTooNewError(self.path, version, known)

    def _adopt_schema_version_table(self, known: int) -> int:
        """Move a version kept in the old `schema_version` table into user_version."""
        table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"
        if not self.rows(table, name="schema_version"):
            return 0
        with self.transaction():
            rows = self.rows("SELECT version FROM schema_version")
            version = int(rows[0][0]) if rows else 0
            self._check_version(version, known)
            self.execute("DROP TABLE schema_version").finish()
            self._set_user_version(version)
        logs.db.info("database schema version %d now kept in user_version", version)
        return version

    def _migrate(self, migrations: Sequence[Sequence[Step]]) -> None:
        current = self.user_version or self._adopt_schema_version_table(len(migrations))
        for version, steps in enumerate(migrations, start=1):
            if version <= current:
                continue
            with self.transaction():
                for step in steps:
                    if isinstance(step, str):
                        self.execute(step).finish()
                    else:
                        step(self)
                self._set_user_version(version)
            logs.db.info("database schema migrated to version %d", version)

    def _prepared(self, sql: str) -> QSqlQuery:
        query = self._statements.get(sql)
        if query is None:
            query = QSqlQuery(self._db)
            if not query.prepare(sql):
                raise sqlite_error(sql, query.lastError())
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
            raise sqlite_error(sql, error)
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
                error = query.lastError()
                query.finish()
                raise sqlite_error(f"{insert} ({len(chunk)} rows)", error)
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
            raise sqlite_error("BEGIN", self._db.lastError())
        try:
            yield
        except BaseException:
            self._db.rollback()
            raise
        if not self._db.commit():
            error = self._db.lastError()
            self._db.rollback()
            raise sqlite_error("COMMIT", error)

    def close(self) -> None:
        for query in self._statements.values():
            query.finish()
        self._statements.clear()
        self._db.close()
        del self._db
        QSqlDatabase.removeDatabase(self._name)
