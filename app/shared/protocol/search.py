"""Server to client, on the main port: what a `search` found (`search_results`).

Parsed by `events.parse_server_frame` like every other event; kept apart from events.py,
which is large already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.framing import (
    MAX_FRAME_BYTES,
    WireObject,
    count_fitting,
    is_int,
)
from app.shared.protocol.requests import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader

MAX_HIGHLIGHTS = 100  # per hit: a one-letter query in a 4,000-letter text stays small


@dataclass(frozen=True, slots=True)
class SearchHit(_Wire):
    """One message found: `highlights` are `(start, end)` code-point offsets into `text`
    (end exclusive) where the query matched, at most MAX_HIGHLIGHTS; `sender` is the
    wire's `from`."""

    TYPE: ClassVar[str] = "search_hit"  # not a frame of its own: an item of `results`
    RENAMED: ClassVar[dict[str, str]] = {"sender": "from"}
    room_id: int
    room_name: str
    seq: int
    sender: str
    text: str
    ts: str
    highlights: tuple[tuple[int, int], ...]

    def to_wire(self) -> WireObject:
        obj = _Wire.to_wire(self)
        del obj["type"]
        return obj

    @classmethod
    def from_wire(cls, read: _Reader) -> SearchHit:
        raw = read.raw("highlights")
        if not isinstance(raw, list) or not all(
            isinstance(span, list) and len(span) == 2 and all(is_int(n) for n in span)
            for span in raw
        ):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "highlights must be [start, end] pairs")
        return cls(
            read.integer("room_id"),
            read.text("room_name"),
            read.integer("seq"),
            read.text("from"),
            read.text("text"),
            read.text("ts"),
            tuple((int(start), int(end)) for start, end in raw),
        )


@dataclass(frozen=True, slots=True)
class SearchResults(_Wire):
    """The answer to `search`: hits newest first; a non-null `cursor` fetches the next page."""

    TYPE: ClassVar[str] = "search_results"
    results: tuple[SearchHit, ...]
    cursor: str | None
    id: RequestId = None

    def to_wire(self) -> WireObject:
        obj = _Wire.to_wire(self)
        obj["cursor"] = self.cursor  # null is sent: it says this was the last page
        if self.id is not None:  # after the cursor, as the fields are declared
            obj["id"] = obj.pop("id")
        return obj

    @classmethod
    def from_wire(cls, read: _Reader) -> SearchResults:
        reader = type(read)
        results = tuple(
            SearchHit.from_wire(reader(hit, SearchHit.TYPE)) for hit in read.objects("results")
        )
        return cls(results, read.optional_text("cursor"), read.request_id())


def fitted_results(
    hits: Sequence[SearchHit], cursor_after: Sequence[str | None], request_id: RequestId = None
) -> SearchResults:
    """A `search_results` with as many of `hits` as fit in one line. `cursor_after[i]` is
    the cursor that continues after hit i (None after the last hit of the last page)."""
    longest = max((len(c) for c in cursor_after if c is not None), default=0)
    budget = MAX_FRAME_BYTES - len(SearchResults((), "x" * longest, request_id).encode())
    kept = count_fitting(hits, budget)
    if kept == 0:  # no hit is that long (see MAX_HIGHLIGHTS): nothing to continue from
        return SearchResults((), None, request_id)
    return SearchResults(tuple(hits[:kept]), cursor_after[kept - 1], request_id)
