"""``ScopeWidget``: the oscilloscope's public API, its plot and lanes, redrawn each frame from
the capture it is fed."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...sim import F_CPU
from ...sim import measure as msr
from ...sim.capture import (
    DIGITAL_SUFFIX,
    EDGES,
    MODES,
    Capture,
    Captures,
    Series,
    canonical_pin,
    channel_id,
    default_kind,
    write_channels_vcd,
    write_edges_csv,
)
from ...sim.trace import FLOATING
from ...sim.worker import TraceChunk
from .cursors import CursorsMixin
from .display import (
    DIVISIONS,
    FADE_HALF_LIFE_S,
    MAX_SWEEPS_PER_FRAME,
    PERSISTENCE,
    READOUT_INTERVAL_S,
    TRIGGER_DIV,
)
from .items import Bars, Curve, LaneAxis
from .lanes import Lane, Reference, make_items
from .measuring import MeasuringMixin
from .panels import HistogramPanel, MeasurementTable
from .phosphor import Phosphor
from .render import LanePainter
from .style import (
    BACKGROUND,
    DIM_TEXT,
    GRID,
    LANE_COLORS,
    REF_COLOR,
    STATE_COLORS,
    STYLE,
    TEXT,
    TRIGGER_COLOR,
    format_si,
    timebase_text,
    vector_color,
    vector_name,
)
from .toolbar import ScopeToolbar


class ScopeWidget(MeasuringMixin, CursorsMixin, QtWidgets.QWidget):
    """The oscilloscope. Feed it trace chunks; it keeps a bounded capture and draws it."""

    #: The lane colours, in the order new lanes take them.
    LANE_COLORS = LANE_COLORS

    #: Emitted when the running state changes (True = running).
    runningChanged = QtCore.Signal(bool)  # noqa: N815 - Qt naming
    #: Double-click on the interrupt lane: the vector of the row (0 when the lane is empty).
    interruptLaneActivated = QtCore.Signal(int)  # noqa: N815 - Qt naming

    def __init__(self, f_cpu: int = F_CPU, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scope")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.f_cpu = int(f_cpu)
        self.captures = Captures(self.f_cpu)
        self._lanes: list[Lane] = []
        self._extra_lanes: list[Lane] = []  # references whose channel has no lane of its own
        self._refs: dict[str, Reference] = {}
        self._running = True
        self._mode = "auto"
        self._edge = "rising"
        self._trigger = "D2"
        self._holdoff = 0.0
        self._timebase = 2e-3
        self._position = 0.0
        self._persistence = "off"
        self._setting_range = False
        self._last_measure = 0.0
        self._last_frame = time.perf_counter()
        self._status = "roll"
        self._shown_status: tuple = ()  # what the status line shows, but its running numbers
        self._readout_due = 0.0  # when the status line's running numbers are next rewritten
        self._measure_cache: dict[str, tuple[tuple, msr.Measurements]] = {}
        self._expect: dict[str, dict[str, float]] = {}
        self._panel_tick = 0
        self._panel_height: int | None = None
        self._total_height: float | None = None  # set by the first layout
        self._tick_spacing: float | None = None
        self._origins: dict[str, tuple[int | None, str]] = {}
        self._build_ui()
        self.add_channel("D2")
        self._sync_controls()
        self._render()

    def interrupt_at(self, y: float) -> int | None:
        """The vector whose interrupt-lane row is at plot height ``y`` (0: an empty interrupt
        lane), None when ``y`` is not on an interrupt lane."""
        for lane in self._lanes:
            if lane.kind == "irq" and lane.y0 <= y < lane.y0 + lane.height:
                if not lane.vectors:
                    return 0
                row = int((y - lane.y0) / (lane.height / len(lane.vectors)))
                return lane.vectors[min(row, len(lane.vectors) - 1)]
        return None

    def _on_scene_click(self, event) -> None:
        if not event.double():
            return
        vector = self.interrupt_at(self._plot.vb.mapSceneToView(event.scenePos()).y())
        if vector is not None:
            self.interruptLaneActivated.emit(vector)

    # ================================================================== feeding
    def feed(self, chunks: Iterable[TraceChunk], source: str = "") -> None:
        """Take new trace chunks (from ``SimulationWorker.drain()``) of simulation ``source``
        ("" for the main one) and redraw. A chunk with ``reset=True`` clears that source's
        capture (references stay)."""
        self.feed_sources({source: chunks})

    def feed_sources(self, chunks_by_source: dict[str, Iterable[TraceChunk]]) -> None:
        """``feed`` for several simulations at once, redrawn once (compare mode)."""
        fed = []
        for label, chunks in chunks_by_source.items():
            resets = self.captures.source(label).resets
            if self.captures.feed(label, chunks):
                fed.append(label)
            if self.captures.source(label).resets != resets:
                self.phosphor.clear()
        if not fed:
            return
        self._update_lanes_for_new_vectors()
        if self._running and self._mode != "roll":
            for label in fed:
                self._acquire(self.captures.sources[label])
        self._frame_done()

    def capture(self, source: str = "") -> Capture:
        """What was captured from simulation ``source`` ("" the main one)."""
        if source not in self.captures.sources:
            raise KeyError(f"no source {source!r} on the scope")
        return self.captures.sources[source]

    def sources(self) -> list[str]:
        """The labels of the simulations feeding the scope ("" the main one)."""
        return list(self.captures.sources)

    def set_history(self, seconds: float) -> None:
        """How much simulated time of capture to keep (memory stays bounded)."""
        self.captures.history_seconds = max(0.01, float(seconds))

    # ================================================================== channels
    def add_channel(
        self, pin: str, source: str = "", kind: str = "auto", color: str | None = None
    ) -> str:
        """Show ``pin`` ("D0".."D13", "A0".."A5", or "IRQ") of ``source`` as a lane; returns the
        channel id ("D2", or "<source> D2"). A0-A5 are analog lanes unless kind="digital"
        (then the id is "A0 dig"; a channel id "A0 dig" is taken as that too). ``color``: the
        lane's colour (default: the first of ``LANE_COLORS`` no lane has)."""
        if kind == "auto" and str(pin).strip().upper().endswith(DIGITAL_SUFFIX.upper()):
            kind = "digital"
        pin = canonical_pin(pin)
        if kind == "auto":
            kind = default_kind(pin)
        if kind not in ("digital", "analog", "irq"):
            raise ValueError(f"unknown channel kind {kind!r}")
        self.captures.source(source)
        cid = channel_id(pin, source, kind)
        if any(lane.id == cid for lane in self._lanes):
            return cid
        if color is None:
            used = {lane.color for lane in self._lanes}
            color = next((c for c in LANE_COLORS if c not in used), LANE_COLORS[len(used) % 8])
        self._lanes.append(Lane(cid, kind, source, pin, color))
        self._relayout()
        return cid

    def remove_channel(self, channel: str) -> None:
        """Take a lane away (its data stays captured)."""
        lane = next((x for x in self._lanes if x.id == channel), None)
        if lane is None:
            raise KeyError(f"no channel {channel!r} on the scope")
        self._drop_lane_items(lane)
        self._lanes.remove(lane)
        self._relayout()

    def lane_color(self, channel: str) -> str:
        """The colour of a lane (KeyError for a channel not on the scope)."""
        lane = next((x for x in self._lanes if x.id == channel), None)
        if lane is None:
            raise KeyError(f"no channel {channel!r} on the scope")
        return lane.color

    def channels(self) -> list[str]:
        """The channel ids of the lanes, top to bottom (references not included)."""
        return [lane.id for lane in self._lanes]

    def digital_channels(self) -> list[str]:
        """The ids of the digital lanes, top to bottom (those a trigger or histogram can use)."""
        return [lane.id for lane in self._digital_lanes()]

    def lane_ids(self) -> list[str]:
        """Every lane top to bottom: the channels, then references shown in lanes of their own."""
        return [lane.id for lane in self._lanes + self._extra_lanes]

    def lane(self, channel: str) -> Lane | None:
        """The lane of a channel id (or of a reference shown in its own lane), or None."""
        return next((x for x in self._lanes + self._extra_lanes if x.id == channel), None)

    def lane_points(self, channel: str, reference: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The (x seconds, y) points drawn for a lane's curve, or with ``reference`` for the
        reference overlaid on it."""
        lane = self.lane(channel)
        if lane is None:
            raise KeyError(f"no channel {channel!r} on the scope")
        items = [i for i in lane.items if isinstance(i, Curve)]
        k = 1 if reference else 0
        if len(items) <= k:
            raise KeyError(f"{channel!r} has no {'reference' if reference else 'curve'} drawn")
        return items[k].points()

    def lane_labels(self) -> dict[str, str]:
        """The names on the left axis (lanes, and interrupt vectors by name) -> their colour."""
        return dict(self._axis.colors)

    @staticmethod
    def channel_id(pin: str, source: str = "", kind: str = "auto") -> str:
        return channel_id(pin, source, kind)

    # ================================================================== knobs
    def set_timebase(self, seconds_per_div: float) -> None:
        """Seconds per division (10 divisions across), 1 µs .. 10 s."""
        tb = float(min(max(seconds_per_div, 1e-6), 10.0))
        if tb == self._timebase:
            return
        self._timebase = tb
        self._sync_controls()
        self._render()

    def timebase(self) -> float:
        return self._timebase

    def set_position(self, seconds: float) -> None:
        """Horizontal position: shifts the window by ``seconds`` (later is positive)."""
        self._position = float(seconds)
        self._sync_controls()
        self._render()

    def position(self) -> float:
        """The horizontal position in seconds (see ``set_position``)."""
        return self._position

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
        self.phosphor.clear()
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

    def status(self) -> str:
        """The acquisition state: "trig'd", "auto", "waiting", "roll" or "stopped"."""
        return self._status if self._running else "stopped"

    def sweeps(self) -> int:
        """Triggered sweeps acquired since the trigger was last armed (all sources)."""
        return self.captures.sweeps()

    # ================================================================== view
    @property
    def view_box(self) -> pg.ViewBox:
        """The plot's view box: where the mouse pans and zooms (x in seconds)."""
        return self._plot.vb

    def view_range(self) -> tuple[float, float]:
        """The time span on show, in seconds from the trigger (absolute in roll mode)."""
        (x0, x1), _ = self._plot.vb.viewRange()
        return x0, x1

    def plotted_points(self, channel: str) -> int:
        """Number of points currently drawn for a lane (decimation check)."""
        lane = self.lane(channel)
        if lane is None:
            return 0
        total = 0
        for item in lane.items:
            if isinstance(item, Curve):
                total += len(item.points()[0])
            elif isinstance(item, Bars):
                total += 5 * item.n
        return total

    def plot_width_px(self) -> int:
        w = int(self._plot.vb.width())
        return w if w >= 50 else 1000

    # ================================================================== references
    def store_reference(self, pin: str) -> str:
        """Keep channel ``pin``'s capture as a reference trace, overlaid on its lane (or shown
        in a lane of its own); references survive resets and new firmware. Returns its name."""
        lane = self.lane(pin)
        cid = lane.id if lane else pin
        src, spin, kind = self.captures.resolve(cid)
        if kind == "irq":
            raise ValueError("the interrupt lane cannot be stored as a reference")
        series = (src.analog if kind == "analog" else src.pins).get(spin)
        if series is None:
            series = Series(kind != "analog", FLOATING if kind != "analog" else 0)
        origin = src.display_trigger if self._mode != "roll" else None
        name = f"REF {cid}"
        self._refs[cid] = Reference(name, cid, kind, series.copy(), origin, src.end)
        self._relayout()
        return name

    def clear_references(self) -> None:
        self._refs.clear()
        self._relayout()

    def references(self) -> list[str]:
        return [r.name for r in self._refs.values()]

    def reference(self, name: str) -> Reference:
        """A stored reference by its name ("REF D2") or its channel ("D2")."""
        for r in self._refs.values():
            if name in (r.name, r.channel):
                return r
        raise KeyError(f"no reference {name!r}")

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
        if self._panel_height:
            QtCore.QTimer.singleShot(0, lambda: self.set_panel_height(self._panel_height or 0))

    # ================================================================== exports
    def export_vcd(self, path: str | os.PathLike) -> None:
        """Every digital channel's capture as a VCD (one wire per lane, exact cycle times)."""
        lanes = self._digital_lanes()
        channels = {x.id: self.captures.sources[x.source].series(x.pin) for x in lanes}
        end = max((self.captures.sources[x.source].end for x in lanes), default=0)
        write_channels_vcd(path, channels, self.f_cpu, end)

    def export_csv(self, path: str | os.PathLike) -> None:
        """Every level change of every digital channel: channel, cycle, time_s, level, edge."""
        channels = {
            x.id: self.captures.sources[x.source].series(x.pin) for x in self._digital_lanes()
        }
        write_edges_csv(path, channels, self.f_cpu)

    def export_png(self, path: str | os.PathLike) -> None:
        """A picture of the whole scope (plot, measurements and histogram)."""
        self._render()
        self._update_panels(force=True)
        QtWidgets.QApplication.processEvents()
        if not self.grab().save(str(path)):
            raise OSError(f"could not write {path}")

    # ================================================================== building the UI
    def _build_ui(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self._toolbar = ScopeToolbar(self)
        lay.addLayout(self._toolbar)

        self._glw = pg.GraphicsLayoutWidget()
        self._glw.setBackground(BACKGROUND)
        self._axis = LaneAxis()
        bottom = pg.AxisItem("bottom")
        bottom.setLabel("time", units="s")
        for ax in (self._axis, bottom):
            ax.setPen(pg.mkPen(GRID))
            ax.setTextPen(pg.mkPen(TEXT))
        self._plot = self._glw.addPlot(axisItems={"left": self._axis, "bottom": bottom})
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._painter = LanePainter(self._plot, self.f_cpu)
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
        self._glw.scene().sigMouseClicked.connect(self._on_scene_click)
        vb.sigXRangeChanged.connect(self._on_x_range)
        vb.sigResized.connect(self._on_resize)
        #: The persistence image (triggered sweeps accumulated).
        self.phosphor = Phosphor(self._plot)
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
        # the state in its colour (rich text, rewritten when the state changes), then the
        # settings and running numbers (plain text, rewritten at most every READOUT_INTERVAL_S)
        self._state_label = QtWidgets.QLabel(textFormat=QtCore.Qt.TextFormat.RichText)
        self._state_label.setProperty("role", "status")
        self._status_label = QtWidgets.QLabel(textFormat=QtCore.Qt.TextFormat.PlainText)
        self._status_label.setProperty("role", "status")
        self._cursor_label = QtWidgets.QLabel()
        self._cursor_label.setProperty("role", "status")
        status.addWidget(self._state_label)
        status.addWidget(self._status_label, 1)
        status.addWidget(self._cursor_label)

        self._table = MeasurementTable()
        self._histogram = HistogramPanel()
        self._histogram.changed.connect(self.refresh_panels)

        self._tabs = QtWidgets.QTabWidget()
        self._tabs.setDocumentMode(True)
        self._tabs.addTab(self._table, "Measurements")
        lower = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        lower.addWidget(self._tabs)
        lower.addWidget(self._histogram)
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

    def _sync_controls(self) -> None:
        self._toolbar.sync()
        self._histogram.set_channels(self.digital_channels())

    # ================================================================== triggering
    def _window(self) -> tuple[float, float]:
        """(left, right) of the triggered window, in seconds relative to the trigger."""
        left = -TRIGGER_DIV * self._timebase + self._position
        return left, left + DIVISIONS * self._timebase

    def _rearm(self) -> None:
        self.captures.rearm()
        self.phosphor.clear()

    def _acquire(self, src: Capture) -> None:
        """Find the sweeps of ``src`` completed by the new data; show the newest, add them all
        (up to a per-frame cap) to the persistence image."""
        single = self._mode == "single"
        complete = src.acquire(
            self.captures.trigger_pin(self._trigger),
            self._edge,
            int(self._holdoff * self.f_cpu),
            int(self._window()[1] * self.f_cpu),
            single=single,
        )
        if len(complete) == 0:
            return
        if self._persistence != "off":
            self._ensure_phosphor(self.plot_width_px())
            self.phosphor.add_sweeps(
                self._lanes, src, complete[-MAX_SWEEPS_PER_FRAME:], self._window(), self.f_cpu
            )
        if single:
            self._render()  # show the caught sweep, then freeze on it
            self._set_running(False)
            self._sync_controls()

    def _origin(self, src: Capture) -> tuple[int | None, str]:
        """The cycle at x = 0 for ``src``'s lanes and the acquisition state."""
        return src.origin(
            self._mode,
            int(DIVISIONS * self._timebase * self.f_cpu),
            int(self._window()[1] * self.f_cpu),
            self.f_cpu // 10,
        )

    # ================================================================== lanes and layout
    def _digital_lanes(self) -> list[Lane]:
        return [lane for lane in self._lanes if lane.kind == "digital"]

    def _drop_lane_items(self, lane: Lane) -> None:
        for item in lane.items:
            self._plot.removeItem(item)
        lane.items.clear()

    def _ref_lanes(self) -> list[Lane]:
        shown = {lane.id for lane in self._lanes}
        return [
            Lane(ref.name, "ref", "", ref.channel, REF_COLOR)
            for ref in self._refs.values()
            if ref.channel not in shown
        ]

    def _update_lanes_for_new_vectors(self) -> None:
        for lane in self._lanes:
            if lane.kind == "irq":
                vectors = sorted(self.captures.sources[lane.source].irq)
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
        for lane in self._extra_lanes:
            self._drop_lane_items(lane)
        self._extra_lanes = self._ref_lanes()
        lanes = self._lanes + self._extra_lanes
        heights = []
        for lane in lanes:
            if lane.kind == "irq":
                lane.vectors = sorted(self.captures.sources[lane.source].irq)
                heights.append(max(1.0, 0.6 * len(lane.vectors)))
            elif lane.kind == "analog" or (
                lane.kind == "ref" and self.reference(lane.id).kind == "analog"
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
            make_items(self._plot, lane, lane.kind != "ref" and lane.id in self._refs)
            if lane.kind == "irq":
                rowh = h / max(1, len(lane.vectors))
                names = self.captures.sources[lane.source].vector_names
                for j, v in enumerate(lane.vectors):
                    name = vector_name(v, names)
                    label = f"{lane.source}: {name}" if lane.source else name
                    ticks.append((lane.y0 + (j + 0.5) * rowh, label))
                    self._axis.colors[label] = vector_color(v)
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
        self.phosphor.clear()
        self._sync_controls()
        self._render()

    # ================================================================== drawing
    def _frame_done(self) -> None:
        now = time.perf_counter()
        dt = now - self._last_frame
        self._last_frame = now
        if self._persistence == "fading" and self._running:
            self.phosphor.fade(0.5 ** (min(dt, 0.5) / FADE_HALF_LIFE_S))
        self._render()
        self._update_panels()

    def _on_resize(self, *_args) -> None:
        self.phosphor.clear()
        self._render()

    def _on_manual_range(self, *_args) -> None:
        """The user panned or zoomed: the knobs follow the view."""
        x0, x1 = self.view_range()
        self._plot.vb.setYRange(0.0, self._total_height, padding=0.0)
        span = x1 - x0
        if span <= 0:
            return
        self._timebase = span / DIVISIONS
        if self._mode == "roll":
            self._position = x1 - self.captures.end() / self.f_cpu
        else:
            self._position = x0 + TRIGGER_DIV * self._timebase
        self._sync_controls()
        self._render(keep_range=True)

    def _on_x_range(self, *_args) -> None:
        if not self._setting_range and not self._running:
            self._render(keep_range=True)

    def _display_window(self) -> tuple[float, float]:
        if self._mode == "roll":
            right = self.captures.end() / self.f_cpu + self._position
            return right - DIVISIONS * self._timebase, right
        return self._window()

    def _render(self, keep_range: bool = False) -> None:
        """Redraw every lane for the current window."""
        if self._total_height is None:
            return  # no lanes laid out yet
        vb = self._plot.vb
        if self._running and not keep_range:
            x0, x1 = self._display_window()
            self._setting_range = True
            try:
                vb.setXRange(x0, x1, padding=0.0)
            finally:
                self._setting_range = False
            self._origins = {lbl: self._origin(s) for lbl, s in self.captures.sources.items()}
        elif not self._origins:
            self._origins = {lbl: self._origin(s) for lbl, s in self.captures.sources.items()}
        x0, x1 = self.view_range()
        width = self.plot_width_px()
        states = {st for _, st in self._origins.values()}
        self._status = (
            "trig'd" if "trig'd" in states else "auto" if "auto" in states else next(iter(states))
        )
        nice = msr.nice_125(self._timebase * 0.999)
        if nice != self._tick_spacing:
            self._tick_spacing = nice
            self._plot.getAxis("bottom").setTickSpacing(nice, nice / 5)
        k0, k1 = math.ceil(x0 / nice - 1e-9), math.floor(x1 / nice + 1e-9)
        if k1 - k0 < 200:
            gx = np.repeat(np.arange(k0, k1 + 1) * nice, 2)
            gy = np.tile([0.0, self._total_height], k1 - k0 + 1)
            self._graticule.setData(gx, gy)
        roll = self._mode == "roll"
        for lane in self._lanes:
            src = self.captures.sources[lane.source]
            origin, _ = self._origins.get(lane.source, (None, "waiting"))
            ref = self._refs.get(lane.id)
            self._painter.draw_lane(lane, src, origin, x0, x1, width, ref, roll)
        for lane in self._extra_lanes:
            self._painter.draw_ref(lane, self.reference(lane.id), x0, x1, width, roll)
        triggered = not roll
        self._trig_line.setVisible(triggered)
        self._trig_text.setVisible(triggered)
        if triggered:
            self._trig_text.setPos(0.0, self._total_height)
        if self._persistence != "off" and triggered:
            self._ensure_phosphor(width)
            self.phosphor.render_soon()
        elif self.phosphor.acc is not None:
            self.phosphor.clear()
        self._overlay.setPos(x1, 0.0)
        for lane in self._lanes:
            if lane.readout is not None:
                lane.readout.setPos(x1, lane.y0 + lane.height + 0.02)
        self._update_status()

    def _ensure_phosphor(self, width: int) -> None:
        height = max(50, int(self._plot.vb.height()))
        lanes = tuple((lane.id, lane.y0, lane.height, tuple(lane.vectors)) for lane in self._lanes)
        key = (width, height, self._window(), lanes, self._trigger, self._edge, self._mode)
        self.phosphor.fit(key, width, height, self._window(), self._total_height, self._lanes)

    # ================================================================== readouts
    def _set_running(self, on: bool) -> None:
        if on != self._running:
            self._running = on
            self.runningChanged.emit(on)

    def _update_status(self) -> None:
        state = self.status()
        base = timebase_text(self._timebase)
        trig = "" if self._mode == "roll" else f"   trigger {self._trigger} {self._edge}"
        persist = f"   persistence {self._persistence}" if self._persistence != "off" else ""
        shown = (state, base, trig, persist, self._mode)
        now = time.monotonic()
        if shown == self._shown_status and self._running and now < self._readout_due:
            return  # only the running numbers changed, and they were rewritten just now
        if shown[:2] != self._shown_status[:2]:
            self._state_label.setText(
                f"<span style='color:{STATE_COLORS.get(state, TEXT)}'>● {state.upper()}</span>"
            )
            self._overlay.setText(f"{base}  {state.upper()}")
        self._shown_status = shown
        self._readout_due = now + READOUT_INTERVAL_S
        sweeps = f"   sweeps {self.sweeps()}" if self._mode != "roll" else ""
        end = format_si(self.captures.end() / self.f_cpu, "s", 6)
        self._status_label.setText(
            f"   {base}   mode {self._mode}{trig}{sweeps}{persist}   t = {end}"
        )
