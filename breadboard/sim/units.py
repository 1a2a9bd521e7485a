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
_TIME = re.compile(
    r"^\s*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?)\s*([a-zµ]*)\s*$", re.IGNORECASE
)
#: The longest run the kernel counts: its cycle counter is an int64 (the margin leaves room
#: for run_until's arithmetic). 2^62 cycles at 16 MHz is about 9,000 years.
MAX_CYCLES = 2**62


def parse_time(text: str, f_cpu: int) -> int:
    """Cycles in a time like "2s", "500ms", "10us", "1.5ms", "1000c" (unit required).

    Times that fall between cycles round to the nearest cycle. Raises ValueError with a
    message fit for a user.
    """
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"cannot read the time {text!r}: write a number and a unit, e.g. 10ms")
    number, unit = m.group(1), m.group(2).lower()
    if "e" in number.lower() and abs(int(number.lower().split("e")[1])) > 40:
        raise ValueError(f"cannot read the time {text!r}: the exponent is out of range")
    if unit not in _UNITS:
        raise ValueError(
            f"unknown time unit {m.group(2)!r} in {text!r}: use c (cycles), ns, us, ms or s"
        )
    value = Fraction(number)
    scale = _UNITS[unit]
    if scale is None:
        if value.denominator != 1:
            raise ValueError(f"a cycle count must be a whole number: {text!r}")
        return check_cycles(int(value), text)
    return check_cycles(round(value * scale * f_cpu), text)


def check_cycles(cycles: int, text: str | None = None) -> int:
    """``cycles`` if the kernel can count that far, else a ValueError saying why."""
    if cycles > MAX_CYCLES:
        what = f"{text!r} is" if text is not None else f"{cycles} cycles is"
        raise ValueError(
            f"{what} too long: the simulator counts up to 2^62 cycles "
            f"({MAX_CYCLES:.3g} cycles, about 9,000 years at 16 MHz)"
        )
    return cycles


def format_time(seconds: float) -> str:
    """A time in seconds with an SI prefix and 4 significant digits, e.g. "4.992 ms"."""
    a = abs(seconds)
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if a >= scale:
            return f"{seconds / scale:.4g} {unit}"
    return "0 s" if a == 0 else f"{seconds / 1e-9:.4g} ns"


def cycles_to_seconds(cycles: int, f_cpu: int) -> float:
    return cycles / f_cpu
