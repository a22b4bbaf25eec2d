"""The tests' throw-away PostgreSQL cluster: `tools.pg_cluster`'s server (shared with the
bench), a superuser connection over QtSql, and a fresh database per test.
"""

from __future__ import annotations

import itertools

from PySide6.QtSql import QSqlDatabase, QSqlQuery

from tools.pg_cluster import PASSWORD, USER, Cluster, why_no_server

__all__ = ["PASSWORD", "USER", "PgCluster", "why_not_available"]
ADMIN_CONNECTION = "roomchat-test-admin"


def why_not_available() -> str | None:
    """Why these tests cannot run here, or None when they can."""
    reason = why_no_server()
    if reason is None and not QSqlDatabase.isDriverAvailable("QPSQL"):
        return "Qt's QPSQL driver does not load (Debian: apt-get install libpq5)"
    return reason


class PgCluster:
    """One running PostgreSQL server; `new_database()` makes an empty database and returns
    its `postgresql://` URL (the password in it)."""

    def __init__(self) -> None:
        self._server = Cluster()
        self.folder = self._server.folder
        self.port = self._server.port
        self.host = self._server.host
        self._names = (f"test_{n}" for n in itertools.count(1))
        self._admin = self.connect("postgres", ADMIN_CONNECTION)

    def url(self, dbname: str, password: bool = True) -> str:
        return self._server.url(dbname, password)

    def connect(self, dbname: str, name: str) -> QSqlDatabase:
        db = QSqlDatabase.addDatabase("QPSQL", name)
        db.setHostName(self.host)
        db.setPort(self.port)
        db.setDatabaseName(dbname)
        db.setUserName(USER)
        db.setPassword(PASSWORD)
        assert db.open(), db.lastError().text()
        return db

    def admin(self, statement: str) -> None:
        """Run a statement as the superuser, outside any database a test uses."""
        query = QSqlQuery(self._admin)
        assert query.exec(statement), (statement, query.lastError().text())
        query.finish()

    def new_database(self) -> tuple[str, str]:
        """A fresh, empty database: its name and URL."""
        name = next(self._names)
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return name, self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        self._admin.close()
        del self._admin
        QSqlDatabase.removeDatabase(ADMIN_CONNECTION)
        self._server.stop()
