"""Web links in chat text: found by a pattern, opened only when they are http or https."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

OPENABLE_SCHEMES = frozenset({"http", "https"})
_LINK = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’»)]}>"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim(url: str) -> str:
    """Drop punctuation a sentence puts after a link ("see https://x.org.") but keep a closing
    bracket the link opened itself (https://en.wikipedia.org/wiki/Qt_(software))."""
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if last in _PAIRS and url.count(_PAIRS[last]) >= url.count(last):
            break
        url = url[:-1]
    return url


def find_links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of each http(s) link in `text`, in order."""
    found = []
    for match in _LINK.finditer(text):
        url = _trim(match.group())
        if len(url) > len("https://"):
            found.append((match.start(), match.start() + len(url), url))
    return found


def link_at(text: str, position: int) -> str | None:
    for start, end, url in find_links(text):
        if start <= position < end:
            return url
    return None


def linked_html(text: str) -> str:
    """`text` as HTML that shows it literally, with only its links made anchors: the text is
    escaped first and each matched link wrapped after (for any rich-text view)."""
    parts: list[str] = []
    done = 0
    for start, end, url in find_links(text):
        parts.append(escape(text[done:start]))
        shown = escape(url)
        parts.append(f'<a href="{escape(url, quote=True)}">{shown}</a>')
        done = end
    parts.append(escape(text[done:]))
    return "".join(parts)


def is_openable(url: str) -> bool:
    parsed = QUrl(url, QUrl.ParsingMode.StrictMode)
    return parsed.isValid() and parsed.scheme().lower() in OPENABLE_SCHEMES and bool(parsed.host())


def open_link(url: str) -> bool:
    """Open `url` in the person's browser if it is an http(s) link; nothing else is opened."""
    if not is_openable(url):
        return False
    return bool(QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)))
