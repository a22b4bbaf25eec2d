""" "Keep me signed in": the resume token in the credential store (a test backend), used at
the next start with no password typed, never in the settings, forgotten at logout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt

from app.client.credentials import SERVICE, account_of
from tests.client.conftest import WAIT_MS, log_in, submit_login
from tests.client.test_people_session import MemoryKeyring


@pytest.fixture
def memory_store() -> Iterator[MemoryKeyring]:
    """The credential store for these tests (keyring.set_keyring with one in memory)."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def _settings_text(folder: Path) -> str:
    return "".join(path.read_text() for path in folder.rglob("*") if path.is_file())


def test_kept_sign_in_is_used_at_the_next_start(
    qtbot, make_client, server, memory_store: MemoryKeyring, isolated_settings: Path
) -> None:
    first = make_client()
    first.login.keep_check.setFocus()
    qtbot.keyClick(first.login.keep_check, Qt.Key.Key_Space)  # "Keep me signed in"
    assert first.login.keep_check.isChecked()
    log_in(qtbot, first, "alice")
    account = account_of("127.0.0.1", server.port, "alice")
    token = first.current.session.resume_token
    assert token and memory_store.items == {(SERVICE, account): token}
    assert token not in _settings_text(isolated_settings)
    first.shutdown()  # quit: no logout, so the kept token stays good

    second = make_client()  # the next start: signed in with no password typed
    qtbot.waitUntil(
        lambda: second.lobby.connected and second.main.form.isVisible(), timeout=WAIT_MS
    )
    assert second.current.name == "alice" and second.login.password_edit.text() == ""
    renewed = second.current.session.resume_token
    assert renewed and renewed != token  # a token is good once: the new one is kept
    assert memory_store.items == {(SERVICE, account): renewed}
    second.main.log_out()
    qtbot.waitUntil(lambda: second.login.form.isVisible(), timeout=WAIT_MS)
    assert memory_store.items == {}


def test_without_keep_nothing_is_stored_and_the_password_is_asked(
    qtbot, make_client, memory_store: MemoryKeyring
) -> None:
    first = make_client()
    log_in(qtbot, first, "alice")
    assert memory_store.items == {}
    first.shutdown()
    second = make_client()
    assert not second.login.busy and second.login.form.isVisible()
    submit_login(qtbot, second, "alice", sign_up=False)
    qtbot.waitUntil(lambda: second.lobby.connected, timeout=WAIT_MS)
