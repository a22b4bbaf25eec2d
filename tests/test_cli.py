"""The launcher as a user runs it: a real server process, its first line, its flags."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QProcessEnvironment
from PySide6.QtNetwork import QSslCertificate, QSslConfiguration

from tests.conftest import MAIN, ROOT
from tests.python_script import printed_by
from tests.wire_client import WireClient


def run_main(
    *args: str, stdin: str = "", prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, MAIN, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def without_root_powers() -> tuple[str, ...]:
    """A command prefix under which a read-only folder is read-only, even for root."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("root writes into read-only folders, and setpriv is missing")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


def test_a_missing_database_folder_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    db = str(folder / "x.sqlite3")
    result = run_main("--mode", "server", "--headless", "--port", "0", "--db", db)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: cannot open the database {db}: the folder {folder} does not exist"
    ]


def test_a_read_only_database_folder_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    db = str(folder / "x.sqlite3")
    try:
        result = run_main(
            "--mode", "server", "--headless", "--port", "0", "--db", db,
            prefix=without_root_powers(),
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: cannot open the database {db}: the folder {folder} is read-only "
        "(the database needs to write files beside it)"
    ]


def test_a_broken_postgresql_url_is_one_line_without_its_password() -> None:
    url = "postgresql://alice:hunter2@db.lan:54x/chat"
    result = run_main("--mode", "server", "--headless", "--port", "0", "--db", url)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["error: --db: the PostgreSQL URL's PORT must be a number"]


def test_a_host_name_is_looked_up_and_listened_on(qtbot, server_process) -> None:
    start, _, _ = server_process
    port = start("--host", "localhost")  # the line says the address it found
    client = WireClient(qtbot, port, host="localhost")
    assert client.expect("welcome")["version"] == 1
    client.close()


def test_a_host_name_with_no_address_is_one_line(tmp_path: Path) -> None:
    result = run_main("--mode", "server", "--headless", "--port", "0",
                      "--db", str(tmp_path / "x.sqlite3"), "--host", "nowhere.invalid")  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: cannot find the address of 'nowhere.invalid': ")


def test_headless_server_prints_one_line_and_greets_a_raw_client(qtbot, server_process) -> None:
    start, process, output = server_process
    port = start()
    client = WireClient(qtbot, port)
    welcome = client.expect("welcome")
    assert welcome["version"] == 1 and welcome["server"].startswith("RoomChat ")
    process.terminate()  # SIGTERM: a clean shutdown that tells clients
    client.expect_error("server_shutdown")
    qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning, timeout=10_000)
    assert process.exitCode() == 0
    assert output.decode().count("\n") == 1  # stdout holds only the listening line
    client.close()


def test_add_user_reads_the_password_from_stdin(qtbot, tmp_path, server_process) -> None:
    db = str(tmp_path / "x.sqlite3")
    result = run_main(
        "--mode",
        "server",
        "--db",
        db,
        "--hash-profile",
        "test",
        "--add-user",
        "김민준",
        stdin="password123\n",
    )
    assert result.returncode == 0, result.stderr
    assert "password123" not in result.stdout + result.stderr
    again = run_main(
        "--mode",
        "server",
        "--db",
        db,
        "--hash-profile",
        "test",
        "--add-user",
        "김민준",
        stdin="password123\n",
    )
    assert again.returncode == 1 and "taken" in again.stderr
    short = run_main("--mode", "server", "--db", db, "--add-user", "bob42", stdin="short\n")
    assert short.returncode == 2 and "8 to 128" in short.stderr

    start, _, _ = server_process
    client = WireClient(qtbot, start("--no-registration"))
    assert client.expect("welcome")["registration"] is False
    client.request("login", "logged_in", name="김민준", password="password123")
    client.close()


def test_operators_are_made_granted_and_revoked_from_the_command_line(
    qtbot, tmp_path, server_process
) -> None:
    db = str(tmp_path / "x.sqlite3")  # the server_process fixture's --db
    base = ("--mode", "server", "--db", db, "--hash-profile", "test")
    made = run_main(*base, "--add-user", "olga", "--operator", stdin="password123\n")
    assert (made.returncode, made.stdout) == (0, "created operator account olga\n"), made.stderr
    run_main(*base, "--add-user", "pupil", stdin="password123\n")
    assert run_main(*base, "--add-user", "kim", stdin="password123\n").stdout == (
        "created account kim\n"
    )
    granted = run_main(*base, "--grant-operator", "PUPIL")  # names without case, as at login
    assert (granted.returncode, granted.stdout) == (0, "pupil is now an operator\n")
    again = run_main(*base, "--grant-operator", "pupil")
    assert (again.returncode, again.stdout) == (0, "pupil is an operator already\n")
    revoked = run_main(*base, "--revoke-operator", "olga")
    assert (revoked.returncode, revoked.stdout) == (0, "olga is no longer an operator\n")
    unknown = run_main(*base, "--grant-operator", "nobody")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr.splitlines() == ["error: no account is named 'nobody'"]
    alone = run_main(*base, "--operator")
    assert alone.returncode == 2 and alone.stderr.splitlines() == [
        "error: --operator goes with --add-user"
    ]

    start, _, _ = server_process
    port = start()
    for name, operator in (("olga", False), ("pupil", True), ("kim", False)):
        client = WireClient(qtbot, port)
        reply = client.request("login", "logged_in", name=name, password="password123")
        assert reply["operator"] is operator, name
        client.close()


def test_help_documents_every_flag() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    for flag in (
        "--mode",
        "--host",
        "--port",
        "--db",
        "--headless",
        "--room-port-range",
        "--empty-room-grace",
        "--max-room-capacity",
        "--no-registration",
        "--log-level",
        "--hash-profile",
        "--add-user",
        "--operator",
        "--grant-operator",
        "--revoke-operator",
        "--persistent-rooms",
        "--keep-deleted-history",
        "--lang",
    ):
        assert flag in result.stdout


@pytest.mark.parametrize("bad", [["--port", "70000"], ["--room-port-range", "9-3"]])
def test_bad_flags_are_refused_with_a_message(bad: list[str]) -> None:
    result = run_main("--mode", "server", *bad)
    assert result.returncode == 2 and "error" in result.stderr


def test_make_run_without_a_display_serves_headless_and_says_how_to_connect(
    qtbot, tmp_path
) -> None:
    process = QProcess()
    environment = QProcessEnvironment.systemEnvironment()
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        environment.remove(name)
    process.setProcessEnvironment(environment)
    process.setWorkingDirectory(str(ROOT))
    db = str(tmp_path / "run.sqlite3")
    process.start(sys.executable, ["-m", "tools.run", "--port", "0", "--db", db])
    output = bytearray()
    process.readyReadStandardOutput.connect(
        lambda: output.extend(process.readAllStandardOutput().data())
    )
    qtbot.waitUntil(lambda: b"\n" in output, timeout=20_000)
    assert output.decode().startswith("listening on 127.0.0.1:")
    process.terminate()
    qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning, timeout=10_000)
    assert "main.py --mode client" in process.readAllStandardError().data().decode()
    # The launcher became the server, so SIGTERM reached it and it shut down cleanly
    # (a launcher killed outright would leave its server running behind it).
    assert process.exitStatus() == QProcess.ExitStatus.NormalExit and process.exitCode() == 0


def test_make_cert_then_a_tls_server_in_three_commands(qtbot, tmp_path, server_process) -> None:
    made = run_main("--mode", "server", "--make-cert", str(tmp_path / "tls"),
                    "--cert-host", "localhost", "--cert-host", "127.0.0.1")  # fmt: skip
    assert made.returncode == 0, made.stderr
    cert, key = tmp_path / "tls" / "roomchat-cert.pem", tmp_path / "tls" / "roomchat-key.pem"
    assert cert.exists() and key.exists()
    start, _, _ = server_process
    port = start("--tls-cert", str(cert), "--tls-key", str(key))
    tls = QSslConfiguration.defaultConfiguration()
    tls.setCaCertificates(QSslCertificate.fromPath(str(cert)))
    client = WireClient(qtbot, port, tls=tls)
    assert client.expect("welcome")["version"] == 1
    assert client.socket.isEncrypted()
    client.close()
    half = run_main("--mode", "server", "--tls-cert", str(cert))
    assert half.returncode == 2 and "go together" in half.stderr


def test_a_server_loads_neither_the_form_loader_nor_the_dns_code_until_it_needs_them() -> None:
    # About 10 MB each (docs/PERFORMANCE.md): a headless server never builds a form, and one
    # that does not announce itself (on loopback, or with --no-announce) never speaks DNS.
    script = (
        "import sys\n"
        "import app.server.cli, app.server.server\n"
        "print(sorted(m for m in ('dns', 'PySide6.QtUiTools', 'app.shared.forms') "
        "if m in sys.modules))\n"
    )
    assert printed_by(script) == ["[]"]


def test_a_server_on_sqlite_loads_neither_the_node_code_nor_ctypes_until_it_needs_them() -> None:
    # Several nodes need PostgreSQL and --workers; ctypes sets SO_LINGER on an abort and,
    # once run_server starts, the malloc arenas (see share_malloc_arena).
    script = (
        "import sys\n"
        "import main, app.server.cli, app.server.server\n"
        "print(sorted(m for m in sys.modules if m == 'ctypes' or m.startswith("
        "('app.server.node', 'app.server.workers', 'app.server.remote_rooms', "
        "'app.server.placement', 'app.server.shared_tickets'))))\n"
    )
    assert printed_by(script) == ["['app.server.node_schema']"]  # the store's migrations


def test_a_serving_server_has_its_start_up_objects_out_of_the_collectors_way(
    tmp_path: Path,
) -> None:
    script = (
        "import gc\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from app.server.cli import serve_headless\n"
        "from app.server.config import ServerConfig\n"
        "from app.server.server import ChatServer\n"
        "class App(QCoreApplication):\n"
        "    def exec(self):\n"  # where the event loop would run: report, then return
        "        print(gc.get_freeze_count() > 10_000)\n"
        "        return 0\n"
        "app = App([])\n"
        f"config = ServerConfig(host='127.0.0.1', port=0, db_path={str(tmp_path / 'x.db')!r},"
        " hash_profile='test')\n"
        "print(gc.get_freeze_count())\n"
        "server = ChatServer(config)\n"
        "serve_headless(app, server)\n"
        "server.shutdown()\n"
    )
    words = printed_by(script)
    assert words[0] == "0" and words[1:3] == ["listening", "on"] and words[-1] == "True"


def test_pyside6_leaves_no_module_source_in_linecache() -> None:
    # Its import hook read each module's source with inspect.getsource, which keeps it in
    # linecache: 2.2 MB of text and about 6 MB of a server's memory (pyside_sources.py).
    script = (
        "import linecache\n"
        "import main, app.server.cli, app.server.server\n"
        "import app.server.nodes\n"  # one imported after PySide6 that uses PySide6
        "print(len(linecache.cache))\n"
    )
    assert printed_by(script) == ["0"]


def test_an_unusable_files_folder_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_bytes(b"")
    db = str(tmp_path / "x.sqlite3")
    result = run_main(
        "--mode", "server", "--headless", "--port", "0", "--db", db,
        "--files-dir", str(blocker / "files"),
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()  # after the migration's log lines
    assert lines[-1] == f"error: cannot make the files folder {blocker / 'files' / 'parts'}"
    assert "Traceback" not in result.stderr


ARENAS_SCRIPT = (
    "import ctypes, sys, tempfile, threading\n"
    "from app.server import cli\n"
    "if MODE == 'run_server':\n"  # the server's entry makes the call first
    "    from main import build_parser\n"
    "    cli.run_server(build_parser().parse_args(\n"
    "        ['--mode', 'server', '--headless', '--make-cert', tempfile.mkdtemp() + '/c']))\n"
    "together = threading.Barrier(3)\n"  # all alive at once: none inherits another's arena
    "def allocate():\n"
    "    blocks = [bytearray(200_000) for _ in range(20)]\n"
    "    together.wait()\n"
    "    del blocks\n"
    "threads = [threading.Thread(target=allocate) for _ in range(3)]\n"
    "for thread in threads: thread.start()\n"
    "for thread in threads: thread.join()\n"
    "libc = ctypes.CDLL(None)\n"
    "libc.fopen.restype = ctypes.c_void_p\n"
    "path = tempfile.mktemp()\n"
    "out = libc.fopen(path.encode(), b'w')\n"
    "libc.malloc_info(0, ctypes.c_void_p(out))\n"
    "libc.fclose(ctypes.c_void_p(out))\n"
    "print('arenas', open(path).read().count('<heap nr='))\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_info")
def test_the_server_s_threads_share_one_malloc_arena() -> None:
    # Without the call each thread that allocates gets an arena of its own.
    assert printed_by("MODE = 'none'\n" + ARENAS_SCRIPT)[-2:] == ["arenas", "4"]
    assert printed_by("MODE = 'run_server'\n" + ARENAS_SCRIPT)[-2:] == ["arenas", "1"]
