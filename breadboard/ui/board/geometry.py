"""Where things are in the board's scene (mils): the breadboard's body, its holes and rails."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from ...circuit import (
    GND,
)
from ...circuit.placement import COLUMNS

# ---- geometry ------------------------------------------------------------------------------------
PITCH = 100.0
#: The Uno drawing's size (the SVG's viewBox, drawn 1:1 at the scene origin).
UNO_SIZE = (3040.0, 2180.0)
#: Top-left corner of the breadboard's body in the scene.
BB_X, BB_Y = UNO_SIZE[0] + 260.0, 140.0
BB_W = 150.0 * 2 + (COLUMNS - 1) * PITCH
BB_H = 1900.0
#: Body-relative y of row a, of row f and of the four rails.
ROW_A_Y, ROW_F_Y = 400.0, 1100.0
RAIL_Y = {
    ("top", "5V"): 120.0,
    ("top", GND): 220.0,
    ("bottom", GND): 1680.0,
    ("bottom", "5V"): 1780.0,
}
#: Rail holes come in groups of five: these columns have none.
RAIL_GAPS = frozenset({5, 11, 17, 23, 29})


def hole(col: float, row: float) -> QPointF:
    """Scene position of a terminal hole: column 0-29, row 0-9 (a-j)."""
    phys = row if row < 5 else row + 2
    return QPointF(BB_X + 150.0 + col * PITCH, BB_Y + ROW_A_Y + phys * PITCH)


def rail_hole(side: str, rail: str, col: int) -> QPointF:
    """Scene position of the rail hole nearest column ``col`` (``side`` "top"/"bottom",
    ``rail`` "5V"/"GND")."""
    col = max(0, min(COLUMNS - 2, int(col)))
    if col in RAIL_GAPS:
        col -= 1
    return QPointF(BB_X + 150.0 + col * PITCH, BB_Y + RAIL_Y[(side, rail)])
