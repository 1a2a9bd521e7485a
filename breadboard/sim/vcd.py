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


class VcdStream:
    """A VCD file written as the run goes: every Uno pin a 1-bit wire, each change at its exact
    cycle. The file is opened (so an unwritable path fails) when the stream is made; pass the
    stream to ``Simulation.add_listener`` and call ``close(end_cycle)`` at the end."""

    def __init__(
        self,
        path: str | os.PathLike,
        initial: dict[str, int],
        f_cpu: int,
        scope: str = "uno",
    ) -> None:
        timescale, self._steps = timescale_for(f_cpu)
        self._names = list(initial)
        self._index = {n: i for i, n in enumerate(self._names)}
        self._levels = dict(initial)
        self._last = 0
        self._file = open(path, "w", encoding="ascii", newline="\n")  # noqa: SIM115 - closed by close()
        try:
            self._writer = VCDWriter(self._file, timescale=timescale, date="", version="breadboard")
            self._vars = [
                self._writer.register_var(scope, n, "wire", size=1, init=LEVEL_CHARS[initial[n]])
                for n in self._names
            ]
        except BaseException:
            self._file.close()
            raise
        self.path = os.fspath(path)

    def write(self, pins: dict[str, np.ndarray]) -> None:
        """Write the new (cycle, level) rows of some pins (later than anything written)."""
        names = [n for n in pins if len(pins[n])]
        if not names:
            return
        idx = np.concatenate([np.full(len(pins[n]), self._index[n], np.int64) for n in names])
        rows = np.concatenate([pins[n] for n in names])
        order = np.lexsort((idx, rows[:, 0]))
        steps, variables, w = self._steps, self._vars, self._writer
        for k in order:
            t = int(rows[k, 0])
            w.change(variables[idx[k]], t * steps, LEVEL_CHARS[int(rows[k, 1])])
        for n in names:
            self._levels[n] = int(pins[n][-1, 1])
        self._last = max(self._last, int(rows[order[-1], 0]))

    def __call__(self, news) -> None:  # a Simulation listener
        if news.pins:
            self.write(news.pins)

    def close(self, end_cycle: int | None = None) -> None:
        """Mark the end of the run at ``end_cycle`` (if later than the last change), close."""
        if self._file.closed:
            return
        try:
            if end_cycle is not None and end_cycle > self._last and self._names:
                first = self._names[0]
                self._writer.change(
                    self._vars[0], end_cycle * self._steps, LEVEL_CHARS[self._levels[first]]
                )
            self._writer.close()
        finally:
            self._file.close()


def write_vcd(
    path: str | os.PathLike,
    traces: dict[str, PinTrace],
    f_cpu: int,
    end_cycle: int | None = None,
    scope: str = "uno",
) -> None:
    """Write every trace as a 1-bit wire named after its pin, each change at its exact cycle."""
    stream = VcdStream(path, {n: t.initial for n, t in traces.items()}, f_cpu, scope)
    try:
        stream.write({n: t.rows for n, t in traces.items()})
    finally:
        stream.close(end_cycle)
