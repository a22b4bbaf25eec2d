"""Who a message is for: `@name` mentions, highlight words, and Tab completion of names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.shared.validation import name_key

NAME_CHARS = frozenset("_-.")  # besides letters and digits (any script), as names allow


def _name_char(char: str) -> bool:
    return char.isalnum() or char in NAME_CHARS


def mention_spans(text: str, me: str, words: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Where `text` names `me` (`@me`, case-insensitive, not followed by more of a name) or
    holds one of the highlight `words` (case-insensitive): (start, length) pairs, in order."""
    folded = text.casefold()
    if len(folded) != len(text):  # folding changed lengths (ß → ss): fold char by char
        folded = "".join(char.casefold()[:1] or char for char in text)
    spans: list[tuple[int, int]] = []
    needles = [("@" + name_key(me), True)] if me else []
    needles += [(word.casefold(), False) for word in words if word.strip()]
    for needle, whole_name in needles:
        start = folded.find(needle)
        while start >= 0:
            end = start + len(needle)
            if not whole_name or end >= len(text) or not _name_char(text[end]):
                spans.append((start, len(needle)))
            start = folded.find(needle, end)
    return sorted(set(spans))


def mentions(text: str, me: str, words: Iterable[str] = ()) -> bool:
    """Whether `text` is for `me`: names them, or holds a highlight word."""
    return bool(mention_spans(text, me, words))


def complete(text: str, cursor: int, names: Sequence[str]) -> tuple[int, str] | None:
    """Tab completion: the word before `cursor` (with or without its `@`) completed to the
    first of `names` it begins (case-insensitive, any script). Returns where the word starts
    and what replaces it (`@name `), or None when nothing fits."""
    start = cursor
    while start > 0 and _name_char(text[start - 1]):
        start -= 1
    if start > 0 and text[start - 1] == "@":
        start -= 1
    typed = text[start:cursor].removeprefix("@").casefold()
    if not typed and (start == cursor):
        return None
    for name in sorted(names, key=name_key):
        if name.casefold().startswith(typed):
            return start, f"@{name} "
    return None
