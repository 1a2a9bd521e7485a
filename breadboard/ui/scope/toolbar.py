"""The scope's knobs: run/stop, single, time base, position, trigger, persistence, channels,
cursors, references and exports, each turned into a call of ``ScopeWidget``'s public API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtWidgets

from ...sim import parse_time
from ...sim.capture import ANALOG_PINS, DIGITAL_PINS, EDGES, IRQ, MODES, channel_id
from .display import PERSISTENCE, TIMEBASES
from .panels import dim_label
from .style import timebase_text

if TYPE_CHECKING:
    from .widget import ScopeWidget


class ScopeToolbar(QtWidgets.QHBoxLayout):
    """The row of controls above the plot; ``sync`` shows the scope's settings on them."""

    def __init__(self, scope: ScopeWidget) -> None:
        super().__init__()
        self.scope = scope
        self.setSpacing(6)

        self.run_btn = QtWidgets.QToolButton()
        self.run_btn.setCheckable(True)
        self.run_btn.clicked.connect(lambda on: scope.run() if on else scope.stop())
        self.run_btn.setMinimumWidth(64)
        self.addWidget(self.run_btn)
        single = QtWidgets.QToolButton()
        single.setText("Single")
        single.setToolTip("Arm for one triggered sweep, then stop")
        single.clicked.connect(scope.single)
        self.addWidget(single)
        self.addSpacing(8)

        self.addWidget(dim_label("Time"))
        self.tb_combo = QtWidgets.QComboBox()
        self.tb_combo.setEditable(True)
        self.tb_combo.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        for tb in TIMEBASES:
            self.tb_combo.addItem(timebase_text(tb), tb)
        self.tb_combo.setMinimumContentsLength(9)
        self.tb_combo.activated.connect(
            lambda i: scope.set_timebase(float(self.tb_combo.itemData(i)))
        )
        self.tb_combo.lineEdit().editingFinished.connect(self._on_timebase_text)
        self.tb_combo.setToolTip("Seconds per division (10 divisions); type e.g. 3ms")
        self.addWidget(self.tb_combo)
        self.addWidget(dim_label("Pos"))
        self.pos_spin = QtWidgets.QDoubleSpinBox()
        self.pos_spin.setMaximumWidth(110)
        self.pos_spin.setRange(-1e6, 1e6)
        self.pos_spin.setDecimals(2)
        self.pos_spin.setSingleStep(0.5)
        self.pos_spin.setSuffix(" div")
        self.pos_spin.setToolTip("Horizontal position in divisions (drag the plot to pan)")
        self.pos_spin.valueChanged.connect(lambda divs: scope.set_position(divs * scope.timebase()))
        self.addWidget(self.pos_spin)
        self.addSpacing(8)

        self.addWidget(dim_label("Trigger"))
        self.trig_combo = QtWidgets.QComboBox()
        self.trig_combo.setMinimumContentsLength(6)
        self.trig_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.trig_combo.activated.connect(self._on_trigger_controls)
        self.addWidget(self.trig_combo)
        self.edge_combo = QtWidgets.QComboBox()
        for e, sym in (("rising", "↑ rising"), ("falling", "↓ falling"), ("either", "↕ either")):
            self.edge_combo.addItem(sym, e)
        self.edge_combo.activated.connect(self._on_trigger_controls)
        self.addWidget(self.edge_combo)
        self.mode_combo = QtWidgets.QComboBox()
        for m in MODES:
            self.mode_combo.addItem(m, m)
        self.mode_combo.activated.connect(self._on_trigger_controls)
        self.addWidget(self.mode_combo)
        self.addWidget(dim_label("Holdoff"))
        self.holdoff_spin = QtWidgets.QDoubleSpinBox()
        self.holdoff_spin.setMaximumWidth(110)
        self.holdoff_spin.setRange(0.0, 10_000.0)
        self.holdoff_spin.setDecimals(3)
        self.holdoff_spin.setSuffix(" ms")
        self.holdoff_spin.setToolTip("Least time between two accepted triggers")
        self.holdoff_spin.editingFinished.connect(self._on_trigger_controls)
        self.addWidget(self.holdoff_spin)
        self.addSpacing(8)

        self.addWidget(dim_label("Persist"))
        self.persist_combo = QtWidgets.QComboBox()
        for p in PERSISTENCE:
            self.persist_combo.addItem(p, p)
        self.persist_combo.activated.connect(
            lambda i: scope.set_persistence(self.persist_combo.itemData(i))
        )
        self.addWidget(self.persist_combo)
        self.addStretch(1)

        self.chan_btn = QtWidgets.QToolButton()
        self.chan_btn.setText("Channels")
        self.chan_btn.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.chan_menu = QtWidgets.QMenu(self.chan_btn)
        self.chan_menu.aboutToShow.connect(self._fill_channel_menu)
        self.chan_btn.setMenu(self.chan_menu)
        self.addWidget(self.chan_btn)
        self.cursor_btn = QtWidgets.QToolButton()
        self.cursor_btn.setText("Cursors")
        self.cursor_btn.setCheckable(True)
        self.cursor_btn.toggled.connect(scope.show_cursors)
        self.addWidget(self.cursor_btn)
        self.ref_btn = QtWidgets.QToolButton()
        self.ref_btn.setText("REF")
        self.ref_btn.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.ref_menu = QtWidgets.QMenu(self.ref_btn)
        self.ref_menu.aboutToShow.connect(self._fill_ref_menu)
        self.ref_btn.setMenu(self.ref_menu)
        self.addWidget(self.ref_btn)
        exp = QtWidgets.QToolButton()
        exp.setText("Export")
        exp.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(exp)
        menu.addAction("Waveforms as VCD…", lambda: self._export_dialog("vcd"))
        menu.addAction("Edges as CSV…", lambda: self._export_dialog("csv"))
        menu.addAction("Picture as PNG…", lambda: self._export_dialog("png"))
        exp.setMenu(menu)
        self.addWidget(exp)

    def sync(self) -> None:
        """Show the scope's current settings on the controls (without their signals firing)."""
        scope = self.scope
        widgets = (self.tb_combo, self.pos_spin, self.trig_combo, self.edge_combo,
                   self.mode_combo, self.holdoff_spin, self.persist_combo, self.run_btn)  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        try:
            timebase = scope.timebase()
            trigger, edge, mode, holdoff = scope.trigger()
            i = next((k for k, tb in enumerate(TIMEBASES) if abs(tb / timebase - 1) < 1e-9), -1)
            if i >= 0:
                self.tb_combo.setCurrentIndex(i)
            self.tb_combo.setEditText(timebase_text(timebase))
            self.pos_spin.setValue(scope.position() / timebase)
            self.trig_combo.clear()
            for cid in scope.digital_channels():
                self.trig_combo.addItem(cid, cid)
            k = self.trig_combo.findData(trigger)
            if k < 0:
                self.trig_combo.addItem(trigger, trigger)
                k = self.trig_combo.count() - 1
            self.trig_combo.setCurrentIndex(k)
            self.edge_combo.setCurrentIndex(EDGES.index(edge))
            self.mode_combo.setCurrentIndex(MODES.index(mode))
            self.holdoff_spin.setValue(holdoff * 1e3)
            self.persist_combo.setCurrentIndex(PERSISTENCE.index(scope.persistence()))
            running = scope.is_running()
            self.run_btn.setChecked(running)
            self.run_btn.setText("■ Stop" if running else "▶ Run")
            color = "#14532d" if running else "#7f1d1d"
            self.run_btn.setStyleSheet(f"QToolButton {{ background: {color}; }}")
        finally:
            for w in widgets:
                w.blockSignals(False)

    def _on_timebase_text(self) -> None:
        scope = self.scope
        text = self.tb_combo.currentText().replace("/div", "").replace(" ", "")
        try:
            cycles = parse_time(text.replace("µ", "u"), scope.f_cpu)
        except ValueError:
            self.sync()
            return
        if cycles > 0:
            scope.set_timebase(cycles / scope.f_cpu)

    def _on_trigger_controls(self, *_args) -> None:
        self.scope.set_trigger(
            self.trig_combo.currentData() or self.scope.trigger()[0],
            self.edge_combo.currentData(),
            self.mode_combo.currentData(),
            self.holdoff_spin.value() / 1e3,
        )

    def _fill_channel_menu(self) -> None:
        scope = self.scope
        menu = self.chan_menu
        menu.clear()
        shown = set(scope.channels())
        sources = scope.sources()
        for source in sources:
            sub = menu if len(sources) == 1 else menu.addMenu(source or "main")
            for title, pins, kind in (
                ("Digital", DIGITAL_PINS, "digital"),
                ("Analog", ANALOG_PINS, "analog"),
                ("Interrupts", (IRQ,), "irq"),
            ):
                sub.addSection(title)
                for pin in pins:
                    cid = channel_id(pin, source, kind)
                    act = sub.addAction(cid if kind != "irq" else f"{cid} (ISR entry..return)")
                    act.setCheckable(True)
                    act.setChecked(cid in shown)
                    act.toggled.connect(
                        lambda on, p=pin, s=source, k=kind, c=cid: (
                            scope.add_channel(p, s, k) if on else scope.remove_channel(c)
                        )
                    )

    def _fill_ref_menu(self) -> None:
        scope = self.scope
        menu = self.ref_menu
        menu.clear()
        for cid in scope.channels():
            if scope.lane(cid).kind in ("digital", "analog"):
                menu.addAction(f"Store {cid} as REF", lambda c=cid: scope.store_reference(c))
        menu.addSeparator()
        act = menu.addAction("Clear references", scope.clear_references)
        act.setEnabled(bool(scope.references()))

    def _export_dialog(self, kind: str) -> None:
        scope = self.scope
        filters = {"vcd": "Value change dump (*.vcd)", "csv": "CSV (*.csv)", "png": "PNG (*.png)"}
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            scope, f"Export {kind.upper()}", f"scope.{kind}", filters[kind]
        )
        if not path:
            return
        export = {"vcd": scope.export_vcd, "csv": scope.export_csv, "png": scope.export_png}[kind]
        try:
            export(path)
        except (OSError, ValueError) as e:
            QtWidgets.QMessageBox.warning(scope, "Export", str(e))
