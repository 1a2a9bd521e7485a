"""Value change dumps of pin traces, through pyvcd.

The timescale is chosen so that one CPU cycle is a whole number of VCD time units: at 16 MHz a
cycle is 62.5 ns, written as 625 steps of 100 ps, so every edge lands on its exact cycle.
"""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
from vcd import VCDWriter

from .trace import LEVEL_CHARS, PinTrace

_UNITS = ((Fraction(1), "s"), (Fraction(1, 10**3), "ms"), (Fraction(1, 10**6), "us"),
          (Fraction(1, 10**9), "ns"), (Fraction(1, 10**12), "ps"), (Fraction(1, 10**15), "fs"))  # fmt: skip


def timescale_for(f_cpu: int) -> tuple[str, int]:
    """The coarsest VCD timescale (1/10/100 of a unit) in which one cycle is a whole number
    of steps, and that number: 16 MHz -> ("100 ps", 625)."""
    period = Fraction(1, f_cpu)
    for unit_value, unit in _UNITS:
        for mult in (100, 10, 1):
            step = unit_value * mult
            ratio = period / step
            if ratio.denominator == 1:
                return f"{mult} {unit}", int(ratio)
    raise ValueError(f"no VCD timescale represents one cycle at {f_cpu} Hz exactly")


def write_vcd(
    path: str | os.PathLike,
    traces: dict[str, PinTrace],
    f_cpu: int,
    end_cycle: int | None = None,
    scope: str = "uno",
) -> None:
    """Write every trace as a 1-bit wire named after its pin, each change at its exact cycle."""
    timescale, steps = timescale_for(f_cpu)
    names = list(traces)
    cycles = [traces[n].cycles for n in names]
    levels = [traces[n].levels for n in names]
    idx = np.concatenate([np.full(len(c), i, dtype=np.int64) for i, c in enumerate(cycles)])
    all_cycles = np.concatenate(cycles) if cycles else np.zeros(0, dtype=np.int64)
    all_levels = np.concatenate(levels) if levels else np.zeros(0, dtype=np.int64)
    order = np.lexsort((idx, all_cycles))
    with open(path, "w", encoding="ascii", newline="\n") as f:
        with VCDWriter(f, timescale=timescale, date="", version="breadboard") as w:
            variables = [
                w.register_var(scope, n, "wire", size=1, init=LEVEL_CHARS[traces[n].initial])
                for n in names
            ]
            last = 0
            for k in order:
                t = int(all_cycles[k])
                w.change(variables[idx[k]], t * steps, LEVEL_CHARS[int(all_levels[k])])
                last = t
            if end_cycle is not None and end_cycle > last:
                w.change(variables[0], end_cycle * steps, LEVEL_CHARS[traces[names[0]].level])
