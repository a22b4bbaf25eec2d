"""Desktop notifications over D-Bus: a real bus daemon of the test's own, a notification
service on it, and the real client windows; the tray only where the bus has no service."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.conftest import WAIT_MS
from tests.client.notification_service import ServiceProcess, private_session_bus
from tests.client.test_attention import _badge, _key_of, _say, _two_rooms

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (Debian package dbus)"
)


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus, named in DBUS_SESSION_BUS_ADDRESS as a desktop's is."""
    folder = tmp_path / "bus"
    folder.mkdir()
    with private_session_bus(folder) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


@pytest.fixture
def service(qtbot, session_bus: str) -> Iterator[ServiceProcess]:
    """A notification service on that bus, one that shows markup and actions."""
    running = ServiceProcess(session_bus, ["body", "body-markup", "actions"])
    qtbot.waitUntil(lambda: running.ready, timeout=WAIT_MS)
    yield running
    running.stop()


def _tray_messages(main) -> list[tuple[object, str, str]]:
    shown: list[tuple[object, str, str]] = []
    main.tray.show_message = lambda *args: shown.append(args)
    return shown


def test_a_mention_elsewhere_is_one_notification_on_the_bus(
    qtbot, make_client, service: ServiceProcess
) -> None:
    alice, kitchen, lounge, bob_kitchen, bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    tray = _tray_messages(main)
    _say(qtbot, bob_kitchen, "@alice <b>lunch</b> & cake?")
    qtbot.waitUntil(lambda: len(service.received) == 1, timeout=WAIT_MS)
    notification = service.received[0]
    assert notification["summary"] == "bob in Kitchen"
    assert notification["body"] == "@alice &lt;b&gt;lunch&lt;/b&gt; &amp; cake?"  # plain text
    assert notification["app_name"] == "RoomChat" and notification["replaces_id"] == 0
    assert notification["actions"] == ["default", "Open"]
    assert notification["hints"]["desktop-entry"] == "roomchat"
    _say(qtbot, bob_lounge, "@alice in front of you")  # the active pane: no notification
    main.attention.set_do_not_disturb(True)
    _say(qtbot, bob_kitchen, "@alice while you rest")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (2, True), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: lounge.messages.last_seq == 1, timeout=WAIT_MS)
    main.attention.set_do_not_disturb(False)
    _say(qtbot, bob_kitchen, "@alice last one")  # a marker: everything before it has arrived
    qtbot.waitUntil(lambda: len(service.received) == 2, timeout=WAIT_MS)
    assert [n["body"] for n in service.received] == [notification["body"], "@alice last one"]
    assert tray == []
    service.click(2)  # the person clicks the notification: its room comes up
    qtbot.waitUntil(lambda: main.current_key() == _key_of(main, kitchen), timeout=WAIT_MS)


def test_without_a_notification_service_the_tray_shows_it(
    qtbot, make_client, session_bus: str
) -> None:
    alice, kitchen, _lounge, bob_kitchen, _bob_lounge = _two_rooms(qtbot, make_client)
    tray = _tray_messages(alice.main)
    _say(qtbot, bob_kitchen, "@alice are you there?")
    qtbot.waitUntil(lambda: len(tray) == 1, timeout=WAIT_MS)
    assert tray == [(_key_of(alice.main, kitchen), "bob in Kitchen", "@alice are you there?")]


def test_a_hung_notification_service_is_left_for_the_tray(
    qtbot, make_client, service: ServiceProcess
) -> None:
    alice, kitchen, _lounge, bob_kitchen, _bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    tray = _tray_messages(main)
    _say(qtbot, bob_kitchen, "@alice first")
    qtbot.waitUntil(lambda: len(service.received) == 1, timeout=WAIT_MS)
    os.kill(service.process.processId(), signal.SIGSTOP)  # the daemon hangs
    try:
        _say(qtbot, bob_kitchen, "@alice second")  # not answered: the tray, after a second
        qtbot.waitUntil(lambda: len(tray) == 1, timeout=WAIT_MS)
        assert main.notifications.unresponsive
        _say(qtbot, bob_kitchen, "@alice third")  # straight to the tray now
        qtbot.waitUntil(lambda: len(tray) == 2, timeout=WAIT_MS)
        assert [body for _key, _summary, body in tray] == ["@alice second", "@alice third"]
    finally:
        os.kill(service.process.processId(), signal.SIGCONT)
    assert _badge(main, kitchen) == (3, True)
