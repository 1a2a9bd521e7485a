"""Simulated time: parsing "10ms"-style strings into cycles, and formatting cycles for people."""

from __future__ import annotations

import re
from fractions import Fraction

_UNITS = {
    "c": None,  # cycles
    "cyc": None,
    "cycles": None,
    "ns": Fraction(1, 10**9),
    "us": Fraction(1, 10**6),
    "µs": Fraction(1, 10**6),
    "ms": Fraction(1, 10**3),
    "s": Fraction(1),
}
_TIME = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zµ]*)\s*$", re.IGNORECASE)


def parse_time(text: str, f_cpu: int) -> int:
    """Cycles in a time like "2s", "500ms", "10us", "1.5ms", "1000c" (unit required).

    Times that fall between cycles round to the nearest cycle. Raises ValueError with a
    message fit for a user.
    """
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"cannot read the time {text!r}: write a number and a unit, e.g. 10ms")
    number, unit = m.group(1), m.group(2).lower()
    if unit not in _UNITS:
        raise ValueError(
            f"unknown time unit {m.group(2)!r} in {text!r}: use c (cycles), ns, us, ms or s"
        )
    value = Fraction(number)
    scale = _UNITS[unit]
    if scale is None:
        if value.denominator != 1:
            raise ValueError(f"a cycle count must be a whole number: {text!r}")
        return int(value)
    return round(value * scale * f_cpu)


def format_time(seconds: float) -> str:
    """A time in seconds with an SI prefix and 4 significant digits, e.g. "4.992 ms"."""
    a = abs(seconds)
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if a >= scale:
            return f"{seconds / scale:.4g} {unit}"
    return "0 s" if a == 0 else f"{seconds / 1e-9:.4g} ns"


def cycles_to_seconds(cycles: int, f_cpu: int) -> float:
    return cycles / f_cpu
