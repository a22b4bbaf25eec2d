"""Forms hold every widget the code needs; the Korean translation is complete and used."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.client import (
    certificate_dialog,
    chat_window,
    create_room_dialog,
    direct_pane,
    find_bar,
    image_viewer,
    lobby_window,
    login_window,
    main_window,
    moderation_dialog,
    password_dialog,
    people_panel,
    preferences_dialog,
    quick_switcher,
    room_settings_dialog,
    search_dialog,
)
from app.client.login_window import LoginWindow
from app.client.message_edit import MessageEdit
from app.shared import i18n
from app.shared.forms import FORMS_DIR, load_form

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "resources" / "translations" / "roomchat_ko.ts"
BIN = Path(sys.executable).parent
CLIENT_FORMS = {
    "certificate_dialog": certificate_dialog.REQUIRED,
    "login_window": login_window.REQUIRED,
    "lobby_window": lobby_window.REQUIRED,
    "main_window": main_window.REQUIRED + main_window.ACTIONS + (search_dialog.ACTION,),
    "quick_switcher": quick_switcher.REQUIRED,
    "search_dialog": search_dialog.REQUIRED,
    "create_room_dialog": create_room_dialog.REQUIRED,
    "password_dialog": password_dialog.REQUIRED,
    "preferences_dialog": preferences_dialog.REQUIRED,
    "chat_window": chat_window.REQUIRED + find_bar.REQUIRED,
    "people_panel": people_panel.REQUIRED,
    "direct_pane": direct_pane.REQUIRED,
    "image_viewer": image_viewer.REQUIRED,
    "moderation_dialog": moderation_dialog.REQUIRED,
    "room_settings_dialog": room_settings_dialog.REQUIRED,
}


@pytest.mark.parametrize("name", sorted(CLIENT_FORMS))
def test_every_object_name_the_code_uses_is_in_its_form(qtbot, name: str) -> None:
    declared = set(re.findall(r'name="([A-Za-z]\w*)"', (FORMS_DIR / f"{name}.ui").read_text()))
    assert set(CLIENT_FORMS[name]) <= declared
    assert set(lobby_window.ACTIONS) <= set(main_window.ACTIONS)  # the lobby uses the window's
    # raises FormError when one is missing
    form = load_form(name, None, CLIENT_FORMS[name], (MessageEdit,))
    form.deleteLater()


def test_windows_are_only_built_from_forms() -> None:
    for path in (ROOT / "app" / "client").glob("*.py"):
        source = path.read_text()
        assert "QUiLoader" not in source, path
        assert "setLayout(" not in source, path
        # The one exception: the main window's stack takes loaded forms as its pages.
        assert source.count("addWidget(") == source.count("self.stack.addWidget("), path
        if "self.stack.addWidget(" in source:
            assert path.name == "main_window.py"


SERVER_TS_FILE = ROOT / "resources" / "translations" / "server_ko.ts"
# Each Korean translation and the sources whose texts it translates.
CATALOGS = {
    "client": (
        TS_FILE,
        [*sorted((ROOT / "app" / "client").glob("*.py"))]
        + [FORMS_DIR / f"{name}.ui" for name in sorted(CLIENT_FORMS)],
    ),
    "admin": (
        SERVER_TS_FILE,
        [*sorted((ROOT / "app" / "server" / "admin").glob("*.py")), FORMS_DIR / "admin_window.ui"],
    ),
}


def _messages(ts_file: Path) -> list[ET.Element]:
    return list(ET.parse(ts_file).getroot().iter("message"))


@pytest.mark.parametrize("catalog", sorted(CATALOGS))
def test_the_korean_translation_is_complete(catalog: str) -> None:
    messages = _messages(CATALOGS[catalog][0])
    assert len(messages) > 30
    for message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None, source
        assert translation.get("type") is None, f"{source!r} is {translation.get('type')}"
        assert (translation.text or "").strip(), f"{source!r} has no translation"
        braces = re.compile(r"\{\w+\}")
        assert sorted(braces.findall(source)) == sorted(braces.findall(translation.text or ""))
        assert ("&" in source) == ("&" in (translation.text or "")), source


@pytest.mark.parametrize("catalog", sorted(CATALOGS))
def test_the_korean_translation_covers_every_source_text(tmp_path: Path, catalog: str) -> None:
    ts_file, sources = CATALOGS[catalog]
    copy = tmp_path / "check.ts"
    copy.write_bytes(ts_file.read_bytes())
    result = subprocess.run(
        [str(BIN / "pyside6-lupdate"), *map(str, sources), "-no-obsolete", "-ts", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "(0 new and" in result.stdout, result.stdout
    assert not any(m.find("translation").get("type") for m in ET.parse(copy).iter("message"))


def test_switching_to_korean_shows_korean_in_the_login_window(qtbot, korean) -> None:
    login = LoginWindow("127.0.0.1", 4000)
    qtbot.addWidget(login.form)
    assert login.form.windowTitle() == "RoomChat — 로그인"
    assert login.login_button.text() == "로그인(&L)"
    assert login.sign_up_button.text() == "가입(&S)"
    login.show()
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    assert login.error_label.text() == "이름과 비밀번호를 입력하세요."


def test_the_language_follows_the_flag_then_the_system() -> None:
    assert i18n.choose_language("ko") == "ko"
    assert i18n.choose_language(None) in i18n.available_languages()
    assert i18n.available_languages() == ["en", "ko"]
