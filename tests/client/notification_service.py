"""A private D-Bus session bus (a real `dbus-daemon`) and a notification service on it that
reports what it is sent: the freedesktop `org.freedesktop.Notifications` interface, exported
with the exact signatures of the specification, so a call with other argument types never
reaches it (QtDBus answers it as an unknown method).

The service runs in a process of its own (`python -m tests.client.notification_service
ADDRESS`), as a desktop's does: the client's call waits for the answer, so a service in
the client's process could not give one. It prints one JSON line per Notify, and sends
ActionInvoked for an id written to its standard input (a click on that notification)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import (
    ClassInfo,
    QCoreApplication,
    QObject,
    QProcess,
    QSocketNotifier,
    Signal,
    Slot,
)
from PySide6.QtDBus import QDBusConnection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"

# A session bus of the test's own: no service activation, so nothing of the machine's
# (a real notification daemon) is ever started on it.
CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextmanager
def private_session_bus(folder: Path) -> Iterator[str]:
    """Run a `dbus-daemon` listening in `folder` while the block runs; yields its address."""
    daemon = shutil.which("dbus-daemon")
    assert daemon is not None
    config = folder / "session.conf"
    config.write_text(CONFIG.format(folder=folder))
    process = subprocess.Popen(
        [daemon, f"--config-file={config}", "--print-address", "--nofork", "--nopidfile"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()  # printed once it listens
        assert address.startswith("unix:"), address
        yield address
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


# The interface as a notification daemon describes it (dunst's words): without the Qt
# annotations that QtDBus would add to its own description of these slots.
INTROSPECTION = f"""<interface name="{NAME}">
 <method name="GetCapabilities"><arg direction="out" name="capabilities" type="as"/></method>
 <method name="Notify">
  <arg direction="in" name="app_name" type="s"/>
  <arg direction="in" name="replaces_id" type="u"/>
  <arg direction="in" name="app_icon" type="s"/>
  <arg direction="in" name="summary" type="s"/>
  <arg direction="in" name="body" type="s"/>
  <arg direction="in" name="actions" type="as"/>
  <arg direction="in" name="hints" type="a{{sv}}"/>
  <arg direction="in" name="expire_timeout" type="i"/>
  <arg direction="out" name="id" type="u"/>
 </method>
 <signal name="ActionInvoked"><arg name="id" type="u"/><arg name="action_key" type="s"/></signal>
</interface>
"""


@ClassInfo({"D-Bus Interface": NAME, "D-Bus Introspection": INTROSPECTION})
class FakeNotifications(QObject):
    """The notification service: reports each Notify and answers with a fresh id."""

    ActionInvoked = Signal("uint", str)

    def __init__(self, capabilities: list[str]) -> None:
        super().__init__()
        self.capabilities = capabilities
        self.count = 0

    @Slot(result="QStringList")
    def GetCapabilities(self) -> list[str]:  # the D-Bus method names
        return self.capabilities

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(
        self,
        app_name: str,
        replaces_id: int,
        app_icon: str,
        summary: str,
        body: str,
        actions: list[str],
        hints: dict[str, object],
        expire_timeout: int,
    ) -> int:
        self.count += 1
        fields = {
            "id": self.count,
            "app_name": app_name,
            "replaces_id": replaces_id,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": list(actions),
            "hints": {key: str(value) for key, value in hints.items()},
            "expire_timeout": expire_timeout,
        }
        print(json.dumps(fields), flush=True)
        return self.count


def serve(address: str, capabilities: list[str]) -> int:
    """Own the name on the bus at `address` until standard input closes."""
    app = QCoreApplication([])
    connection = QDBusConnection.connectToBus(address, "notification-service")
    service = FakeNotifications(capabilities)
    options = (
        QDBusConnection.RegisterOption.ExportAllSlots
        | QDBusConnection.RegisterOption.ExportAllSignals
    )
    if not (connection.registerObject(PATH, service, options) and connection.registerService(NAME)):
        return 1

    def on_input() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
        elif line.strip():
            service.ActionInvoked.emit(int(line), "default")

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_input)
    print(json.dumps({"ready": True}), flush=True)
    return app.exec()


class ServiceProcess:
    """The service's process as the test sees it: what it received, and a click."""

    def __init__(self, address: str, capabilities: list[str]) -> None:
        self.received: list[dict[str, object]] = []
        self.ready = False
        self.process = QProcess()
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self.process.readyReadStandardOutput.connect(self._on_output)
        arguments = ["-m", "tests.client.notification_service", address, *capabilities]
        self.process.setWorkingDirectory(str(Path(__file__).resolve().parents[2]))
        self.process.start(sys.executable, arguments)

    def _on_output(self) -> None:
        while self.process.canReadLine():
            line = json.loads(bytes(self.process.readLine().data()).decode())
            if line.get("ready"):
                self.ready = True
            else:
                self.received.append(line)

    def click(self, notification_id: int) -> None:
        self.process.write(f"{notification_id}\n".encode())

    def stop(self) -> None:
        self.process.closeWriteChannel()
        if not self.process.waitForFinished(5_000):
            self.process.kill()
            self.process.waitForFinished(5_000)


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], sys.argv[2:]))
