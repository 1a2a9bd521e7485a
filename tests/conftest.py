"""Shared fixtures: paths to the committed firmware corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

FIRMWARE_DIR = Path(__file__).parent / "firmware"


def firmware_path(name: str, ext: str = "hex") -> Path:
    return FIRMWARE_DIR / f"{name}.{ext}"


@pytest.fixture
def firmware():
    """``firmware("blink")`` -> path of tests/firmware/blink.hex (``ext="elf"`` for the ELF)."""
    return firmware_path
