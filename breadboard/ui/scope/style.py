"""How the scope looks: its colours and stylesheet, and numbers, time bases and interrupt
vectors written for people."""

from __future__ import annotations

import math

from ...sim import VECTOR_NAMES

BACKGROUND = "#080b10"
PANEL = "#11161d"
GRID = "#3a4656"
TEXT = "#d8dee9"
#: The acquisition state's colour in the status line
STATE_COLORS = {"trig'd": "#4ade80", "auto": "#facc15", "waiting": "#fb923c",
                "roll": "#60a5fa", "stopped": "#f87171"}  # fmt: skip
DIM_TEXT = "#8892a0"
LANE_COLORS = (
    "#facc15",  # yellow (channel 1 of a classic scope)
    "#22d3ee",  # cyan
    "#f472b6",  # magenta
    "#4ade80",  # green
    "#60a5fa",  # blue
    "#fb923c",  # orange
    "#a78bfa",  # violet
    "#f87171",  # red
)
REF_COLOR = "#e5e7eb"
TRIGGER_COLOR = "#fb923c"
ALARM = "#fca5a5"  # a value beyond what the example expects (set_expectations)
LONG_ISR_COLOR = "#ef4444"  # outline of a handler longer than the threshold (interrupt lane)
IOFF_COLOR = "#fbbf24"  # interrupts disabled longer than the threshold (interrupt lane)
VECTOR_COLORS: dict[int, str] = {
    1: "#f87171",
    2: "#fbbf24",
    3: "#34d399",
    4: "#2dd4bf",
    5: "#5eead4",
    6: "#a3e635",
    7: "#c084fc",  # TIMER2_COMPA
    8: "#e879f9",
    9: "#d946ef",
    10: "#93c5fd",
    11: "#60a5fa",
    12: "#818cf8",
    13: "#38bdf8",
    14: "#fdba74",
    15: "#fcd34d",
    16: "#fb923c",  # TIMER0_OVF
    17: "#86efac",
    18: "#f472b6",
    19: "#f9a8d4",
    20: "#fda4af",
    21: "#2dd4bf",
    22: "#bef264",
    23: "#fde68a",
    24: "#a5b4fc",
    25: "#cbd5e1",
}


def format_si(value: float, unit: str, digits: int = 4) -> str:
    """``value`` with an SI prefix: format_si(0.004992, "s") -> "4.992 ms"."""
    if value is None or not math.isfinite(value):
        return "—"
    a = abs(value)
    if a == 0:
        return f"0 {unit}".strip()
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"),
                          (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")):  # fmt: skip
        if a >= scale * 0.9999995:
            return f"{value / scale:.{digits}g} {prefix}{unit}".strip()
    return f"{value:.{digits}g} {unit}".strip()


def timebase_text(seconds_per_div: float) -> str:
    """5e-3 -> "5 ms/div"."""
    return format_si(seconds_per_div, "s", 3) + "/div"


def vector_color(v: int) -> str:
    """The colour of interrupt vector ``v``'s row and bars."""
    return VECTOR_COLORS.get(v, LANE_COLORS[v % len(LANE_COLORS)])


def vector_name(v: int, names: dict[int, str] | None = None) -> str:
    """The board's name of vector ``v`` (``names``: a MicroPython handler), else avr-libc's
    ("TIMER2_COMPA"), or "vector 30"."""
    if names and v in names:
        return names[v]
    return VECTOR_NAMES[v] if 0 <= v < len(VECTOR_NAMES) else f"vector {v}"


STYLE = f"""
QWidget#scope {{ background: {PANEL}; color: {TEXT}; }}
QWidget#scope QLabel {{ color: {TEXT}; }}
QWidget#scope QLabel[role="dim"] {{ color: {DIM_TEXT}; }}
QWidget#scope QLabel[role="status"] {{ color: {TEXT}; font-family: monospace; }}
QWidget#scope QToolButton, QWidget#scope QPushButton {{
    background: #1b2330; color: {TEXT}; border: 1px solid #2c3746; border-radius: 4px;
    padding: 3px 8px; }}
QWidget#scope QToolButton:checked {{ background: #2b3a52; border-color: #4b6a94; }}
QWidget#scope QToolButton:hover, QWidget#scope QPushButton:hover {{ border-color: #5b7aa4; }}
QWidget#scope QComboBox, QWidget#scope QDoubleSpinBox {{
    background: #1b2330; color: {TEXT}; border: 1px solid #2c3746; border-radius: 4px;
    padding: 2px 6px; }}
QWidget#scope QComboBox QAbstractItemView {{ background: #1b2330; color: {TEXT};
    selection-background-color: #2b3a52; }}
QWidget#scope QTableWidget {{ background: {BACKGROUND}; color: {TEXT}; gridline-color: #1d2530;
    border: 1px solid #1d2530; font-family: monospace; }}
QWidget#scope QHeaderView::section {{ background: #161d27; color: {DIM_TEXT}; border: none;
    border-right: 1px solid #1d2530; padding: 3px 6px; }}
QWidget#scope QHeaderView {{ background: #161d27; }}
QWidget#scope QTableCornerButton::section {{ background: #161d27; border: none; }}
QWidget#scope QSplitter::handle {{ background: #1d2530; }}
QWidget#scope QTabWidget::pane {{ border: none; }}
QWidget#scope QTabBar::tab {{ background: #161d27; color: {DIM_TEXT}; padding: 4px 12px;
    border: none; }}
QWidget#scope QTabBar::tab:selected {{ background: #222c3a; color: {TEXT}; }}
"""
