"""What differs between SQLite and PostgreSQL, in one place: the QtSql driver and its settings,
where the schema version is kept, DDL words, error sorting and the one-server lock (SQLite's).

`Database` (database.py) is written once over an `Engine`; every statement either engine runs
here is prepared with bound values, as everywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QCoreApplication, QSysInfo
from PySide6.QtSql import QSqlDatabase, QSqlError

from app.server.db_errors import (
    Condition,
    DatabaseError,
    condition_of,
    postgres_condition_of,
)
from app.server.db_lock import DatabaseLock
from app.server.db_target import DbTarget, PostgresTarget, SqliteTarget
from app.shared import logs

if TYPE_CHECKING:
    from app.server.database import Database

# How long a statement may wait for another process's lock. Short: the event loop must never
# stall on the database; a busy write is retried from a timer instead (see MessageLog).
BUSY_TIMEOUT_MS = 10
# How long opening (or reopening) a PostgreSQL connection may block the event loop.
CONNECT_TIMEOUT_S = 3
# SQLite's page cache per connection and per attached database, in KiB (its default is
# 2,000). Each grows to its limit as messages are stored, searched and indexed, and stays
# there: with four such caches (the event loop's, the search thread's with the chat
# database attached, the history reader's) that was up to 8 MB more held for good, while
# the operating system caches the same files anyway. Overload's peak: 68.6 -> 66.3 MB at
# 1,024 KiB; 65.6-65.8 -> 64.5 MB at 256 (with one malloc arena, see cli), in three runs
# each, with no change in the CPU a message that two runs of the saturation, latency and
# rooms scenarios could see.
SQLITE_CACHE_KIB = 256


def sqlite_cache_pragma(schema: str = "") -> str:
    """The PRAGMA that sets a connection's page cache (an attached `schema`'s if given)."""
    prefix = f"{schema}." if schema else ""
    return f"PRAGMA {prefix}cache_size = -{int(SQLITE_CACHE_KIB)}"  # negative: in KiB


class Engine:
    """One database engine as `Database` sees it; subclasses fill in the differences."""

    driver = ""
    code_name = ""  # what the engine calls its error codes, for a bug's log line
    returns_ids = False  # INSERT … RETURNING id, not the driver's last insert id
    words: ClassVar[dict[str, str]] = {}  # filled into `{…}` in migration DDL

    @classmethod
    def ddl(cls, sql: str) -> str:
        """A migration's statement in this engine's words (`{row_id}`, `{without_rowid}`)."""
        return sql.format(**cls.words)

    def configure(self, db: QSqlDatabase) -> None:
        raise NotImplementedError

    def condition(self, error: QSqlError) -> Condition:
        raise NotImplementedError

    def details(self, error: QSqlError) -> str:
        """What the database said about a bug, without the values bound into it."""
        return error.databaseText()

    def summary(self, error: QSqlError) -> str:
        """A bug's error in one line for the exception (logged again by whoever catches it)."""
        return error.text()

    def opening_error(self, display: str, error: QSqlError) -> DatabaseError:
        raise NotImplementedError

    def connected(self, database: Database) -> None:
        """Per-connection settings, run after every (re)connection."""

    def lock(self, database: Database) -> DatabaseLock | None:
        """Take the one-server lock, or raise `DatabaseInUseError`."""
        raise NotImplementedError

    def schema_version(self, database: Database) -> int:
        raise NotImplementedError

    def set_schema_version(self, database: Database, version: int) -> None:
        raise NotImplementedError

    def before_migrating(self, database: Database, known: int) -> int:
        """Settings for the database itself, once its version is known to be usable; returns
        the version (an engine may find it somewhere older first)."""
        return database.schema_version


class SqliteEngine(Engine):
    """QSQLITE in WAL mode; the version in `PRAGMA user_version`, the lock a file beside it."""

    driver = "QSQLITE"
    code_name = "SQLite code"
    words: ClassVar[dict[str, str]] = {
        "row_id": "INTEGER PRIMARY KEY",
        "without_rowid": " WITHOUT ROWID",
    }

    def __init__(self, target: SqliteTarget) -> None:
        self.target = target

    def configure(self, db: QSqlDatabase) -> None:
        db.setDatabaseName(self.target.path)
        db.setConnectOptions(f"QSQLITE_BUSY_TIMEOUT={BUSY_TIMEOUT_MS}")

    def condition(self, error: QSqlError) -> Condition:
        return condition_of(error)

    def opening_error(self, display: str, error: QSqlError) -> DatabaseError:
        condition = condition_of(error)
        if condition is Condition.BUG:
            return DatabaseError(f"cannot open {display}: {error.text()}")
        return DatabaseError(f"{display}: {condition.value}", condition)

    def connected(self, database: Database) -> None:
        database.pragma(sqlite_cache_pragma())

    def lock(self, database: Database) -> DatabaseLock | None:
        return DatabaseLock(self.target.path)

    def schema_version(self, database: Database) -> int:
        return int(database.pragma("PRAGMA user_version")[0][0])

    def set_schema_version(self, database: Database, version: int) -> None:
        # A PRAGMA takes no bound value; int() keeps anything but a number out of it.
        database.pragma(f"PRAGMA user_version = {int(version)}")

    def before_migrating(self, database: Database, known: int) -> int:
        database.pragma("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL is durable across a crash of the process (not of the OS).
        database.pragma("PRAGMA synchronous=NORMAL")
        database.pragma("PRAGMA foreign_keys=ON")
        return database.schema_version or self._adopt_schema_version_table(database, known)

    def _adopt_schema_version_table(self, database: Database, known: int) -> int:
        """Move a version kept in the old `schema_version` table into user_version."""
        table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"
        if not database.rows(table, name="schema_version"):
            return 0
        with database.transaction():
            rows = database.rows("SELECT version FROM schema_version")
            version = int(rows[0][0]) if rows else 0
            database.check_version(version, known)
            database.execute("DROP TABLE schema_version").finish()
            self.set_schema_version(database, version)
        logs.db.info("database schema version %d now kept in user_version", version)
        return version


class PostgresEngine(Engine):
    """QPSQL; the version in a one-row `schema_version` table; no one-server lock (every
    server is a node: see node_registry.py)."""

    driver = "QPSQL"
    code_name = "SQLSTATE"
    returns_ids = True
    words: ClassVar[dict[str, str]] = {
        "row_id": "INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "without_rowid": "",
    }

    def __init__(self, target: PostgresTarget) -> None:
        self.target = target

    def configure(self, db: QSqlDatabase) -> None:
        target = self.target
        db.setHostName(target.host)
        if target.port is not None:
            db.setPort(target.port)
        db.setDatabaseName(target.dbname)
        db.setUserName(target.user)
        db.setPassword(target.password)  # else libpq reads PGPASSFILE or ~/.pgpass
        pid = QCoreApplication.applicationPid()
        # Which process a connection is, for an operator's pg_stat_activity (last: it wins).
        name = f"roomchat:{pid}@{QSysInfo.machineHostName()}"[:63]
        options = [f"connect_timeout={CONNECT_TIMEOUT_S}"]
        options += [f"{key}={value}" for key, value in target.options]
        db.setConnectOptions(";".join([*options, f"application_name={name}"]))

    def condition(self, error: QSqlError) -> Condition:
        return postgres_condition_of(error)

    def details(self, error: QSqlError) -> str:
        # The first line only: DETAIL lines quote the values (a key that clashed, ...).
        return " ".join(error.databaseText().split("\n", 1)[0].split())

    def summary(self, error: QSqlError) -> str:
        return self.details(error)

    def opening_error(self, display: str, error: QSqlError) -> DatabaseError:
        reason = " ".join(error.databaseText().split("\n", 1)[0].split()) or error.text()
        return DatabaseError(f"{display}: cannot connect: {reason}", Condition.CANNOT_OPEN)

    def connected(self, database: Database) -> None:
        # A lock wait fails at once as busy (55P03), as SQLite's busy timeout does.
        database.rows("SELECT set_config('lock_timeout', :v, false)", v=f"{BUSY_TIMEOUT_MS}ms")
        # Notices ("… already exists, skipping") would go to stderr past the log.
        database.rows("SELECT set_config('client_min_messages', 'warning', false)")

    def lock(self, database: Database) -> DatabaseLock | None:
        # Many servers share a PostgreSQL database, each a node: the `nodes` table says who
        # serves (node_registry.py), not a lock.
        return None

    def _has_version_table(self, database: Database) -> bool:
        return bool(
            database.rows(
                "SELECT 1 FROM pg_catalog.pg_tables "
                "WHERE schemaname = current_schema() AND tablename = :name",
                name="schema_version",
            )
        )

    def schema_version(self, database: Database) -> int:
        if not self._has_version_table(database):
            return 0
        rows = database.rows("SELECT version FROM schema_version")
        return int(rows[0][0]) if rows else 0

    def set_schema_version(self, database: Database, version: int) -> None:
        if not self._has_version_table(database):
            database.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)").finish()
        database.execute("DELETE FROM schema_version").finish()
        database.execute("INSERT INTO schema_version (version) VALUES (:v)", v=version).finish()


def engine_for(target: DbTarget) -> Engine:
    if isinstance(target, PostgresTarget):
        return PostgresEngine(target)
    return SqliteEngine(target)
