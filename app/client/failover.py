"""Where to sign in again when the main connection drops: the node lost first (a restarted
server is back at once), then every other live node the server listed, round and round.
No I/O: the `Reconnector` asks `NodeRing.next()` before each try."""

from __future__ import annotations

from collections.abc import Sequence

from app.shared.protocol import NodeAddress

Address = tuple[str, int]  # host, main port


def known_nodes(reached: Address, listed: Sequence[NodeAddress]) -> tuple[Address, ...]:
    """The main ports of a `nodes` event received on a connection to `reached`, each once, in
    the server's order; a NODE with no host is on the host of `reached`."""
    host = reached[0]
    return tuple(dict.fromkeys((node.host or host, node.port) for node in listed))


class NodeRing:
    """The addresses to try, one per `next()`: `lost` first, then the other `known` nodes in
    their order starting after `lost` (so the clients of each node spread over the others,
    not all onto the first), then `lost` again, and so on. With no other node known (one
    server, or one that does not list its nodes) every try is `lost`."""

    def __init__(self, lost: Address, known: Sequence[Address] = ()) -> None:
        known = list(dict.fromkeys(known))
        if lost in known:
            at = known.index(lost)
            others = known[at + 1 :] + known[:at]
        else:
            others = known
        self.order: tuple[Address, ...] = (lost, *others)
        self.tries = 0

    @property
    def lost(self) -> Address:
        return self.order[0]

    def next(self) -> Address:
        """The address of the next try."""
        address = self.order[self.tries % len(self.order)]
        self.tries += 1
        return address
