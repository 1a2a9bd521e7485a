"""The virtual oscilloscope / logic analyzer: stacked lanes of pin levels, analog voltages and
interrupt handlers, in simulated time.

``ScopeWidget`` is fed ``TraceChunk``s (drained from a ``SimulationWorker`` at 60 Hz) and keeps a
bounded history of every pin. It draws:

* digital lanes (any Uno pin), analog lanes (A0-A5, from ``TraceChunk.analog``) and an interrupt
  lane (one row per vector, a bar from each ISR's entry to its return, one colour per vector);
* a roll display while running, or triggered sweeps (edge trigger on any channel: rising,
  falling or either; holdoff; auto / normal / single);
* persistence: the triggered sweeps accumulate in a "phosphor" image (fading or infinite), so
  edge jitter shows as a smear whose brightness is how often an edge landed there;
* two cursors (dt and 1/dt), automatic measurements per channel (frequency, period, +width,
  -width, duty; count/mean/min/max/std/p2p), a duration histogram, reference traces, and
  export to VCD, CSV and PNG.

Edges are decimated here to pixel resolution (at most 3 points per pixel column and
lane, from per-column min/max of the levels), never by pyqtgraph, whose downsampling assumes
evenly spaced samples. Per-pixel work uses binary searches plus prefix counts of the levels,
so a frame costs O(width * log(edges)) per lane, however fast the pin toggles.

Several simulations can share one scope (compare mode): each ``feed`` names its *source*, the
channel ids become "<source> <pin>", and each source is triggered on its own copy of the
trigger pin, so two firmwares line up on their own edges.
"""

from __future__ import annotations

import csv
import math
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..sim import VECTOR_NAMES, PinTrace, parse_time, write_vcd
from ..sim import measure as msr
from ..sim.trace import FLOATING, HIGH, LOW
from ..sim.worker import TraceChunk

__all__ = [
    "ScopeWidget",
    "ScopeDock",
    "TIMEBASES",
    "DIGITAL_PINS",
    "ANALOG_PINS",
    "IRQ",
    "format_si",
    "decimate_steps",
]


DIGITAL_PINS: tuple[str, ...] = tuple(f"D{i}" for i in range(14)) + tuple(f"A{i}" for i in range(6))
ANALOG_PINS: tuple[str, ...] = tuple(f"A{i}" for i in range(6))
IRQ = "IRQ"
#: Suffix of the channel id of a pin A0-A5 shown as a digital lane ("A0 dig").
DIGITAL_SUFFIX = " dig"
DIVISIONS = 10
TRIGGER_DIV = 1.0  # the trigger point sits this many divisions from the left edge
TIMEBASES: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(-6, 2) for m in (1, 2, 5) if m * 10.0**e <= 10.0 + 1e-9
)
MODES = ("auto", "normal", "single", "roll")
EDGES = ("rising", "falling", "either")
PERSISTENCE = ("off", "fading", "infinite")
HISTORY_SECONDS = 20.0
MAX_ROWS = 1 << 20
MAX_SWEEPS_PER_FRAME = 64
MEASURE_MAX_ROWS = 100_000  # the newest rows of a channel that the measurements use
FADE_HALF_LIFE_S = 0.6  # wall seconds for the phosphor to fade to half in "fading" mode
ANALOG_FULL_SCALE_UV = 5_000_000

BACKGROUND = "#080b10"
PANEL = "#11161d"
GRID = "#3a4656"
TEXT = "#d8dee9"
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

# Digital levels in vertical order: LOW at the bottom, FLOATING in the middle, HIGH on top.
_RANK = np.array([0, 2, 1], dtype=np.int64)  # indexed by level LOW=0, HIGH=1, FLOATING=2
_RANK_Y = np.array([0.14, 0.47, 0.80])  # height within a lane, per rank


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


def _timebase_text(seconds_per_div: float) -> str:
    return format_si(seconds_per_div, "s", 3) + "/div"


# ---- captured data ----------------------------------------------------------------------------
class _Series:
    """The (cycle, value) change rows of one signal, grown by amortised doubling and trimmed to
    a bounded history. Digital series also keep running counts of HIGH and FLOATING rows, so
    the levels present in any range of rows are known from two lookups."""

    def __init__(self, digital: bool, initial: int) -> None:
        self.digital = digital
        self.n = 0
        self.cycles = np.zeros(256, dtype=np.int64)
        self.values = np.zeros(256, dtype=np.int64)
        self.cum_high = np.zeros(256, dtype=np.int64)
        self.cum_float = np.zeros(256, dtype=np.int64)
        self.base = initial  # the value before row 0
        self.base_high = 0  # running counts before row 0
        self.base_float = 0
        self.known_from = 0  # the value is known from this cycle on

    # -- growing and trimming --
    def append(self, rows: np.ndarray) -> None:
        k = rows.shape[0]
        if k == 0:
            return
        need = self.n + k
        if need > len(self.cycles):
            cap = max(need, 2 * len(self.cycles))
            for name in ("cycles", "values", "cum_high", "cum_float"):
                old = getattr(self, name)
                new = np.zeros(cap, dtype=np.int64)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        c, v = rows[:, 0], rows[:, 1]
        self.cycles[self.n : need] = c
        self.values[self.n : need] = v
        if self.digital:
            h0 = self.cum_high[self.n - 1] if self.n else self.base_high
            f0 = self.cum_float[self.n - 1] if self.n else self.base_float
            self.cum_high[self.n : need] = h0 + np.cumsum(v == HIGH)
            self.cum_float[self.n : need] = f0 + np.cumsum(v == FLOATING)
        self.n = need

    def trim(self, before_cycle: int, max_rows: int) -> None:
        """Forget rows older than ``before_cycle`` (keeping the value they leave) and keep at
        most ``max_rows``. Rows are shifted only once enough of them are stale (a quarter of
        the rows, or a quarter of ``max_rows`` over the cap), so trimming costs O(1) amortised."""
        n = self.n
        k = int(np.searchsorted(self.cycles[:n], before_cycle, side="left"))
        over = n - max_rows
        if not ((k >= 4096 and 4 * k >= n) or 2 * over > max_rows):
            return
        k = max(k, over)
        if k <= 0:
            return
        self.base = int(self.values[k - 1])
        self.base_high = int(self.cum_high[k - 1])
        self.base_float = int(self.cum_float[k - 1])
        self.known_from = max(self.known_from, int(self.cycles[k - 1]))
        for name in ("cycles", "values", "cum_high", "cum_float"):
            a = getattr(self, name)
            a[: n - k] = a[k:n]
        self.n = n - k

    def copy(self) -> _Series:
        s = _Series(self.digital, self.base)
        s.append(self.rows())
        s.base_high, s.base_float, s.known_from = 0, 0, self.known_from
        return s

    # -- reading --
    def rows(self) -> np.ndarray:
        return np.stack([self.cycles[: self.n], self.values[: self.n]], axis=1)

    def value_at(self, cycle: int) -> int:
        i = int(np.searchsorted(self.cycles[: self.n], cycle, side="right"))
        return self.base if i == 0 else int(self.values[i - 1])

    def to_pintrace(self) -> PinTrace:
        t = PinTrace(self.base)
        t.extend(self.rows())
        t.level = int(self.values[self.n - 1]) if self.n else self.base
        return t

    def columns(self, b: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per pixel column k covering cycles (b[k], b[k+1]]: (index of its first row, number
        of rows, value before, value after, lowest, highest). Digital values come back as
        vertical ranks (LOW 0, FLOATING 1, HIGH 2); analog values as they are."""
        n = self.n
        cyc = self.cycles[:n]
        idx = np.searchsorted(cyc, b, side="right")
        i0, i1 = idx[:-1], idx[1:]
        count = i1 - i0
        if n == 0:
            v = np.full(len(i0), _RANK[self.base] if self.digital else self.base)
            return i0, count, v, v, v, v
        vals = self.values[:n]

        def at(arr: np.ndarray, j: np.ndarray, base: int) -> np.ndarray:
            return np.where(j >= 0, arr[np.maximum(j, 0)], base)

        before = at(vals, i0 - 1, self.base)
        after = at(vals, i1 - 1, self.base)
        if self.digital:
            hi_n = at(self.cum_high, i1 - 1, self.base_high) - at(
                self.cum_high, i0 - 1, self.base_high
            )
            fl_n = at(self.cum_float, i1 - 1, self.base_float) - at(
                self.cum_float, i0 - 1, self.base_float
            )
            lo_n = count - hi_n - fl_n
            rb, ra = _RANK[before], _RANK[after]
            present_min = np.where(lo_n > 0, 0, np.where(fl_n > 0, 1, 2))
            present_max = np.where(hi_n > 0, 2, np.where(fl_n > 0, 1, 0))
            active = count > 0
            lo = np.where(active, np.minimum(rb, present_min), rb)
            hi = np.where(active, np.maximum(rb, present_max), rb)
            return i0, count, rb, ra, lo, hi
        lo = before.copy()
        hi = before.copy()
        act = np.flatnonzero(count > 0)
        if len(act):
            r0 = int(i0[act[0]])
            r1 = int(i1[act[-1]])
            seg = vals[r0:r1]
            starts = i0[act] - r0
            lo[act] = np.minimum(before[act], np.minimum.reduceat(seg, starts))
            hi[act] = np.maximum(before[act], np.maximum.reduceat(seg, starts))
        return i0, count, before, after, lo, hi


def decimate_steps(
    series: _Series,
    c0: int,
    c1: int,
    width: int,
    end: int,
    bands: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The points (cycles, value-or-rank) of a step plot of ``series`` over cycles
    (c0, c1] drawn ``width`` pixels wide, stopping at cycle ``end`` (the data's end).

    A pixel column with one change gets it exactly (2 points); a column with several becomes
    one vertical stroke from its lowest to its highest value, entered and left at the levels
    before and after it (at most 3 points for digital levels, 4 for analog); a column with
    none adds nothing (the horizontal line runs on). So a lane never has more than about
    3 * width + 2 points, however many edges are in view.

    With a ``bands`` list, runs of 3 or more adjacent columns that each hold several changes
    become one band (x0, x1, lowest, highest) appended to it, drawn as a filled rectangle, as
    a logic analyser shows a fast clock; the line then just crosses the band.
    """
    start = max(c0, series.known_from)
    stop = min(c1, end)
    if stop <= start or width <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    b = c0 + (np.arange(width + 1, dtype=np.int64) * (c1 - c0)) // width
    b = np.clip(b, start, stop)
    i0, count, before, after, lo, hi = series.columns(b)
    active = count > 0
    run_k = np.zeros(0, dtype=np.int64)
    if bands is not None:
        dense = count >= 2
        d = np.diff(np.concatenate([[0], dense.astype(np.int8), [0]]))
        rs, re = np.flatnonzero(d == 1), np.flatnonzero(d == -1)  # runs [rs, re)
        long = (re - rs) >= 3
        rs, re = rs[long], re[long]
        if len(rs):
            big = np.iinfo(np.int64).max
            lo_r = np.minimum.reduceat(np.where(dense, lo, big), rs)
            hi_r = np.maximum.reduceat(np.where(dense, hi, -big), rs)
            bands.append((b[rs], b[re], lo_r, hi_r))
            inside = np.zeros(width + 1, dtype=np.int64)
            np.add.at(inside, rs, 1)
            np.add.at(inside, re, -1)
            active &= np.cumsum(inside)[:-1] == 0
            run_k = rs
    act = np.flatnonzero(active)
    if len(act) or len(run_k):
        first = series.cycles[i0[act]]
        vb, va, lo_a, hi_a = before[act], after[act], lo[act], hi[act]
        dense_a = count[act] >= 2
        e1 = np.where(dense_a, np.where(vb == hi_a, hi_a, lo_a), vb)
        e2 = np.where(dense_a, np.where(vb == hi_a, lo_a, hi_a), vb)
        ys = np.stack([vb, e1, e2, va], axis=1).ravel()
        xs = np.repeat(first, 4)
        keys = np.repeat(act * 4, 4) + np.tile(np.arange(4), len(act))
        if len(run_k):
            run_end = re - 1
            ys = np.concatenate([ys, np.stack([before[rs], after[run_end]], 1).ravel()])
            xs = np.concatenate([xs, np.repeat(b[rs], 2)])
            keys = np.concatenate([keys, np.repeat(rs * 4, 2) + np.tile([0, 1], len(rs))])
            order = np.argsort(keys, kind="stable")
            xs, ys = xs[order], ys[order]
        keep = np.ones(len(ys), dtype=bool)
        keep[1:] = ~((ys[1:] == ys[:-1]) & (xs[1:] == xs[:-1]))
        xs, ys = xs[keep], ys[keep]
    else:
        xs = ys = np.zeros(0, dtype=np.int64)
    x = np.concatenate([[start], xs, [stop]]).astype(np.int64)
    y = np.concatenate([[before[0]], ys, [after[-1]]]).astype(np.int64)
    return x, y


class _Intervals:
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
        s, e = self.starts[: self.n], self.ends[: self.n]
        i0 = int(np.searchsorted(e, c0, side="right"))
        i1 = int(np.searchsorted(s, c1, side="left"))
        s, e = s[i0:i1], e[i0:i1]
        if open_start is not None and open_start < c1:
            s = np.concatenate([s, [open_start]])
            e = np.concatenate([e, [end]])
        return s, e


@dataclass
class _Source:
    """Everything captured from one simulation."""

    label: str
    pins: dict[str, _Series] = field(default_factory=dict)
    analog: dict[str, _Series] = field(default_factory=dict)
    irq: dict[int, _Intervals] = field(default_factory=dict)
    irq_stack: list[tuple[int, int]] = field(default_factory=list)
    start: int = 0  # capture known from this cycle
    end: int = 0  # ... up to this one
    resets: int = 0
    # trigger state
    searched: int = 0
    last_accepted: int | None = None
    last_candidate: int | None = None
    pending: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    display_trigger: int | None = None
    sweeps: int = 0

    def series(self, pin: str) -> _Series:
        s = self.pins.get(pin)
        if s is None:
            s = self.pins[pin] = _Series(True, FLOATING)
            s.known_from = self.start
        return s

    def analog_series(self, pin: str) -> _Series:
        s = self.analog.get(pin)
        if s is None:
            s = self.analog[pin] = _Series(False, 0)
            s.known_from = self.start
        return s

    def open_irq(self, vector: int) -> int | None:
        for start, v in reversed(self.irq_stack):
            if v == vector:
                return start
        return None


@dataclass
class _Lane:
    """One row of the display."""

    id: str
    kind: str  # "digital", "analog", "irq", "ref"
    source: str
    pin: str
    color: str
    y0: float = 0.0
    height: float = 1.0
    vectors: list[int] = field(default_factory=list)  # irq rows, bottom to top
    items: list = field(default_factory=list)  # plot items, removed with the lane
    labels: list = field(default_factory=list)  # text items on wide interrupt bars
    readout: pg.TextItem | None = None  # quick measurements in the lane's corner
    band: _Bars | None = None  # fast toggling drawn as a filled band


@dataclass
class _Reference:
    name: str
    channel: str
    kind: str
    series: _Series
    origin: int | None  # the trigger cycle the stored sweep was aligned to (None: absolute)
    end: int  # the capture's last cycle when it was stored


# ---- drawing helpers ------------------------------------------------------------------------
class _LaneAxis(pg.AxisItem):
    """Left axis that shows lane names, each in its lane's colour, and no tick marks."""

    def __init__(self) -> None:
        super().__init__("left")
        self.colors: dict[str, str] = {}
        self.setStyle(tickLength=0, autoExpandTextSpace=True)
        font = QtGui.QFont()
        font.setPointSizeF(9.5)
        font.setBold(True)
        self.setTickFont(font)

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802 - Qt name
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        for rect, flags, text in textSpecs:
            p.setPen(pg.mkPen(self.colors.get(text, TEXT)))
            p.drawText(rect, int(flags), text)


class _Phosphor:
    """Digital persistence: triggered sweeps accumulate in a (rows x columns) image the size of
    the plot in pixels; each pixel's brightness grows with the number of sweeps through it."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setZValue(-5)
        plot.addItem(self.item, ignoreBounds=True)
        self.acc: np.ndarray | None = None
        self.key: tuple | None = None
        self.lut = np.zeros((256, 4), dtype=np.uint8)
        self.lut32 = self.lut.view(np.uint32).reshape(-1)
        self.row_color = np.zeros(0, dtype=np.int64)
        self.dirty = False
        self.sweeps = 0
        self.max_seen = 0.0

    def reset(self, key: tuple, width: int, height: int, x0: float, x1: float,
              y0: float, y1: float, row_color: np.ndarray, colors: list[str]) -> None:  # fmt: skip
        self.key = key
        self.acc = np.zeros((height, width), dtype=np.float32)
        self.rect = (x0, x1, y0, y1)
        self.row_color = row_color
        lut = np.zeros((max(1, len(colors)) * 256, 4), dtype=np.uint8)
        ramp = np.linspace(0.0, 1.0, 256)
        for i, c in enumerate(colors):
            q = QtGui.QColor(c)
            rgb = np.array([q.red(), q.green(), q.blue()], dtype=np.float64)
            bright = 0.35 + 0.65 * ramp
            lut[i * 256 : (i + 1) * 256, :3] = (rgb[None, :] * bright[:, None]).astype(np.uint8)
            lut[i * 256 : (i + 1) * 256, 3] = (255 * np.clip(0.5 + 0.5 * ramp, 0, 1)).astype(
                np.uint8
            )
            lut[i * 256, 3] = 0
        self.lut = lut
        self.lut32 = lut.view(np.uint32).reshape(-1)
        self.sweeps = 0
        self.max_seen = 0.0
        self.item.clear()
        self.item.setVisible(True)
        self.dirty = False

    def clear(self) -> None:
        self.key = None
        self.acc = None
        self.sweeps = 0
        self.item.clear()
        self.item.setVisible(False)

    def row_of(self, y: np.ndarray) -> np.ndarray:
        x0, x1, y0, y1 = self.rect
        h = self.acc.shape[0]
        return np.clip(((y - y0) / (y1 - y0) * h).astype(np.int64), 0, h - 1)

    def add_spans(self, cols: np.ndarray, r_lo: np.ndarray, r_hi: np.ndarray) -> None:
        """Add one to every pixel (r, c) with r_lo[i] <= r <= r_hi[i] for c = cols[i]."""
        if self.acc is None or len(cols) == 0:
            return
        h, w = self.acc.shape
        lengths = np.maximum(r_hi - r_lo + 1, 1)
        total = int(lengths.sum())
        starts = np.cumsum(lengths) - lengths
        step = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
        idx = np.repeat(r_lo * w + cols, lengths) + step * w
        flat = self.acc.reshape(-1)
        flat += np.bincount(idx, minlength=h * w).astype(np.float32)
        self.dirty = True

    def fade(self, factor: float) -> None:
        if self.acc is not None and factor < 1.0:
            self.acc *= factor
            self.acc[self.acc < 0.02] = 0.0
            self.dirty = True

    def render(self) -> None:
        """Turn the counts into an RGBA image: each lane's colour, brighter where more sweeps
        passed (log scale, so a single stray edge still shows)."""
        if self.acc is None or not self.dirty:
            return
        self.dirty = False
        h, w = self.acc.shape
        flat = self.acc.reshape(-1)
        nz = np.flatnonzero(flat)
        if len(nz) == 0:
            self.item.clear()
            return
        vals = flat[nz]
        top = float(vals.max())
        level = (np.log1p(vals) / math.log1p(max(top, 1.0))) ** 0.7 * 255.0
        q = np.clip(level.astype(np.int64), 1, 255)
        out = np.zeros(h * w, dtype=np.uint32)
        out[nz] = self.lut32[self.row_color[nz // w] * 256 + q]
        self.item.setImage(out.view(np.uint8).reshape(h, w, 4), autoLevels=False)
        x0, x1, y0, y1 = self.rect
        self.item.setRect(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))  # needs the image's size


class _Bars(pg.GraphicsObject):
    """Filled rectangles (interrupt handler bars) painted with one ``drawRects`` call, where
    a filled PlotDataItem (or one QPainterPath) fills each piece through the slow path
    rasteriser."""

    def __init__(self, color: str, alpha: int = 165) -> None:
        super().__init__()
        c = QtGui.QColor(color)
        fill = QtGui.QColor(c)
        fill.setAlpha(alpha)
        self._brush = QtGui.QBrush(fill)
        self._pen = QtGui.QPen(c)
        self._pen.setCosmetic(True)
        self._pen.setWidthF(1.0)
        self._rects: list[QtCore.QRectF] = []
        self._bounds = QtCore.QRectF()
        self.n = 0

    def set_rects(self, x0: np.ndarray, x1: np.ndarray, y0, y1) -> None:
        """Rectangles [x0[i], x1[i]] x [y0, y1] (y0 and y1 scalars or arrays)."""
        self.prepareGeometryChange()
        self.n = len(x0)
        y0a = np.broadcast_to(np.asarray(y0, dtype=float), (self.n,))
        ha = np.broadcast_to(np.asarray(y1, dtype=float), (self.n,)) - y0a
        self._rects = [
            QtCore.QRectF(a, c, b - a, h)
            for a, b, c, h in zip(x0.tolist(), x1.tolist(), y0a.tolist(), ha.tolist(), strict=True)
        ]
        if self.n:
            self._bounds = QtCore.QRectF(
                float(x0.min()), float(y0a.min()), float(x1.max() - x0.min()),
                float((y0a + ha).max() - y0a.min()),
            )  # fmt: skip
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def clear(self) -> None:
        self.set_rects(np.zeros(0), np.zeros(0), 0.0, 0.0)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt name
        return self._bounds

    def paint(self, p, *args) -> None:
        if self._rects:
            p.setPen(self._pen)
            p.setBrush(self._brush)
            p.drawRects(self._rects)


def _vector_color(v: int) -> str:
    return VECTOR_COLORS.get(v, LANE_COLORS[v % len(LANE_COLORS)])


def _vector_name(v: int) -> str:
    return VECTOR_NAMES[v] if 0 <= v < len(VECTOR_NAMES) else f"vector {v}"


_STYLE = f"""
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


# ---- the widget -----------------------------------------------------------------------------
class ScopeWidget(QtWidgets.QWidget):
    """The oscilloscope. Feed it trace chunks; it keeps a bounded capture and draws it."""

    #: Emitted when the running state changes (True = running).
    runningChanged = QtCore.Signal(bool)  # noqa: N815 - Qt naming

    def __init__(self, f_cpu: int = 16_000_000, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scope")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        self.f_cpu = int(f_cpu)
        self.history_seconds = HISTORY_SECONDS
        self.max_rows = MAX_ROWS
        self._sources: dict[str, _Source] = {"": _Source("")}
        self._lanes: list[_Lane] = []
        self._refs: dict[str, _Reference] = {}
        self._running = True
        self._mode = "auto"
        self._edge = "rising"
        self._trigger = "D2"
        self._holdoff = 0.0
        self._timebase = 2e-3
        self._position = 0.0
        self._persistence = "off"
        self._follow = True
        self._setting_range = False
        self._last_measure = 0.0
        self._last_frame = time.perf_counter()
        self._status = "roll"
        self._frames = 0
        self._hist_quantity = "period"
        self._expect: dict[str, dict[str, float]] = {}
        self._measure_from = 0  # cycle: measurements skip the edges before it
        self._measure_cache: dict[str, tuple[tuple, msr.Measurements]] = {}
        self._panel_tick = 0
        self._build_ui()
        self.add_channel("D2")
        self._sync_controls()
        self._render()

    # ================================================================== public API
    def feed(self, chunks: Iterable[TraceChunk], source: str = "") -> None:
        """Take new trace chunks (from ``SimulationWorker.drain()``) of simulation ``source``
        ("" for the main one) and redraw. A chunk with ``reset=True`` clears that source's
        capture (references stay)."""
        self.feed_sources({source: chunks})

    def feed_sources(self, chunks_by_source: dict[str, Iterable[TraceChunk]]) -> None:
        """``feed`` for several simulations at once, redrawn once (compare mode)."""
        fed = [label for label, chunks in chunks_by_source.items() if self._ingest(label, chunks)]
        if not fed:
            return
        self._update_lanes_for_new_vectors()
        if self._running and self._mode != "roll":
            for label in fed:
                self._acquire(self._sources[label])
        self._frame_done()

    def _ingest(self, source: str, chunks: Iterable[TraceChunk]) -> bool:
        src = self._source(source)
        got = False
        for chunk in chunks:
            got = True
            if chunk.reset:
                self._reset_source(src, chunk.start)
            for pin, rows in chunk.pins.items():
                if len(rows):
                    src.series(pin).append(np.asarray(rows, dtype=np.int64))
            for pin, rows in (chunk.analog or {}).items():
                if len(rows):
                    src.analog_series(pin).append(np.asarray(rows, dtype=np.int64))
            if len(chunk.interrupts):
                self._ingest_irq(src, np.asarray(chunk.interrupts, dtype=np.int64))
            src.end = max(src.end, int(chunk.end))
        if got:
            self._trim(src)
        return got

    def add_channel(self, pin: str, source: str = "", kind: str = "auto") -> str:
        """Show ``pin`` ("D0".."D13", "A0".."A5", or "IRQ") of ``source`` as a lane; returns the
        channel id ("D2", or "<source> D2"). A0-A5 are analog lanes unless kind="digital"
        (then the id is "A0 dig")."""
        pin = self._canonical_pin(pin)
        if kind == "auto":
            kind = "irq" if pin == IRQ else "analog" if pin in ANALOG_PINS else "digital"
        if kind not in ("digital", "analog", "irq"):
            raise ValueError(f"unknown channel kind {kind!r}")
        self._source(source)
        cid = self.channel_id(pin, source, kind)
        if any(lane.id == cid for lane in self._lanes):
            return cid
        used = {lane.color for lane in self._lanes}
        color = next((c for c in LANE_COLORS if c not in used), LANE_COLORS[len(used) % 8])
        self._lanes.append(_Lane(cid, kind, source, pin, color))
        self._relayout()
        return cid

    def remove_channel(self, channel: str) -> None:
        """Take a lane away (its data stays captured)."""
        lane = self._lane(channel)
        if lane is None:
            raise KeyError(f"no channel {channel!r} on the scope")
        self._drop_lane_items(lane)
        self._lanes.remove(lane)
        self._relayout()

    def channels(self) -> list[str]:
        """The channel ids of the lanes, top to bottom (references not included)."""
        return [lane.id for lane in self._lanes if lane.kind != "ref"]

    @staticmethod
    def channel_id(pin: str, source: str = "", kind: str = "auto") -> str:
        pin = ScopeWidget._canonical_pin(pin)
        name = pin + (DIGITAL_SUFFIX if kind == "digital" and pin in ANALOG_PINS else "")
        return f"{source} {name}" if source else name

    def set_timebase(self, seconds_per_div: float) -> None:
        """Seconds per division (10 divisions across), 1 µs .. 10 s."""
        tb = float(min(max(seconds_per_div, 1e-6), 10.0))
        if tb == self._timebase:
            return
        self._timebase = tb
        self._follow = True
        self._sync_controls()
        self._render()

    def timebase(self) -> float:
        return self._timebase

    def set_position(self, seconds: float) -> None:
        """Horizontal position: shifts the window by ``seconds`` (later is positive)."""
        self._position = float(seconds)
        self._follow = True
        self._sync_controls()
        self._render()

    def set_trigger(
        self,
        pin: str | None = None,
        edge: str = "rising",
        mode: str = "auto",
        holdoff: float | None = None,
    ) -> None:
        """Edge trigger on channel ``pin`` (rising / falling / either), mode auto / normal /
        single / roll (untriggered). ``holdoff`` (seconds) is the least time between two
        accepted triggers. With several sources each is triggered on its own copy of the pin."""
        if edge not in EDGES:
            raise ValueError(f"trigger edge must be one of {EDGES}, not {edge!r}")
        if mode not in MODES:
            raise ValueError(f"trigger mode must be one of {MODES}, not {mode!r}")
        if pin is not None:
            self._trigger = pin
        self._edge = edge
        self._mode = mode
        if holdoff is not None:
            self._holdoff = max(0.0, float(holdoff))
        self._rearm()
        if mode == "single":
            self._set_running(True)
        self._sync_controls()
        self._render()

    def trigger(self) -> tuple[str, str, str, float]:
        """(channel, edge, mode, holdoff)."""
        return self._trigger, self._edge, self._mode, self._holdoff

    def set_persistence(self, mode: str) -> None:
        """ "off", "fading" or "infinite" overlay of successive triggered sweeps."""
        if mode not in PERSISTENCE:
            raise ValueError(f"persistence must be one of {PERSISTENCE}, not {mode!r}")
        self._persistence = mode
        self._phosphor.clear()
        self._sync_controls()
        self._render()

    def persistence(self) -> str:
        return self._persistence

    def run(self) -> None:
        """Start acquiring (re-arms the trigger)."""
        if self._mode == "single":
            self._mode = "auto"
        self._rearm()
        self._set_running(True)
        self._follow = True
        self._sync_controls()
        self._render()

    def stop(self) -> None:
        """Freeze the display (the capture goes on in the background)."""
        self._set_running(False)
        self._sync_controls()

    def single(self) -> None:
        """Arm for one triggered sweep, then stop."""
        self.set_trigger(self._trigger, self._edge, "single")

    def is_running(self) -> bool:
        return self._running

    def store_reference(self, pin: str) -> str:
        """Keep channel ``pin``'s capture as a reference trace, overlaid on its lane (or shown
        in a lane of its own); references survive resets and new firmware. Returns its name."""
        lane = self._lane(pin)
        cid = lane.id if lane else pin
        src, spin, kind = self._resolve(cid)
        if kind == "irq":
            raise ValueError("the interrupt lane cannot be stored as a reference")
        series = (src.analog if kind == "analog" else src.pins).get(spin)
        if series is None:
            series = _Series(kind != "analog", FLOATING if kind != "analog" else 0)
        origin = src.display_trigger if self._mode != "roll" else None
        name = f"REF {cid}"
        self._refs[cid] = _Reference(name, cid, kind, series.copy(), origin, src.end)
        self._relayout()
        return name

    def clear_references(self) -> None:
        self._refs.clear()
        self._relayout()

    def references(self) -> list[str]:
        return [r.name for r in self._refs.values()]

    def measurements(self, pin: str) -> dict[str, msr.Stats]:
        """Automatic measurements of digital channel ``pin`` over the capture:
        {"frequency", "period", "+width", "-width", "duty"} -> Stats (count, mean, min, max,
        std, p2p; seconds, Hz, or a fraction for duty)."""
        return self.measure(pin).as_dict()

    def measure(self, pin: str) -> msr.Measurements:
        """The full ``Measurements`` of a digital channel over the capture."""
        src, spin, kind = self._resolve(pin)
        if kind != "digital":
            raise ValueError(f"{pin} is not a digital channel")
        s = src.series(spin)
        n0 = max(0, s.n - MEASURE_MAX_ROWS)
        if self._measure_from:
            n0 = max(n0, int(np.searchsorted(s.cycles[: s.n], self._measure_from)))
        initial = s.base if n0 == 0 else int(s.values[n0 - 1])
        rows = np.stack([s.cycles[n0 : s.n], s.values[n0 : s.n]], axis=1)
        return msr.measure(rows, self.f_cpu, initial=initial)

    def durations(self, pin: str, quantity: str = "period") -> np.ndarray:
        """Durations in cycles over the capture: "period", "half period", "+width", "-width"."""
        e = self.measure(pin).edges
        if quantity == "period":
            return np.diff(e.rising)
        if quantity == "half period":
            return np.diff(e.all)
        hi, lo = msr.pulse_width_cycles(e)
        if quantity == "+width":
            return hi
        if quantity == "-width":
            return lo
        raise ValueError(f"unknown duration {quantity!r}")

    def histogram(self, pin: str, quantity: str = "period") -> msr.Histogram:
        """Histogram of a channel's durations (automatic bins)."""
        return msr.histogram(self.durations(pin, quantity), self.f_cpu)

    def export_vcd(self, path: str | os.PathLike) -> None:
        """Every digital channel's capture as a VCD (one wire per lane, exact cycle times)."""
        traces: dict[str, PinTrace] = {}
        end = 0
        for lane in self._lanes:
            if lane.kind != "digital":
                continue
            src = self._sources[lane.source]
            traces[re.sub(r"[^A-Za-z0-9_]+", "_", lane.id).strip("_")] = src.series(
                lane.pin
            ).to_pintrace()
            end = max(end, src.end)
        if not traces:
            raise ValueError("no digital channel to export")
        write_vcd(path, traces, self.f_cpu, end_cycle=end or None, scope="scope")

    def export_csv(self, path: str | os.PathLike) -> None:
        """Every level change of every digital channel: channel, cycle, time_s, level, edge."""
        names = {LOW: "0", HIGH: "1", FLOATING: "z"}
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["channel", "cycle", "time_s", "level", "edge"])
            for lane in self._lanes:
                if lane.kind != "digital":
                    continue
                s = self._sources[lane.source].series(lane.pin)
                prev = s.base
                for c, v in zip(s.cycles[: s.n].tolist(), s.values[: s.n].tolist(), strict=True):
                    edge = (
                        "rising"
                        if (prev, v) == (LOW, HIGH)
                        else "falling"
                        if (prev, v) == (HIGH, LOW)
                        else ""
                    )
                    w.writerow([lane.id, c, f"{c / self.f_cpu:.9f}", names.get(v, v), edge])
                    prev = v

    def export_png(self, path: str | os.PathLike) -> None:
        """A picture of the whole scope (plot, measurements and histogram)."""
        self._render()
        self._update_panels(force=True)
        QtWidgets.QApplication.processEvents()
        if not self.grab().save(str(path)):
            raise OSError(f"could not write {path}")

    def add_panel(self, widget: QtWidgets.QWidget, title: str) -> None:
        """Put ``widget`` in a tab of its own, in front of the measurement table."""
        self._tabs.insertTab(0, widget, title)
        self._tabs.setCurrentIndex(0)

    def set_panel_height(self, pixels: int) -> None:
        """Height of the lower part (measurements and histogram); applied when shown."""
        self._panel_height = int(pixels)
        if self.isVisible():
            total = sum(self._split.sizes())
            self._split.setSizes([max(100, total - pixels), pixels])
            self._panel_height = None

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if getattr(self, "_panel_height", None):
            QtCore.QTimer.singleShot(0, lambda: self.set_panel_height(self._panel_height or 0))

    def set_history(self, seconds: float) -> None:
        """How much simulated time of capture to keep (memory stays bounded)."""
        self.history_seconds = max(0.01, float(seconds))

    def status(self) -> str:
        """The acquisition state: "trig'd", "auto", "waiting", "roll" or "stopped"."""
        return self._status if self._running else "stopped"

    def sweeps(self) -> int:
        """Triggered sweeps acquired since the trigger was last armed (all sources)."""
        return sum(s.sweeps for s in self._sources.values())

    def set_cursors(self, a: float | None, b: float | None = None) -> None:
        """Show the cursors at times a and b (in axis seconds); None hides them."""
        on = a is not None
        self._cursor_btn.setChecked(on)
        for line in self._cursors:
            line.setVisible(on)
        if on:
            self._cursors[0].setValue(a)
            self._cursors[1].setValue(b if b is not None else a)
        self._update_cursor_readout()

    def cursor_readout(self) -> tuple[float, float] | None:
        """(dt, 1/dt) between the cursors, or None when hidden."""
        if not self._cursors[0].isVisible():
            return None
        dt = float(abs(self._cursors[1].value() - self._cursors[0].value()))
        return dt, (1.0 / dt if dt > 0 else math.inf)

    def plotted_points(self, channel: str) -> int:
        """Number of points currently drawn for a lane (decimation check)."""
        lane = self._lane(channel)
        if lane is None:
            return 0
        total = 0
        for item in lane.items:
            if isinstance(item, pg.PlotDataItem):
                x, _ = item.getData()
                total += 0 if x is None else len(x)
            elif isinstance(item, _Bars):
                total += 5 * item.n
        return total

    def plot_width_px(self) -> int:
        w = int(self._plot.vb.width())
        return w if w >= 50 else 1000

    # ================================================================== building the UI
    def _build_ui(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addLayout(self._build_toolbar())

        self._glw = pg.GraphicsLayoutWidget()
        self._glw.setBackground(BACKGROUND)
        self._axis = _LaneAxis()
        bottom = pg.AxisItem("bottom")
        bottom.setLabel("time", units="s")
        for ax in (self._axis, bottom):
            ax.setPen(pg.mkPen(GRID))
            ax.setTextPen(pg.mkPen(TEXT))
        self._plot = self._glw.addPlot(axisItems={"left": self._axis, "bottom": bottom})
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        # The graticule: one line per division, drawn as one path (pyqtgraph's axis grid
        # costs ~10 ms a frame here).
        grid_pen = pg.mkPen(QtGui.QColor(GRID), width=1, style=QtCore.Qt.PenStyle.DotLine)
        self._graticule = pg.PlotCurveItem(pen=grid_pen, connect="pairs", skipFiniteCheck=True)
        self._graticule.setZValue(-10)
        self._plot.addItem(self._graticule, ignoreBounds=True)
        vb = self._plot.vb
        vb.setMouseEnabled(x=True, y=False)
        vb.setDefaultPadding(0.0)
        vb.disableAutoRange()
        vb.sigRangeChangedManually.connect(self._on_manual_range)
        vb.sigXRangeChanged.connect(self._on_x_range)
        vb.sigResized.connect(self._on_resize)
        self._phosphor = _Phosphor(self._plot)
        self._trig_line = pg.InfiniteLine(
            0.0, angle=90, pen=pg.mkPen(TRIGGER_COLOR, width=1, style=QtCore.Qt.PenStyle.DashLine)
        )
        self._trig_line.setZValue(5)
        self._plot.addItem(self._trig_line, ignoreBounds=True)
        self._trig_text = pg.TextItem("T", color="#0b0f16", anchor=(0.5, 0.0), fill=TRIGGER_COLOR)
        self._trig_text.setZValue(6)
        self._plot.addItem(self._trig_text, ignoreBounds=True)
        self._separators: list[pg.InfiniteLine] = []
        self._cursors = []
        for name, color, at in (("A", "#e2e8f0", 0.93), ("B", "#93c5fd", 0.86)):
            line = pg.InfiniteLine(
                0.0, angle=90, movable=True,
                pen=pg.mkPen(color, width=1, style=QtCore.Qt.PenStyle.DotLine),
                hoverPen=pg.mkPen(color, width=2),
                label=name, labelOpts={"position": at, "color": color, "fill": "#000000c0"},
            )  # fmt: skip
            line.setZValue(10)
            line.setVisible(False)
            line.sigPositionChanged.connect(self._update_cursor_readout)
            self._plot.addItem(line, ignoreBounds=True)
            self._cursors.append(line)
        self._overlay = pg.TextItem("", color=DIM_TEXT, anchor=(1.0, 1.0))
        self._overlay.setZValue(20)
        self._plot.addItem(self._overlay, ignoreBounds=True)

        status = QtWidgets.QHBoxLayout()
        self._status_label = QtWidgets.QLabel()
        self._status_label.setProperty("role", "status")
        self._cursor_label = QtWidgets.QLabel()
        self._cursor_label.setProperty("role", "status")
        status.addWidget(self._status_label, 1)
        status.addWidget(self._cursor_label)

        self._table = QtWidgets.QTableWidget(0, 8)
        self._table.setHorizontalHeaderLabels(
            ["channel", "measurement", "mean", "min", "max", "std", "p2p", "count"]
        )
        self._table.verticalHeader().setVisible(False)
        self._table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self._table.setShowGrid(False)
        self._table.setAlternatingRowColors(False)
        self._table.verticalHeader().setDefaultSectionSize(20)
        hh = self._table.horizontalHeader()
        hh.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)

        hist_box = QtWidgets.QWidget()
        hl = QtWidgets.QVBoxLayout(hist_box)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(2)
        top = QtWidgets.QHBoxLayout()
        lab = QtWidgets.QLabel("Histogram of")
        lab.setProperty("role", "dim")
        top.addWidget(lab)
        self._hist_combo = QtWidgets.QComboBox()
        self._hist_combo.addItems(["period", "half period", "+width", "-width"])
        self._hist_combo.currentTextChanged.connect(self._on_hist_quantity)
        top.addWidget(self._hist_combo)
        top.addWidget(self._dim_label("of"))
        self._hist_chan = QtWidgets.QComboBox()
        self._hist_chan.setToolTip(
            "auto: the trigger channel and every channel with durations of the same order"
        )
        self._hist_chan.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._hist_chan.activated.connect(lambda _i: self._on_hist_quantity(self._hist_quantity))
        top.addWidget(self._hist_chan)
        top.addStretch(1)
        hl.addLayout(top)
        self._hist = pg.PlotWidget(background=BACKGROUND)
        self._hist.setMenuEnabled(False)
        self._hist.hideButtons()
        hb = self._hist.getAxis("bottom")
        hb.setLabel(units="s")
        for ax in (hb, self._hist.getAxis("left")):
            ax.setPen(pg.mkPen(GRID))
            ax.setTextPen(pg.mkPen(TEXT))
        self._hist.getAxis("left").setLabel("count")
        self._hist.showGrid(x=False, y=True, alpha=0.2)
        self._hist_items: list = []
        hl.addWidget(self._hist, 1)

        self._tabs = QtWidgets.QTabWidget()
        self._tabs.setDocumentMode(True)
        self._tabs.addTab(self._table, "Measurements")
        lower = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        lower.addWidget(self._tabs)
        lower.addWidget(hist_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([800, 560])

        split = self._split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        upper = QtWidgets.QWidget()
        ul = QtWidgets.QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.setSpacing(2)
        ul.addWidget(self._glw, 1)
        ul.addLayout(status)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 300])
        lay.addWidget(split, 1)

    def _build_toolbar(self) -> QtWidgets.QLayout:
        bar = QtWidgets.QHBoxLayout()
        bar.setSpacing(6)

        self._run_btn = QtWidgets.QToolButton()
        self._run_btn.setCheckable(True)
        self._run_btn.clicked.connect(lambda on: self.run() if on else self.stop())
        self._run_btn.setMinimumWidth(64)
        bar.addWidget(self._run_btn)
        single = QtWidgets.QToolButton()
        single.setText("Single")
        single.setToolTip("Arm for one triggered sweep, then stop")
        single.clicked.connect(self.single)
        bar.addWidget(single)
        bar.addSpacing(8)

        bar.addWidget(self._dim_label("Time"))
        self._tb_combo = QtWidgets.QComboBox()
        self._tb_combo.setEditable(True)
        self._tb_combo.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        for tb in TIMEBASES:
            self._tb_combo.addItem(_timebase_text(tb), tb)
        self._tb_combo.setMinimumContentsLength(9)
        self._tb_combo.activated.connect(
            lambda i: self.set_timebase(float(self._tb_combo.itemData(i)))
        )
        self._tb_combo.lineEdit().editingFinished.connect(self._on_timebase_text)
        self._tb_combo.setToolTip("Seconds per division (10 divisions); type e.g. 3ms")
        bar.addWidget(self._tb_combo)
        bar.addWidget(self._dim_label("Pos"))
        self._pos_spin = QtWidgets.QDoubleSpinBox()
        self._pos_spin.setMaximumWidth(110)
        self._pos_spin.setRange(-1e6, 1e6)
        self._pos_spin.setDecimals(2)
        self._pos_spin.setSingleStep(0.5)
        self._pos_spin.setSuffix(" div")
        self._pos_spin.setToolTip("Horizontal position in divisions (drag the plot to pan)")
        self._pos_spin.valueChanged.connect(self._on_pos_spin)
        bar.addWidget(self._pos_spin)
        bar.addSpacing(8)

        bar.addWidget(self._dim_label("Trigger"))
        self._trig_combo = QtWidgets.QComboBox()
        self._trig_combo.setMinimumContentsLength(6)
        self._trig_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._trig_combo.activated.connect(self._on_trigger_controls)
        bar.addWidget(self._trig_combo)
        self._edge_combo = QtWidgets.QComboBox()
        for e, sym in (("rising", "↑ rising"), ("falling", "↓ falling"), ("either", "↕ either")):
            self._edge_combo.addItem(sym, e)
        self._edge_combo.activated.connect(self._on_trigger_controls)
        bar.addWidget(self._edge_combo)
        self._mode_combo = QtWidgets.QComboBox()
        for m in MODES:
            self._mode_combo.addItem(m, m)
        self._mode_combo.activated.connect(self._on_trigger_controls)
        bar.addWidget(self._mode_combo)
        bar.addWidget(self._dim_label("Holdoff"))
        self._holdoff_spin = QtWidgets.QDoubleSpinBox()
        self._holdoff_spin.setMaximumWidth(110)
        self._holdoff_spin.setRange(0.0, 10_000.0)
        self._holdoff_spin.setDecimals(3)
        self._holdoff_spin.setSuffix(" ms")
        self._holdoff_spin.setToolTip("Least time between two accepted triggers")
        self._holdoff_spin.editingFinished.connect(self._on_trigger_controls)
        bar.addWidget(self._holdoff_spin)
        bar.addSpacing(8)

        bar.addWidget(self._dim_label("Persist"))
        self._persist_combo = QtWidgets.QComboBox()
        for p in PERSISTENCE:
            self._persist_combo.addItem(p, p)
        self._persist_combo.activated.connect(
            lambda i: self.set_persistence(self._persist_combo.itemData(i))
        )
        bar.addWidget(self._persist_combo)
        bar.addStretch(1)

        self._chan_btn = QtWidgets.QToolButton()
        self._chan_btn.setText("Channels")
        self._chan_btn.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self._chan_menu = QtWidgets.QMenu(self._chan_btn)
        self._chan_menu.aboutToShow.connect(self._fill_channel_menu)
        self._chan_btn.setMenu(self._chan_menu)
        bar.addWidget(self._chan_btn)
        self._cursor_btn = QtWidgets.QToolButton()
        self._cursor_btn.setText("Cursors")
        self._cursor_btn.setCheckable(True)
        self._cursor_btn.toggled.connect(self._on_cursor_toggle)
        bar.addWidget(self._cursor_btn)
        self._ref_btn = QtWidgets.QToolButton()
        self._ref_btn.setText("REF")
        self._ref_btn.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self._ref_menu = QtWidgets.QMenu(self._ref_btn)
        self._ref_menu.aboutToShow.connect(self._fill_ref_menu)
        self._ref_btn.setMenu(self._ref_menu)
        bar.addWidget(self._ref_btn)
        exp = QtWidgets.QToolButton()
        exp.setText("Export")
        exp.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(exp)
        menu.addAction("Waveforms as VCD…", lambda: self._export_dialog("vcd"))
        menu.addAction("Edges as CSV…", lambda: self._export_dialog("csv"))
        menu.addAction("Picture as PNG…", lambda: self._export_dialog("png"))
        exp.setMenu(menu)
        bar.addWidget(exp)
        return bar

    @staticmethod
    def _dim_label(text: str) -> QtWidgets.QLabel:
        lab = QtWidgets.QLabel(text)
        lab.setProperty("role", "dim")
        return lab

    # ================================================================== controls
    def _sync_controls(self) -> None:
        widgets = (self._tb_combo, self._pos_spin, self._trig_combo, self._edge_combo,
                   self._mode_combo, self._holdoff_spin, self._persist_combo, self._run_btn)  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        try:
            i = next((k for k, tb in enumerate(TIMEBASES) if abs(tb / self._timebase - 1) < 1e-9),
                     -1)  # fmt: skip
            if i >= 0:
                self._tb_combo.setCurrentIndex(i)
            self._tb_combo.setEditText(_timebase_text(self._timebase))
            self._pos_spin.setValue(self._position / self._timebase)
            self._trig_combo.clear()
            for lane in self._lanes:
                if lane.kind == "digital":
                    self._trig_combo.addItem(lane.id, lane.id)
            k = self._trig_combo.findData(self._trigger)
            if k < 0:
                self._trig_combo.addItem(self._trigger, self._trigger)
                k = self._trig_combo.count() - 1
            self._trig_combo.setCurrentIndex(k)
            self._edge_combo.setCurrentIndex(EDGES.index(self._edge))
            self._mode_combo.setCurrentIndex(MODES.index(self._mode))
            self._holdoff_spin.setValue(self._holdoff * 1e3)
            self._persist_combo.setCurrentIndex(PERSISTENCE.index(self._persistence))
            chosen = self._hist_chan.currentData() or "auto"
            self._hist_chan.blockSignals(True)
            self._hist_chan.clear()
            self._hist_chan.addItem("auto", "auto")
            for lane in self._digital_lanes():
                self._hist_chan.addItem(lane.id, lane.id)
            self._hist_chan.setCurrentIndex(max(0, self._hist_chan.findData(chosen)))
            self._hist_chan.blockSignals(False)
            self._run_btn.setChecked(self._running)
            self._run_btn.setText("■ Stop" if self._running else "▶ Run")
            color = "#14532d" if self._running else "#7f1d1d"
            self._run_btn.setStyleSheet(f"QToolButton {{ background: {color}; }}")
        finally:
            for w in widgets:
                w.blockSignals(False)

    def _on_timebase_text(self) -> None:
        text = self._tb_combo.currentText().replace("/div", "").replace(" ", "")
        try:
            cycles = parse_time(text.replace("µ", "u"), self.f_cpu)
        except ValueError:
            self._sync_controls()
            return
        if cycles > 0:
            self.set_timebase(cycles / self.f_cpu)

    def _on_pos_spin(self, divs: float) -> None:
        self.set_position(divs * self._timebase)

    def _on_trigger_controls(self, *_args) -> None:
        self.set_trigger(
            self._trig_combo.currentData() or self._trigger,
            self._edge_combo.currentData(),
            self._mode_combo.currentData(),
            self._holdoff_spin.value() / 1e3,
        )

    def _on_hist_quantity(self, text: str) -> None:
        self._hist_quantity = text
        self._hist_key = None
        self._update_panels(force=True)

    def _on_cursor_toggle(self, on: bool) -> None:
        if on and not self._cursors[0].isVisible():
            (x0, x1), _ = self._plot.vb.viewRange()
            self.set_cursors(x0 + (x1 - x0) * 0.3, x0 + (x1 - x0) * 0.6)
        elif not on:
            self.set_cursors(None)

    def _fill_channel_menu(self) -> None:
        menu = self._chan_menu
        menu.clear()
        shown = set(self.channels())
        for source in self._sources:
            sub = menu if len(self._sources) == 1 else menu.addMenu(source or "main")
            for title, pins, kind in (
                ("Digital", DIGITAL_PINS, "digital"),
                ("Analog", ANALOG_PINS, "analog"),
                ("Interrupts", (IRQ,), "irq"),
            ):
                sub.addSection(title)
                for pin in pins:
                    cid = self.channel_id(pin, source, kind)
                    act = sub.addAction(cid if kind != "irq" else f"{cid} (ISR entry..return)")
                    act.setCheckable(True)
                    act.setChecked(cid in shown)
                    act.toggled.connect(
                        lambda on, p=pin, s=source, k=kind, c=cid: (
                            self.add_channel(p, s, k) if on else self.remove_channel(c)
                        )
                    )

    def _fill_ref_menu(self) -> None:
        menu = self._ref_menu
        menu.clear()
        for cid in self.channels():
            if self._lane(cid).kind in ("digital", "analog"):
                menu.addAction(f"Store {cid} as REF", lambda c=cid: self.store_reference(c))
        menu.addSeparator()
        act = menu.addAction("Clear references", self.clear_references)
        act.setEnabled(bool(self._refs))

    def _export_dialog(self, kind: str) -> None:
        filters = {"vcd": "Value change dump (*.vcd)", "csv": "CSV (*.csv)", "png": "PNG (*.png)"}
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, f"Export {kind.upper()}", f"scope.{kind}", filters[kind]
        )
        if not path:
            return
        try:
            getattr(self, f"export_{kind}")(path)
        except (OSError, ValueError) as e:
            QtWidgets.QMessageBox.warning(self, "Export", str(e))

    # ================================================================== capture
    def _source(self, label: str) -> _Source:
        src = self._sources.get(label)
        if src is None:
            src = self._sources[label] = _Source(label)
        return src

    @staticmethod
    def _canonical_pin(pin: str) -> str:
        p = str(pin).strip()
        up = p.upper()
        if up == IRQ:
            return IRQ
        if up.endswith(DIGITAL_SUFFIX.upper()):
            up = up[: -len(DIGITAL_SUFFIX)].strip()
        if up.isdigit():
            n = int(up)
            up = f"D{n}" if n < 14 else f"A{n - 14}"
        elif up.startswith("D") and up[1:].isdigit() and int(up[1:]) >= 14:
            up = f"A{int(up[1:]) - 14}"
        if up not in DIGITAL_PINS:
            raise KeyError(f"unknown Uno pin {pin!r}: use D0-D13, A0-A5 or IRQ")
        return up

    def _resolve(self, channel: str) -> tuple[_Source, str, str]:
        """(source, pin, kind) of a channel id."""
        lane = self._lane(channel)
        if lane is not None and lane.kind != "ref":
            return self._sources[lane.source], lane.pin, lane.kind
        source = ""
        rest = channel
        for label in sorted(self._sources, key=len, reverse=True):
            if label and channel.startswith(label + " "):
                source, rest = label, channel[len(label) + 1 :]
                break
        digital = rest.endswith(DIGITAL_SUFFIX)
        pin = self._canonical_pin(rest)
        kind = "irq" if pin == IRQ else "digital" if digital or pin not in ANALOG_PINS else "analog"
        return self._source(source), pin, kind

    def _reset_source(self, src: _Source, start: int) -> None:
        src.pins.clear()
        src.analog.clear()
        src.irq.clear()
        src.irq_stack.clear()
        src.start = src.end = int(start)
        src.searched = int(start)
        src.last_accepted = src.last_candidate = src.display_trigger = None
        src.pending = np.zeros(0, dtype=np.int64)
        src.sweeps = 0
        src.resets += 1
        self._phosphor.clear()

    def _ingest_irq(self, src: _Source, rows: np.ndarray) -> None:
        for cycle, vector, kind in rows.tolist():
            if kind == 1:
                src.irq_stack.append((cycle, vector))
            elif src.irq_stack:
                start, v = src.irq_stack.pop()
                iv = src.irq.get(v)
                if iv is None:
                    iv = src.irq[v] = _Intervals()
                iv.add(start, cycle)
        for _, v in src.irq_stack:
            if v not in src.irq:
                src.irq[v] = _Intervals()

    def _trim(self, src: _Source) -> None:
        cut = src.end - int(self.history_seconds * self.f_cpu)
        if cut > src.start:
            src.start = cut
        for s in list(src.pins.values()) + list(src.analog.values()):
            s.trim(src.start, self.max_rows)
            s.known_from = max(s.known_from, src.start)
        for iv in src.irq.values():
            iv.trim(src.start, self.max_rows)

    # ================================================================== triggering
    def _trigger_pin(self, src: _Source) -> str | None:
        """The pin ``src`` triggers on: the trigger channel's pin, in every source."""
        try:
            tsrc, pin, kind = self._resolve(self._trigger)
        except KeyError:
            return None
        if kind not in ("digital",):
            return None
        return pin

    def _window(self) -> tuple[float, float]:
        """(left, right) of the triggered window, in seconds relative to the trigger."""
        left = -TRIGGER_DIV * self._timebase + self._position
        return left, left + DIVISIONS * self._timebase

    def _rearm(self) -> None:
        for src in self._sources.values():
            src.searched = src.end
            src.pending = np.zeros(0, dtype=np.int64)
            src.last_accepted = None
            src.display_trigger = None
            src.sweeps = 0
        self._phosphor.clear()

    def _scan(self, src: _Source) -> np.ndarray:
        """New trigger candidates of ``src`` (edges after the last scan, holdoff applied)."""
        pin = self._trigger_pin(src)
        if pin is None:
            return np.zeros(0, dtype=np.int64)
        s = src.series(pin)
        lo = src.searched
        src.searched = src.end
        n = s.n
        i0 = int(np.searchsorted(s.cycles[:n], lo, side="right"))
        if i0 >= n:
            return np.zeros(0, dtype=np.int64)
        cyc = s.cycles[i0:n]
        lv = s.values[i0:n]
        prev = np.empty_like(lv)
        prev[0] = s.base if i0 == 0 else s.values[i0 - 1]
        prev[1:] = lv[:-1]
        rising = (lv == HIGH) & (prev == LOW)
        falling = (lv == LOW) & (prev == HIGH)
        mask = (
            rising
            if self._edge == "rising"
            else falling
            if self._edge == "falling"
            else (rising | falling)
        )
        cand = cyc[mask][-4096:]
        if len(cand):
            src.last_candidate = int(cand[-1])
        hold = int(self._holdoff * self.f_cpu)
        if hold > 0 and len(cand):
            out = []
            last = src.last_accepted
            for c in cand.tolist():
                if last is None or c - last >= hold:
                    out.append(c)
                    last = c
            cand = np.asarray(out, dtype=np.int64)
        if len(cand):
            src.last_accepted = int(cand[-1])
        return cand

    def _acquire(self, src: _Source) -> None:
        """Find the sweeps of ``src`` completed by the new data; show the newest, add them all
        (up to a per-frame cap) to the persistence image."""
        cand = self._scan(src)
        if len(cand):
            src.pending = np.concatenate([src.pending, cand])[-512:]
        if len(src.pending) == 0:
            return
        post = int(self._window()[1] * self.f_cpu)
        done = src.pending + post <= src.end
        complete = src.pending[done]
        src.pending = src.pending[~done]
        if len(complete) == 0:
            return
        single = self._mode == "single"
        # single-shot keeps the first sweep after arming (a bounce train's first edge)
        src.display_trigger = int(complete[0] if single else complete[-1])
        src.sweeps += 1 if single else len(complete)
        if self._persistence != "off":
            self._persist(src, complete[:1] if single else complete[-MAX_SWEEPS_PER_FRAME:])
        if single:
            self._render()  # show the caught sweep, then freeze on it
            self._set_running(False)
            self._sync_controls()

    def _origin(self, src: _Source) -> tuple[int | None, str]:
        """The cycle at x = 0 for ``src``'s lanes and the acquisition state."""
        if self._mode == "roll":
            return 0, "roll"
        sweep = int(DIVISIONS * self._timebase * self.f_cpu)
        if src.display_trigger is not None:
            stale = src.last_candidate is None or (
                src.end - src.last_candidate > sweep + self.f_cpu // 10
            )
            if self._mode != "auto" or not stale:
                return src.display_trigger, "trig'd"
        if self._mode == "auto":
            # untriggered: newest data at the right edge
            return src.end - int(self._window()[1] * self.f_cpu), "auto"
        return None, "waiting"

    # ================================================================== lanes and layout
    def _lane(self, channel: str) -> _Lane | None:
        return next((lane for lane in self._lanes if lane.id == channel), None)

    def _drop_lane_items(self, lane: _Lane) -> None:
        for item in lane.items:
            self._plot.removeItem(item)
        lane.items.clear()

    def _ref_lanes(self) -> list[_Lane]:
        shown = {lane.id for lane in self._lanes}
        return [
            _Lane(ref.name, "ref", "", ref.channel, REF_COLOR)
            for ref in self._refs.values()
            if ref.channel not in shown
        ]

    def _update_lanes_for_new_vectors(self) -> None:
        for lane in self._lanes:
            if lane.kind == "irq":
                vectors = sorted(self._sources[lane.source].irq)
                if vectors != lane.vectors:
                    self._relayout()
                    return

    def _relayout(self) -> None:
        """Stack the lanes top to bottom, (re)create their plot items, label them."""
        for lane in self._lanes:
            self._drop_lane_items(lane)
        for line in self._separators:
            self._plot.removeItem(line)
        self._separators = []
        for lane in getattr(self, "_extra_lanes", []):
            self._drop_lane_items(lane)
        self._extra_lanes = self._ref_lanes()
        lanes = self._lanes + self._extra_lanes
        heights = []
        for lane in lanes:
            if lane.kind == "irq":
                lane.vectors = sorted(self._sources[lane.source].irq)
                heights.append(max(1.0, 0.6 * len(lane.vectors)))
            elif lane.kind == "analog" or (
                lane.kind == "ref" and self._refs_by_name(lane.id).kind == "analog"
            ):
                heights.append(1.8)
            else:
                heights.append(1.0)
        gap = 0.25
        total = sum(heights) + gap * (len(lanes) + 1)
        y = total - gap
        ticks = []
        self._axis.colors = {}
        for lane, h in zip(lanes, heights, strict=True):
            lane.height = h
            lane.y0 = y - h
            y = lane.y0 - gap
            self._make_items(lane)
            if lane.kind == "irq":
                rowh = h / max(1, len(lane.vectors))
                for j, v in enumerate(lane.vectors):
                    name = _vector_name(v)
                    label = f"{lane.source}: {name}" if lane.source else name
                    ticks.append((lane.y0 + (j + 0.5) * rowh, label))
                    self._axis.colors[label] = _vector_color(v)
                if not lane.vectors:
                    ticks.append((lane.y0 + h / 2, lane.id))
                    self._axis.colors[lane.id] = DIM_TEXT
            else:
                label = lane.id
                if lane.kind != "ref" and lane.id in self._refs:
                    label = f"{lane.id} +REF"
                ticks.append((lane.y0 + h / 2, label))
                self._axis.colors[label] = lane.color
            sep = pg.InfiniteLine(lane.y0 - gap / 2, angle=0, pen=pg.mkPen("#1c2430", width=1))
            self._plot.addItem(sep, ignoreBounds=True)
            self._separators.append(sep)
        self._axis.setTicks([ticks, []])
        self._total_height = max(total, 1.0)
        self._plot.vb.setYRange(0.0, self._total_height, padding=0.0)
        self._phosphor.clear()
        self._sync_controls()
        self._render()

    def _refs_by_name(self, name: str) -> _Reference:
        return next(r for r in self._refs.values() if r.name == name)

    def _make_items(self, lane: _Lane) -> None:
        color = QtGui.QColor(lane.color)
        if lane.kind in ("digital", "analog"):
            if lane.id in self._refs:
                ref_item = pg.PlotDataItem(
                    pen=pg.mkPen(QtGui.QColor(255, 255, 255, 110), width=3), skipFiniteCheck=True
                )
                ref_item.setZValue(1)
                self._plot.addItem(ref_item)
                lane.items.append(ref_item)
            item = pg.PlotDataItem(pen=pg.mkPen(color, width=1.6), skipFiniteCheck=True)
            item.setZValue(2)
            self._plot.addItem(item)
            lane.items.insert(0, item)
            if lane.kind == "digital":
                lane.band = _Bars(lane.color, alpha=120)
                lane.band.setZValue(2)
                self._plot.addItem(lane.band)
                lane.items.append(lane.band)
                lane.readout = pg.TextItem("", color=lane.color, anchor=(1.0, 0.0))
                lane.readout.setZValue(8)
                self._plot.addItem(lane.readout, ignoreBounds=True)
                lane.items.append(lane.readout)
        elif lane.kind == "ref":
            item = pg.PlotDataItem(
                pen=pg.mkPen(QtGui.QColor(REF_COLOR), width=1.4, style=QtCore.Qt.PenStyle.DashLine),
                skipFiniteCheck=True,
            )
            self._plot.addItem(item)
            lane.items.append(item)
        elif lane.kind == "irq":
            for v in lane.vectors:
                item = _Bars(_vector_color(v))
                item.setZValue(2)
                self._plot.addItem(item)
                lane.items.append(item)
            lane.labels = []

    # ================================================================== drawing
    def _frame_done(self) -> None:
        now = time.perf_counter()
        dt = now - self._last_frame
        self._last_frame = now
        if self._persistence == "fading" and self._running:
            self._phosphor.fade(0.5 ** (min(dt, 0.5) / FADE_HALF_LIFE_S))
        self._render()
        self._update_panels()

    def _on_resize(self, *_args) -> None:
        self._phosphor.clear()
        self._render()

    def _on_manual_range(self, *_args) -> None:
        """The user panned or zoomed: the knobs follow the view."""
        (x0, x1), _ = self._plot.vb.viewRange()
        self._plot.vb.setYRange(0.0, self._total_height, padding=0.0)
        span = x1 - x0
        if span <= 0:
            return
        self._timebase = span / DIVISIONS
        if self._mode == "roll":
            right = max(s.end for s in self._sources.values()) / self.f_cpu
            self._position = x1 - right
        else:
            self._position = x0 + TRIGGER_DIV * self._timebase
        self._sync_controls()
        self._render(keep_range=True)

    def _on_x_range(self, *_args) -> None:
        if not self._setting_range and not self._running:
            self._render(keep_range=True)

    def _display_window(self) -> tuple[float, float]:
        if self._mode == "roll":
            right = max(s.end for s in self._sources.values()) / self.f_cpu + self._position
            return right - DIVISIONS * self._timebase, right
        return self._window()

    def _render(self, keep_range: bool = False) -> None:
        """Redraw every lane for the current window."""
        if not hasattr(self, "_total_height"):
            return
        vb = self._plot.vb
        if self._running and not keep_range:
            x0, x1 = self._display_window()
            self._setting_range = True
            try:
                vb.setXRange(x0, x1, padding=0.0)
            finally:
                self._setting_range = False
            self._origins = {lbl: self._origin(s) for lbl, s in self._sources.items()}
        elif not hasattr(self, "_origins"):
            self._origins = {lbl: self._origin(s) for lbl, s in self._sources.items()}
        (x0, x1), _ = vb.viewRange()
        width = self.plot_width_px()
        states = {st for _, st in self._origins.values()}
        self._status = (
            "trig'd" if "trig'd" in states else "auto" if "auto" in states else next(iter(states))
        )
        nice = msr._nice_125(self._timebase * 0.999)
        if nice != getattr(self, "_tick_spacing", None):
            self._tick_spacing = nice
            self._plot.getAxis("bottom").setTickSpacing(nice, nice / 5)
        k0, k1 = math.ceil(x0 / nice - 1e-9), math.floor(x1 / nice + 1e-9)
        if k1 - k0 < 200:
            gx = np.repeat(np.arange(k0, k1 + 1) * nice, 2)
            gy = np.tile([0.0, self._total_height], k1 - k0 + 1)
            self._graticule.setData(gx, gy)
        for lane in self._lanes:
            src = self._sources[lane.source]
            origin, _ = self._origins.get(lane.source, (None, "waiting"))
            self._draw_lane(lane, src, origin, x0, x1, width)
        for lane in self._extra_lanes:
            ref = self._refs_by_name(lane.id)
            self._draw_ref(lane, ref, x0, x1, width)
        triggered = self._mode != "roll"
        self._trig_line.setVisible(triggered)
        self._trig_text.setVisible(triggered)
        if triggered:
            self._trig_text.setPos(0.0, self._total_height)
        if self._persistence != "off" and triggered:
            self._ensure_phosphor(width)
            self._phosphor.render()
        elif self._phosphor.acc is not None:
            self._phosphor.clear()
        self._overlay.setPos(x1, 0.0)
        for lane in self._lanes:
            if lane.readout is not None:
                lane.readout.setPos(x1, lane.y0 + lane.height + 0.02)
        self._update_status()

    def _lane_y(self, lane: _Lane, vals: np.ndarray, kind: str) -> np.ndarray:
        if kind == "analog":
            frac = np.clip(vals / ANALOG_FULL_SCALE_UV, 0.0, 1.0)
            return lane.y0 + lane.height * (0.08 + 0.84 * frac)
        return lane.y0 + lane.height * _RANK_Y[vals]

    def _draw_lane(self, lane: _Lane, src: _Source, origin: int | None, x0: float, x1: float,
                   width: int) -> None:  # fmt: skip
        if origin is None:
            for item in lane.items:
                if isinstance(item, pg.PlotDataItem):
                    item.setData([], [])
                elif isinstance(item, _Bars):
                    item.clear()
            self._clear_labels(lane)
            return
        f = self.f_cpu
        c0 = origin + math.floor(x0 * f)
        c1 = origin + math.ceil(x1 * f)
        if c1 <= c0:
            return
        if lane.kind in ("digital", "analog"):
            series = src.series(lane.pin) if lane.kind == "digital" else src.analog.get(lane.pin)
            bands: list = []
            if series is None:
                lane.items[0].setData([], [])
            else:
                xc, yv = decimate_steps(
                    series, c0, c1, width, src.end, bands if lane.band is not None else None
                )
                lane.items[0].setData((xc - origin) / f, self._lane_y(lane, yv, lane.kind))
            if lane.band is not None:
                if bands:
                    bx0, bx1, blo, bhi = bands[0]
                    lane.band.set_rects(
                        (bx0 - origin) / f,
                        (bx1 - origin) / f,
                        self._lane_y(lane, blo, "digital"),
                        self._lane_y(lane, bhi, "digital"),
                    )
                else:
                    lane.band.clear()
            if lane.id in self._refs and len(lane.items) > 1:
                self._draw_ref(lane, self._refs[lane.id], x0, x1, width, item=lane.items[1])
        elif lane.kind == "irq":
            self._draw_irq(lane, src, origin, c0, c1, width)

    def _draw_ref(self, lane: _Lane, ref: _Reference, x0: float, x1: float, width: int,
                  item: pg.PlotDataItem | None = None) -> None:  # fmt: skip
        item = item or lane.items[0]
        origin = ref.origin if (ref.origin is not None and self._mode != "roll") else 0
        f = self.f_cpu
        c0 = origin + math.floor(x0 * f)
        c1 = origin + math.ceil(x1 * f)
        xc, yv = decimate_steps(ref.series, c0, c1, width, ref.end)
        kind = "analog" if ref.kind == "analog" else "digital"
        item.setData((xc - origin) / f, self._lane_y(lane, yv, kind))

    def _irq_window(self, src: _Source, v: int, c0: int, c1: int) -> tuple:
        iv = src.irq[v]
        return iv.window(c0, c1, src.open_irq(v), src.end)

    def _draw_irq(self, lane: _Lane, src: _Source, origin: int, c0: int, c1: int,
                  width: int) -> None:  # fmt: skip
        f = self.f_cpu
        px = (c1 - c0) / width
        rowh = lane.height / max(1, len(lane.vectors))
        labels: list[tuple[float, float, str, str]] = []
        for j, v in enumerate(lane.vectors):
            item = lane.items[j]
            if v not in src.irq:
                item.clear()
                continue
            s, e = self._irq_window(src, v, c0, c1)
            if len(s) == 0:
                item.clear()
                continue
            if len(s) > 1:
                brk = np.flatnonzero(s[1:] - e[:-1] >= px)
                s = s[np.concatenate([[0], brk + 1])]
                e = e[np.concatenate([brk, [len(e) - 1]])]
            s = np.maximum(s, c0)
            e = np.minimum(np.maximum(e, s + px), c1)
            b0 = lane.y0 + j * rowh + 0.12 * rowh
            b1 = lane.y0 + (j + 0.88) * rowh
            item.set_rects((s - origin) / f, (e - origin) / f, b0, b1)
            # Name each bar: inside when it is wide enough, else just right of it when the next
            # bar leaves room (text ~7 px per character).
            name = _vector_name(v)
            need = (7 * len(name) + 12) * px
            room = np.concatenate([s[1:], [c1 + need]]) - e
            inside = (e - s) >= need
            beside = ~inside & (room >= need + 4 * px)
            for k in np.flatnonzero(inside | beside)[:24]:
                if inside[k]:
                    labels.append(((s[k] + e[k]) / 2 - origin, (b0 + b1) / 2, name, ""))
                else:
                    labels.append((e[k] + 3 * px - origin, (b0 + b1) / 2, name, _vector_color(v)))
        self._set_labels(lane, labels)

    def _clear_labels(self, lane: _Lane) -> None:
        self._set_labels(lane, [])

    def _set_labels(self, lane: _Lane, labels: list[tuple[float, float, str, str]]) -> None:
        pool = lane.labels
        while len(pool) < len(labels):
            t = pg.TextItem("", anchor=(0.5, 0.5), color="#0b0f16")
            t.setZValue(6)
            self._plot.addItem(t, ignoreBounds=True)
            lane.items.append(t)
            pool.append(t)
        for t, (xc, y, text, color) in zip(pool, labels, strict=False):
            # colour "" = inside the bar (dark text, centred); else beside it, in its colour
            t.setText(text, color=color or "#0b0f16")
            t.setAnchor((0.5, 0.5) if not color else (0.0, 0.5))
            t.setPos(xc / self.f_cpu, y)
            t.setVisible(True)
        for t in pool[len(labels) :]:
            t.setVisible(False)

    # ================================================================== persistence
    def _phosphor_key(self, width: int, height: int) -> tuple:
        lanes = tuple((lane.id, lane.y0, lane.height, tuple(lane.vectors)) for lane in self._lanes)
        return (width, height, self._window(), lanes, self._trigger, self._edge, self._mode)

    def _ensure_phosphor(self, width: int) -> None:
        height = max(50, int(self._plot.vb.height()))
        key = self._phosphor_key(width, height)
        if self._phosphor.key == key:
            return
        x0, x1 = self._window()
        y0, y1 = 0.0, self._total_height
        colors = [BACKGROUND]
        row_color = np.zeros(height, dtype=np.int64)
        for lane in self._lanes:
            r0 = int((lane.y0 - y0) / (y1 - y0) * height)
            r1 = int((lane.y0 + lane.height - y0) / (y1 - y0) * height) + 1
            if lane.kind == "irq" and lane.vectors:
                rowh = lane.height / len(lane.vectors)
                for j, v in enumerate(lane.vectors):
                    colors.append(_vector_color(v))
                    a = int((lane.y0 + j * rowh - y0) / (y1 - y0) * height)
                    b = int((lane.y0 + (j + 1) * rowh - y0) / (y1 - y0) * height) + 1
                    row_color[max(a, 0) : min(b, height)] = len(colors) - 1
            else:
                colors.append(lane.color)
                row_color[max(r0, 0) : min(r1, height)] = len(colors) - 1
        self._phosphor.reset(key, width, height, x0, x1, y0, y1, row_color, colors)

    def _persist(self, src: _Source, triggers: np.ndarray) -> None:
        """Rasterise the sweeps that start at ``triggers`` into the persistence image."""
        width = self.plot_width_px()
        self._ensure_phosphor(width)
        ph = self._phosphor
        if ph.acc is None:
            return
        x0, x1 = self._window()
        f = self.f_cpu
        cols_all, lo_all, hi_all = [], [], []
        k = np.arange(width + 1, dtype=np.int64)
        for lane in self._lanes:
            if lane.source != src.label:
                continue
            for t in triggers.tolist():
                c0 = t + math.floor(x0 * f)
                c1 = t + math.ceil(x1 * f)
                b = c0 + (k * (c1 - c0)) // width
                valid = np.flatnonzero((b[:-1] >= src.start) & (b[1:] <= src.end))
                if len(valid) == 0:
                    continue
                if lane.kind in ("digital", "analog"):
                    series = (
                        src.series(lane.pin) if lane.kind == "digital" else src.analog.get(lane.pin)
                    )
                    if series is None:
                        continue
                    _, _, _, _, lo, hi = series.columns(b)
                    ylo = self._lane_y(lane, lo[valid], lane.kind)
                    yhi = self._lane_y(lane, hi[valid], lane.kind)
                    rl = ph.row_of(ylo)
                    rh = ph.row_of(yhi)
                    cols_all.append(valid)
                    lo_all.append(np.maximum(rl - 1, 0))
                    hi_all.append(rh)
                elif lane.kind == "irq":
                    rowh = lane.height / max(1, len(lane.vectors))
                    for j, v in enumerate(lane.vectors):
                        iv = src.irq.get(v)
                        if iv is None or iv.n == 0:
                            continue
                        st, en = iv.starts[: iv.n], iv.ends[: iv.n]
                        cover = np.searchsorted(st, b[1:], side="left") - np.searchsorted(
                            en, b[:-1], side="right"
                        )
                        cols = valid[cover[valid] > 0]
                        if len(cols) == 0:
                            continue
                        r0 = ph.row_of(np.array([lane.y0 + (j + 0.12) * rowh]))[0]
                        r1 = ph.row_of(np.array([lane.y0 + (j + 0.88) * rowh]))[0]
                        cols_all.append(cols)
                        lo_all.append(np.full(len(cols), r0))
                        hi_all.append(np.full(len(cols), r1))
        if cols_all:
            ph.add_spans(np.concatenate(cols_all), np.concatenate(lo_all), np.concatenate(hi_all))
            ph.sweeps += len(triggers)

    # ================================================================== readouts
    def _set_running(self, on: bool) -> None:
        if on != self._running:
            self._running = on
            self.runningChanged.emit(on)

    def _update_status(self) -> None:
        state = self.status()
        colors = {"trig'd": "#4ade80", "auto": "#facc15", "waiting": "#fb923c",
                  "roll": "#60a5fa", "stopped": "#f87171"}  # fmt: skip
        now = max(s.end for s in self._sources.values()) / self.f_cpu
        trig = "" if self._mode == "roll" else f"   trigger {self._trigger} {self._edge}"
        sweeps = f"   sweeps {self.sweeps()}" if self._mode != "roll" else ""
        persist = f"   persistence {self._persistence}" if self._persistence != "off" else ""
        self._status_label.setText(
            f"<span style='color:{colors.get(state, TEXT)}'>● {state.upper()}</span>"
            f"   {_timebase_text(self._timebase)}   mode {self._mode}{trig}{sweeps}{persist}"
            f"   t = {format_si(now, 's', 6)}"
        )
        self._overlay.setText(f"{_timebase_text(self._timebase)}  {state.upper()}")

    def _update_cursor_readout(self, *_args) -> None:
        r = self.cursor_readout()
        if r is None:
            self._cursor_label.setText("")
            return
        dt, inv = r
        a, b = (line.value() for line in self._cursors)
        for line, name in zip(self._cursors, ("A", "B"), strict=True):
            line.label.setFormat(f"{name} {format_si(line.value(), 's', 6)}")
        self._cursor_label.setText(
            f"A {format_si(a, 's', 6)}   B {format_si(b, 's', 6)}   "
            f"<b>Δt = {format_si(dt, 's', 6)}   1/Δt = {format_si(inv, 'Hz', 6)}</b>"
        )

    def _update_panels(self, force: bool = False) -> None:
        """Refresh the measurement table and the histogram (at most 4 times a second, and
        only for channels whose capture changed)."""
        now = time.perf_counter()
        if not force and now - self._last_measure < 0.25:
            return
        # Spread the work over the frames: the table three times a second, the histogram once.
        self._panel_tick = getattr(self, "_panel_tick", 0) + 1
        if force or self._panel_tick % 4:
            self._update_table()
        if force or self._panel_tick % 4 == 0:
            self._update_histogram()
        self._last_measure = time.perf_counter()

    def _digital_lanes(self) -> list[_Lane]:
        return [lane for lane in self._lanes if lane.kind == "digital"]

    def _cached_measure(self, lane: _Lane) -> msr.Measurements:
        src = self._sources[lane.source]
        s = src.series(lane.pin)
        key = (src.resets, s.n, int(s.cycles[s.n - 1]) if s.n else -1)
        hit = self._measure_cache.get(lane.id)
        if hit is not None and hit[0] == key:
            return hit[1]
        m = self.measure(lane.id)
        self._measure_cache[lane.id] = (key, m)
        return m

    def _update_table(self) -> None:
        rows: list[tuple[_Lane, str, msr.Stats]] = []
        for lane in self._digital_lanes():
            m = self._cached_measure(lane)
            for q, st in m.as_dict().items():
                rows.append((lane, q, st))
            if lane.readout is not None:
                p = m.period
                text = (
                    f"f {format_si(m.frequency.mean, 'Hz', 5)}   period {format_si(p.mean, 's', 5)}"
                    f"   σ {format_si(p.std, 's', 3)}   p2p {format_si(p.p2p, 's', 4)}"
                    if p.count
                    else ""
                )
                lane.readout.setText(text)
        t = self._table
        resize = t.rowCount() != len(rows)
        if resize:
            t.setRowCount(len(rows))
        right = QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignRight
        left = QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft
        for r, (lane, q, st) in enumerate(rows):
            cells = [lane.id if q == "frequency" else "", q]
            values = (st.mean, st.min, st.max, st.std, st.p2p)
            if st.unit == "":
                cells += [f"{100 * x:.3f} %" if math.isfinite(x) else "—" for x in values]
            else:
                cells += [format_si(x, st.unit, 6 if i < 3 else 4) for i, x in enumerate(values)]
            cells.append(str(st.count))
            for c, text in enumerate(cells):
                item = t.item(r, c)
                color = lane.color if c == 0 else (TEXT if c >= 2 else DIM_TEXT)
                limit = self._limit(lane, q, c)
                if limit is not None and math.isfinite(values[c - 2]) and values[c - 2] > limit:
                    color = ALARM  # beyond what this example expects: the only red here
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    item.setTextAlignment(right if c >= 2 else left)
                    t.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
                if item.data(QtCore.Qt.ItemDataRole.UserRole) != color:
                    item.setData(QtCore.Qt.ItemDataRole.UserRole, color)
                    item.setForeground(QtGui.QBrush(QtGui.QColor(color)))
        if resize or self._panel_tick < 8 or self._cut_cells(t):
            t.resizeColumnsToContents()

    @staticmethod
    def _cut_cells(t: QtWidgets.QTableWidget) -> bool:
        """Whether some value no longer fits its column (then the columns are sized again)."""
        fm = t.fontMetrics()
        for c in range(2, t.columnCount()):
            width = t.columnWidth(c) - 12
            for r in range(t.rowCount()):
                item = t.item(r, c)
                if item is not None and fm.horizontalAdvance(item.text()) > width:
                    return True
        return False

    def set_expectations(self, expect: dict[str, dict[str, float]]) -> None:
        """What the open example expects of its channels' spread, in seconds: {"D2": {"std":
        2e-6, "p2p": 5e-6, "+width p2p": ..., "-width p2p": ...}}. A value beyond its limit is
        drawn in alarm red; without a limit nothing is red."""
        self._expect = {ch: dict(limits) for ch, limits in (expect or {}).items()}
        self._update_panels(force=True)

    def _limit(self, lane: _Lane, quantity: str, column: int) -> float | None:
        limits = self._expect.get(lane.id) or self._expect.get(lane.pin) or {}
        stat = {5: "std", 6: "p2p"}.get(column)
        if stat is None or quantity not in ("period", "+width", "-width"):
            return None
        key = stat if quantity == "period" else f"{quantity} {stat}"
        return limits.get(key)

    def set_measure_from(self, seconds: float) -> None:
        """Measure only edges from this simulated time on (0: all), e.g. after a start-up
        transient the example explains."""
        self._measure_from = max(0, int(round(float(seconds) * self.f_cpu)))
        self._measure_cache.clear()
        self._update_panels(force=True)

    def _histogram_lanes(self) -> list[tuple[_Lane, np.ndarray]]:
        """(lane, durations in cycles) to show: the chosen channel, or ("auto") the trigger
        channel plus every channel whose durations are of the same order (within x1.5 of its
        median), so one set of bins suits them all."""
        data = []
        for lane in self._digital_lanes():
            e = self._cached_measure(lane).edges
            q = self._hist_quantity
            if q == "period":
                d = np.diff(e.rising)
            elif q == "half period":
                d = np.diff(e.all)
            else:
                hi, lo = msr.pulse_width_cycles(e)
                d = hi if q == "+width" else lo
            if len(d):
                data.append((lane, d))
        choice = self._hist_chan.currentData() or "auto"
        if choice != "auto":
            return [(lane, d) for lane, d in data if lane.id == choice]
        if not data:
            return data
        ref = next((x for x in data if x[0].id == self._trigger), data[0])
        m0 = float(np.median(ref[1]))
        return [(lane, d) for lane, d in data if 1 / 1.5 <= float(np.median(d)) / m0 <= 1.5]

    def _update_histogram(self) -> None:
        data = self._histogram_lanes()
        key = (self._hist_quantity, tuple((lane.id, len(d), int(d[-1])) for lane, d in data))
        placed: list[float] = []
        if key == getattr(self, "_hist_key", None):
            return
        self._hist_key = key
        self._hist.getAxis("bottom").setLabel(self._hist_quantity, units="s")
        for item in self._hist_items:
            self._hist.removeItem(item)
        self._hist_items = []
        empty = not data
        for side in ("left", "bottom"):  # no numbers on an empty plot (and no stale scale)
            self._hist.getAxis(side).setTicks([[], []] if empty else None)
        if empty:
            note = pg.TextItem(f"no {self._hist_quantity} measured yet", color=DIM_TEXT)
            note.setAnchor((0.5, 0.5))
            note.setPos(0.5, 0.5)
            self._hist.addItem(note)
            self._hist_items.append(note)
            self._hist.setXRange(0, 1, padding=0.0)
            self._hist.setYRange(0, 1, padding=0.0)
            return
        bins = msr.histogram_bin_edges([d for _, d in data], self.f_cpu)
        top = 1
        for lane, d in data:
            h = msr.histogram(d, self.f_cpu, bins=bins)
            c = QtGui.QColor(lane.color)
            fill = QtGui.QColor(c)
            fill.setAlpha(110)
            item = pg.PlotDataItem(
                h.edges, h.counts, stepMode="center", fillLevel=0, brush=pg.mkBrush(fill),
                pen=pg.mkPen(c, width=1.5),
            )  # fmt: skip
            self._hist.addItem(item)
            self._hist_items.append(item)
            top = max(top, int(h.counts.max()))
            span = (bins[-1] - bins[0]) / self.f_cpu
            for cls in msr.classes(d, self.f_cpu)[:8]:
                if cls.count < max(2, 0.02 * len(d)):
                    continue
                if any(abs(cls.median - x) < 0.12 * span for x in placed):
                    continue  # would overlap a label already placed
                placed.append(cls.median)
                label = pg.TextItem(
                    f"{format_si(cls.median, 's', 4)} ×{cls.count}", color=lane.color,
                    anchor=(0.5, 1.0),
                )  # fmt: skip
                idx = int(np.searchsorted(h.edges, cls.median, side="right")) - 1
                idx = min(max(idx, 0), len(h.counts) - 1)
                label.setPos(cls.median, float(h.counts[idx]))
                self._hist.addItem(label)
                self._hist_items.append(label)
        lo, hi = bins[0] / self.f_cpu, bins[-1] / self.f_cpu
        pad = (hi - lo) * 0.14 or 1e-6
        self._hist.setXRange(lo - pad, hi + pad, padding=0.0)
        self._hist.setYRange(0, top * 1.25, padding=0.0)


class ScopeDock(QtWidgets.QDockWidget):
    """The scope in a dock of the main window; ``scope`` is the ``ScopeWidget``."""

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        f_cpu: int = 16_000_000,
        title: str = "Oscilloscope",
    ) -> None:
        if isinstance(parent, int):  # ScopeDock(f_cpu) also works
            parent, f_cpu = None, parent
        super().__init__(title, parent)
        self.setObjectName("scopeDock")
        self.scope = ScopeWidget(f_cpu)
        self.setWidget(self.scope)

    def feed(self, chunks: Iterable[TraceChunk], source: str = "") -> None:
        self.scope.feed(chunks, source)
