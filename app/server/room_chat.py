"""What a member's requests in a room lead to, sans I/O: the account's chat budgets, the
text checks, and the answers, as effects (see `room_effects`); no Qt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

from app.server.conversation import ParsedItem
from app.server.room_effects import Close, Effect, ReadHistory, Send, Store
from app.shared.protocol import (
    MODERATION_CLASSES,
    Bye,
    Enter,
    ErrorCode,
    Leave,
    ModerationRequest,
    Ping,
    Pong,
    ProtocolError,
    RequestId,
    RoomHistory,
    RoomSettings,
    Say,
    error_reply,
    rate_limited,
)
from app.shared.validation import check_text

if TYPE_CHECKING:  # budgets.py reaches Qt through the server config
    from app.server.budgets import Budgets

_net = logging.getLogger("roomchat.net")  # the name app.shared.logs gives it (it imports Qt)

C = TypeVar("C", bound=Hashable)
MODERATION_REQUESTS = (*MODERATION_CLASSES, RoomSettings)


class RoomChat(Generic[C]):
    """Answers one room's members. A say costs the account's chat guard (`Budgets.chat`,
    shared by every room and connection of the account), then the address and stored-text
    budgets per batch; what passes and is valid goes to be stored (`Store`), in order with
    the refusals around it. A flood or a leave ends the list with a `Close`.
    """

    def __init__(
        self,
        room_id: int,
        budgets: Budgets,
        stamp: Callable[[], str],
        check_say: Callable[[str, RequestId], None] | None = None,
    ) -> None:
        self._room_id = room_id
        self._budgets = budgets
        self._stamp = stamp
        self._check_say = check_say  # moderation's: raises `muted` (and the like)

    def answer(
        self,
        key: str,
        name: str,
        connection: C,
        address_key: str,
        peer: str,
        items: list[ParsedItem],
        moderate: Callable[[ModerationRequest | RoomSettings], list[Effect[C]]] | None = None,
    ) -> list[Effect[C]]:
        """The effects of `items`, what `key` (shown as `name`) sent in one read;
        moderation requests go to `moderate`."""
        effects: list[Effect[C]] = []
        sayings: list[Say] = []
        flood = self._budgets.chat(key)  # the account's, whichever room or connection
        publish = self._publish
        check_say = self._check_say
        for item in items:
            if isinstance(item, Say):
                if check_say is not None:
                    try:
                        check_say(key, item.id)
                    except ProtocolError as refused:
                        if sayings:
                            publish(key, name, connection, address_key, peer, sayings, effects)
                            sayings = []
                        effects.append(Send(connection, error_reply(refused)))
                        continue
                admitted = flood.admit()
                if admitted:
                    sayings.append(item)
                    continue
                if sayings:  # what came before is answered first
                    publish(key, name, connection, address_key, peer, sayings, effects)
                    sayings = []
                if admitted is None:
                    _net.warning("%s flooded room %d", peer, self._room_id)
                    effects.append(Close(connection, ErrorCode.RATE_LIMITED, "flooding"))
                    return effects
                if self._budgets.should_log("chat", key):  # once per window
                    _net.warning("%s (%s) rate-limited in room %d", name, peer, self._room_id)
                wait = flood.retry_after()
                refusal = rate_limited("too many messages; wait a moment", wait, item.id)
                effects.append(Send(connection, refusal))
                continue
            if sayings:
                publish(key, name, connection, address_key, peer, sayings, effects)
                sayings = []
            if isinstance(item, ProtocolError):
                effects.append(Send(connection, error_reply(item)))
            elif isinstance(item, Ping):
                effects.append(Send(connection, Pong(item.id)))
            elif isinstance(item, RoomHistory):
                effects.append(ReadHistory(connection, item))
            elif isinstance(item, Leave):
                effects.append(Close(connection, last=Bye(item.id)))  # ahead of any backlog
                return effects
            elif isinstance(item, MODERATION_REQUESTS):
                if moderate is not None:
                    effects += moderate(item)
            elif isinstance(item, Enter):
                problem = ProtocolError(
                    ErrorCode.BAD_REQUEST, "you are already in this room", item.id
                )
                effects.append(Send(connection, error_reply(problem)))
        if sayings:
            publish(key, name, connection, address_key, peer, sayings, effects)
        return effects

    def _publish(
        self,
        key: str,
        name: str,
        connection: C,
        address_key: str,
        peer: str,
        sayings: list[Say],
        effects: list[Effect[C]],
    ) -> None:
        """What the address and stored-text budgets let through goes to be stored (once
        valid); the rest is refused."""
        budgets = self._budgets
        allowed = budgets.admit_batch(key, address_key, [s.text for s in sayings])
        texts: list[str] = []
        ids: list[RequestId] = []
        for say in sayings[:allowed] if allowed < len(sayings) else sayings:
            try:
                texts.append(check_text(say.text, say.id))
            except ProtocolError as problem:
                effects.append(Send(connection, error_reply(problem)))
                continue
            ids.append(say.id)
        if texts:  # what arrived in one read arrived at one time
            effects.append(Store(connection, name, self._stamp(), texts, ids))
        if allowed == len(sayings):
            return
        if budgets.should_log("batch", key):
            _net.warning("%s (%s) over the address or text budget in room %d",
                         name, peer, self._room_id)  # fmt: skip
        wait = budgets.batch_retry_after(key, address_key, sayings[allowed].text)
        for say in sayings[allowed:]:
            refusal = rate_limited("too much chat; wait a moment", wait, say.id)
            effects.append(Send(connection, refusal))
