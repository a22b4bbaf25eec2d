"""The server under test: `main.py --mode server --headless` in a subprocess of its own.

Each scenario gets a fresh server on a fresh temporary database (SQLite, or a fresh database
on the bench's PostgreSQL). The server's CPU time comes from `/proc/PID/stat` (all its
threads, and with `--workers` its worker processes too), its memory from `/proc/PID/status`.
"""

from __future__ import annotations

import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.postgres import BenchPostgres

OWN_REPO = Path(__file__).resolve().parent.parent
REPO = OWN_REPO  # the checkout whose server is measured (--repo)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT_S = 30.0
# Flags of today's bench that older checkouts (--repo) do not know, with the value that follows.
NEWER_FLAGS = (
    "--address-msg-rate",
    "--text-bytes-per-minute",
    "--joins-per-minute",
    "--request-rate",
)
STOP_TIMEOUT_S = 6.0


def drop_unknown_flags(command: list[str]) -> list[str]:
    """The command without those of NEWER_FLAGS (and their values) that the checkout's
    main.py does not list in its --help, so that --repo can run an older server."""
    if REPO == OWN_REPO:
        return command
    help_text = subprocess.run(
        [sys.executable, command[1], "--help"], capture_output=True, text=True, check=False
    ).stdout
    for flag in NEWER_FLAGS:
        if flag not in help_text and flag in command:
            at = command.index(flag)
            del command[at : at + 2]
    return command


class ServerError(RuntimeError):
    """The server did not start, or died under the benchmark."""


def read_proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM and Threads of a process, in kB (threads as a count); {} once it is gone."""
    wanted = {"VmRSS", "VmHWM", "Threads"}
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in wanted:
                    found[key] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return found


def read_send_queues(pid: int) -> int:
    """Bytes waiting in the kernel send queues of a process's TCP sockets (0 once it is gone).

    Memory as real as the process's own, but outside its RSS: a server that leaves a slow
    reader's backlog to the kernel looks smaller by RSS alone (9afa549 held 90-100 MB there
    in `overload`, issue 21's item 14)."""
    inodes: set[str] = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        total = 0
        for table in ("tcp", "tcp6"):
            with open(f"/proc/{pid}/net/{table}", encoding="ascii") as rows:
                next(rows, None)
                for row in rows:
                    fields = row.split()
                    if len(fields) > 9 and fields[9] in inodes:
                        total += int(fields[4].partition(":")[0], 16)
    except (OSError, ValueError):
        return 0
    return total


def read_cpu_seconds(pid: int, thread: int | None = None) -> float:
    """utime + stime of a process (every thread), or of one `thread` of it, in seconds."""
    path = f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat"
    try:
        with open(path, encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    # After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11, 12.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def read_wait_seconds(pid: int) -> float:
    """Run-queue wait of every thread of a process, in seconds (/proc/PID/task/*/schedstat:
    on-CPU ns, waiting ns, slices): the time other processes on its core took from it.
    Threads at SCHED_IDLE are left out (`idle_policy`)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for task in tasks:
        try:
            if idle_policy(pid, task):
                continue
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as stat:
                total += int(stat.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


SCHED_IDLE = 5


def idle_policy(pid: int, task: str) -> bool:
    """Whether a thread runs under SCHED_IDLE (the search index's): it waits for its core
    whenever the event loop wants it, by design, so its wait says nothing of the machine."""
    with open(f"/proc/{pid}/task/{task}/stat", encoding="ascii", errors="replace") as stat:
        text = stat.read()
    return int(text[text.rindex(")") + 2 :].split()[38]) == SCHED_IDLE  # field 41, policy


def read_thread_seconds(pid: int) -> dict[str, tuple[float, float]]:
    """CPU and run-queue wait of each thread of a process, in seconds, by thread: "main"
    for the thread whose id is the process's (the event loop), else "NAME/TID" (its comm:
    Qt names its pool threads)."""
    threads: dict[str, tuple[float, float]] = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return threads
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat", encoding="ascii", errors="replace") as f:
                text = f.read()
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as f:
                wait = int(f.read().split()[1]) / 1e9
        except (OSError, ValueError, IndexError):
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        threads["main" if int(task) == pid else f"{comm}/{task}"] = (cpu, wait)
    return threads


def cores_busy_seconds(cores: set[int]) -> float:
    """CPU seconds `cores` spent on anything but idle and iowait (/proc/stat), every process
    together: minus the server's own CPU, what others took from a pinned server's core."""
    total = 0
    with open("/proc/stat", encoding="ascii") as stat:
        for line in stat:
            name, *fields = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores:
                user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
                total += user + nice + system + irq + softirq + steal
    return total / CLOCK_TICKS


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children …), from the ppids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
            parent = int(text[text.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    waiting = [pid]
    while waiting:
        below = children.get(waiting.pop(), [])
        found += below
        waiting += below
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and every process below it."""
    return sum(read_cpu_seconds(p) for p in [pid, *descendants(pid)])


def tree_wait_seconds(pid: int) -> float:
    """Run-queue wait of `pid` and every process below it, seconds."""
    return sum(read_wait_seconds(p) for p in [pid, *descendants(pid)])


def pick_cores() -> tuple[int | None, int | None]:
    """(server core, generator core) when this process may run on two or more, else Nones."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return cores[0], cores[1]


class ServerProcess:
    """One RoomChat server on 127.0.0.1, port 0, on its own temporary database: a SQLite
    file, or with `postgres` a fresh database there; `workers` > 1 runs that many node
    processes (`--workers`, PostgreSQL only), `cores` the CPUs they may use.

    Use as a context manager: the server is stopped and its folder removed on exit.
    `preload_accounts()` must come before `start()`.
    """

    def __init__(
        self,
        hash_profile: str = "test",
        extra_args: Iterable[str] = (),
        core: int | None = None,
        max_room_capacity: int = 100,
        postgres: BenchPostgres | None = None,
        workers: int = 1,
        cores: set[int] | None = None,
    ) -> None:
        self.hash_profile = hash_profile
        self.extra_args = list(extra_args)
        self.cores = cores if cores else ({core} if core is not None else None)
        self.max_room_capacity = max_room_capacity
        self.postgres = postgres
        self.workers = workers
        self._folder = tempfile.TemporaryDirectory(prefix="roomchat-bench-")
        if postgres is None:
            self.db_path = str(Path(self._folder.name) / "bench.sqlite3")
        else:
            self.db_path = postgres.new_database()
        self.listening: list[str] = []  # each node's `listening on` address
        self.log_path = Path(self._folder.name) / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.exit_code: int | None = None
        self.log_tail: list[str] = []
        self.log_counts: dict[str, int] = {}

    # --- life cycle ----------------------------------------------------------------------

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._folder.cleanup()

    def command(self) -> list[str]:
        command = [
            sys.executable,
            str(REPO / "main.py"),
            "--mode",
            "server",
            "--headless",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            self.db_path,
            "--hash-profile",
            self.hash_profile,
            "--log-level",
            "warning",
            "--msg-rate",
            "0",
            "--address-msg-rate",
            "0",
            "--text-bytes-per-minute",
            "0",
            "--joins-per-minute",
            "0",
            "--request-rate",
            "0",
            "--max-connections-per-address",
            "0",
            "--max-connections",
            "100000",
            "--idle-timeout",
            "0",
            "--login-timeout",
            "0",
            "--max-room-capacity",
            str(self.max_room_capacity),
            *(["--workers", str(self.workers)] if self.workers > 1 else []),
            *self.extra_args,
        ]
        return drop_unknown_flags(command)

    def _pin(self) -> None:  # runs in the child between fork and exec
        if self.cores is not None:
            os.sched_setaffinity(0, self.cores)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        if self.postgres is not None:
            env.update(self.postgres.env)
        return env

    def start(self) -> None:
        """Start the server and wait for `listening on 127.0.0.1:PORT` on its stdout, one
        line per node with `workers`."""
        env = self._env()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                preexec_fn=self._pin,  # the bench process has no threads at this point
            )
        deadline = time.monotonic() + START_TIMEOUT_S * self.workers
        while len(self.listening) < self.workers:
            text = self._read_line(deadline)
            if not text.startswith("listening on "):
                self.stop()
                raise ServerError(
                    f"server did not start: {text!r} ({len(self.listening)} of {self.workers} "
                    f"nodes listening); log: {self.read_log()[-3:]}"
                )
            self.listening.append(text.removeprefix("listening on "))
        self.port = int(self.listening[0].rsplit(":", 1)[1])

    def _read_line(self, deadline: float) -> str:
        """The server's next line on stdout ('' if it ended or the deadline passed)."""
        assert self.process is not None and self.process.stdout is not None
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n") and time.monotonic() < deadline:
                if not selector.select(timeout=0.5):
                    if self.process.poll() is not None:
                        break
                    continue
                chunk = os.read(self.process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        return line.decode("utf-8", "replace").strip()

    def stop(self) -> None:
        """SIGTERM (the server says goodbye and exits), SIGKILL if it takes too long."""
        process = self.process
        if process is None or self.exit_code is not None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT_S)
        self.exit_code = process.returncode
        if process.stdout is not None:
            process.stdout.close()
        self._summarise_log()

    def read_log(self) -> list[str]:
        try:
            return self.log_path.read_text("utf-8", "replace").splitlines()
        except OSError:
            return []

    def _summarise_log(self) -> None:
        counts: dict[str, int] = {}
        for line in self.read_log():
            for level in ("WARNING", "ERROR", "CRITICAL", "Traceback"):
                if level in line:
                    counts[level] = counts.get(level, 0) + 1
        self.log_counts = counts
        self.log_tail = self.read_log()[-5:]

    # --- measurements --------------------------------------------------------------------

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerError("the server is not running")
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float:
        """CPU seconds of the server (with `workers`, of every node process)."""
        if self.workers > 1:
            return tree_cpu_seconds(self.pid)
        return read_cpu_seconds(self.pid)

    def unindexed_messages(self) -> int | None:
        """Messages stored but not yet in the search index file (SQLite, this checkout's
        layout; None otherwise): a scenario reports it so that indexing left for after its
        window, whose CPU the window would not count, is seen."""
        index = self.db_path + ".search"
        if self.postgres is not None or not Path(index).exists():
            return None
        with closing(sqlite3.connect(self.db_path, timeout=10)) as db:
            db.execute("ATTACH DATABASE ? AS idx", (index,))
            made = "SELECT 1 FROM idx.sqlite_master WHERE name = 'search_state'"
            if not db.execute(made).fetchone():  # the file made, its tables not yet
                return int(db.execute("SELECT count(*) FROM messages").fetchone()[0])
            done = db.execute("SELECT backlog_done FROM idx.search_state").fetchone()[0]
            (noted,) = db.execute(
                "SELECT coalesce(sum(last - first + 1), 0) FROM search_backlog WHERE id > ?",
                (done,),
            ).fetchone()
            (ranged,) = db.execute(
                "SELECT coalesce(sum(last - first + 1), 0) FROM idx.search_ranges"
            ).fetchone()
            above = 0  # stored, not yet handed to the index (a checkout with search_covered)
            if db.execute(
                "SELECT 1 FROM idx.sqlite_master WHERE name = 'search_covered'"
            ).fetchone():
                (above,) = db.execute(
                    "SELECT coalesce(sum(max(0, top - coalesce(c.covered, 0))), 0) FROM "
                    "(SELECT r.id AS room, (SELECT max(m.seq) FROM messages m "
                    "WHERE m.room_id = r.id) AS top FROM rooms r) "
                    "LEFT JOIN idx.search_covered c ON c.room_id = room WHERE top IS NOT NULL"
                ).fetchone()
        return int(noted) + int(ranged) + int(above)

    def cpu_until_indexed(self, limit_s: float = 180.0) -> float | None:
        """Wait until nothing is left to index; the server CPU-seconds that took (None if it
        did not finish within `limit_s`)."""
        began = self.cpu_seconds()
        deadline = time.monotonic() + limit_s
        while self.unindexed_messages():
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)
        return self.cpu_seconds() - began

    def thread_seconds(self) -> dict[str, tuple[float, float]]:
        """CPU and wait seconds per thread of the server (of the first process only)."""
        return read_thread_seconds(self.pid)

    def wait_seconds(self) -> float:
        """How long the server's threads were runnable but waited for a core (schedstat)."""
        if self.workers > 1:
            return tree_wait_seconds(self.pid)
        return read_wait_seconds(self.pid)

    def database_cpu_seconds(self) -> float | None:
        """CPU seconds of the PostgreSQL server and its backends; None on SQLite (in the
        server's own process)."""
        return self.postgres.cpu_seconds() if self.postgres is not None else None

    def memory_kb(self) -> dict[str, int]:
        return read_proc_status(self.pid)

    def send_queue_kb(self) -> int:
        """What the kernel holds in this server's TCP send queues, in kB."""
        return read_send_queues(self.pid) // 1024

    # --- accounts ------------------------------------------------------------------------

    def preload_accounts(self, names: list[str], password: str) -> None:
        """Create accounts before the server starts: the first through `main.py --add-user`
        (one argon2 hash at this server's profile), the rest as copies of its row with the
        same hash, so that hundreds of accounts at the standard cost take one hash, not
        hundreds. Logins still verify each password at full cost."""
        if not names:
            return
        command = [
            sys.executable,
            str(REPO / "main.py"),
            "--mode",
            "server",
            "--headless",
            "--db",
            self.db_path,
            "--hash-profile",
            self.hash_profile,
            "--log-level",
            "warning",
            "--add-user",
            names[0],
        ]
        env = self._env()
        done = subprocess.run(
            command,
            cwd=REPO,
            env=env,
            input=(password + "\n").encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise ServerError(f"--add-user failed: {done.stderr.decode(errors='replace')}")
        if self.postgres is not None:
            self.postgres.copy_accounts(self.db_path, names[0], names[1:])
            return
        with closing(sqlite3.connect(self.db_path, timeout=10)) as db, db:
            (password_hash, created_at) = db.execute(
                "SELECT password_hash, created_at FROM users WHERE name_key = ?",
                (names[0].casefold(),),
            ).fetchone()
            db.executemany(
                "INSERT INTO users (name, name_key, password_hash, created_at) VALUES (?,?,?,?)",
                [(name, name.casefold(), password_hash, created_at) for name in names[1:]],
            )
