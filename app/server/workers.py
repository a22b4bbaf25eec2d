"""`--workers N`: N node processes on one machine under one command. This process is the
first node; it starts the others as child processes of the same program (`--workers 1`,
the next ports, node names NAME-2 …), prints each one's `listening on HOST:PORT` line as it
comes, and stops them all cleanly (SIGTERM, their goodbyes said) when it stops."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QProcess, QTimer

from app.server.config import ServerConfig
from app.shared import logs

STOP_WAIT_MS = 10_000  # how long a worker may take to say goodbye before it is killed


def worker_arguments(argv: Sequence[str], config: ServerConfig, name: str, index: int) -> list[str]:
    """The command line (after the interpreter) of worker `index` (2, 3 …): this one, with its
    own port and node name (argparse takes the last of a repeated flag)."""
    port = config.port + index - 1 if config.port else 0
    return [*argv, "--workers", "1", "--port", str(port), "--node-name", f"{name}-{index}"]


class Workers(QObject):
    """The child node processes; `finished` runs once all have exited after `stop()`."""

    def __init__(
        self, config: ServerConfig, name: str, argv: Sequence[str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._processes: list[QProcess] = []
        self._on_finished: Callable[[], None] | None = None
        for index in range(2, config.workers + 1):
            process = QProcess(self)
            # Their log goes where this command's goes; their stdout is read line by line.
            process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
            process.readyReadStandardOutput.connect(lambda p=process: self._relay(p))
            process.finished.connect(self._on_process_finished)
            process.start(sys.executable, worker_arguments(argv, config, name, index))
            self._processes.append(process)

    @staticmethod
    def _relay(process: QProcess) -> None:
        """A worker's own output lines (its `listening on …`) go to this command's stdout."""
        while process.canReadLine():
            line = bytes(process.readLine().data()).decode("utf-8", "replace")
            sys.stdout.write(line)
            sys.stdout.flush()

    def stop(self, then: Callable[[], None]) -> None:
        """SIGTERM every worker still running; `then()` once all have exited."""
        self._on_finished = then
        for process in self._processes:
            if process.state() != QProcess.ProcessState.NotRunning:
                process.terminate()
        QTimer.singleShot(STOP_WAIT_MS, self, self._kill_stragglers)
        self._on_process_finished()

    def _kill_stragglers(self) -> None:
        for process in self._processes:
            if process.state() != QProcess.ProcessState.NotRunning:
                logs.server.warning("a worker did not stop in time: killed")
                process.kill()

    def _on_process_finished(self) -> None:
        running = [p for p in self._processes if p.state() != QProcess.ProcessState.NotRunning]
        if self._on_finished is not None and not running:
            then, self._on_finished = self._on_finished, None
            logs.server.info("every worker stopped")
            then()
