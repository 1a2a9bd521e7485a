"""Persistence: triggered sweeps accumulated in an image the size of the plot, so edge jitter
shows as a smear whose brightness is how often an edge landed there."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...sim.capture import Capture
from .display import PHOSPHOR_INTERVAL_MS
from .items import Blit
from .lanes import Lane, lane_y
from .style import BACKGROUND, vector_color

#: Colour level 1..255 of a pixel at brightness i / 4095 (its power 0.7 lifts faint pixels)
_GAMMA = np.clip((np.arange(4097) / 4095) ** 0.7 * 255.0, 1, 255).astype(np.int64)


class Phosphor:
    """Digital persistence: triggered sweeps accumulate in a (rows x columns) image the size of
    the plot in pixels; each pixel's brightness grows with the number of sweeps through it."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = Blit()
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
        # The flat indices of the pixels that may be lit (every other pixel is 0): finding
        # them in the whole image costs a millisecond and more; the new ones wait in _pending.
        self._lit = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        # Sweeps are added every frame; the image is redrawn with a frame at most every
        # PHOSPHOR_INTERVAL_MS (turning the counts into colours costs much of a frame), and
        # the timer draws what the last frames added once frames stop coming.
        self._drawn = 0.0
        self._timer = QtCore.QTimer(plot, singleShot=True, interval=PHOSPHOR_INTERVAL_MS)
        self._timer.timeout.connect(self._draw)

    def render_soon(self) -> None:
        """``render`` now if the image was last drawn PHOSPHOR_INTERVAL_MS ago, else once that
        much time has passed."""
        if time.perf_counter() - self._drawn >= PHOSPHOR_INTERVAL_MS / 1000:
            self._draw()
        elif self.dirty and not self._timer.isActive():
            self._timer.start()

    def _draw(self) -> None:
        self._timer.stop()
        if self.dirty:
            self._drawn = time.perf_counter()
            self.render()

    def reset(self, key: tuple, width: int, height: int, x0: float, x1: float,
              y0: float, y1: float, row_color: np.ndarray, colors: list[str]) -> None:  # fmt: skip
        self.key = key
        self.acc = np.zeros((height, width), dtype=np.float32)
        self._lit = np.zeros(0, dtype=np.int64)
        self._pending = []
        self.rect = (x0, x1, y0, y1)
        self.row_color = row_color
        lut = np.zeros((max(1, len(colors)) * 256, 4), dtype=np.uint8)
        ramp = np.linspace(0.0, 1.0, 256)
        alpha = np.clip(0.5 + 0.5 * ramp, 0, 1)
        alpha[0] = 0.0
        for i, c in enumerate(colors):  # bytes B, G, R, A: premultiplied ARGB32 in memory
            q = QtGui.QColor(c)
            bgr = np.array([q.blue(), q.green(), q.red()], dtype=np.float64)
            bright = (0.35 + 0.65 * ramp) * alpha
            lut[i * 256 : (i + 1) * 256, :3] = (bgr[None, :] * bright[:, None]).astype(np.uint8)
            lut[i * 256 : (i + 1) * 256, 3] = (255 * alpha).astype(np.uint8)
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
        # only the pixels the spans touch (a bincount over the whole image costs per frame)
        touched, counts = np.unique(idx, return_counts=True)
        flat[touched] += counts.astype(np.float32)
        self._pending.append(touched)
        self.dirty = True

    def _lit_pixels(self) -> np.ndarray:
        """The flat indices of the lit pixels, the new ones merged in."""
        if self._pending:
            self._lit = np.unique(np.concatenate([self._lit, *self._pending]))
            self._pending = []
        return self._lit

    def fade(self, factor: float) -> None:
        if self.acc is not None and factor < 1.0:
            lit = self._lit_pixels()
            flat = self.acc.reshape(-1)
            v = flat[lit] * np.float32(factor)
            v[v < 0.02] = 0.0
            flat[lit] = v
            self._lit = lit[v > 0]
            self.dirty = True

    def render(self) -> None:
        """Turn the counts into an RGBA image: each lane's colour, brighter where more sweeps
        passed (log scale, so a single stray edge still shows)."""
        if self.acc is None or not self.dirty:
            return
        self.dirty = False
        h, w = self.acc.shape
        flat = self.acc.reshape(-1)
        nz = self._lit_pixels()
        if len(nz) == 0:
            self.item.clear()
            return
        vals = flat[nz]
        top = float(vals.max())
        # brightness (log1p(count) / log1p(top)) ** 0.7, the power read from a table
        x = np.log1p(vals) * np.float32((len(_GAMMA) - 2) / math.log1p(max(top, 1.0)))
        q = _GAMMA[x.astype(np.int32)]
        row = nz // w
        out = np.zeros(h * w, dtype=np.uint32)  # row 0 at the top of the screen: y points up
        out[nz + (h - 1 - 2 * row) * w] = self.lut32[self.row_color[row] * 256 + q]
        x0, x1, y0, y1 = self.rect
        self.item.set_image(out.reshape(h, w), QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))

    def fit(self, key: tuple, width: int, height: int, window: tuple[float, float],
            total_height: float, lanes: list[Lane]) -> None:  # fmt: skip
        """Start a new image for the plot ``width`` x ``height`` pixels showing ``window``
        (seconds from the trigger) and ``lanes``, unless ``key`` (everything the image depends
        on) is the one it already has."""
        if self.key == key:
            return
        x0, x1 = window
        y0, y1 = 0.0, total_height
        colors = [BACKGROUND]
        row_color = np.zeros(height, dtype=np.int64)
        for lane in lanes:
            r0 = int((lane.y0 - y0) / (y1 - y0) * height)
            r1 = int((lane.y0 + lane.height - y0) / (y1 - y0) * height) + 1
            if lane.kind == "irq" and lane.vectors:
                rowh = lane.height / len(lane.vectors)
                for j, v in enumerate(lane.vectors):
                    colors.append(vector_color(v))
                    a = int((lane.y0 + j * rowh - y0) / (y1 - y0) * height)
                    b = int((lane.y0 + (j + 1) * rowh - y0) / (y1 - y0) * height) + 1
                    row_color[max(a, 0) : min(b, height)] = len(colors) - 1
            else:
                colors.append(lane.color)
                row_color[max(r0, 0) : min(r1, height)] = len(colors) - 1
        self.reset(key, width, height, x0, x1, y0, y1, row_color, colors)

    def add_sweeps(self, lanes: list[Lane], src: Capture, triggers: np.ndarray,
                   window: tuple[float, float], f: int) -> None:  # fmt: skip
        """Rasterise the sweeps of ``src``'s lanes that start at ``triggers`` (cycles at
        ``f`` Hz) over ``window`` (seconds from the trigger) into the image: all triggers of a
        lane at once (one row of pixel-column bounds per sweep)."""
        if self.acc is None or len(triggers) == 0:
            return
        width = self.acc.shape[1]
        x0, x1 = window
        t = np.asarray(triggers, dtype=np.int64)
        c0 = t + math.floor(x0 * f)
        c1 = t + math.ceil(x1 * f)
        k = np.arange(width + 1, dtype=np.int64)
        b = c0[:, None] + (k[None, :] * (c1 - c0)[:, None]) // width  # (sweeps, width + 1)
        inside = (b[:, :-1] >= src.start) & (b[:, 1:] <= src.end)
        cols_all, lo_all, hi_all = [], [], []
        for lane in lanes:
            if lane.source != src.label:
                continue
            if lane.kind == "digital":
                series = src.series(lane.pin)
                _, _, _, _, lo, hi = series.columns(b)
                rows, cols = np.nonzero(inside)
                spans = [(cols, lo[rows, cols], hi[rows, cols])]
            elif lane.kind == "analog":
                series = src.analog.get(lane.pin)
                if series is None:
                    continue
                spans = []
                for j in range(len(t)):  # reduceat per sweep: one row of bounds at a time
                    cols = np.flatnonzero(inside[j])
                    _, _, _, _, lo, hi = series.columns(b[j])
                    spans.append((cols, lo[cols], hi[cols]))
            elif lane.kind == "irq":
                rowh = lane.height / max(1, len(lane.vectors))
                for j, v in enumerate(lane.vectors):
                    iv = src.irq.get(v)
                    if iv is None or iv.n == 0:
                        continue
                    st, en = iv.starts[: iv.n], iv.ends[: iv.n]
                    cover = np.searchsorted(st, b[:, 1:], side="left") - np.searchsorted(
                        en, b[:, :-1], side="right"
                    )
                    cols = np.nonzero(inside & (cover > 0))[1]
                    if len(cols) == 0:
                        continue
                    r0 = self.row_of(np.array([lane.y0 + (j + 0.12) * rowh]))[0]
                    r1 = self.row_of(np.array([lane.y0 + (j + 0.88) * rowh]))[0]
                    cols_all.append(cols)
                    lo_all.append(np.full(len(cols), r0))
                    hi_all.append(np.full(len(cols), r1))
                continue
            else:
                continue
            for cols, lo, hi in spans:
                if len(cols) == 0:
                    continue
                rl = self.row_of(lane_y(lane, lo, lane.kind))
                rh = self.row_of(lane_y(lane, hi, lane.kind))
                cols_all.append(cols)
                lo_all.append(np.maximum(rl - 1, 0))
                hi_all.append(rh)
        if cols_all:
            self.add_spans(np.concatenate(cols_all), np.concatenate(lo_all), np.concatenate(hi_all))
            self.sweeps += len(t)
