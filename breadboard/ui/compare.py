"""Compare mode: two firmwares side by side on one scope.

``CompareWindow`` runs two simulations at once (one ``SimulationWorker`` each, e.g. the
millis()-polling 100 Hz square wave and the Timer2 CTC interrupt one), stacks their D2 lanes on
one ``ScopeWidget`` (each triggered on its own D2 rising edge, with infinite persistence so
jitter shows as smeared edges) and puts their statistics next to each other in a table: the
learner sees the difference at a glance and gets the numbers for it.
"""

from __future__ import annotations

import os
import time

from PySide6 import QtCore, QtGui, QtWidgets

from ..sim import F_CPU
from ..sim import commands as cmd
from ..sim import measure as msr
from ..sim.worker import SimulationWorker, TraceChunk
from .scope import DIM_TEXT, READOUT_INTERVAL_S, ScopeWidget, format_si

__all__ = ["CompareWindow", "source_label"]

PIN = "D2"
SPEEDS = (("real time", 1.0), ("1/10 speed", 0.1), ("1/100 speed", 0.01), ("flat out", 0.0))

#: Rows of the side-by-side table: (title, function of Measurements -> text, highlighted).
_ROWS = (
    ("frequency", lambda m: format_si(m.frequency.mean, "Hz", 6), False),
    ("period mean", lambda m: format_si(m.period.mean, "s", 7), False),
    ("period min", lambda m: format_si(m.period.min, "s", 7), False),
    ("period max", lambda m: format_si(m.period.max, "s", 7), False),
    ("period std (rms jitter)", lambda m: format_si(m.period.std, "s", 4), True),
    ("period p2p jitter", lambda m: format_si(m.period.p2p, "s", 4), True),
    ("+width mean", lambda m: format_si(m.high.mean, "s", 6), False),
    ("+width p2p", lambda m: format_si(m.high.p2p, "s", 4), True),
    ("-width mean", lambda m: format_si(m.low.mean, "s", 6), False),
    ("-width p2p", lambda m: format_si(m.low.p2p, "s", 4), True),
    ("duty mean", lambda m: f"{100 * m.duty.mean:.3f} %" if m.duty.count else "—", False),
    ("half-period classes", None, True),
    ("periods measured", lambda m: str(m.period.count), False),
)


def source_label(label: str, pin: str = PIN) -> str:
    """The scope source for a lane label: "millis() D2" -> "millis()" (its lane is then named
    "millis() D2" again); a label without the pin is the source itself."""
    label = label.strip()
    suffix = " " + pin
    return label[: -len(suffix)].strip() if label.endswith(suffix) and label != suffix else label


def _classes_text(m: msr.Measurements) -> str:
    hp = msr.half_period_cycles(m.edges)
    cls = [c for c in msr.classes(hp, m.f_cpu) if c.count >= max(2, 0.01 * len(hp))]
    if not cls:
        return "—"
    return "  ".join(f"{format_si(c.median, 's', 4)} ×{c.count}" for c in cls[:4])


class CompareWindow(QtWidgets.QMainWindow):
    """Two firmwares, their D2 stacked on one scope, their statistics side by side."""

    def __init__(
        self,
        path_a: str | os.PathLike,
        path_b: str | os.PathLike,
        label_a: str = "A D2",
        label_b: str = "B D2",
        f_cpu: int = F_CPU,
        start: bool = True,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.paths = (str(path_a), str(path_b))
        self.sources = (source_label(label_a), source_label(label_b))
        if self.sources[0] == self.sources[1]:
            self.sources = (self.sources[0] + " (A)", self.sources[1] + " (B)")
        self.setWindowTitle(f"Compare: {self.sources[0]} vs {self.sources[1]} on {PIN}")
        self.f_cpu = f_cpu
        self.workers: list[SimulationWorker] = []
        self._errors = [0, 0]

        self.scope = ScopeWidget(f_cpu)
        self.scope.remove_channel(PIN)
        self.lanes = tuple(self.scope.add_channel(PIN, source=s) for s in self.sources)
        self.scope.set_timebase(2e-3)
        self.scope.set_trigger(self.lanes[0], "rising", "auto")
        self.scope.set_persistence("infinite")

        self.table = QtWidgets.QTableWidget(len(_ROWS), 2)
        self.table.setHorizontalHeaderLabels(list(self.lanes))
        self.table.setVerticalHeaderLabels([r[0] for r in _ROWS])
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(21)
        self.table.verticalHeader().setMinimumWidth(190)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        for col, lane in enumerate(self.lanes):
            head = QtWidgets.QTableWidgetItem(lane)
            head.setForeground(QtGui.QBrush(QtGui.QColor(self._lane_color(lane))))
            self.table.setHorizontalHeaderItem(col, head)
        self.note = QtWidgets.QLabel(
            "Both firmwares aim at 100 Hz on D2. Each lane is triggered on its own rising "
            "edge and every sweep is kept (infinite persistence): an edge that lands in "
            "different places smears, a steady one stays sharp. <b>p2p jitter</b> is the "
            "spread between the shortest and the longest period."
        )
        self.note.setWordWrap(True)

        side = QtWidgets.QWidget()
        side.setObjectName("compareSide")
        sl = QtWidgets.QVBoxLayout(side)
        sl.setContentsMargins(0, 4, 0, 0)
        sl.addWidget(self.table, 1)
        sl.addWidget(self.note)
        side.setStyleSheet(
            f"""
            QWidget#compareSide QLabel {{ color: {DIM_TEXT}; padding: 2px 4px; }}
            QHeaderView {{ background: #161d27; }}
            QHeaderView::section {{ background: #161d27; color: {DIM_TEXT}; border: none;
                padding: 3px 6px; }}
            """
        )
        self.scope.add_panel(side, "Side by side")
        self.setCentralWidget(self.scope)
        self._build_toolbar()
        self.resize(1440, 920)
        self.scope.set_panel_height(380)

        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self.poll)
        self._last_table = 0.0
        self._readout_due = 0.0  # when the clock in the toolbar is next rewritten
        if start:
            self.start()

    @classmethod
    def for_files(
        cls,
        path_a: str | os.PathLike,
        path_b: str | os.PathLike,
        label_a: str = "A D2",
        label_b: str = "B D2",
        **kwargs,
    ) -> CompareWindow:
        """A compare window running ``path_a`` and ``path_b`` (.hex or .elf), their D2 lanes
        named after the labels ("millis() D2", "CTC D2")."""
        return cls(path_a, path_b, label_a, label_b, **kwargs)

    # ---- running ------------------------------------------------------------------------
    def start(self) -> None:
        """Start both simulations (each in its own worker thread) and the 60 Hz poll."""
        if self.workers:
            return
        for path in self.paths:
            w = SimulationWorker(f_cpu=self.f_cpu)
            w.post(cmd.Open(path))
            w.start()
            self.workers.append(w)
        self._timer.start()

    def stop(self) -> None:
        """Stop the threads (called when the window closes)."""
        self._timer.stop()
        for w in self.workers:
            w.stop()
        for w in self.workers:
            w.join(timeout=2.0)
        self.workers = []

    def poll(self) -> None:
        """Drain both workers into the scope; refresh the table now and then."""
        if not self.workers:
            return
        self.feed(self.workers[0].drain(), self.workers[1].drain())
        for i, w in enumerate(self.workers):
            snap = w.snapshot
            if snap.error_serial != self._errors[i]:
                self._errors[i] = snap.error_serial
                self.statusBar().showMessage(f"{self.sources[i]}: {snap.error}", 10000)
        a, b = (w.snapshot for w in self.workers)
        now = time.perf_counter()
        running = a.status == "running" or b.status == "running"
        if not running or now >= self._readout_due:  # a stopped clock shows its exact time
            self._readout_due = now + READOUT_INTERVAL_S
            self.clock_label.setText(self._clock_text(a.seconds, a.status, b.seconds, b.status))

    def _clock_text(self, seconds_a: float, status_a: str, seconds_b: float, status_b: str) -> str:
        return (
            f"{self.sources[0]}: {format_si(seconds_a, 's', 5)} ({status_a})   "
            f"{self.sources[1]}: {format_si(seconds_b, 's', 5)} ({status_b})"
        )

    def feed(self, chunks_a: list[TraceChunk], chunks_b: list[TraceChunk]) -> None:
        """Feed the two sources' new chunks to the scope (tests call this directly)."""
        self.scope.feed_sources({self.sources[0]: chunks_a, self.sources[1]: chunks_b})
        now = time.perf_counter()
        if now - self._last_table >= 0.5:
            self._last_table = now
            self.update_table()

    def update_table(self) -> None:
        """Recompute the side-by-side statistics."""
        for col, lane in enumerate(self.lanes):
            m = self.scope.measure(lane)
            for row, (_, fn, hot) in enumerate(_ROWS):
                text = _classes_text(m) if fn is None else fn(m)
                item = self.table.item(row, col)
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    item.setTextAlignment(
                        QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignRight
                    )
                    if hot:
                        item.setForeground(QtGui.QBrush(QtGui.QColor("#fca5a5")))
                    self.table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)

    def statistics(self) -> dict[str, msr.Measurements]:
        """The measurements of both lanes, by lane name."""
        return {lane: self.scope.measure(lane) for lane in self.lanes}

    # ---- UI -----------------------------------------------------------------------------
    def _lane_color(self, lane: str) -> str:
        return self.scope.lane(lane).color

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Compare")
        tb.setObjectName("compareToolbar")
        tb.setMovable(False)
        run = tb.addAction("Pause both")
        run.setCheckable(True)
        run.toggled.connect(self._pause)
        restart = tb.addAction("Restart both")
        restart.triggered.connect(self.restart)
        tb.addSeparator()
        tb.addWidget(QtWidgets.QLabel(" Speed "))
        speed = QtWidgets.QComboBox()
        for text, factor in SPEEDS:
            speed.addItem(text, factor)
        speed.activated.connect(lambda i: self._post(cmd.SetSpeed(speed.itemData(i))))
        tb.addWidget(speed)
        tb.addSeparator()
        self.clock_label = QtWidgets.QLabel("")
        # wide enough for the longest clock: a toolbar does not widen a label as its text grows
        widest = self._clock_text(8888.8888, "no firmware", 8888.8888, "no firmware")
        self.clock_label.setMinimumWidth(self.clock_label.fontMetrics().horizontalAdvance(widest))
        tb.addWidget(self.clock_label)

    def _post(self, command: cmd.Command) -> None:
        for w in self.workers:
            w.post(command)

    def _pause(self, paused: bool) -> None:
        self._post(cmd.Pause() if paused else cmd.Run())

    def restart(self) -> None:
        """Power-cycle both simulations together (their captures start over)."""
        self._post(cmd.PowerCycle())
        self._post(cmd.Run())
        self.scope.run()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 - Qt name
        self.stop()
        super().closeEvent(event)
