"""``InspectorDock``: the inspector's tabs (vectors, registers, memory, disassembly) and its
debug actions, fed with the worker's ``Inspection`` and posting typed commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ...sim import VECTOR_NAMES
from ...sim import commands as cmd
from ...sim.inspection import Inspection
from ...sim.worker import Snapshot
from .disassembly import DisassemblyView
from .memory import MemoryView
from .registers import RegisterView
from .vectors import VectorView

VECTORS_TAB, REGISTERS_TAB, MEMORY_TAB, DISASSEMBLY_TAB = range(4)


class InspectorDock(QtWidgets.QDockWidget):
    """The interrupt inspector in a dock. ``show_snapshot`` each frame; commands go out
    through ``post`` (``SimulationWorker.post``)."""

    def __init__(
        self, post: Callable[[cmd.Command], None], parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__("Interrupt inspector", parent)
        self.setObjectName("inspector")
        self._post = post
        self._shot: Inspection | None = None
        self._paused: bool | None = None
        body = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)

        self.step_over_action = self._action(
            "Step &over", "Shift+F10", cmd.StepOver(),
            "Execute one instruction; a CALL runs until it returns (pauses)",
        )  # fmt: skip
        self.run_to_irq_action = self._action(
            "Run to next &interrupt", "F8", cmd.RunToInterrupt(),
            "Run until any interrupt handler is entered, then pause at its first instruction",
        )  # fmt: skip
        bar = QtWidgets.QHBoxLayout()
        for action in (self.step_over_action, self.run_to_irq_action):
            button = QtWidgets.QToolButton()
            button.setDefaultAction(action)
            bar.addWidget(button)
        bar.addWidget(QtWidgets.QLabel("Run until"))
        self.vector_combo = QtWidgets.QComboBox()
        self.vector_combo.setObjectName("runUntilVector")
        for v, name in enumerate(VECTOR_NAMES[1:], 1):
            self.vector_combo.addItem(f"{v:2d} {name}", v)
        self.vector_combo.setCurrentIndex(6)  # TIMER2_COMPA, the course's CTC example
        self.vector_combo.setToolTip("Run until this vector's handler is entered")
        bar.addWidget(self.vector_combo)
        go = QtWidgets.QToolButton()
        go.setText("is entered")
        go.clicked.connect(lambda: self.run_until_vector(self.vector_combo.currentData()))
        bar.addWidget(go)
        self.status = QtWidgets.QLabel("")
        self.status.setObjectName("inspectorStatus")
        self.status.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        bar.addWidget(self.status, 1)
        lay.addLayout(bar)

        self.stack = QtWidgets.QStackedWidget()
        self.message = QtWidgets.QLabel("No firmware loaded")
        self.message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("inspectorMessage")
        self.tabs = QtWidgets.QTabWidget()
        self.vectors = VectorView()
        self.registers = RegisterView()
        self.memory = MemoryView()
        self.disassembly = DisassemblyView()
        self.tabs.addTab(self.vectors, "Vectors")
        self.tabs.addTab(self.registers, "Registers")
        self.tabs.addTab(self.memory, "Memory")
        self.tabs.addTab(self.disassembly, "Disassembly")
        self.tabs.currentChanged.connect(lambda _i: self._show(force=True))
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.tabs)
        lay.addWidget(self.stack, 1)
        self.setWidget(body)

        self.vectors.breakOnVector.connect(
            lambda v, on: self._post(cmd.SetBreakpoint(VECTOR_NAMES[v], on))
        )
        self.vectors.runToVector.connect(self.run_until_vector)
        self.registers.edited.connect(
            lambda name, value: self._post(cmd.WriteRegister(name, value))
        )
        self.registers.refused.connect(self._say)
        self.disassembly.breakpointToggled.connect(
            lambda where, on: self._post(cmd.SetBreakpoint(where, on))
        )
        self.disassembly.watchToggled.connect(lambda where, on: self._post(cmd.SetWatch(where, on)))

    def _action(self, text: str, key: str, command: cmd.Command, tip: str) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.setShortcut(QtGui.QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({key})")
        action.triggered.connect(lambda: self._post(command))
        return action

    # ---- public -------------------------------------------------------------------------
    @property
    def inspection(self) -> Inspection | None:
        """The inspection shown."""
        return self._shot

    def show_snapshot(self, snap: Snapshot) -> None:
        """Show the worker's latest snapshot (its ``Inspection``, when it carries a new one)."""
        if snap.paused != self._paused:
            self._paused = snap.paused
            self.registers.set_editable(snap.paused and snap.status != "no firmware")
        shot = snap.inspection
        if snap.stop_reason and snap.paused:
            self.status.setText(snap.stop_reason)
        elif self.status.text() and not snap.paused:
            self.status.setText("")
        if shot is None or shot is self._shot:
            return
        self._shot = shot
        self._show()

    def show_vector(self, vector: int) -> None:
        """Bring the vector table up with ``vector``'s row selected (the interrupt lane)."""
        self.show()
        self.raise_()
        self.tabs.setCurrentIndex(VECTORS_TAB)
        if 0 < vector < len(VECTOR_NAMES):
            self.vectors.table.setRowHidden(vector, False)
            self.vectors.table.selectRow(vector)

    def run_until_vector(self, vector: int) -> None:
        self._post(cmd.RunToInterrupt(int(vector)))

    # ---- drawing ------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _show(self, force: bool = False) -> None:
        shot = self._shot
        if shot is None:
            return
        if shot.unavailable is not None or shot.stats is None:
            self.message.setText(shot.unavailable or "Nothing to inspect")
            self.stack.setCurrentWidget(self.message)
            self.vectors.clear()
            return
        self.stack.setCurrentWidget(self.tabs)
        tab = self.tabs.currentIndex()
        if tab == VECTORS_TAB:
            self.vectors.show_stats(shot.stats, shot.breakpoints)
        elif tab == REGISTERS_TAB:
            self.registers.show_inspection(shot)
        elif tab == MEMORY_TAB:
            self.memory.show_inspection(shot)
        else:
            self.disassembly.show_inspection(shot)
