"""Shared fixtures: paths to the committed firmware corpus.

Test-only firmware lives in tests/firmware (``NAME.hex``, ``NAME.elf``, source in ``NAME/``);
the app's example sketches live only in resources/examples/EXAMPLE/ (``NAME.ino``,
``NAME.hex``, ``NAME.elf``, ``circuit.json``). ``firmware_path`` finds either by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE_DIR = ROOT / "tests" / "firmware"
EXAMPLES_DIR = ROOT / "resources" / "examples"


def example_firmware() -> dict[str, Path]:
    """The example sketches by firmware name: ``{"int0_change": .../int0_button, ...}``."""
    return {ino.stem: ino.parent for ino in sorted(EXAMPLES_DIR.glob("*/*.ino"))}


def firmware_path(name: str, ext: str = "hex") -> Path:
    """``firmware_path("blink")`` -> resources/examples/blink/blink.hex;
    ``firmware_path("long_isr", "elf")`` -> tests/firmware/long_isr.elf."""
    folder = example_firmware().get(name, FIRMWARE_DIR)
    path = folder / f"{name}.{ext}"
    if not path.is_file():
        raise FileNotFoundError(f"no committed firmware {name}.{ext} (looked in {folder})")
    return path


@pytest.fixture
def firmware():
    """``firmware("blink")`` -> the committed blink.hex (``ext="elf"`` for the ELF)."""
    return firmware_path


@pytest.fixture
def window(qtbot, tmp_path):
    """The app's main window with its own settings file (Qt offscreen: the GUI tests set
    QT_QPA_PLATFORM before importing Qt). Closed without the unsaved-circuit question."""
    from PySide6.QtCore import QSettings

    from breadboard.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.circuit_dirty = False
    w.close()
