"""The scope's lanes (one row of the display each: a pin, an analog voltage, the interrupt
handlers, or a stored reference), where a value sits in its lane, and each lane's plot items."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...sim.capture import Series
from .items import Bars, Curve, Labels
from .style import IOFF_COLOR, LONG_ISR_COLOR, REF_COLOR, vector_color

ANALOG_FULL_SCALE_UV = 5_000_000
_RANK_Y = np.array([0.14, 0.47, 0.80])  # height within a lane, per rank (LOW, FLOATING, HIGH)


@dataclass
class Lane:
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
    labels: Labels | None = None  # an interrupt lane's names on its bars, its warnings
    readout: pg.TextItem | None = None  # quick measurements in the lane's corner
    band: Bars | None = None  # fast toggling drawn as a filled band
    #: interrupt lane's teaching warnings: outlines of long handlers, hatched I = 0 stretches
    long_isr: Bars | None = None
    ioff: Bars | None = None


@dataclass
class Reference:
    """A channel's capture kept as a reference trace."""

    name: str
    channel: str
    kind: str
    series: Series
    origin: int | None  # the trigger cycle the stored sweep was aligned to (None: absolute)
    end: int  # the capture's last cycle when it was stored


def lane_y(lane: Lane, vals: np.ndarray, kind: str) -> np.ndarray:
    """Plot heights of values in ``lane``: digital ranks, or analog microvolts (0-5 V)."""
    if kind == "analog":
        frac = np.clip(vals / ANALOG_FULL_SCALE_UV, 0.0, 1.0)
        return lane.y0 + lane.height * (0.08 + 0.84 * frac)
    return lane.y0 + lane.height * _RANK_Y[vals]


def make_items(plot: pg.PlotItem, lane: Lane, with_ref: bool) -> None:
    """Create ``lane``'s plot items: its curve first (then the overlaid reference curve when
    ``with_ref``, a band and a readout for a digital lane), or one bar item per vector."""
    color = QtGui.QColor(lane.color)
    if lane.kind in ("digital", "analog"):
        if with_ref:
            ref_item = Curve(pg.mkPen(QtGui.QColor(255, 255, 255, 110), width=3))
            ref_item.setZValue(1)
            plot.addItem(ref_item)
            lane.items.append(ref_item)
        item = Curve(pg.mkPen(color, width=1.6))
        item.setZValue(2)
        plot.addItem(item)
        lane.items.insert(0, item)
        if lane.kind == "digital":
            lane.band = Bars(lane.color, alpha=120)
            lane.band.setZValue(2)
            plot.addItem(lane.band)
            lane.items.append(lane.band)
            lane.readout = pg.TextItem("", color=lane.color, anchor=(1.0, 0.0))
            lane.readout.setZValue(8)
            plot.addItem(lane.readout, ignoreBounds=True)
            lane.items.append(lane.readout)
    elif lane.kind == "ref":
        item = Curve(
            pg.mkPen(QtGui.QColor(REF_COLOR), width=1.4, style=QtCore.Qt.PenStyle.DashLine)
        )
        plot.addItem(item)
        lane.items.append(item)
    elif lane.kind == "irq":
        for v in lane.vectors:
            item = Bars(vector_color(v))
            item.setZValue(2)
            plot.addItem(item)
            lane.items.append(item)
        lane.ioff = Bars(IOFF_COLOR, alpha=110, pattern=QtCore.Qt.BrushStyle.BDiagPattern)
        lane.ioff.setZValue(1)
        lane.long_isr = Bars(LONG_ISR_COLOR, alpha=0, pen_width=2.0)
        lane.long_isr.setZValue(3)
        for item in (lane.ioff, lane.long_isr):
            plot.addItem(item)
            lane.items.append(item)
        lane.labels = Labels()
        lane.labels.setZValue(6)
        plot.addItem(lane.labels, ignoreBounds=True)
        lane.items.append(lane.labels)
