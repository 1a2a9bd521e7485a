"""Drawing lanes for a time window: decimated steps, bands where a pin toggles faster than the
pixels, reference traces, and interrupt handler bars with their names."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from ...sim.capture import (
    IOFF_US,
    LONG_ISR_US,
    Capture,
    decimate_steps,
    ioff_text,
    long_isr_text,
)
from .items import Bars, Curve
from .lanes import Lane, Reference, lane_y
from .style import ALARM, IOFF_COLOR, vector_color, vector_name

#: Drawn on an interrupt row where one of its events was lost
LOST_MARK = "lost ✕"


class LanePainter:
    """Draws lanes on ``plot``, whose x axis is seconds from a lane's origin cycle."""

    def __init__(self, plot: pg.PlotItem, f_cpu: int) -> None:
        self.plot = plot
        self.f_cpu = f_cpu
        #: the interrupt lane's teaching warnings: handlers and I = 0 stretches longer (µs)
        self.isr_limit_us = LONG_ISR_US
        self.ioff_limit_us = IOFF_US

    def draw_lane(self, lane: Lane, src: Capture, origin: int | None, x0: float, x1: float,
                  width: int, ref: Reference | None, roll: bool) -> None:  # fmt: skip
        """Draw ``lane`` of capture ``src`` over [x0, x1] seconds, ``width`` pixels wide, with
        cycle ``origin`` at 0 (None: nothing to show yet), overlaying ``ref`` if given."""
        if origin is None:
            for item in lane.items:
                if isinstance(item, Curve):
                    item.set_data([], [])
                elif isinstance(item, Bars):
                    item.clear()
            self.set_labels(lane, [])
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
                lane.items[0].set_data([], [])
            else:
                xc, yv = decimate_steps(
                    series, c0, c1, width, src.end, bands if lane.band is not None else None
                )
                lane.items[0].set_data((xc - origin) / f, lane_y(lane, yv, lane.kind))
            if lane.band is not None:
                if bands:
                    bx0, bx1, blo, bhi = bands[0]
                    lane.band.set_rects(
                        (bx0 - origin) / f,
                        (bx1 - origin) / f,
                        lane_y(lane, blo, "digital"),
                        lane_y(lane, bhi, "digital"),
                    )
                else:
                    lane.band.clear()
            if ref is not None and len(lane.items) > 1:
                self.draw_ref(lane, ref, x0, x1, width, roll, item=lane.items[1])
        elif lane.kind == "irq":
            self.draw_irq(lane, src, origin, c0, c1, width)

    def draw_ref(self, lane: Lane, ref: Reference, x0: float, x1: float, width: int, roll: bool,
                 item: Curve | None = None) -> None:  # fmt: skip
        """Draw reference ``ref`` in ``lane`` (its own lane, or ``item`` over the live one);
        aligned on the trigger it was stored at, or on absolute time in roll mode."""
        item = item or lane.items[0]
        origin = ref.origin if (ref.origin is not None and not roll) else 0
        f = self.f_cpu
        c0 = origin + math.floor(x0 * f)
        c1 = origin + math.ceil(x1 * f)
        xc, yv = decimate_steps(ref.series, c0, c1, width, ref.end)
        kind = "analog" if ref.kind == "analog" else "digital"
        item.set_data((xc - origin) / f, lane_y(lane, yv, kind))

    def draw_irq(self, lane: Lane, src: Capture, origin: int, c0: int, c1: int,
                 width: int) -> None:  # fmt: skip
        """One row of bars per vector, a bar from each handler's entry to its return (bars
        closer than a pixel merge), named inside or beside where there is room; the teaching
        warnings: lost events (a red cross), handlers longer than ``isr_limit_us`` (a red
        outline, "long ISR 1.5 ms") and interrupts off longer than ``ioff_limit_us`` (a
        hatched band across the lane, "I = 0 for 250 µs")."""
        f = self.f_cpu
        px = (c1 - c0) / width
        rowh = lane.height / max(1, len(lane.vectors))
        isr_limit = round(self.isr_limit_us * f / 1e6)
        labels: list[tuple[float, float, str, str]] = []
        long_x0: list[float] = []
        long_x1: list[float] = []
        long_y0: list[float] = []
        long_y1: list[float] = []
        for j, v in enumerate(lane.vectors):
            item = lane.items[j]
            # a lost event (its flag set again while pending): a red cross on the row
            for c in src.lost_window(v, c0, c1)[-24:]:
                labels.append((c - origin, lane.y0 + (j + 0.5) * rowh, LOST_MARK, ALARM))
            if v not in src.irq:
                item.clear()
                continue
            s, e = src.irq_window(v, c0, c1)
            if len(s) == 0:
                item.clear()
                continue
            ls, le = src.long_isrs(v, c0, c1, isr_limit)
            if len(s) > 1:
                brk = np.flatnonzero(s[1:] - e[:-1] >= px)
                s = s[np.concatenate([[0], brk + 1])]
                e = e[np.concatenate([brk, [len(e) - 1]])]
            s = np.maximum(s, c0)
            e = np.minimum(np.maximum(e, s + px), c1)
            b0 = lane.y0 + j * rowh + 0.12 * rowh
            b1 = lane.y0 + (j + 0.88) * rowh
            item.set_rects((s - origin) / f, (e - origin) / f, b0, b1)
            # the longest long handler inside each (merged) bar names it a long ISR
            longest = np.zeros(len(s), dtype=np.int64)
            if len(ls):
                k = np.clip(np.searchsorted(s, ls, side="right") - 1, 0, len(s) - 1)
                np.maximum.at(longest, k, le - ls)
                a = np.maximum(ls, c0)
                z = np.minimum(np.maximum(le, a + px), c1)
                long_x0 += ((a - origin) / f).tolist()
                long_x1 += ((z - origin) / f).tolist()
                long_y0 += [b0 - 0.06 * rowh] * len(ls)
                long_y1 += [b1 + 0.06 * rowh] * len(ls)
            # Name each bar: inside when it is wide enough, else just right of it when the next
            # bar leaves room (text ~7 px per character).
            name = vector_name(v, src.vector_names)
            texts = [
                f"{name} · {long_isr_text(int(d), f)}" if d else name for d in longest.tolist()
            ]
            need = (7 * np.array([len(t) for t in texts]) + 12) * px
            room = np.concatenate([s[1:], [c1 + need[-1]]]) - e
            inside = (e - s) >= need
            beside = ~inside & (room >= need + 4 * px)
            for k in np.flatnonzero(inside | beside | (longest > 0))[:24]:
                if inside[k]:
                    labels.append(((s[k] + e[k]) / 2 - origin, (b0 + b1) / 2, texts[k], ""))
                elif beside[k] or longest[k]:
                    color = ALARM if longest[k] else vector_color(v)
                    labels.append((e[k] + 3 * px - origin, (b0 + b1) / 2, texts[k], color))
        if lane.long_isr is not None:
            lane.long_isr.set_rects(
                np.array(long_x0), np.array(long_x1), np.array(long_y0), np.array(long_y1)
            )
        self.draw_ioff(lane, src, origin, c0, c1, px, labels)
        self.set_labels(lane, labels)

    def draw_ioff(self, lane: Lane, src: Capture, origin: int, c0: int, c1: int, px: float,
                  labels: list[tuple[float, float, str, str]]) -> None:  # fmt: skip
        """Hatch the stretches where software kept interrupts off (I = 0) longer than
        ``ioff_limit_us`` across the interrupt lane, labelled with their length."""
        if lane.ioff is None:
            return
        f = self.f_cpu
        stretches = src.ioff_window(c0, c1, round(self.ioff_limit_us * f / 1e6))[-64:]
        if not stretches:
            lane.ioff.clear()
            return
        a = np.maximum(np.array([r[0] for r in stretches]), c0)
        z = np.minimum(np.maximum(np.array([r[1] for r in stretches]), a + px), c1)
        lane.ioff.set_rects((a - origin) / f, (z - origin) / f, lane.y0, lane.y0 + lane.height)
        for (start, end), x in zip(stretches[-24:], a[-24:].tolist(), strict=True):
            labels.append((x + 3 * px - origin, lane.y0 + 0.85 * lane.height,
                           ioff_text(end - start, f), IOFF_COLOR))  # fmt: skip

    def set_labels(self, lane: Lane, labels: list[tuple[float, float, str, str]]) -> None:
        """Show text ``labels`` (x in cycles from the origin, y, text, colour) on ``lane``."""
        if lane.labels is None:
            return
        f = self.f_cpu
        shown = []
        for xc, y, text, color in labels:
            # colour "" = inside the bar (dark text, centred); else beside it, in its colour
            # (a lost mark ends at its cycle; a bar's name starts right of the bar)
            anchor = (0.5, 0.5) if not color else (0.9, 0.5) if text == LOST_MARK else (0.0, 0.5)
            shown.append((xc / f, y, text, color or "#0b0f16", anchor))
        lane.labels.set_labels(shown)
