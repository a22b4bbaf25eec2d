"""What can go wrong with the database, sorted into conditions an operator can act on.

SQLite's result codes and PostgreSQL's SQLSTATEs both land in the same `Condition`s, so the
server reacts to a busy or lost database the same way whichever engine it runs on.
"""

from __future__ import annotations

import enum

from PySide6.QtSql import QSqlError


class Condition(enum.Enum):
    """What went wrong, as an operator can act on it; the value is the line that is logged."""

    BUSY = "database is busy (locked by another process)"
    CONNECTION_LOST = "connection to the database was lost"
    READ_ONLY = "database is read-only"
    DISK_FULL = "database or disk is full"
    IO_ERROR = "disk I/O error on the database"
    CORRUPT = "database file is corrupt (or not a database)"
    CANNOT_OPEN = "database file cannot be opened"
    SCHEMA_TOO_NEW = "database was made by a newer RoomChat"
    IN_USE = "database is in use by another RoomChat server"
    BUG = "unexpected database error"


# Conditions that pass: the work that met one is held and tried again, not dropped.
TRANSIENT = frozenset({Condition.BUSY, Condition.CONNECTION_LOST})

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

# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_POSTGRES_CONDITIONS = {
    "40001": Condition.BUSY,  # serialization_failure
    "40P01": Condition.BUSY,  # deadlock_detected
    "55P03": Condition.BUSY,  # lock_not_available (our lock_timeout ran out)
    "53100": Condition.DISK_FULL,  # disk_full
    "25006": Condition.READ_ONLY,  # read_only_sql_transaction
    "58030": Condition.IO_ERROR,  # io_error
    "XX001": Condition.CORRUPT,  # data_corrupted
    "XX002": Condition.CORRUPT,  # index_corrupted
    "57P01": Condition.CONNECTION_LOST,  # admin_shutdown: the connection is closed
    "57P02": Condition.CONNECTION_LOST,  # crash_shutdown
    "57P03": Condition.CONNECTION_LOST,  # cannot_connect_now (starting or stopping)
}


class DatabaseError(Exception):
    """A statement or the connection failed; the request that needed it fails, not the server.

    `condition` is a known environmental condition (its message is one plain line), or
    `Condition.BUG` when the failure is RoomChat's own fault.
    """

    def __init__(self, message: str, condition: Condition = Condition.BUG) -> None:
        super().__init__(message)
        self.condition = condition

    @property
    def transient(self) -> bool:
        """True when the same work may well succeed if tried again shortly."""
        return self.condition in TRANSIENT


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


def postgres_condition_of(error: QSqlError) -> Condition:
    """The condition a Qt PostgreSQL error stands for, from its SQLSTATE.

    An error with no SQLSTATE comes from libpq itself, not the server: the connection is gone
    ("server closed the connection unexpectedly", "no connection to the server").
    """
    code = error.nativeErrorCode()
    if not code:  # libpq's own message, else Qt's (RoomChat's fault)
        return Condition.CONNECTION_LOST if error.databaseText() else Condition.BUG
    if code.startswith("08"):  # class 08: connection exception
        return Condition.CONNECTION_LOST
    return _POSTGRES_CONDITIONS.get(code, Condition.BUG)
