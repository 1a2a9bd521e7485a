"""The board's colours and fonts: LEDs, wires, accents, resistor colour bands."""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
)

from ...circuit import (
    GND,
)

FONT_FAMILY = "DejaVu Sans"

LED_COLORS_ON = {
    "red": QColor(255, 48, 32),
    "yellow": QColor(255, 206, 30),
    "green": QColor(50, 240, 80),
    "blue": QColor(60, 130, 255),
    "white": QColor(245, 248, 255),
}
#: Signal-wire colours, by Arduino pin number (rails are red and black).
WIRE_COLORS = (
    "#ff8f1f",  # orange
    "#ffd54a",  # yellow
    "#3ddc84",  # green
    "#4aa3ff",  # blue
    "#b98cff",  # purple
    "#ff6fcf",  # pink
    "#2fd6c6",  # cyan
    "#f2f2f2",  # white
)
RAIL_WIRE = {"5V": "#e53935", GND: "#2b2e33"}
ACCENT = QColor("#ffb300")
LATCH = QColor("#4fc3f7")


def resistor_bands(ohms: int) -> list[QColor]:
    """The four colour bands of a resistor value (two digits, multiplier, 5 % gold)."""
    palette = [
        "#1b1b1b",
        "#8b4a1c",
        "#e0281e",
        "#ff8a00",
        "#ffd400",
        "#2fa64a",
        "#2470d8",
        "#8b3fd0",
        "#8a8a8a",
        "#f5f5f5",
    ]
    ohms = max(10, int(ohms))
    exp = len(str(ohms)) - 2
    digits = str(ohms)[:2]
    mult = min(9, max(0, exp))
    return [
        QColor(palette[int(digits[0])]),
        QColor(palette[int(digits[1])]),
        QColor(palette[mult]),
        QColor("#c9a23a"),
    ]


def format_ohms(ohms: float) -> str:
    if ohms >= 1_000_000:
        return f"{ohms / 1e6:g} MΩ"
    if ohms >= 1000:
        return f"{ohms / 1e3:g} kΩ"
    return f"{ohms:g} Ω"
