"""The People panel and direct conversations in the main window, against a real server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.client.chat_models import ChatEntry, EntryKind
from app.client.current_session import CurrentSession
from app.client.direct_pane import DirectKey, DirectMessagesModel, DirectPane
from app.client.main_window import MainWindow
from app.client.people_model import NAME_ROLE, PeopleModel
from app.shared.protocol import AWAY, ONLINE, Presence
from tests.client.conftest import WAIT_MS, activate, log_in, type_into
from tests.client.test_mnemonics import mnemonic, repeated, window_texts
from tests.fake_clock import FakeClock


def _listed(client) -> dict[str, str]:
    """What alice's People list shows, by name."""
    model = client.main.people.model
    return {
        model.index(row).data(NAME_ROLE): model.index(row).data() for row in range(model.rowCount())
    }


def _select(qtbot, client, name: str) -> None:
    panel = client.main.people
    qtbot.waitUntil(lambda: name in _listed(client), timeout=WAIT_MS)
    row = panel.model.names.index(name)
    panel.view.setCurrentIndex(panel.model.index(row))


def _sidebar_text(client, peer: str) -> str | None:
    index = client.main.sidebar.direct_index(DirectKey(peer))
    return index.data() if index.isValid() else None


def _texts(pane: DirectPane) -> list[str]:
    return [pane.messages.entry(row).text for row in range(pane.messages.rowCount())]


def _write(qtbot, pane: DirectPane, text: str) -> None:
    rows = pane.messages.rowCount()
    qtbot.keyClicks(pane.input_edit, text)
    qtbot.keyClick(pane.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.messages.rowCount() == rows + 1, timeout=WAIT_MS)


def test_the_people_panel_shows_presence_and_status(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    qtbot.waitUntil(lambda: _listed(alice).get("bob") == "bob", timeout=WAIT_MS)
    assert alice.main.people.online_label.text() == "Online (1)"
    type_into(qtbot, bob.main.people.status_edit, "<b>at lunch</b>")
    qtbot.keyClick(bob.main.people.status_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _listed(alice)["bob"] == "bob — <b>at lunch</b>", timeout=WAIT_MS)
    # Away by itself after ten minutes without input, on a clock the test moves.
    idle = bob.main.people.idle
    clock = FakeClock()
    idle.clock, idle.last_input = clock, clock()
    clock.advance(599)
    idle.check()
    assert bob.main.people.state == ONLINE
    clock.advance(2)
    idle.check()
    qtbot.waitUntil(
        lambda: _listed(alice)["bob"] == "bob (away) — <b>at lunch</b>", timeout=WAIT_MS
    )
    assert bob.main.people.state == AWAY
    qtbot.keyClick(bob.main.people.status_edit, Qt.Key.Key_End)  # any input: back
    qtbot.waitUntil(lambda: _listed(alice)["bob"] == "bob — <b>at lunch</b>", timeout=WAIT_MS)
    qtbot.mouseClick(bob.main.people.away_check, Qt.MouseButton.LeftButton)  # away by hand
    qtbot.waitUntil(lambda: "(away)" in _listed(alice)["bob"], timeout=WAIT_MS)
    bob.main.log_out()
    qtbot.waitUntil(lambda: "bob" not in _listed(alice), timeout=WAIT_MS)
    assert alice.main.people.online_label.text() == "Online (0)"


def test_a_direct_conversation_starts_from_the_people_panel(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    _select(qtbot, alice, "bob")
    activate(qtbot, alice.main.form)
    qtbot.mouseClick(alice.main.people.message_button, Qt.MouseButton.LeftButton)
    pane = alice.main.directs.panes[DirectKey("bob")]
    assert alice.main.current_key() == DirectKey("bob")
    assert alice.main.stack.currentWidget() is pane.form
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.input_edit, timeout=WAIT_MS)
    _write(qtbot, pane, "<i>hi</i> bob")
    # bob is elsewhere: the conversation appears with one unread, the message plain text
    qtbot.waitUntil(lambda: _sidebar_text(bob, "alice") == "alice (1)", timeout=WAIT_MS)
    assert DirectKey("alice") not in bob.main.directs.panes  # made when first shown
    bob_pane = bob.main.directs.pane(DirectKey("alice"))
    qtbot.waitUntil(lambda: _texts(bob_pane) == ["<i>hi</i> bob"], timeout=WAIT_MS)
    bob.main.go_to(DirectKey("alice"))
    assert _sidebar_text(bob, "alice") == "alice"
    _write(qtbot, bob_pane, "hello")
    qtbot.waitUntil(lambda: _texts(pane) == ["<i>hi</i> bob", "hello"], timeout=WAIT_MS)
    assert _sidebar_text(alice, "bob") == "bob"  # shown while it came: nothing unread


def test_direct_messages_wait_for_someone_offline(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, bob, "bob")
    bob.main.log_out()
    log_in(qtbot, alice, "alice")
    alice.main.open_direct("bob")  # not online: a conversation all the same
    pane = alice.main.directs.panes[DirectKey("bob")]
    # bob's logout may reach the server after alice's login: then she hears of it later.
    qtbot.waitUntil(lambda: pane.presence_label.text() == "offline", timeout=WAIT_MS)
    for text in ("one", "two", "three"):
        _write(qtbot, pane, text)
    log_in(qtbot, bob, "bob", sign_up=False)
    qtbot.waitUntil(lambda: _sidebar_text(bob, "alice") == "alice (3)", timeout=WAIT_MS)
    bob_pane = bob.main.directs.pane(DirectKey("alice"))  # its history: after what waited
    qtbot.waitUntil(lambda: _texts(bob_pane) == ["one", "two", "three"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pane.presence_label.text() == "online", timeout=WAIT_MS)
    assert _sidebar_text(bob, "alice") == "alice (3)"  # the waiting ones are not counted twice
    bob.main.go_to(DirectKey("alice"))
    assert _sidebar_text(bob, "alice") == "alice"


def test_older_messages_come_in_when_scrolled_to_the_top(qtbot, make_client, monkeypatch) -> None:
    monkeypatch.setattr(DirectPane, "page_size", 4)
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    bob.main.open_direct("alice")  # open while they come: each shown live
    bob_pane = bob.main.directs.panes[DirectKey("alice")]
    qtbot.waitUntil(lambda: not bob_pane.loading, timeout=WAIT_MS)
    alice.main.open_direct("bob")
    pane = alice.main.directs.panes[DirectKey("bob")]
    sent = [f"message {n}\n" + "line\n" * 12 for n in range(14)]
    for text in sent:
        pane.input_edit.setPlainText(text)
        pane.send()
    qtbot.waitUntil(lambda: pane.messages.rowCount() == 14, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _texts(bob_pane) == sent, timeout=WAIT_MS)  # live, all of them
    bob.main.log_out()
    log_in(qtbot, bob, "bob", sign_up=False)
    bob.main.open_direct("alice")
    bob_pane = bob.main.directs.panes[DirectKey("alice")]
    qtbot.waitUntil(lambda: _texts(bob_pane) == sent[-4:], timeout=WAIT_MS)
    bar = bob_pane.messages_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=WAIT_MS)
    for shown in (8, 12, 14):
        bar.setValue(bar.minimum())  # the person scrolls to the top
        qtbot.waitUntil(lambda n=shown: _texts(bob_pane) == sent[-n:], timeout=WAIT_MS)
        assert bar.value() > bar.minimum()  # the same messages stay in view
    assert not bob_pane.more


def test_blocking_from_the_panel_and_the_pane(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    _select(qtbot, bob, "alice")
    panel = bob.main.people
    qtbot.mouseClick(panel.block_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.block_button.text() == "Unbloc&k", timeout=WAIT_MS)
    alice.main.open_direct("bob")
    pane = alice.main.directs.panes[DirectKey("bob")]
    _write(qtbot, pane, "are you there?")  # sent as usual: alice is not told
    bob.main.open_direct("alice")
    bob_pane = bob.main.directs.panes[DirectKey("alice")]
    assert bob_pane.unblock_action.isVisible() and bob_pane.banner_label.isVisible()
    qtbot.waitUntil(lambda: not bob_pane.loading, timeout=WAIT_MS)
    assert _texts(bob_pane) == [] and _sidebar_text(bob, "alice") == "alice"
    bob_pane.unblock_action.trigger()  # from the pane's menu
    qtbot.waitUntil(lambda: panel.block_button.text() == "Bloc&k", timeout=WAIT_MS)
    assert not bob_pane.banner_label.isVisible()
    _write(qtbot, pane, "now?")
    qtbot.waitUntil(lambda: _texts(bob_pane) == ["now?"], timeout=WAIT_MS)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_main_window_with_people_and_a_conversation_has_no_mnemonic_twice(
    qtbot, request, language: str
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    main = MainWindow(CurrentSession())
    qtbot.addWidget(main.form)
    main.open_direct("bob")
    texts = window_texts(main.form)
    assert {"&Message", "Bloc&k", "Con&versation"} <= set(texts) or language == "ko"
    assert len([text for text in texts if mnemonic(text)]) >= 12
    assert repeated(texts) == {}, language


def test_a_conversation_shows_each_message_once(qtbot, qtmodeltester) -> None:
    model = DirectMessagesModel()
    qtmodeltester.check(model)
    for seq in (5, 6, 6):
        model.append(ChatEntry(EntryKind.MESSAGE, f"m{seq}", "bob", None, seq))
    assert (
        model.prepend(
            ChatEntry(EntryKind.MESSAGE, f"m{seq}", "bob", None, seq) for seq in (3, 4, 5)
        )
        == 2
    )
    assert [model.entry(row).text for row in range(model.rowCount())] == ["m3", "m4", "m5", "m6"]
    assert model.first_seq == 3


def test_the_people_model_keeps_names_sorted_without_case(qtbot, qtmodeltester) -> None:
    model = PeopleModel()
    for name in ("carol", "Bob", "alice"):
        model.update(Presence(name, ONLINE, None))
    model.update(Presence("bob", AWAY, "lunch"))  # the same person, another spelling
    qtmodeltester.check(model)
    assert model.names == ["alice", "bob", "carol"]
    model.update(Presence("ALICE", "offline", None), online=False)
    assert model.names == ["bob", "carol"] and model.index(0).data() == "bob (away) — lunch"
