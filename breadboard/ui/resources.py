"""Finding the files in resources/ from a source checkout, an installed wheel and a PyInstaller
bundle."""

from __future__ import annotations

import sys
from pathlib import Path

#: The ``breadboard`` package folder.
PACKAGE = Path(__file__).resolve().parents[1]


def resources_root() -> Path:
    """The resources folder: inside the bundle when frozen; ``breadboard/resources`` in an
    installed wheel (setup.py ships the top-level folder there as package data); else the
    top-level ``resources/`` beside the package (a source checkout or an editable install)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    installed = PACKAGE / "resources"
    if installed.is_dir():
        return installed
    return PACKAGE.parent / "resources"


def resource_path(name: str) -> Path:
    return resources_root() / name
