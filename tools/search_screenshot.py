"""The search dialog for `make screenshots`: Ctrl+Shift+F's results, staged in a client's
main window (see tools/screenshots.py, which starts the display, the server and people)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tools.qtwait import pump_until


def save_search(
    main, query: str, count: int, path: Path, save: Callable[[object, Path], None]
) -> None:
    """Open Search all rooms in `main` (a `MainWindow`), type `query` as an input method
    would, wait for `count` results, pick the first and save the dialog to `path`."""
    search = main.search
    search.open()
    search.form.resize(600, 400)
    search.query_edit.clear()
    search.query_edit.insert(query)
    pump_until(lambda: search.results.rowCount() >= count, f"the results for {query!r}")
    search.view.setCurrentIndex(search.results.index(0, 0))
    save(search.form, path)
    search.form.reject()
