"""What the main port's sans-IO rules (lobby_accounts, lobby_rooms, lobby_resume,
lobby_deleting) ask the lobby to do, as data; no Qt.

Every effect is about the session whose request is being handled. An effect that waits
for an answer (a hash, a write) carries `then`, the rest of the request: the adapter calls
it with the answer and carries out what it returns. A refusal is raised as the
`ProtocolError` it carries, once the effects before it are done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.server.hash_queue import Priority
from app.shared.protocol import JoinRoom, ProtocolError, RequestId, ServerEvent

if TYPE_CHECKING:  # store.py has Qt
    from app.server.store import Account

Then = Callable[[object], Sequence["LobbyEffect"]]  # the rest of a request, given an answer


@dataclass(frozen=True, slots=True)
class Reply:
    """Send `event` to the session."""

    event: ServerEvent


@dataclass(frozen=True, slots=True)
class Refuse:
    """Answer with this error (the request changes nothing more)."""

    problem: ProtocolError


@dataclass(frozen=True, slots=True)
class Hash:
    """Hash `secret` on the hashing pool; `then(hash)` with the hash, or None if it failed.
    The session's later requests wait until `then` has run."""

    secret: str
    then: Then
    request_id: RequestId
    priority: Priority = Priority.OTHER


@dataclass(frozen=True, slots=True)
class Verify:
    """Check `secret` against `password_hash` (None: against a dummy, so that an unknown
    name costs as long); `then(True/False)`, or None if hashing failed."""

    password_hash: str | None
    secret: str
    then: Then
    request_id: RequestId
    priority: Priority = Priority.OTHER
    token: bool = False  # a resume token's verifier (see hashing.TOKEN_ARGON2)
    # A match also makes the session's next resume token in the same hashing job (the
    # adapter keeps it for `StartSession`); `then` still gets True.
    mint: bool = False
    # A login's account: its new token may be stored (committed) with the tokens of the
    # other logins whose checks end in the same batch, before any of them is answered.
    account_key: str | None = None


@dataclass(frozen=True, slots=True)
class AddAccount:
    """Write a new account; `then(True)` once written, `then(False)` if the name was taken
    meanwhile."""

    name: str
    key: str
    password_hash: str
    then: Then


@dataclass(frozen=True, slots=True)
class Throttled:
    """A limit bit `address` (`what` names it): the lobby logs it once a window."""

    what: str
    address: str


@dataclass(frozen=True, slots=True)
class LoginFailed:
    """A wrong password from `address` (the server's `login_failed` signal)."""

    address: str


@dataclass(frozen=True, slots=True)
class StartSession:
    """The account behind `key` is proven: sign the session in as it."""

    key: str
    account: Account
    request_id: RequestId
    how: str


@dataclass(frozen=True, slots=True)
class GrantSeat:
    """Reserve a seat in the room `request` names (the room checks again: things may have
    changed while a password was checked) and answer `join_granted`."""

    request: JoinRoom


@dataclass(frozen=True, slots=True)
class OpenRoom:
    """Open a room owned by the session's account (if its name is still free and the caps
    still allow it), give them its first seat and answer `room_created`."""

    name: str
    capacity: int
    persistent: bool
    password_hash: str | None
    request_id: RequestId


@dataclass(frozen=True, slots=True)
class RevokeToken:
    """Delete the resume token `selector` names (used, or expired)."""

    selector: str


@dataclass(frozen=True, slots=True)
class CloseRoom:
    """Delete the room for good (recorded first), answer `room_deleted`, then close it."""

    room_id: int
    name: str
    request_id: RequestId


LobbyEffect = (
    Reply
    | Refuse
    | Hash
    | Verify
    | AddAccount
    | Throttled
    | LoginFailed
    | StartSession
    | GrantSeat
    | OpenRoom
    | RevokeToken
    | CloseRoom
)
