"""How the inspector writes cycles, times, bytes and bits for people."""

from __future__ import annotations

#: Colours shared by the inspector's views (readable on light and dark palettes).
EXECUTING = "#7c3aed"  # the handler running now
INTERRUPTED = "#c4b5fd"  # a handler interrupted by a nested one
WARNING = "#b45309"
CURRENT_LINE = "#fde68a"
BREAKPOINT = "#dc2626"


def cycles(value: float | None) -> str:
    """``1234`` -> "1,234"; None -> "–"."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def micros(value: float | None, f_cpu: int) -> str:
    """Cycles as microseconds: "0.25", "4,992.0"; None -> "–"."""
    if value is None:
        return "–"
    us = value / f_cpu * 1e6
    return f"{us:,.2f}" if us < 10 else f"{us:,.1f}"


def seconds(cycle: int, f_cpu: int) -> str:
    """A moment of simulated time: "1.234567 s"."""
    return f"{cycle / f_cpu:.6f} s"


def bits_text(value: int, names: tuple[str, ...]) -> str:
    """The names of the set bits ("WGM21 CS22 CS21 CS20"), or the bit pattern when the
    register has no named bits ("0100 1101")."""
    if not names:
        return f"{value >> 4:04b} {value & 15:04b}"
    on = [n for i, n in enumerate(names) if n and (value >> (7 - i)) & 1]
    return " ".join(on) if on else "–"


def bits_tooltip(value: int, names: tuple[str, ...]) -> str:
    """Every bit, 7 down to 0, with its name and value (one per line)."""
    rows = []
    for i in range(8):
        bit = 7 - i
        name = names[i] if names and names[i] else "–"
        rows.append(f"bit {bit}  {name:<8} {(value >> bit) & 1}")
    return "\n".join(rows)


def parse_byte(text: str) -> int:
    """A byte typed by a user: "0x4d", "77", "0b1001101", "$4D" (ValueError if not 0-255)."""
    t = text.strip().replace("_", "")
    if t.startswith("$"):
        t = "0x" + t[1:]
    value = int(t, 0)
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{text!r} is not a byte (0-255)")
    return value
