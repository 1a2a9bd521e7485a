"""What the scope captured from each simulation: pin, analog and interrupt records kept for a
bounded stretch of simulated time, with each simulation's edge trigger and sweeps.

Several simulations can share one scope (compare mode): each feeds chunks under its own
*source* label and is triggered on its own copy of the trigger pin, so two firmwares line up on
their own edges.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .. import measure as msr
from ..trace import FLOATING, HIGH, LOW
from ..units import format_time
from ..worker import TraceChunk
from .channels import parse_channel
from .series import Series

#: Trigger modes: "roll" is untriggered, the newest data at the right edge.
MODES = ("auto", "normal", "single", "roll")
EDGES = ("rising", "falling", "either")
#: Durations the measurements and the histogram know.
DURATIONS = ("period", "half period", "+width", "-width")
HISTORY_SECONDS = 20.0
MAX_ROWS = 1 << 20
MEASURE_MAX_ROWS = 100_000  # the newest rows of a channel that the measurements use
#: Newest trigger candidates kept waiting for their sweep to complete.
MAX_PENDING = 512
#: Teaching warnings on the interrupt lane (as ``Simulation.irq_stats``'s defaults): a handler
#: that ran longer than this (µs), and interrupts disabled (I = 0 outside handlers) longer.
LONG_ISR_US = 100.0
IOFF_US = 100.0


def long_isr_text(cycles: int, f_cpu: int) -> str:
    """The label of a handler that ran ``cycles``: "long ISR 1.5 ms"."""
    return f"long ISR {format_time(cycles / f_cpu)}"


def ioff_text(cycles: int, f_cpu: int) -> str:
    """The label of an interrupts-off stretch of ``cycles``: "I = 0 for 250 µs"."""
    return f"I = 0 for {format_time(cycles / f_cpu)}"


class Intervals:
    """Entry..return intervals of one interrupt vector (sorted, non-overlapping)."""

    def __init__(self) -> None:
        self.starts = np.zeros(64, dtype=np.int64)
        self.ends = np.zeros(64, dtype=np.int64)
        self.n = 0

    def add(self, start: int, end: int) -> None:
        if self.n == len(self.starts):
            self.starts = np.concatenate([self.starts, np.zeros_like(self.starts)])
            self.ends = np.concatenate([self.ends, np.zeros_like(self.ends)])
        self.starts[self.n] = start
        self.ends[self.n] = end
        self.n += 1

    def trim(self, before_cycle: int, max_rows: int) -> None:
        k = int(np.searchsorted(self.ends[: self.n], before_cycle, side="left"))
        k = max(k, self.n - max_rows)
        if k <= 0 or k < self.n // 4:
            return
        self.starts[: self.n - k] = self.starts[k : self.n]
        self.ends[: self.n - k] = self.ends[k : self.n]
        self.n -= k

    def window(self, c0: int, c1: int, open_start: int | None, end: int) -> tuple:
        """(starts, ends) of the intervals that overlap cycles (c0, c1), with the handler still
        running (entered at ``open_start``) drawn up to ``end``."""
        s, e = self.starts[: self.n], self.ends[: self.n]
        i0 = int(np.searchsorted(e, c0, side="right"))
        i1 = int(np.searchsorted(s, c1, side="left"))
        s, e = s[i0:i1], e[i0:i1]
        if open_start is not None and open_start < c1:
            s = np.concatenate([s, [open_start]])
            e = np.concatenate([e, [end]])
        return s, e


def durations(edges: msr.Edges, quantity: str) -> np.ndarray:
    """Durations in cycles between ``edges``: "period", "half period", "+width", "-width"."""
    if quantity == "period":
        return np.diff(edges.rising)
    if quantity == "half period":
        return np.diff(edges.all)
    hi, lo = msr.pulse_width_cycles(edges)
    if quantity == "+width":
        return hi
    if quantity == "-width":
        return lo
    raise ValueError(f"unknown duration {quantity!r}")


@dataclass
class Capture:
    """Everything captured from one simulation, and where its trigger stands."""

    label: str
    pins: dict[str, Series] = field(default_factory=dict)
    analog: dict[str, Series] = field(default_factory=dict)
    irq: dict[int, Intervals] = field(default_factory=dict)
    irq_stack: list[tuple[int, int]] = field(default_factory=list)
    start: int = 0  # capture known from this cycle
    end: int = 0  # ... up to this one
    resets: int = 0
    # trigger state
    searched: int = 0  # edges up to this cycle have been scanned
    #: per trigger pin, its ``Series.appended`` at the last scan: the next scan starts at the
    #: first row added since (a row at the very cycle the last chunk ended is new, not seen)
    scanned: dict[str, int] = field(default_factory=dict)
    last_accepted: int | None = None  # the last trigger accepted (for the holdoff)
    last_candidate: int | None = None  # the last trigger edge seen
    pending: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    display_trigger: int | None = None  # the trigger of the sweep on show
    sweeps: int = 0  # sweeps completed since the trigger was armed
    #: the board's names of its vectors (AVR vectors, MicroPython handlers)
    vector_names: dict[int, str] = field(default_factory=dict)
    #: vector -> cycles of its lost events (its flag set again while still pending)
    lost: dict[int, list[int]] = field(default_factory=dict)
    #: interrupts-off stretches (start, end) in end order: the simulation logs those longer
    #: than its limit (1,600 cycles by default; Simulation.interrupts' kind 3 rows)
    ioff: list[tuple[int, int]] = field(default_factory=list)

    # -- the records --
    def series(self, pin: str) -> Series:
        """The digital record of ``pin`` (created empty, floating, when first asked for)."""
        s = self.pins.get(pin)
        if s is None:
            s = self.pins[pin] = Series(True, FLOATING)
            s.known_from = self.start
        return s

    def analog_series(self, pin: str) -> Series:
        """The analog record (microvolts) of ``pin``."""
        s = self.analog.get(pin)
        if s is None:
            s = self.analog[pin] = Series(False, 0)
            s.known_from = self.start
        return s

    def open_irq(self, vector: int) -> int | None:
        """The entry cycle of ``vector``'s handler still running at the end, or None."""
        for start, v in reversed(self.irq_stack):
            if v == vector:
                return start
        return None

    def lost_window(self, vector: int, c0: int, c1: int) -> list[int]:
        """Cycles of ``vector``'s lost events in (c0, c1)."""
        cycles = self.lost.get(vector, [])
        return cycles[bisect.bisect_left(cycles, c0) : bisect.bisect_right(cycles, c1)]

    def irq_window(self, vector: int, c0: int, c1: int) -> tuple:
        """(starts, ends) of ``vector``'s handlers overlapping cycles (c0, c1)."""
        return self.irq[vector].window(c0, c1, self.open_irq(vector), self.end)

    def long_isrs(self, vector: int, c0: int, c1: int, limit: int) -> tuple:
        """(starts, ends) of ``vector``'s handlers overlapping (c0, c1) that ran longer than
        ``limit`` cycles (one still running counts up to the end of the capture)."""
        if vector not in self.irq:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        s, e = self.irq_window(vector, c0, c1)
        keep = (e - s) > limit
        return s[keep], e[keep]

    def ioff_window(self, c0: int, c1: int, limit: int) -> list[tuple[int, int]]:
        """Interrupts-off stretches (start, end) overlapping (c0, c1) longer than ``limit``
        cycles."""
        k = bisect.bisect_right(self.ioff, c0, key=lambda r: r[1])
        return [(a, b) for a, b in self.ioff[k:] if a < c1 and b - a > limit]

    # -- growing --
    def ingest(self, chunks: Iterable[TraceChunk]) -> bool:
        """Append the chunks' records (a chunk with ``reset`` starts afresh); False when there
        were none."""
        got = False
        for chunk in chunks:
            got = True
            if chunk.reset:
                self.reset(chunk.start)
            for pin, rows in chunk.pins.items():
                if len(rows):
                    self.series(pin).append(np.asarray(rows, dtype=np.int64))
            for pin, rows in (chunk.analog or {}).items():
                if len(rows):
                    self.analog_series(pin).append(np.asarray(rows, dtype=np.int64))
            if len(chunk.interrupts):
                self.vector_names.update(chunk.vector_names)
                self._ingest_irq(np.asarray(chunk.interrupts, dtype=np.int64))
            self.end = max(self.end, int(chunk.end))
        return got

    def reset(self, start: int) -> None:
        """Forget everything: the simulation restarted at cycle ``start``."""
        self.pins.clear()
        self.analog.clear()
        self.irq.clear()
        self.irq_stack.clear()
        self.vector_names.clear()
        self.lost.clear()
        self.ioff.clear()
        self.start = self.end = int(start)
        self.searched = int(start)
        self.scanned.clear()
        self.last_accepted = self.last_candidate = self.display_trigger = None
        self.pending = np.zeros(0, dtype=np.int64)
        self.sweeps = 0
        self.resets += 1

    def _ingest_irq(self, rows: np.ndarray) -> None:
        for cycle, vector, kind, *extra in rows.tolist():
            if kind == 1:
                self.irq_stack.append((cycle, vector))
            elif kind == 0 and self.irq_stack:
                start, v = self.irq_stack.pop()
                iv = self.irq.get(v)
                if iv is None:
                    iv = self.irq[v] = Intervals()
                iv.add(start, cycle)
            elif kind == 2:
                self.lost.setdefault(vector, []).append(cycle)
                if vector not in self.irq:
                    self.irq[vector] = Intervals()
            elif kind == 3:  # interrupts were off from extra to cycle
                self.ioff.append((int(extra[0]), cycle))
        for _, v in self.irq_stack:
            if v not in self.irq:
                self.irq[v] = Intervals()

    def trim(self, history_cycles: int, max_rows: int) -> None:
        """Keep about ``history_cycles`` before the end, and at most ``max_rows`` per record."""
        cut = self.end - history_cycles
        if cut > self.start:
            self.start = cut
        for s in list(self.pins.values()) + list(self.analog.values()):
            s.trim(self.start, max_rows)
            s.known_from = max(s.known_from, self.start)
        for iv in self.irq.values():
            iv.trim(self.start, max_rows)
        for cycles in self.lost.values():
            k = bisect.bisect_left(cycles, self.start)
            k = max(k, len(cycles) - max_rows)
            if k > 0:
                del cycles[:k]
        k = bisect.bisect_left(self.ioff, self.start, key=lambda r: r[1])
        k = max(k, len(self.ioff) - max_rows)
        if k > 0:
            del self.ioff[:k]

    # -- triggering --
    def rearm(self) -> None:
        """Look for triggers from now on."""
        self.searched = self.end
        self.scanned.clear()
        self.pending = np.zeros(0, dtype=np.int64)
        self.last_accepted = None
        self.display_trigger = None
        self.sweeps = 0

    def scan(self, pin: str, edge: str, holdoff: int) -> np.ndarray:
        """New trigger candidates: ``edge`` ("rising", "falling", "either") edges of ``pin``
        since the last scan (since the cycle of arming for the first one), at least
        ``holdoff`` cycles after the last accepted one.

        Where the last scan stopped is counted in rows, not cycles: an input applied between
        two slices (a button press) changes the pin at the very cycle the previous chunk ended,
        and must not be taken for a row already scanned."""
        s = self.series(pin)
        n = s.n
        seen = self.scanned.get(pin)
        if seen is None:
            i0 = int(np.searchsorted(s.cycles[:n], self.searched, side="left"))
        else:
            i0 = max(0, n - (s.appended - seen))
        self.scanned[pin] = s.appended
        self.searched = self.end
        if i0 >= n:
            return np.zeros(0, dtype=np.int64)
        cyc = s.cycles[i0:n]
        lv = s.values[i0:n]
        prev = np.empty_like(lv)
        prev[0] = s.base if i0 == 0 else s.values[i0 - 1]
        prev[1:] = lv[:-1]
        rising = (lv == HIGH) & (prev == LOW)
        falling = (lv == LOW) & (prev == HIGH)
        mask = rising if edge == "rising" else falling if edge == "falling" else (rising | falling)
        cand = cyc[mask][-4096:]
        if len(cand):
            self.last_candidate = int(cand[-1])
        if holdoff > 0 and len(cand):
            out = []
            last = self.last_accepted
            for c in cand.tolist():
                if last is None or c - last >= holdoff:
                    out.append(c)
                    last = c
            cand = np.asarray(out, dtype=np.int64)
        if len(cand):
            self.last_accepted = int(cand[-1])
        return cand

    def acquire(
        self, pin: str | None, edge: str, holdoff: int, post: int, single: bool = False
    ) -> np.ndarray:
        """The triggers whose sweeps (``post`` cycles after the trigger) the new data
        completed, oldest first; the newest becomes ``display_trigger``. ``pin`` None: the
        trigger channel is not a digital pin, nothing triggers. ``single`` (single shot):
        only the first sweep after arming counts and is shown (a bounce train's first edge),
        not the last one the same frame completed."""
        cand = self.scan(pin, edge, holdoff) if pin is not None else np.zeros(0, dtype=np.int64)
        if len(cand):
            self.pending = np.concatenate([self.pending, cand])[-MAX_PENDING:]
        if len(self.pending) == 0:
            return np.zeros(0, dtype=np.int64)
        done = self.pending + post <= self.end
        complete = self.pending[done]
        self.pending = self.pending[~done]
        if len(complete) and single:
            complete = complete[:1]
        if len(complete):
            self.display_trigger = int(complete[-1])
            self.sweeps += len(complete)
        return complete

    def origin(self, mode: str, sweep: int, post: int, patience: int) -> tuple[int | None, str]:
        """The cycle shown at time 0 and the acquisition state ("trig'd", "auto", "waiting",
        "roll"), for trigger ``mode``, a window ``sweep`` cycles wide ending ``post`` cycles
        after the trigger. In auto mode a sweep older than ``sweep + patience`` cycles without
        a new trigger edge gives way to the newest data."""
        if mode == "roll":
            return 0, "roll"
        if self.display_trigger is not None:
            stale = self.last_candidate is None or (
                self.end - self.last_candidate > sweep + patience
            )
            if mode != "auto" or not stale:
                return self.display_trigger, "trig'd"
        if mode == "auto":
            return self.end - post, "auto"  # untriggered: newest data at the right edge
        return None, "waiting"

    # -- measuring --
    def measure(self, pin: str, f_cpu: int, since: int = 0) -> msr.Measurements:
        """Measurements of ``pin``'s newest ``MEASURE_MAX_ROWS`` changes (those from cycle
        ``since`` on)."""
        s = self.series(pin)
        n0 = max(0, s.n - MEASURE_MAX_ROWS)
        if since:
            n0 = max(n0, int(np.searchsorted(s.cycles[: s.n], since)))
        initial = s.base if n0 == 0 else int(s.values[n0 - 1])
        rows = np.stack([s.cycles[n0 : s.n], s.values[n0 : s.n]], axis=1)
        return msr.measure(rows, f_cpu, initial=initial)


class Captures:
    """The captures of every simulation feeding one scope, by source label ("" the main one),
    each kept for ``history_seconds`` of simulated time and at most ``max_rows`` per record."""

    def __init__(self, f_cpu: int, history_seconds: float = HISTORY_SECONDS,
                 max_rows: int = MAX_ROWS) -> None:  # fmt: skip
        self.f_cpu = int(f_cpu)
        self.history_seconds = history_seconds
        self.max_rows = max_rows
        self.sources: dict[str, Capture] = {"": Capture("")}
        #: cycle: measurements skip the edges before it (a start-up transient); 0: all
        self.measure_from = 0

    def source(self, label: str) -> Capture:
        """The capture of simulation ``label`` (created empty when new)."""
        src = self.sources.get(label)
        if src is None:
            src = self.sources[label] = Capture(label)
        return src

    def feed(self, label: str, chunks: Iterable[TraceChunk]) -> bool:
        """Add ``label``'s new chunks and forget what is older than the history; False when
        there were none."""
        src = self.source(label)
        if not src.ingest(chunks):
            return False
        src.trim(int(self.history_seconds * self.f_cpu), self.max_rows)
        return True

    def resolve(self, channel: str) -> tuple[Capture, str, str]:
        """(capture, pin, kind) of a channel id ("D2", "A0 dig", "CTC D2", "IRQ")."""
        source, pin, kind = parse_channel(channel, self.sources)
        return self.source(source), pin, kind

    def trigger_pin(self, channel: str) -> str | None:
        """The pin a trigger on ``channel`` watches (in every source), None if not digital."""
        try:
            _, pin, kind = self.resolve(channel)
        except KeyError:
            return None
        return pin if kind == "digital" else None

    def end(self) -> int:
        """The newest cycle captured from any source."""
        return max(s.end for s in self.sources.values())

    def rearm(self) -> None:
        for src in self.sources.values():
            src.rearm()

    def sweeps(self) -> int:
        return sum(s.sweeps for s in self.sources.values())

    def measure(self, channel: str) -> msr.Measurements:
        """The ``Measurements`` of a digital channel over its capture."""
        src, pin, kind = self.resolve(channel)
        if kind != "digital":
            raise ValueError(f"{channel} is not a digital channel")
        return src.measure(pin, self.f_cpu, self.measure_from)

    def durations(self, channel: str, quantity: str = "period") -> np.ndarray:
        """Durations in cycles over the capture: "period", "half period", "+width", "-width"."""
        return durations(self.measure(channel).edges, quantity)
