"""Where the application's own files are: Designer forms and resources (icons, translations).

Apart from `forms` so that a headless server finds its translations without loading the
form loader and the widgets it brings.
"""

from __future__ import annotations

from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT_DIR / "forms"
RESOURCES_DIR = ROOT_DIR / "resources"
