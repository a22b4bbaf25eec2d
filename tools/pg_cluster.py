"""A throw-away PostgreSQL server, for the tests and the bench: initdb in a temporary folder,
one server on 127.0.0.1 and a free port, everything removed by `stop()`. No Qt, no pytest.

PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (Debian's
package makes it), through `runuser`. The superuser's password is in a libpq password file
(`passfile`), so that no command line carries it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

USER = "postgres"
PASSWORD = "roomchat-test-secret"
HOST = "127.0.0.1"


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


def why_no_server() -> str | None:
    """Why no cluster can be started here, or None when one can."""
    if server_binaries() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return f"running as root and there is no {USER!r} user to run PostgreSQL as"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One running PostgreSQL server. `cores`: the CPUs its processes may run on (None: as
    this process). Raises RuntimeError when initdb or pg_ctl fails (nothing is left behind)."""

    def __init__(self, cores: Iterable[int] | None = None, password: str = PASSWORD) -> None:
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError(why_no_server())
        self._bin = binaries
        self._cores = set(cores) if cores is not None else None
        self.password = password
        self.host = HOST
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="roomchat-pg-"))
        self.data = self.folder / "data"
        self.passfile = self.folder / "pgpass"
        self._as_user: list[str] = []
        self._started = False
        try:
            self._start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def _start(self) -> None:
        owner = None
        if os.geteuid() == 0:
            account = pwd.getpwnam(USER)
            owner = (account.pw_uid, account.pw_gid)
            os.chown(self.folder, *owner)
            self._as_user = ["runuser", "-u", USER, "--"]
        password_file = self.folder / "password"
        password_file.write_text(self.password)
        self.passfile.write_text(f"{self.host}:{self.port}:*:{USER}:{self.password}\n")
        self.passfile.chmod(0o600)  # libpq ignores a password file others may read
        if owner is not None:
            os.chown(password_file, *owner)
        self.run(
            "initdb", "-D", str(self.data), "-U", USER, "-E", "UTF8", "--no-locale",
            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}",
            "--no-sync",
        )  # fmt: skip
        settings = (
            f"-k {self.folder} -p {self.port} -c listen_addresses={self.host} "
            # Throw-away data: no need to survive a crash of the machine.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"),
            "-w", "-o", settings, "start",
        )  # fmt: skip
        self._started = True

    def _pin(self) -> None:  # runs in the child between fork and exec
        if self._cores:
            os.sched_setaffinity(0, self._cores)

    def run(self, program: str, *args: str, input_text: str | None = None) -> str:
        """Run one of PostgreSQL's programs (as the `postgres` user when root); its stdout."""
        result = subprocess.run(
            [*self._as_user, str(self._bin / program), *args],
            capture_output=True,
            text=True,
            input=input_text,
            timeout=120,
            check=False,
            preexec_fn=self._pin if self._cores else None,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def psql(self, dbname: str, script: str, **variables: str) -> str:
        """Run `script` in `dbname` over the local socket as the superuser, stopping at the
        first error; `variables` are psql variables (`:'name'` quotes one as a literal)."""
        settings = [f"--set={key}={value}" for key, value in variables.items()]
        return self.run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.folder),
            "-p", str(self.port), "-U", USER, "-d", dbname, *settings, "-f", "-",
            input_text=script,
        )  # fmt: skip

    def url(self, dbname: str, password: bool = True) -> str:
        secret = f":{self.password}" if password else ""
        return f"postgresql://{USER}{secret}@{self.host}:{self.port}/{dbname}"

    def postmaster_pid(self) -> int | None:
        """The server's main process (its backends are its children), None once stopped."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the server at once and remove its folder; safe to call twice."""
        if self._started:
            self._started = False
            try:
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            finally:
                shutil.rmtree(self.folder, ignore_errors=True)
