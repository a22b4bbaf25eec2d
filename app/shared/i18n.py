"""Which language the windows speak: the system's, or `--lang`; Qt translators for it.

The client's texts are in `roomchat_<lang>.ts`, the admin window's in `server_<lang>.ts`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.shared import logs
from app.shared.paths import RESOURCES_DIR

TRANSLATIONS_DIR = RESOURCES_DIR / "translations"
SOURCE_LANGUAGE = "en"
CLIENT_CATALOG = "roomchat"
SERVER_CATALOG = "server"


def available_languages() -> list[str]:
    """English and every language with a `resources/translations/roomchat_<lang>.ts`."""
    found = sorted(
        path.stem.removeprefix(f"{CLIENT_CATALOG}_")
        for path in TRANSLATIONS_DIR.glob(f"{CLIENT_CATALOG}_*.ts")
    )
    return [SOURCE_LANGUAGE, *found]


def choose_language(flag: str | None) -> str:
    """`--lang` when given, else the system locale's language (e.g. "ko" for ko_KR) when
    there is a translation for it, else English."""
    if flag:
        return flag
    system = QLocale.system().name().split("_")[0]
    return system if system in available_languages() else SOURCE_LANGUAGE


def install_translators(
    app: QCoreApplication,
    language: str,
    directory: Path = TRANSLATIONS_DIR,
    catalogs: tuple[str, ...] = (CLIENT_CATALOG,),
) -> list[QTranslator]:
    """Install RoomChat's `catalogs` and Qt's own translations for `language`; return them.

    English is the source language and needs none. A missing RoomChat translation is logged
    (run `make translations` to build the .qm files from resources/translations/*.ts).
    """
    QLocale.setDefault(QLocale(language))
    if language == SOURCE_LANGUAGE:
        return []
    installed: list[QTranslator] = []
    for catalog in catalogs:
        ours = QTranslator(app)
        if ours.load(f"{catalog}_{language}", str(directory)):
            app.installTranslator(ours)
            installed.append(ours)
        else:
            logs.ui.warning(
                "no RoomChat translation %s_%s in %s (run `make translations`)",
                catalog,
                language,
                directory,
            )
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
