"""No window has the same mnemonic (Alt+letter) twice, in English or in Korean."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMainWindow, QMenu, QWidget

from app.client.message_edit import MessageEdit
from app.shared.forms import FORMS_DIR, load_form

FORMS = sorted(path.stem for path in FORMS_DIR.glob("*.ui"))
_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" ("&&" is a literal ampersand), folded."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def window_texts(form: QWidget) -> list[str]:
    """The texts whose mnemonics act in the whole window: buttons, labels with a buddy, group
    boxes and the menu bar's menus."""

    def here(widgets: list[Any]) -> list[Any]:  # a child dialog is a window of its own
        return [widget for widget in widgets if widget.window() is form]

    texts = [button.text() for button in here(form.findChildren(QAbstractButton))]
    texts += [
        label.text() for label in here(form.findChildren(QLabel)) if label.buddy() is not None
    ]
    texts += [group.title() for group in here(form.findChildren(QGroupBox))]
    if isinstance(form, QMainWindow):
        texts += [action.text() for action in form.menuBar().actions()]
    return texts


def menu_texts(form: QWidget) -> list[list[str]]:
    """The texts of each menu's items: a menu is a scope of its own."""
    return [[action.text() for action in menu.actions()] for menu in form.findChildren(QMenu)]


def repeated(texts: list[str]) -> dict[str, list[str]]:
    letters = Counter(letter for letter in map(mnemonic, texts) if letter)
    return {
        letter: [text for text in texts if mnemonic(text) == letter]
        for letter, count in letters.items()
        if count > 1
    }


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("name", FORMS)
def test_no_window_or_menu_has_a_mnemonic_twice(qtbot, request, name: str, language: str) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    form = load_form(name, widgets=(MessageEdit,))  # the chat's input line
    qtbot.addWidget(form)
    scopes = [window_texts(form), *menu_texts(form)]
    assert any(mnemonic(text) for text in scopes[0])  # the texts were found
    for texts in scopes:
        assert repeated(texts) == {}, (name, language)


def test_the_check_sees_a_repeated_mnemonic() -> None:
    assert repeated(["&Account", "Log in &again", "&Join", "Save && &quit"]) == {
        "a": ["&Account", "Log in &again"]
    }
    assert mnemonic("다시 로그인(&L)") == "l" and mnemonic("Fish && chips") is None


def test_forms_are_checked_in_korean_too(qtbot, korean) -> None:
    form = load_form("lobby_window")
    qtbot.addWidget(form)
    assert "다시 로그인(&L)" in window_texts(form)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_main_window_with_its_panes_has_no_mnemonic_twice(
    qtbot, request, language: str
) -> None:
    """The lobby's pane and a room's pane live in the main window beside its menu bar."""
    if language == "ko":
        request.getfixturevalue("korean")
    from app.client.chat_window import ChatWindow
    from app.client.current_session import CurrentSession
    from app.client.main_window import MainWindow
    from app.shared.protocol import RoomSummary

    main = MainWindow(CurrentSession())
    qtbot.addWidget(main.form)
    room = RoomSummary(1, "Lounge", 4001, 0, 5, False, "alice", "2024-01-01T00:00:00Z")
    chat = ChatWindow(room, main.current)
    main.dock(chat)
    texts = window_texts(main.form)
    assert len([text for text in texts if mnemonic(text)]) >= 10  # menus and both panes
    assert repeated(texts) == {}, language
    chat.leave()
