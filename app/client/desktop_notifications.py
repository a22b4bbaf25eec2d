"""Desktop notifications through the freedesktop notification service on the session D-Bus
(`org.freedesktop.Notifications`), with the tray's balloon where there is no such service.

Two things about QtDBus from Python shape this module:

- PySide turns every Python int into a signed D-Bus integer, but `Notify` takes its
  `replaces_id` as `u` (uint32), and a notification service checks the signature
  (`susssasa{sv}i`). A dynamic `QDBusInterface` converts arguments to the types its
  introspection names, so the call goes through one, invoked with typed `Q_ARG`s. Its
  introspection comes from this module, not from the service: Qt caches a connection's
  interface descriptions by interface name, so describing `org.freedesktop.Notifications`
  once through a local object (with the annotation that maps `a{sv}` to a `QVariantMap`,
  which services do not give) makes every later interface of that name use it.
- Such a call blocks until the service answers (and PySide keeps Python's lock meanwhile,
  so another thread would not spare the window): a service gets `CALL_TIMEOUT_MS` to
  answer, and one that does not is left for the tray until the name changes hands.
"""

from __future__ import annotations

import itertools
import os
from html import escape

from PySide6.QtCore import (
    Q_ARG,
    Q_RETURN_ARG,
    SLOT,
    QMetaObject,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtDBus import (
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
    QDBusServiceWatcher,
    QDBusVirtualObject,
)

from app.client.tray import Tray

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
DESCRIBER_PATH = "/org/roomchat/NotificationsDescription"
CALL_TIMEOUT_MS = 1_000  # a notification service answers in milliseconds
DEFAULT_ACTION = "default"  # the spec's key for a click on the notification itself
INTERFACE_XML = f"""<interface name="{INTERFACE}">
 <method name="GetCapabilities"><arg type="as" direction="out"/></method>
 <method name="Notify">
  <arg name="app_name" type="s" direction="in"/>
  <arg name="replaces_id" type="u" direction="in"/>
  <arg name="app_icon" type="s" direction="in"/>
  <arg name="summary" type="s" direction="in"/>
  <arg name="body" type="s" direction="in"/>
  <arg name="actions" type="as" direction="in"/>
  <arg name="hints" type="a{{sv}}" direction="in"/>
  <annotation name="org.qtproject.QtDBus.QtTypeName.In6" value="QVariantMap"/>
  <arg name="expire_timeout" type="i" direction="in"/>
  <arg name="id" type="u" direction="out"/>
 </method>
 <signal name="ActionInvoked">
  <arg name="id" type="u"/><arg name="action_key" type="s"/>
 </signal>
</interface>"""


class _Describer(QDBusVirtualObject):
    """Answers the one local introspection that teaches a connection the interface."""

    def introspect(self, path: str) -> str:
        return INTERFACE_XML

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        reply = message.createReply()
        reply.setArguments([f"<node>{INTERFACE_XML}</node>"])
        return connection.send(reply)


def _activatable(connection: QDBusConnection) -> list[str]:
    """Names the bus would start on demand (a notification daemon often is one)."""
    message = QDBusMessage.createMethodCall(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "ListActivatableNames",
    )  # fmt: skip
    reply = connection.call(message)
    arguments = reply.arguments()
    return [str(name) for name in arguments[0]] if arguments else []


class DesktopNotifications(QObject):
    """Shows a notification for a room on the desktop's notification service when the
    session bus has one, else through the tray. The D-Bus connection (one of its own, so
    that its description of the interface is the one above) opens with the first
    notification.

    Signals:
        clicked(object): the person clicked the notification of the room with this key.
    """

    clicked = Signal(object)

    _names = itertools.count(1)

    def __init__(self, tray: Tray, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = tray
        self.name = f"roomchat-notifications-{next(self._names)}"
        self.connection: QDBusConnection | None = None
        self.interface: QDBusInterface | None = None
        self.capabilities: list[str] = []
        self.watcher: QDBusServiceWatcher | None = None
        self.unresponsive = False  # it did not answer: the tray until the name changes hands
        self._shown: dict[int, object] = {}  # the service's id → the room's key

    @Slot(object, str, str)
    def notify(self, key: object, summary: str, body: str) -> None:
        """Show `body` (plain text) under `summary` for the room `key`."""
        interface = self._service()
        notification_id = self._send(interface, summary, body) if interface is not None else 0
        if notification_id:
            self._shown[notification_id] = key
        else:
            self.tray.show_message(key, summary, body)

    def _connect(self) -> QDBusConnection | None:
        if self.connection is None:
            # By address when the environment names one: libdbus reads the variable once a
            # process, and a desktop session may change (or a test set) it after that.
            address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
            if address:
                self.connection = QDBusConnection.connectToBus(address, self.name)
            else:
                bus = QDBusConnection.BusType.SessionBus
                self.connection = QDBusConnection.connectToBus(bus, self.name)
            if self.connection.isConnected():
                self._describe(self.connection)
                on_action = SLOT("_on_action(uint,QString)")  # a str (the stub says bytes)
                self.connection.connect("", PATH, INTERFACE, "ActionInvoked", self, on_action)  # type: ignore[call-overload]
                mode = QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange
                self.watcher = QDBusServiceWatcher(SERVICE, self.connection, mode, self)
                self.watcher.serviceOwnerChanged.connect(self._forget_service)
        return self.connection if self.connection.isConnected() else None

    def _describe(self, connection: QDBusConnection) -> None:
        """Teach `connection` the interface through a local object (see the module)."""
        describer = _Describer(self)
        single = QDBusConnection.VirtualObjectRegisterOption.SingleNode
        connection.registerVirtualObject(DESCRIBER_PATH, describer, single)
        QDBusInterface(connection.baseService(), DESCRIBER_PATH, INTERFACE, connection)
        connection.unregisterObject(DESCRIBER_PATH)

    def _service(self) -> QDBusInterface | None:
        connection = self._connect()
        if connection is None or self.unresponsive:
            return None
        if self.interface is None:
            bus = connection.interface()
            if not bus.isServiceRegistered(SERVICE) and SERVICE not in _activatable(connection):
                return None
            interface = QDBusInterface(SERVICE, PATH, INTERFACE, connection, self)
            interface.setTimeout(CALL_TIMEOUT_MS)
            reply = interface.call("GetCapabilities")
            if reply.type() != QDBusMessage.MessageType.ReplyMessage:
                self.unresponsive = True
                return None
            arguments = reply.arguments()
            self.capabilities = [str(c) for c in arguments[0]] if arguments else []
            self.interface = interface
        return self.interface

    def _send(self, interface: QDBusInterface, summary: str, body: str) -> int:
        """Notify; the service's id for it, or 0 when it was not shown."""
        if "body-markup" in self.capabilities:
            body = escape(body, quote=False)  # the text is plain: never markup
        actions = [DEFAULT_ACTION, self.tr("Open")] if "actions" in self.capabilities else []
        hints = {"desktop-entry": "roomchat", "category": "im.received"}
        try:
            notification_id = QMetaObject.invokeMethod(
                interface,
                "Notify",
                Qt.ConnectionType.DirectConnection,
                Q_RETURN_ARG("uint"),
                Q_ARG(str, "RoomChat"),
                Q_ARG("uint", 0),  # replaces nothing
                Q_ARG(str, "roomchat"),
                Q_ARG(str, summary),
                Q_ARG(str, body),
                Q_ARG("QStringList", actions),
                Q_ARG("QVariantMap", hints),
                Q_ARG(int, -1),  # the service's default timeout
            )
        except RuntimeError:  # the description did not take: there is no typed Notify
            return 0
        if interface.lastError().isValid():  # not answered in time, or refused
            self.unresponsive = True
            return 0
        return notification_id if isinstance(notification_id, int) else 0

    @Slot(str, str, str)
    def _forget_service(self, _name: str, _old: str, _new: str) -> None:
        self.interface = None  # a new owner (or none): ask again, and its capabilities
        self.unresponsive = False
        self._shown.clear()

    @Slot("uint", str)
    def _on_action(self, notification_id: int, action: str) -> None:
        key = self._shown.get(int(notification_id))
        if key is not None and action == DEFAULT_ACTION:
            self.clicked.emit(key)

    def shutdown(self) -> None:
        """Close the D-Bus connection (the client is ending)."""
        self.interface = self.watcher = None
        if self.connection is not None:
            self.connection = None
            QDBusConnection.disconnectFromBus(self.name)
