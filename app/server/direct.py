"""Direct messages between two accounts on the main port: send, page back, block, and what
waited for someone while they were away."""

from __future__ import annotations

from collections.abc import Callable

from app.server.budgets import Budgets
from app.server.connection import Connection
from app.server.direct_store import DirectStore, StoredDirect
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import (
    Block,
    Blocked,
    Direct,
    DirectHistory,
    DirectMessage,
    DirectSent,
    ErrorCode,
    ProtocolError,
    RequestId,
    Unblock,
    Unblocked,
    UnreadCounts,
    encode,
    fitted_page,
    rate_limited,
)
from app.shared.timefmt import utc_now_iso
from app.shared.validation import check_text, login_key

# Conversations `logged_in.unread` names at most (those with the newest messages): 200 names
# of 32 four-byte characters and their counts stay far under the line limit.
UNREAD_CONVERSATIONS_MAX = 200
# Messages that waited which are sent at login, newest; the rest are paged with
# direct_history. 50 of the longest texts stay under the slow-consumer cut-off.
BACKLOG_MAX = 50


def _event(message: StoredDirect) -> DirectMessage:
    return DirectMessage(message.seq, message.sender, message.recipient, message.text, message.ts)


class DirectMessages:
    """Serves `direct`, `direct_history`, `block` and `unblock` for logged-in sessions.

    A message is committed before anyone gets it; the recipient gets it at once when online
    (`connection_of` finds their main-port connection), else it counts as unread and comes
    at their next login. A message to someone who blocked the sender is stored hidden from
    them: the sender is answered as usual and sees it in their own history.
    """

    def __init__(
        self,
        store: ChatStore,
        direct_store: DirectStore,
        budgets: Budgets,
        connection_of: Callable[[str], Connection | None],
    ) -> None:
        self._accounts = store
        self._store = direct_store
        self._budgets = budgets
        self._connection_of = connection_of

    def _peer(self, me: str, name: str, request_id: RequestId) -> tuple[str, str]:
        """(key, registered name) of the account called `name`, not oneself."""
        key = login_key(name)
        account = self._accounts.account(key) if len(name) <= 64 else None
        if account is None:
            raise ProtocolError(ErrorCode.NO_SUCH_USER, "no account has that name", request_id)
        if key == me:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "that is you", request_id)
        return key, account.name

    def handle(
        self, me: tuple[str, str], connection: Connection, request: Direct | DirectHistory
    ) -> None:
        if isinstance(request, Direct):
            self._send(me, connection, request)
        else:
            key, name = self._peer(me[0], request.peer, request.id)
            rows = self._store.page(me[0], key, request.before, request.limit + 1)
            more = len(rows) > request.limit
            page = [_event(row) for row in rows[: request.limit]]
            connection.send(fitted_page(name, page, more, request.id))

    def set_blocked(self, me: str, connection: Connection, request: Block | Unblock) -> None:
        key, name = self._peer(me, request.name, request.id)
        on = isinstance(request, Block)
        self._store.set_blocked(me, key, on)
        connection.send(Blocked(name, request.id) if on else Unblocked(name, request.id))

    def _send(self, me: tuple[str, str], connection: Connection, request: Direct) -> None:
        text = check_text(request.text, request.id)
        recipient = self._peer(me[0], request.to, request.id)
        if not self._admitted(me, connection, request):
            return
        hidden = self._store.blocks(recipient[0], me[0])
        target = None if hidden else self._connection_of(recipient[0])
        ts = utc_now_iso()
        seq = self._store.add_direct(me, recipient, text, ts, target is not None, hidden)
        connection.send(DirectSent(seq, recipient[1], ts, request.id))
        if target is not None:
            target.send(DirectMessage(seq, me[1], recipient[1], text, ts))

    def _admitted(self, me: tuple[str, str], connection: Connection, request: Direct) -> bool:
        """The chat budgets of the account (shared with its rooms) and of its address."""
        key, address = me[0], connection.address_key
        admitted = self._budgets.chat(key).admit()
        if admitted is None:
            logs.net.warning("%s flooded direct messages", connection.peer)
            connection.close_with_error(ErrorCode.RATE_LIMITED, "flooding")
            return False
        if admitted and self._budgets.admit_batch(key, address, [request.text]) == 1:
            return True
        if self._budgets.should_log("direct", key):
            logs.net.warning("%s (%s) rate-limited in direct messages", me[1], connection.peer)
        wait = (
            self._budgets.chat(key).retry_after()
            if not admitted
            else self._budgets.batch_retry_after(key, address, request.text)
        )
        connection.send(rate_limited("too many messages; wait a moment", wait, request.id))
        return False

    def at_login(self, me: str, waiting: bool = True) -> tuple[UnreadCounts | None, list[bytes]]:
        """What waited for `me`: the unread counts for `logged_in` and the newest waiting
        messages' frames, to follow it. They count as delivered from now. `waiting` False:
        the caller knows that nothing waits (`DirectStore.add_token` said so)."""
        counts = self._store.unread(me, UNREAD_CONVERSATIONS_MAX) if waiting else None
        if not counts:
            return None, []
        frames = [encode(_event(row)) for row in self._store.undelivered(me, BACKLOG_MAX)]
        self._store.mark_delivered(me)
        return UnreadCounts.of(counts), frames
