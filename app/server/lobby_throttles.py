"""The main port's throttles on one clock: failed logins and resumes, wrong room
passwords, sign-ups per address, and each limit's log line once a window; no Qt."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.server.conversation import LoginGuard, RoomPasswordGuard
from app.server.lobby_accounts import HASHING_BUSY, LOGIN_THROTTLED, REGISTRATION_THROTTLED
from app.server.lobby_resume import RESUME_THROTTLED
from app.server.lobby_rooms import ROOM_PASSWORD_THROTTLED
from app.shared.limits import Clock, FailureWindow, OncePerWindow

if TYPE_CHECKING:  # config.py has Qt
    from app.server.config import ServerConfig

BUSY_LOG_WINDOW = 60.0  # seconds: a full hashing queue is logged once a minute per address

_server = logging.getLogger("roomchat.server")  # app.shared.logs' name; that module has Qt


class LobbyThrottles:
    """The guards the lobby's rules share (`login` also guards resume), and `log`."""

    def __init__(self, config: ServerConfig, clock: Clock) -> None:
        self.login = LoginGuard(
            config.login_fails_per_name_and_address,
            config.login_fails_per_name,
            config.login_fails_per_address,
            config.login_fail_window,
            clock,
        )
        self.room = RoomPasswordGuard(
            config.room_password_fails_per_user,
            config.room_password_fails_per_address,
            config.login_fail_window,
            clock,
        )
        self.registrations = FailureWindow(
            config.registrations_per_address, config.registration_window, clock
        )
        # What each throttle logged, so that it is logged once per its window and address.
        self._logged = {
            LOGIN_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            REGISTRATION_THROTTLED: OncePerWindow(config.registration_window, clock),
            HASHING_BUSY: OncePerWindow(BUSY_LOG_WINDOW, clock),
            ROOM_PASSWORD_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            RESUME_THROTTLED: OncePerWindow(config.login_fail_window, clock),
        }

    def prune(self) -> None:
        self.login.prune()
        self.room.prune()
        self.registrations.prune()
        for logged in self._logged.values():
            logged.prune()

    def log(self, what: str, address: str) -> None:
        """Log a limit's bite once per its window for each address (never a secret)."""
        if self._logged[what].due(address):
            _server.warning("%s from %s (logged once a window)", what, address)
