"""What the person reads when something goes wrong: error codes and rule breaks, translated."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QCoreApplication

from app.shared.protocol import Message, ProtocolError
from app.shared.validation import (
    NAME_MAX,
    NAME_MIN,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROOM_NAME_MAX,
    check_name,
    check_password,
    check_room_name,
)

translate = QCoreApplication.translate


def cannot_reach(address: str, code: str) -> str:
    """The server at `address` could not be reached; `code` comes from `connect_failed`."""
    reasons = {
        "connection_refused": translate(
            "Messages", "Cannot reach the server at {address}: nothing is listening."
        ),
        "host_not_found": translate(
            "Messages", "Cannot reach the server at {address}: the host is unknown."
        ),
        "timed_out": translate(
            "Messages", "Cannot reach the server at {address}: it does not answer."
        ),
    }
    default = translate("Messages", "Cannot reach the server at {address}: the network failed.")
    return reasons.get(code, default).format(address=address)


def connection_ended(code: str) -> str:
    """Why a connection the server closed (or that dropped) ended."""
    reasons = {
        "server_shutdown": translate("Messages", "The server shut down."),
        "session_replaced": translate(
            "Messages", "You signed in somewhere else, so this session ended."
        ),
        "room_closed": translate("Messages", "An operator closed this room."),
        "kicked": translate("Messages", "An operator removed you from this room."),
        "bad_ticket": translate("Messages", "The room did not accept the entry ticket."),
    }
    return reasons.get(code, translate("Messages", "The connection to the server was lost."))


def request_error(code: str, frame: Message, room: str = "") -> str:
    """A refused request, in words; `room` names the room when there is one."""
    texts = {
        "bad_credentials": translate("Messages", "The name or password is wrong."),
        "name_taken": translate("Messages", "That name is taken. Choose another one."),
        "registration_closed": translate("Messages", "This server does not accept new accounts."),
        "invalid_name": name_rule_text(),
        "invalid_password": translate(
            "Messages", "A password has {low} to {high} characters."
        ).format(low=PASSWORD_MIN, high=PASSWORD_MAX),
        "invalid_room_name": translate(
            "Messages", "A room name has 1 to {high} characters and no control characters."
        ).format(high=ROOM_NAME_MAX),
        "room_name_taken": translate("Messages", "A room with that name is already open."),
        "invalid_capacity": translate(
            "Messages", "The server does not allow that many people in one room."
        ),
        "no_free_port": translate(
            "Messages", "The server has no free port for another room right now."
        ),
        "no_such_room": translate("Messages", "The room “{room}” is no longer open."),
        "password_required": translate(
            "Messages", "The room “{room}” is private: it needs its password."
        ),
        "wrong_password": translate("Messages", "Wrong password for “{room}”. Try again."),
        "room_full": translate("Messages", "The room “{room}” is full."),
        "already_in_room": translate(
            "Messages", "You are already in “{room}” (perhaps from another window)."
        ),
        "invalid_text": translate(
            "Messages", "A message has 1 to 4000 characters and not only spaces."
        ),
        "not_logged_in": translate("Messages", "You are not signed in."),
        "internal_error": translate(
            "Messages", "The server could not do that just now. Try again."
        ),
    }
    if code == "rate_limited":
        wait = frame.get("retry_after")
        seconds = max(1, round(wait)) if isinstance(wait, int | float) else 1
        return translate("Messages", "Slow down: wait {seconds} s and try again.").format(
            seconds=seconds
        )
    if code in texts:
        return texts[code].format(room=room)
    if code in ("connection_lost", "server_shutdown", "session_replaced"):
        return connection_ended(code)
    return str(frame.get("message") or translate("Messages", "The server refused the request."))


def name_rule_text(name: str | None = None) -> str:
    """The account-name rule `name` breaks (or the whole rule when `name` is None)."""
    if name is not None and not NAME_MIN <= len(unicodedata.normalize("NFC", name)) <= NAME_MAX:
        return translate("Messages", "A name has {low} to {high} characters.").format(
            low=NAME_MIN, high=NAME_MAX
        )
    if name is not None:
        return translate("Messages", "A name may hold only letters, digits, “_”, “-” and “.”.")
    return translate(
        "Messages", "A name has {low} to {high} characters: letters, digits, “_”, “-” and “.”."
    ).format(low=NAME_MIN, high=NAME_MAX)


def sign_up_problem(name: str, password: str) -> tuple[str, str] | None:
    """The field ("name" or "password") whose rule a new account breaks, and the rule."""
    try:
        check_name(name)
    except ProtocolError:
        return "name", name_rule_text(name)
    try:
        check_password(password)
    except ProtocolError:
        return "password", translate(
            "Messages", "A password has {low} to {high} characters."
        ).format(low=PASSWORD_MIN, high=PASSWORD_MAX)
    return None


def room_name_problem(name: str) -> str | None:
    try:
        check_room_name(name)
    except ProtocolError:
        if not name.strip():
            return translate("Messages", "Give the room a name.")
        return request_error("invalid_room_name", {})
    return None
