"""Measurements on pin traces: edges, periods, pulse widths, duty, frequency, jitter, histograms.

Pure numpy, no Qt. Every measurement starts from the integer cycle stamps of a ``PinTrace`` and
stays in integer cycles until the very end, where it is divided by ``f_cpu``: nothing is
sampled or interpolated, so a period of 159744 cycles at 16 MHz is exactly 9.984 ms.

Definitions (those of a bench oscilloscope's automatic measurements):

* a *rising edge* is a change to HIGH from LOW, a *falling edge* one to LOW from HIGH (a pin
  that floats in between makes no edge);
* *period*: rising edge to the next rising edge; *frequency*: 1 / period, per period;
* *+width*: rising edge to the next falling edge, *-width*: falling edge to the next rising edge
  (only complete pulses count: no other edge of the same kind in between);
* *duty*: +width / period of the period that starts with that pulse;
* *half period*: any edge to the next edge (rising or falling);
* each quantity is summarised as ``Stats``: count, mean, min, max, standard deviation (of the
  population) and peak-to-peak jitter (max - min).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .trace import HIGH, LOW, PinTrace

__all__ = [
    "Edges",
    "Stats",
    "Measurements",
    "Histogram",
    "DurationClass",
    "edges",
    "rising_edges",
    "falling_edges",
    "period_cycles",
    "half_period_cycles",
    "pulse_width_cycles",
    "duty_ratios",
    "periods",
    "half_periods",
    "pulse_widths",
    "measure",
    "histogram",
    "histogram_bin_edges",
    "auto_bin_width",
    "classes",
    "rows_from_edges",
    "QUANTITIES",
]

#: The automatic measurements of a channel, in display order (keys of ``Measurements.as_dict``).
QUANTITIES: tuple[str, ...] = ("frequency", "period", "+width", "-width", "duty")

_EMPTY = np.zeros(0, dtype=np.int64)


# ---- edges ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Edges:
    """The cycles of a signal's rising and falling edges (sorted int64 arrays)."""

    rising: np.ndarray
    falling: np.ndarray

    @property
    def all(self) -> np.ndarray:
        """Every edge, rising or falling, in time order."""
        return np.sort(np.concatenate([self.rising, self.falling]), kind="stable")

    def between(self, start: int | None = None, end: int | None = None) -> Edges:
        """Only the edges with ``start <= cycle <= end`` (either bound may be None)."""

        def cut(a: np.ndarray) -> np.ndarray:
            i0 = 0 if start is None else int(np.searchsorted(a, start, side="left"))
            i1 = len(a) if end is None else int(np.searchsorted(a, end, side="right"))
            return a[i0:i1]

        return Edges(cut(self.rising), cut(self.falling))


EdgeSource = PinTrace | np.ndarray | Edges | tuple


def edges(source: EdgeSource, initial: int | None = None) -> Edges:
    """The rising and falling edges of ``source``.

    ``source`` is a ``PinTrace``; an (n, 2) array of (cycle, level) change rows (``initial`` is
    the level before the first row; None means unknown, so the first row is no edge); an
    ``Edges``; or a pair (rising cycles, falling cycles).
    """
    if isinstance(source, Edges):
        return source
    if isinstance(source, PinTrace):
        return Edges(
            np.asarray(source.edges(True, False), dtype=np.int64),
            np.asarray(source.edges(False, True), dtype=np.int64),
        )
    if isinstance(source, tuple):
        rising, falling = source
        return Edges(np.asarray(rising, dtype=np.int64), np.asarray(falling, dtype=np.int64))
    rows = np.asarray(source, dtype=np.int64)
    if rows.ndim != 2 or rows.shape[1] < 2:
        raise ValueError("edge rows must be an (n, 2) array of (cycle, level)")
    if rows.shape[0] == 0:
        return Edges(_EMPTY, _EMPTY)
    cycles, levels = rows[:, 0], rows[:, 1]
    prev = np.empty_like(levels)
    prev[0] = -1 if initial is None else initial
    prev[1:] = levels[:-1]
    rising = cycles[(levels == HIGH) & (prev == LOW)]
    falling = cycles[(levels == LOW) & (prev == HIGH)]
    return Edges(rising, falling)


def rising_edges(source: EdgeSource, initial: int | None = None) -> np.ndarray:
    """Cycles of the rising edges."""
    return edges(source, initial).rising


def falling_edges(source: EdgeSource, initial: int | None = None) -> np.ndarray:
    """Cycles of the falling edges."""
    return edges(source, initial).falling


def rows_from_edges(edge_cycles: Iterable[int], first_level: int = HIGH) -> np.ndarray:
    """(cycle, level) change rows of a square wave whose edges are at ``edge_cycles`` (sorted),
    the first edge going to ``first_level`` and each next one to the other level."""
    c = np.asarray(list(edge_cycles) if not isinstance(edge_cycles, np.ndarray) else edge_cycles)
    c = c.astype(np.int64)
    levels = (np.arange(len(c)) + (0 if first_level == HIGH else 1)) % 2
    levels = np.where(levels == 0, HIGH, LOW).astype(np.int64)
    return np.stack([c, levels], axis=1) if len(c) else np.zeros((0, 2), dtype=np.int64)


# ---- durations in cycles -------------------------------------------------------------------
def period_cycles(source: EdgeSource, initial: int | None = None) -> np.ndarray:
    """Rising edge to next rising edge, in cycles."""
    return np.diff(edges(source, initial).rising)


def half_period_cycles(source: EdgeSource, initial: int | None = None) -> np.ndarray:
    """Any edge to the next edge, in cycles."""
    return np.diff(edges(source, initial).all)


def _next_after(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each a[i], the first b strictly after it, if it comes before a[i+1] (a complete
    pulse); returns (starts, ends) of the complete pulses."""
    if len(a) == 0 or len(b) == 0:
        return _EMPTY, _EMPTY
    j = np.searchsorted(b, a, side="right")
    ok = j < len(b)
    ends = np.where(ok, b[np.minimum(j, len(b) - 1)], 0)
    nxt = np.concatenate([a[1:], [np.iinfo(np.int64).max]])
    ok &= ends < nxt
    return a[ok], ends[ok]


def pulse_width_cycles(
    source: EdgeSource, initial: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(+widths, -widths) in cycles: rising to next falling, falling to next rising."""
    e = edges(source, initial)
    r0, f1 = _next_after(e.rising, e.falling)
    f0, r1 = _next_after(e.falling, e.rising)
    return f1 - r0, r1 - f0


def duty_ratios(source: EdgeSource, initial: int | None = None) -> np.ndarray:
    """+width / period for each complete period (rising, falling, rising)."""
    e = edges(source, initial)
    r = e.rising
    if len(r) < 2 or len(e.falling) == 0:
        return np.zeros(0)
    j = np.searchsorted(e.falling, r[:-1], side="right")
    ok = j < len(e.falling)
    f = e.falling[np.minimum(j, len(e.falling) - 1)]
    ok &= f < r[1:]
    return (f - r[:-1])[ok] / (r[1:] - r[:-1])[ok]


# ---- durations in seconds ------------------------------------------------------------------
def periods(source: EdgeSource, f_cpu: int, initial: int | None = None) -> np.ndarray:
    """Periods in seconds."""
    return period_cycles(source, initial) / f_cpu


def half_periods(source: EdgeSource, f_cpu: int, initial: int | None = None) -> np.ndarray:
    """Half periods (edge to next edge) in seconds."""
    return half_period_cycles(source, initial) / f_cpu


def pulse_widths(
    source: EdgeSource, f_cpu: int, initial: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(+widths, -widths) in seconds."""
    hi, lo = pulse_width_cycles(source, initial)
    return hi / f_cpu, lo / f_cpu


# ---- statistics ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    """Summary of one measured quantity: count, mean, min, max, std, p2p (= max - min)."""

    count: int
    mean: float
    min: float
    max: float
    std: float
    p2p: float
    unit: str = "s"

    @classmethod
    def empty(cls, unit: str = "s") -> Stats:
        nan = math.nan
        return cls(0, nan, nan, nan, nan, nan, unit)

    @classmethod
    def of_cycles(cls, values: np.ndarray, f_cpu: int) -> Stats:
        """Stats in seconds of integer cycle counts, exact until the final division."""
        v = np.asarray(values, dtype=np.int64)
        n = len(v)
        if n == 0:
            return cls.empty("s")
        lo, hi = int(v.min()), int(v.max())
        total = int(v.sum(dtype=np.int64))
        # Deviations from an integer near the mean keep the float arithmetic small and exact-ish.
        ref = total // n
        std = float(np.std((v - ref).astype(np.float64))) / f_cpu
        return cls(n, total / (n * f_cpu), lo / f_cpu, hi / f_cpu, std, (hi - lo) / f_cpu, "s")

    @classmethod
    def of_values(cls, values: np.ndarray, unit: str) -> Stats:
        """Stats of float values (frequencies, duty ratios)."""
        v = np.asarray(values, dtype=np.float64)
        if len(v) == 0:
            return cls.empty(unit)
        lo, hi = float(v.min()), float(v.max())
        return cls(len(v), float(v.mean()), lo, hi, float(v.std()), hi - lo, unit)

    def as_dict(self) -> dict[str, float]:
        return {
            "count": self.count,
            "mean": self.mean,
            "min": self.min,
            "max": self.max,
            "std": self.std,
            "p2p": self.p2p,
        }


@dataclass(frozen=True)
class Measurements:
    """The automatic measurements of one digital channel."""

    f_cpu: int
    edges: Edges
    period: Stats
    frequency: Stats  # per period: f_cpu / period
    high: Stats  # +width
    low: Stats  # -width
    duty: Stats  # +width / period, a fraction
    half_period: Stats

    @property
    def mean_frequency(self) -> float:
        """Periods per second over the whole run of rising edges (1 / mean period)."""
        r = self.edges.rising
        if len(r) < 2:
            return math.nan
        return (len(r) - 1) * self.f_cpu / float(r[-1] - r[0])

    def as_dict(self) -> dict[str, Stats]:
        """{"frequency", "period", "+width", "-width", "duty"} -> Stats (see ``QUANTITIES``)."""
        return {
            "frequency": self.frequency,
            "period": self.period,
            "+width": self.high,
            "-width": self.low,
            "duty": self.duty,
        }


def measure(
    source: EdgeSource,
    f_cpu: int,
    start: int | None = None,
    end: int | None = None,
    initial: int | None = None,
) -> Measurements:
    """Every automatic measurement of ``source``, over the edges between cycles ``start`` and
    ``end`` (inclusive; None = from the beginning / to the end)."""
    e = edges(source, initial)
    if start is not None or end is not None:
        e = e.between(start, end)
    per = np.diff(e.rising)
    hi, lo = pulse_width_cycles(e)
    duty = duty_ratios(e)
    return Measurements(
        f_cpu=f_cpu,
        edges=e,
        period=Stats.of_cycles(per, f_cpu),
        frequency=Stats.of_values(f_cpu / per[per > 0], "Hz"),
        high=Stats.of_cycles(hi, f_cpu),
        low=Stats.of_cycles(lo, f_cpu),
        duty=Stats.of_values(duty, ""),
        half_period=Stats.of_cycles(np.diff(e.all), f_cpu),
    )


# ---- histograms ------------------------------------------------------------------------------
def nice_125(x: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is >= x."""
    if x <= 0:
        return 0.0
    k = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        v = m * 10.0**k
        if v >= x * (1 - 1e-12):
            return v
    return 10.0 ** (k + 1)


def auto_bin_width(span_cycles: int, f_cpu: int, target_bins: int = 64) -> int:
    """A bin width in whole cycles: a 1-2-5 number of seconds near span / target_bins, so that
    classes of durations a millisecond apart (4.096 ms vs 5.120 ms) fall in well separated
    bins while a few microseconds of jitter stay within one or two bins."""
    if span_cycles <= 0:
        return 1
    seconds = nice_125(span_cycles / max(target_bins, 1) / f_cpu)
    return max(1, round(seconds * f_cpu))


def histogram_bin_edges(
    values: np.ndarray | Iterable[np.ndarray], f_cpu: int, target_bins: int = 64
) -> np.ndarray:
    """Bin edges in cycles (half a cycle off the integers, so no value sits on an edge) that
    cover every value of one array or of several arrays (a shared binning to compare)."""
    arrays = [values] if isinstance(values, np.ndarray) else list(values)
    arrays = [np.asarray(a, dtype=np.int64) for a in arrays if len(a)]
    if not arrays:
        return np.array([-0.5, 0.5])
    lo = min(int(a.min()) for a in arrays)
    hi = max(int(a.max()) for a in arrays)
    w = auto_bin_width(hi - lo, f_cpu, target_bins)
    first = (lo // w) * w
    n = (hi - first) // w + 1
    return first - 0.5 + w * np.arange(n + 1, dtype=np.float64)


@dataclass(frozen=True)
class Histogram:
    """Counts of durations per bin; ``edges`` in seconds (``edges_cycles`` in cycles)."""

    edges: np.ndarray
    counts: np.ndarray
    edges_cycles: np.ndarray
    f_cpu: int

    @property
    def width(self) -> float:
        """Bin width in seconds."""
        return float(self.edges[1] - self.edges[0]) if len(self.edges) > 1 else 0.0

    @property
    def centers(self) -> np.ndarray:
        return (self.edges[:-1] + self.edges[1:]) / 2

    def peaks(self, max_gap_bins: int = 2) -> np.ndarray:
        """Indices of the highest bin of each cluster of non-empty bins (clusters split by
        more than ``max_gap_bins`` empty bins): one peak per class of durations."""
        nz = np.flatnonzero(self.counts)
        if len(nz) == 0:
            return np.zeros(0, dtype=np.int64)
        breaks = np.flatnonzero(np.diff(nz) > max_gap_bins + 1)
        starts = np.concatenate([[0], breaks + 1])
        ends = np.concatenate([breaks, [len(nz) - 1]])
        out = []
        for s, e in zip(starts, ends, strict=True):
            seg = np.arange(nz[s], nz[e] + 1)
            out.append(int(seg[np.argmax(self.counts[seg])]))
        return np.asarray(out, dtype=np.int64)


def histogram(
    values_cycles: np.ndarray,
    f_cpu: int,
    bins: np.ndarray | None = None,
    target_bins: int = 64,
) -> Histogram:
    """Histogram of durations given in cycles; ``bins`` are edges in cycles (see
    ``histogram_bin_edges``), chosen automatically when None."""
    v = np.asarray(values_cycles, dtype=np.int64)
    e = histogram_bin_edges(v, f_cpu, target_bins) if bins is None else np.asarray(bins, float)
    counts, _ = np.histogram(v, bins=e)
    return Histogram(e / f_cpu, counts.astype(np.int64), e, f_cpu)


@dataclass(frozen=True)
class DurationClass:
    """A group of durations within about 1 % of each other (e.g. "4 Timer0 overflows")."""

    median: float  # seconds
    count: int
    min: float
    max: float


def classes(
    values_cycles: np.ndarray, f_cpu: int, rel_gap: float = 0.01, min_gap_cycles: int = 2
) -> list[DurationClass]:
    """Split durations into classes where sorted neighbours are more than
    max(rel_gap * median, min_gap_cycles) apart: the millis() half periods fall into a
    4.096 ms class and a 5.120 ms class, a CTC timer's into one."""
    v = np.sort(np.asarray(values_cycles, dtype=np.int64))
    if len(v) == 0:
        return []
    gap = max(rel_gap * float(np.median(v)), float(min_gap_cycles))
    cuts = np.flatnonzero(np.diff(v) > gap) + 1
    out = []
    for part in np.split(v, cuts):
        out.append(
            DurationClass(
                float(np.median(part)) / f_cpu,
                len(part),
                int(part[0]) / f_cpu,
                int(part[-1]) / f_cpu,
            )
        )
    return out
