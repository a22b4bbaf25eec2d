"""Search results as the dialog lists them: the snippet around the match, its emphasis in
Qt's UTF-16 units, and another person's text kept plain."""

from __future__ import annotations

from app.client.search_results import (
    EMPHASIS_ROLE,
    HEADER_ROLE,
    SNIPPET_ROLE,
    SearchResultsModel,
    snippet,
)
from app.shared.protocol import SearchHit
from tests.plain_text import HOSTILE, check_model_tooltips

TS = "2026-11-24T20:15:03.120Z"


def hit(text: str, highlights: tuple[tuple[int, int], ...], room: str = "Lounge") -> SearchHit:
    return SearchHit(1, room, 7, "carol", text, TS, highlights)


def test_a_match_after_an_emoji_is_emphasised_in_utf16_units() -> None:
    text = "🎉 축하해요 숙제 끝"  # the emoji is one code point, two UTF-16 units
    start = text.index("숙제")
    assert snippet(hit(text, ((start, start + 2),))) == (text, ((start + 1, 2),))


def test_a_long_text_is_cut_around_its_first_match() -> None:
    text = "a" * 500 + " needle " + "b" * 500
    start = text.index("needle")
    shown, spans = snippet(hit(text, ((start, start + 6),)))
    assert shown.startswith("…") and shown.endswith("…") and len(shown) == 242
    assert shown[spans[0][0] : spans[0][0] + spans[0][1]] == "needle"


def test_hostile_text_and_room_names_stay_plain(qtbot) -> None:
    model = SearchResultsModel()
    model.add((hit(HOSTILE + " needle", ((len(HOSTILE) + 1, len(HOSTILE) + 7),), HOSTILE),))
    index = model.index(0, 0)
    assert index.data(SNIPPET_ROLE) == HOSTILE + " needle"  # drawn by QTextLayout: as written
    assert index.data(HEADER_ROLE).startswith(HOSTILE + " · carol · ")
    assert index.data(EMPHASIS_ROLE) == ((len(HOSTILE) + 1, 6),)
    assert check_model_tooltips(model, "search results") == 1
