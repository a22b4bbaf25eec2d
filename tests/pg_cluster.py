"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder, one server on
127.0.0.1 and a free port, a fresh database per test, everything removed at the end.

PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (Debian's
package makes it), through `runuser`.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtNetwork import QHostAddress, QTcpServer
from PySide6.QtSql import QSqlDatabase, QSqlQuery

USER = "postgres"
PASSWORD = "roomchat-test-secret"
ADMIN_CONNECTION = "roomchat-test-admin"


def server_binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    number = Path(path).parent.parent.name
    return int(number) if number.isdigit() else 0


def why_not_available() -> str | None:
    """Why these tests cannot run here, or None when they can."""
    if server_binaries() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    if not QSqlDatabase.isDriverAvailable("QPSQL"):
        return "Qt's QPSQL driver does not load (Debian: apt-get install libpq5)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return f"running as root and there is no {USER!r} user to run PostgreSQL as"
    return None


def free_port() -> int:
    listener = QTcpServer()
    assert listener.listen(QHostAddress.SpecialAddress.LocalHost, 0)
    port = listener.serverPort()
    listener.close()
    return port


class PgCluster:
    """One running PostgreSQL server; `new_database()` makes an empty database and returns
    its `postgresql://` URL (the password in it)."""

    def __init__(self) -> None:
        binaries = server_binaries()
        assert binaries is not None
        self._bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="roomchat-pg-"))
        self.port = free_port()
        self.host = "127.0.0.1"
        self._names = (f"test_{n}" for n in itertools.count(1))
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam(USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", USER, "--"]
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD)
        if self._as_user:
            os.chown(password_file, pwd.getpwnam(USER).pw_uid, -1)
        self._run(
            "initdb", "-D", str(self.folder / "data"), "-U", USER, "-E", "UTF8", "--no-locale",
            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}",
            "--no-sync",
        )  # fmt: skip
        settings = (
            f"-k {self.folder} -p {self.port} -c listen_addresses={self.host} "
            # Throw-away data: no need to survive a crash of the machine.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-w", "-o", settings, "start",
        )  # fmt: skip
        self._admin = self.connect("postgres", ADMIN_CONNECTION)

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [*self._as_user, str(self._bin / program), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{program} failed: {result.stdout}{result.stderr}"

    def url(self, dbname: str, password: bool = True) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql://{USER}{secret}@{self.host}:{self.port}/{dbname}"

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
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
