"""One signal's capture: its (cycle, value) change rows, bounded, and their decimation to
pixel columns.

Edges are decimated to pixel resolution here (at most 3 points per pixel column from
per-column min/max of the levels), never by the plotting library, whose downsampling assumes
evenly spaced samples. Per-pixel work uses binary searches plus prefix counts of the levels,
so a frame costs O(width * log(edges)) however fast the pin toggles.
"""

from __future__ import annotations

import numpy as np

from ..trace import FLOATING, HIGH, PinTrace

# Digital levels in vertical order: LOW at the bottom, FLOATING in the middle, HIGH on top.
RANK = np.array([0, 2, 1], dtype=np.int64)  # indexed by level LOW=0, HIGH=1, FLOATING=2


class Series:
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
        #: Rows ever appended (trimming does not lower it): where a reader stopped, in rows.
        self.appended = 0

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
        self.appended += k

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

    def copy(self) -> Series:
        s = Series(self.digital, self.base)
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
        vertical ranks (LOW 0, FLOATING 1, HIGH 2); analog values as they are. A digital
        series also takes a 2-D ``b``, one row of column bounds per sweep."""
        n = self.n
        cyc = self.cycles[:n]
        idx = np.searchsorted(cyc, b, side="right")
        i0, i1 = idx[..., :-1], idx[..., 1:]
        if b.ndim != 1 and not self.digital:
            raise ValueError("an analog series takes one row of column bounds")
        count = i1 - i0
        if n == 0:
            v = np.full(len(i0), RANK[self.base] if self.digital else self.base)
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
            rb, ra = RANK[before], RANK[after]
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
    series: Series,
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
