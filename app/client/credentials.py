"""\"Keep me signed in\": a server's resume token in the operating system's credential store.

Through the `keyring` library (the Secret Service on Linux, the Keychain on macOS, the
Credential Manager on Windows), never in QSettings or a plain file. A store that is missing
or refuses is no failure of the client: the person types the password next time. Nothing
about a token, not even a backend's error text, goes into the log.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.shared import logs

SERVICE = "RoomChat"


def account_of(host: str, port: int, name: str) -> str:
    """The store's user name for one account on one server."""
    return f"{name.casefold()}@{host}:{port}"


class TokenKeeper:
    """Saves, finds and forgets resume tokens; `backend` defaults to the system's store."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    def _store(self) -> KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def save(self, host: str, port: int, name: str, token: str) -> bool:
        """Keep `token` for the account; False when the store refused (nothing kept)."""
        try:
            self._store().set_password(SERVICE, account_of(host, port, name), token)
        except keyring.errors.KeyringError as problem:
            logs.ui.warning("cannot keep the sign-in in the credential store (%s)",
                            type(problem).__name__)  # fmt: skip
            return False
        return True

    def load(self, host: str, port: int, name: str) -> str | None:
        try:
            return self._store().get_password(SERVICE, account_of(host, port, name))
        except keyring.errors.KeyringError as problem:
            logs.ui.warning("cannot read the credential store (%s)", type(problem).__name__)
            return None

    def forget(self, host: str, port: int, name: str) -> None:
        """Drop the account's token (logged out, or the server refused it); no error if none."""
        try:
            self._store().delete_password(SERVICE, account_of(host, port, name))
        except keyring.errors.PasswordDeleteError:
            pass  # there was none
        except keyring.errors.KeyringError as problem:
            logs.ui.warning("cannot update the credential store (%s)", type(problem).__name__)
