"""A main-port session: its connection, its conversation core and who is signed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.server.connection import Connection, Output
from app.server.conversation import MainConversation, ParsedItem, Resume
from app.server.resume_tokens import MintedToken


@dataclass(eq=False, slots=True)
class Session:
    """A main-port connection and its conversation core (who, if anyone, is logged in)."""

    connection: Connection
    conversation: MainConversation = field(default_factory=MainConversation)
    operator: bool = False  # a server-wide operator, as the account was at login
    token_selector: str | None = None  # the resume token given at login (revoked by logout)
    minted: MintedToken | None = None  # made with the check now proven, for StartSession
    # The connection's output, read off the Connection (a QObject: PySide's getattro) once
    # rather than per presence window and session.
    output: Output = field(init=False)

    def __post_init__(self) -> None:
        self.output = self.connection.output

    @property
    def user_key(self) -> str | None:
        return self.conversation.user_key

    @property
    def name(self) -> str | None:
        return self.conversation.name

    @property
    def queue(self) -> Sequence[ParsedItem | Resume]:
        return self.conversation.queue
