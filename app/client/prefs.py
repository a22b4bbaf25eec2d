"""The person's preferences (last server, last name, encryption, pinned certificates, what
calls for their attention), kept in QSettings and nowhere else."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4000
ORGANIZATION = "RoomChat"
APPLICATION = "RoomChat"


def settings() -> QSettings:
    """The client's settings file (INI in the platform's per-user configuration folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _port(value: object) -> int | None:
    try:
        port = int(str(value))
    except ValueError:
        return None
    return port if 1 <= port <= 65535 else None


def server_address(host_flag: str | None, port_flag: int | None) -> tuple[str, int]:
    """The server to offer: flags given on the command line win, then the last one used."""
    store = settings()
    host = host_flag or str(store.value("login/host", DEFAULT_HOST) or DEFAULT_HOST)
    port = port_flag or _port(store.value("login/port", DEFAULT_PORT)) or DEFAULT_PORT
    return host, port


def last_name() -> str:
    return str(settings().value("login/name", "") or "")


def use_tls(tls_flag: bool) -> bool:
    """Whether to offer encryption: `--tls` wins, then the choice made at the last login."""
    if tls_flag:
        return True
    return str(settings().value("login/tls", "false")).lower() == "true"


def remember_login(host: str, port: int, name: str, tls: bool = False) -> None:
    store = settings()
    store.setValue("login/host", host)
    store.setValue("login/port", port)
    store.setValue("login/name", name)
    store.setValue("login/tls", tls)
    store.sync()


def keep_signed_in() -> bool:
    """Whether the person chose "Keep me signed in" (the token itself is in the keyring)."""
    return str(settings().value("login/keep", "false")).lower() == "true"


def set_keep_signed_in(keep: bool) -> None:
    store = settings()
    store.setValue("login/keep", keep)
    store.sync()


def _pin_key(host: str, port: int) -> str:
    return f"certificates/{host.strip().lower()}:{port}"


def pinned_fingerprint(host: str, port: int) -> str:
    """The SHA-256 fingerprint pinned ("Trust always") for the server at host:port, or ""."""
    return str(settings().value(_pin_key(host, port), "") or "")


def pin_certificate(host: str, port: int, fingerprint: str) -> None:
    store = settings()
    store.setValue(_pin_key(host, port), fingerprint)
    store.sync()


def forget_certificate(host: str, port: int) -> None:
    store = settings()
    store.remove(_pin_key(host, port))
    store.sync()


# --- attention: highlight words, notifications, the tray ---------------------------------


class NotifyLevel(StrEnum):
    """What in a room earns a desktop notification."""

    ALL = "all"
    MENTIONS = "mentions"  # the default
    NOTHING = "nothing"


def _flag(key: str, default: bool) -> bool:
    return str(settings().value(key, "true" if default else "false")).lower() == "true"


def _store(key: str, value: object) -> None:
    store = settings()
    store.setValue(key, value)
    store.sync()


def highlight_words() -> list[str]:
    """Words that make a message stand out like a mention (one a line in Preferences)."""
    text = str(settings().value("attention/highlight_words", "") or "")
    return [word.strip() for word in text.split("\n") if word.strip()]


def set_highlight_words(words: list[str]) -> None:
    _store("attention/highlight_words", "\n".join(word.strip() for word in words if word.strip()))


def _room_key(room: str) -> str:
    return "attention/rooms/" + room.casefold().encode().hex()  # any name, a safe key


def notify_level(room: str) -> NotifyLevel:
    value = str(settings().value(_room_key(room), NotifyLevel.MENTIONS))
    return NotifyLevel(value) if value in set(NotifyLevel) else NotifyLevel.MENTIONS


def set_notify_level(room: str, level: NotifyLevel) -> None:
    _store(_room_key(room), str(level))


def do_not_disturb() -> bool:
    return _flag("attention/do_not_disturb", False)


def set_do_not_disturb(on: bool) -> None:
    _store("attention/do_not_disturb", on)


def stay_in_tray() -> bool:
    """Closing the last window keeps the client connected in the tray (where one exists)."""
    return _flag("attention/stay_in_tray", True)


def set_stay_in_tray(on: bool) -> None:
    _store("attention/stay_in_tray", on)
