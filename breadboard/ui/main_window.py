"""The main window: the breadboard in the centre, docks for the scope, serial monitor and parts.

The window never touches the simulator directly: a ``SimulationWorker`` thread runs it; a 60 Hz
timer reads the worker's latest snapshot and drains its trace chunks; user actions are posted
as commands.
"""

from __future__ import annotations

import copy
import os
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTreeView,
    QWidget,
)

from .. import __version__
from ..build import is_sketch_path
from ..circuit import Circuit, CircuitError, Led
from ..sim import commands as cmd
from ..sim.worker import SimulationWorker, Snapshot
from .board import BoardView
from .build_panel import BuildPanel
from .examples import Example, compare_pair, examples_dir, load_examples
from .inspector import InspectorDock
from .parts_panel import PartsPanel
from .presets import DEFAULT, Preset, apply_serial
from .resources import resource_path
from .scope import READOUT_INTERVAL_S, ScopeDock
from .serial_monitor import SerialMonitor

FRAME_MS = 16  # ~60 frames per second
MAX_RECENT = 10
FIRMWARE_FILTER = (
    "Firmware, sketch or MicroPython script (*.hex *.ihex *.elf *.ino *.py);;"
    "Arduino sketch (*.ino);;Intel HEX (*.hex *.ihex);;ELF (*.elf);;"
    "MicroPython script (*.py);;All files (*)"
)
CIRCUIT_FILTER = "Breadboard circuits (*.json);;All files (*)"

SPEEDS: list[tuple[str, float]] = [
    ("Flat out", 0.0),
    ("10×", 10.0),
    ("1× (real time)", 1.0),
    ("1/10×", 0.1),
    ("1/100×", 0.01),
    ("1/1000×", 0.001),
    ("1/10000×", 0.0001),
]

SHORTCUTS = """<table cellpadding=3>
<tr><td><b>Ctrl+O</b></td><td>Open firmware (.hex / .elf) or MicroPython script (.py)</td></tr>
<tr><td><b>Ctrl+Shift+O</b></td><td>Open circuit</td></tr>
<tr><td><b>Ctrl+S</b> / <b>Ctrl+Shift+S</b></td><td>Save circuit / Save circuit as</td></tr>
<tr><td><b>F5</b></td><td>Run / pause</td></tr>
<tr><td><b>F10</b></td><td>Step one instruction (pauses)</td></tr>
<tr><td><b>Shift+F10</b></td><td>Step over a call (runs until it returns)</td></tr>
<tr><td><b>F8</b></td><td>Run to the next interrupt entry</td></tr>
<tr><td><b>Ctrl+I</b></td><td>Interrupt inspector: vectors, registers, memory, disassembly</td></tr>
<tr><td><b>Ctrl+R</b></td><td>Reset (the Uno's reset button)</td></tr>
<tr><td><b>Ctrl+1 … Ctrl+7</b></td><td>Speed: flat out, 10×, 1×, 1/10×, 1/100×, 1/1000×, 1/10000×</td></tr>
<tr><td><b>a button's key</b></td><td>Press that pushbutton while held (Space in the examples)</td></tr>
<tr><td><b>Shift+click</b></td><td>Latch a pushbutton (click again to release)</td></tr>
<tr><td><b>Ctrl+wheel</b></td><td>Zoom the breadboard</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr>
</table>"""


def default_circuit() -> Circuit:
    """The breadboard for a firmware that comes without a circuit: an LED (with its 220 Ohm
    resistor) on D13, the pin of the Uno's L LED, the pin nearly every first sketch drives."""
    circuit = Circuit(title="Default: an LED on D13")
    circuit.add(Led(id="led13", label="D13", x=6, y=2, pin="D13", color="red"))
    return circuit


#: The scope lane colour for an LED's colour (the scope's own palette: bright on black).
LED_LANE = {"red": "#f87171", "yellow": "#facc15", "green": "#4ade80", "blue": "#60a5fa",
            "white": "#e5e7eb"}  # fmt: skip


def led_lane_colors(circuit: Circuit) -> dict[str, str]:
    """Each LED's pin drawn on the scope in the LED's colour (the first LED on a pin wins)."""
    out: dict[str, str] = {}
    for part in circuit.parts:
        if isinstance(part, Led):
            out.setdefault(part.pin, LED_LANE[part.color])
    return out


def preset_for_circuit(circuit: Circuit) -> Preset:
    """A firmware's own scope: lanes for the digital pins its circuit uses (D13 if none), on a
    slow rolling chart, so a sketch's activity shows without choosing anything."""
    pins: list[str] = []
    for part in circuit.parts:
        for pin in part.pins():
            if pin.startswith("D") and pin not in pins:
                pins.append(pin)
    pins = pins[:6] or ["D13"]
    scope = replace(DEFAULT.scope, channels=tuple(pins), trigger_pin=pins[0])
    return replace(DEFAULT, scope=scope)


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when its text does not fit (never overlaps)."""

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        hint.setWidth(40)
        return hint

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def shown_text(self) -> str:
        """The text as drawn (elided to the label's width)."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)


class MainWindow(QMainWindow):
    """breadboard's main window."""

    def __init__(self, worker: SimulationWorker | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("breadboard")
        self.setWindowIcon(QIcon(str(resource_path("icon.png"))))
        self.setAcceptDrops(True)
        self.settings = settings or QSettings("breadboard", "breadboard")
        self.circuit = Circuit(title="Untitled")
        self.circuit_path: Path | None = None
        self.circuit_dirty = False
        self._example_circuit = False  # the breadboard shows an example's own circuit
        self.preset = DEFAULT
        self.worker = worker or SimulationWorker(copy.deepcopy(self.circuit))
        self._last_error_serial = 0
        self._last_snapshot = Snapshot()
        self._firmware_path: str | None = None
        self._serial_flash = 0
        self._readout_due = 0.0  # when the clock in the status bar is next rewritten
        self.frame_times: list[float] = []

        self.board = BoardView(self.circuit)
        self.setCentralWidget(self.board)
        self.board.pressed.connect(lambda pid: self.worker.post(cmd.Press(pid)))
        self.board.released.connect(lambda pid: self.worker.post(cmd.Release(pid)))
        self.board.positionChanged.connect(
            lambda pid, pos: self.worker.post(cmd.SetPosition(pid, pos))
        )
        self.board.resetClicked.connect(self.reset)
        self.board.circuitEdited.connect(self._circuit_edited)

        self.scope_dock = ScopeDock(self)
        self.scope_dock.setObjectName("scope")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.scope_dock)
        self.serial = SerialMonitor()
        self.serial.send.connect(lambda data: self.worker.post(cmd.SendSerial(data)))
        self.serial_dock = self._dock("Serial monitor", "serial", self.serial)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.serial_dock)
        self.parts = PartsPanel(self.circuit)
        self.parts.circuitEdited.connect(self._circuit_edited)
        self.parts_dock = self._dock("Parts", "parts", self.parts)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.parts_dock)
        self.tabifyDockWidget(self.parts_dock, self.serial_dock)
        self.build_panel = BuildPanel(self.settings)
        self.build_panel.built.connect(self._sketch_built)
        self.build_dock = self._dock("Build", "build", self.build_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.build_dock)
        # under the scope, the window's whole width: compiler messages are long lines
        self.splitDockWidget(self.scope_dock, self.build_dock, Qt.Orientation.Vertical)
        self.build_dock.hide()
        self._sketch_elf: str | None = None
        self.inspector_dock = InspectorDock(self.worker.post, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)
        self.tabifyDockWidget(self.serial_dock, self.inspector_dock)
        self.inspector_dock.hide()
        self.scope_dock.scope.interruptLaneActivated.connect(self.inspector_dock.show_vector)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._firmware_file_changed)
        self._reload_timer = QTimer(self, singleShot=True, interval=300)
        self._reload_timer.timeout.connect(self._reload_firmware)

        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.refresh)
        if not self.worker.is_alive():
            self.worker.start()
        self.timer.start(FRAME_MS)
        self.resize(1400, 900)
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock

    # ---- actions, menus, toolbar, status bar ------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action(
            "&Open firmware…", self.open_firmware_dialog, QKeySequence.StandardKey.Open,
            "Load a .hex or .elf file exported from the Arduino IDE",
        )  # fmt: skip
        self.open_circuit_action = self._action(
            "Open &circuit…", self.open_circuit_dialog, "Ctrl+Shift+O"
        )
        self.save_circuit_action = self._action(
            "&Save circuit", self.save_circuit, QKeySequence.StandardKey.Save
        )
        self.save_circuit_as_action = self._action(
            "Save circuit &as…", self.save_circuit_as, "Ctrl+Shift+S"
        )
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.run_action = self._action("&Run", self.toggle_run, "F5", "Run or pause")
        self.step_action = self._action(
            "&Step", lambda: self.worker.post(cmd.Step()), "F10", "Execute one instruction"
        )
        self.reset_action = self._action("R&eset", self.reset, "Ctrl+R", "Press the reset button")
        self.power_action = self._action(
            "&Power cycle", lambda: self.worker.post(cmd.PowerCycle()), "Ctrl+Shift+R",
            "Switch the Uno off and on: time and traces start again at zero",
        )  # fmt: skip
        self.speed_group = QActionGroup(self)
        self.speed_actions: list[QAction] = []
        for i, (label, factor) in enumerate(SPEEDS):
            action = QAction(label, self, checkable=True)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.setData(factor)
            action.triggered.connect(lambda _=False, f=factor: self.set_speed(f))
            self.speed_group.addAction(action)
            self.speed_actions.append(action)
        self.speed_actions[2].setChecked(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self._update_recent_menu()
        self.examples_menu = file_menu.addMenu("&Examples")
        self._build_examples_menu()
        self.view_sketch_action = self._action(
            "View example &sketch…", self.view_example_sketch, "Ctrl+U",
            "The example's .ino (read-only), with Save a copy as… to make it your own",
        )  # fmt: skip
        self.view_sketch_action.setEnabled(False)
        file_menu.addAction(self.view_sketch_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_circuit_action)
        file_menu.addAction(self.save_circuit_action)
        file_menu.addAction(self.save_circuit_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        prefs = self._action("&Preferences…", self.show_preferences, "Ctrl+,")
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit_menu.addAction(prefs)

        sim_menu = bar.addMenu("&Simulation")
        for action in (self.run_action, self.step_action, self.reset_action, self.power_action):
            sim_menu.addAction(action)
        sim_menu.addSeparator()
        sim_menu.addAction(self.inspector_dock.step_over_action)
        sim_menu.addAction(self.inspector_dock.run_to_irq_action)
        speed_menu = sim_menu.addMenu("S&peed")
        for action in self.speed_actions:
            speed_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        for dock in (self.scope_dock, self.serial_dock, self.parts_dock, self.build_dock):
            view_menu.addAction(dock.toggleViewAction())
        inspector = self.inspector_dock.toggleViewAction()
        inspector.setShortcut(QKeySequence("Ctrl+I"))
        inspector.setStatusTip("Vector table, lost interrupts, registers, memory, disassembly")
        view_menu.addAction(inspector)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("&About breadboard", self.show_about))

    def _build_examples_menu(self) -> None:
        self.examples = load_examples()
        submenus: dict[str, object] = {}
        for ex in self.examples:
            menu = self.examples_menu
            if ex.menu:
                if ex.menu not in submenus:
                    submenus[ex.menu] = self.examples_menu.addMenu(ex.menu)
                menu = submenus[ex.menu]
            action = menu.addAction(ex.title)
            action.setStatusTip(ex.description)
            action.triggered.connect(lambda _=False, e=ex: self.open_example(e))
        pair = compare_pair()
        if pair:
            self.examples_menu.addSeparator()
            a, b, title = pair
            action = self.examples_menu.addAction(title)
            action.triggered.connect(lambda: self.open_compare(a, b))
        if not self.examples:
            self.examples_menu.addAction("(no examples found)").setEnabled(False)

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Simulation")
        tb.setObjectName("toolbar")
        tb.addAction(self.open_action)
        tb.addSeparator()
        tb.addAction(self.run_action)
        tb.addAction(self.step_action)
        tb.addAction(self.reset_action)
        tb.addSeparator()
        tb.addWidget(QLabel(" Speed "))
        self.speed_combo = QComboBox()
        for label, factor in SPEEDS:
            self.speed_combo.addItem(label, factor)
        self.speed_combo.setCurrentIndex(2)
        self.speed_combo.activated.connect(
            lambda i: self.set_speed(float(self.speed_combo.itemData(i)))
        )
        tb.addWidget(self.speed_combo)

    def _build_status_bar(self) -> None:
        self.time_label = QLabel("t = 0 s")
        self.rtf_label = QLabel("")
        # room for the widest reading, so a new one repaints the label, not the whole bar
        fm = self.time_label.fontMetrics()
        self.time_label.setMinimumWidth(fm.horizontalAdvance("t = 0000.000000 s"))
        self.rtf_label.setMinimumWidth(fm.horizontalAdvance("real-time factor 1000 %"))
        self.state_label = QLabel("no firmware: File ▸ Open firmware or Examples")
        # The open example's description, cut to the room left (all of it in the tooltip):
        # each label keeps its own place, so nothing is drawn over anything else.
        self.example_label = ElidedLabel("")
        self.example_label.setStyleSheet("color: palette(mid); padding-left: 12px;")
        sb = self.statusBar()
        sb.addWidget(self.state_label)
        sb.addWidget(self.example_label, 1)
        sb.addPermanentWidget(self.time_label)
        sb.addPermanentWidget(self.rtf_label)

    # ---- firmware ---------------------------------------------------------------------------
    def start_dir(self, key: str = "last_dir") -> str:
        """Where an Open dialog starts: the folder last opened from (a user's own file, never
        the bundled examples), else the home folder."""
        last = self.settings.value(key, "")
        return str(last) if last and os.path.isdir(str(last)) else str(Path.home())

    def file_dialog(self, title: str, start: str, filters: str) -> QFileDialog:
        """An Open dialog whose detail columns (size, type, date) fit their text."""
        dialog = QFileDialog(self, title, start, filters)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        dialog.resize(960, 560)
        for view in dialog.findChildren(QTreeView):  # Qt's own dialog (no native one here)
            header = view.header()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for col in range(1, header.count()):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        return dialog

    def _ask_open(self, title: str, key: str, filters: str) -> str:
        self.last_dialog = dialog = self.file_dialog(title, self.start_dir(key), filters)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]

    def open_firmware_dialog(self) -> None:
        path = self._ask_open("Open firmware", "last_dir", FIRMWARE_FILTER)
        if path:
            self.open_firmware(path)

    def open_firmware(self, path: str | os.PathLike, remember_dir: bool = True) -> None:
        """Open a firmware file the user chose (File > Open, Open Recent, a dropped file, the
        command line): the scope starts afresh with lanes for the circuit's pins, and when the
        breadboard holds an example's circuit (or nothing), it gets the default circuit, an LED
        on D13, so a new firmware never runs among another example's parts."""
        if self._example_circuit or not self.circuit.parts:
            self.set_circuit(default_circuit(), None)
            self.statusBar().showMessage(
                "The default circuit: an LED on D13 (LED_BUILTIN). Add parts in the Parts tab.",
                8000,
            )
        self.example_label.setText("")
        self.example_label.setToolTip("")
        self._example = None
        self.view_sketch_action.setEnabled(False)
        self.load_firmware(path, remember_dir)
        self.apply_preset(preset_for_circuit(self.circuit))

    def load_firmware(self, path: str | os.PathLike, remember_dir: bool = True) -> None:
        """Load a firmware or MicroPython script in the worker (a bad one keeps the current one
        running), or build a sketch (.ino or sketch folder) and load it (see ``BuildPanel``);
        its folder becomes where File > Open starts (not for the bundled examples)."""
        path = str(path)
        folder = Path(path).resolve().parent
        if remember_dir and not folder.is_relative_to(examples_dir().resolve()):
            self.settings.setValue("last_dir", str(folder))
        if is_sketch_path(path):
            if self.build_dock.isHidden():  # room for the compiler's messages and the summary
                self.build_dock.show()
                self.resizeDocks([self.build_dock], [240], Qt.Orientation.Vertical)
            if self.build_panel.build(path):
                self._add_recent(str(self.build_panel.sketch_path))
            return
        self._sketch_elf = None
        self.worker.post(cmd.Open(path))

    def _sketch_built(self, firmware: str) -> None:
        """A sketch (re)built: load it, keeping the circuit, scope and serial monitor."""
        self._sketch_elf = firmware
        self.worker.post(cmd.Open(firmware))

    def _firmware_loaded(self, path: str) -> None:
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if path == self._sketch_elf:  # the build panel watches the sketch itself
            self.setWindowTitle(f"breadboard — {Path(self.build_panel.sketch_path or path).name}")
            return
        if os.path.exists(path):
            self.watcher.addPath(path)
        self._add_recent(path)  # the serial monitor and the scope clear on the reset chunk
        self.setWindowTitle(f"breadboard — {Path(path).name}")

    @Slot(str)
    def _firmware_file_changed(self, path: str) -> None:
        self._reload_timer.start()  # the IDE writes in several steps: wait until it settles

    def _reload_firmware(self) -> None:
        if self._firmware_path and os.path.exists(self._firmware_path):
            self.statusBar().showMessage(
                f"{Path(self._firmware_path).name} changed: reloaded", 4000
            )
            self.load_firmware(self._firmware_path, remember_dir=False)
            if self._firmware_path not in self.watcher.files():
                self.watcher.addPath(self._firmware_path)

    def _add_recent(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        recent.insert(0, path)
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._update_recent_menu()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setStatusTip(path)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_firmware(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)
        else:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _clear_recent(self) -> None:
        self.settings.setValue("recent", [])
        self._update_recent_menu()

    # ---- examples -------------------------------------------------------------------------
    def open_example(self, example: Example) -> None:
        try:
            circuit = Circuit.load(example.circuit)
        except CircuitError as e:
            QMessageBox.warning(self, "Example", str(e))
            return
        self.set_circuit(circuit, None)
        self._example_circuit = True
        self._example = example
        self.view_sketch_action.setEnabled(example.source.exists())
        self.load_firmware(example.firmware, remember_dir=False)
        self.apply_preset(example.preset)
        # what to do and see (the preset's note), else what the example is; all in the tooltip
        self.example_label.setText(example.preset.scope.note or example.description)
        self.example_label.setToolTip(
            f"{example.description}\n\n{example.preset.scope.note}".strip()
        )

    def apply_preset(self, preset: Preset) -> None:
        """Show what this firmware is about: the scope's lanes, timebase and trigger, the
        serial monitor's rate (presets.py; the examples carry theirs in index.json)."""
        self.preset = preset
        preset.scope.apply(self.scope_dock.scope, led_lane_colors(self.circuit))
        apply_serial(preset.serial, self.serial, self.serial_dock)

    def show_preferences(self) -> None:
        from .preferences import PreferencesDialog

        self.preferences = PreferencesDialog(self.settings, self)
        self.preferences.open()

    def view_example_sketch(self) -> None:
        """Show the current example's sketch; a saved copy is opened (built) in its place."""
        example = getattr(self, "_example", None)
        if example is None or not example.source.exists():
            return
        from .sketch_view import SketchView

        self.sketch_view = SketchView(example.source, example.title, self)
        self.sketch_view.copied.connect(self.open_firmware)
        self.sketch_view.show()

    def open_compare(self, a: Example, b: Example) -> None:
        from .compare import CompareWindow

        self._compare = CompareWindow.for_files(
            str(a.firmware), str(b.firmware), "millis() D2", "CTC D2"
        )
        self._compare.show()

    # ---- circuits ---------------------------------------------------------------------------
    def set_circuit(self, circuit: Circuit, path: Path | None) -> None:
        self._example_circuit = False
        self.circuit = circuit
        self.circuit_path = path
        self.circuit_dirty = False
        self.board.set_circuit(circuit)
        self.parts.set_circuit(circuit)
        self.worker.post(cmd.SetCircuit(copy.deepcopy(circuit)))

    def _circuit_edited(self) -> None:
        self.circuit_dirty = True
        self._example_circuit = False  # now the user's own
        self.board.set_circuit(self.circuit)
        self.worker.post(cmd.SetCircuit(copy.deepcopy(self.circuit)))

    def open_circuit_dialog(self) -> None:
        path = self._ask_open("Open circuit", "last_circuit_dir", CIRCUIT_FILTER)
        if path:
            self.open_circuit(path)

    def open_circuit(self, path: str | os.PathLike) -> bool:
        """Load a circuit file; a broken one is refused and the open circuit stays."""
        try:
            circuit = Circuit.load(path)
        except CircuitError as e:
            QMessageBox.warning(self, "Cannot open the circuit", str(e))
            return False
        self.settings.setValue("last_circuit_dir", str(Path(path).parent))
        self.set_circuit(circuit, Path(path))
        if circuit.firmware:
            fw = Path(path).parent / circuit.firmware
            if fw.exists():
                self.load_firmware(fw)
        self.apply_preset(preset_for_circuit(circuit))
        return True

    def save_circuit(self) -> bool:
        if self.circuit_path is None:
            return self.save_circuit_as()
        return self._write_circuit(self.circuit_path)

    def save_circuit_as(self) -> bool:
        start = self.settings.value("last_circuit_dir", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "Save circuit", start, CIRCUIT_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"
        return self._write_circuit(Path(path))

    def _write_circuit(self, path: Path) -> bool:
        if self._firmware_path:
            try:
                self.circuit.firmware = os.path.relpath(self._firmware_path, path.parent)
            except ValueError:  # another drive on Windows
                self.circuit.firmware = self._firmware_path
        try:
            self.circuit.save(path)
        except OSError as e:
            QMessageBox.warning(self, "Cannot save the circuit", f"{path}: {e.strerror or e}")
            return False
        self.circuit_path = path
        self.circuit_dirty = False
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    # ---- simulation control ---------------------------------------------------------------
    def toggle_run(self) -> None:
        self.worker.post(cmd.Pause() if not self._last_snapshot.paused else cmd.Run())

    def reset(self) -> None:
        self.worker.post(cmd.Reset())

    def set_speed(self, factor: float) -> None:
        self.worker.post(cmd.SetSpeed(factor))
        for i, (_, f) in enumerate(SPEEDS):
            if f == factor:
                self.speed_combo.setCurrentIndex(i)
                self.speed_actions[i].setChecked(True)

    # ---- the 60 Hz frame --------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        snap = self.worker.snapshot
        chunks = self.worker.drain()
        if snap.firmware != self._firmware_path and snap.firmware:
            self._firmware_path = snap.firmware
            self._firmware_loaded(snap.firmware)
        tx = False
        for chunk in chunks:
            if chunk.reset:
                self.serial.clear()
            if len(chunk.serial):
                self.serial.append_bytes(chunk.serial, snap.f_cpu)
                tx = True
        if tx:
            self._serial_flash = 3
        elif self._serial_flash:
            self._serial_flash -= 1
        self.scope_dock.scope.feed(chunks)
        self.board.show_snapshot(snap, tx_active=self._serial_flash > 0)
        self.serial.set_firmware_config(snap.serial_config)
        self._show_status(snap)
        self.worker.inspecting = self.inspector_dock.isVisible()
        if self.worker.inspecting:
            self.inspector_dock.show_snapshot(snap)
        if snap.error_serial != self._last_error_serial:
            self._last_error_serial = snap.error_serial
            self._show_error(snap.error or "unknown error")
        self._last_snapshot = snap

    def _show_status(self, snap: Snapshot) -> None:
        running = snap.status in ("running", "sleeping") and not snap.paused
        now = time.monotonic()
        if not running or now >= self._readout_due:  # a stopped clock shows its exact time
            self._readout_due = now + READOUT_INTERVAL_S
            self.time_label.setText(f"t = {snap.seconds:.6f} s")
            rate = f"real-time factor {snap.real_time_factor * 100:.0f} %" if running else ""
            self.rtf_label.setText(rate)
        state = {
            "running": "CPU running",
            "sleeping": "CPU sleeping (waiting for an interrupt)",
            "stopped": "CPU stopped: SLEEP with interrupts disabled",
            "paused": "paused",
            "no firmware": "no firmware: File ▸ Open firmware or Examples",
        }.get(snap.status, snap.status)
        if snap.status == "halted":
            state = f"CPU halted: {snap.halt_reason}"
        if snap.stop_reason and snap.paused:
            state = f"stopped: {snap.stop_reason}"
        if snap.firmware:
            state = f"{Path(snap.firmware).name}: {state}"
        self.state_label.setText(state)
        self.run_action.setText("&Pause" if not snap.paused else "&Run")

    def _show_error(self, text: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("breadboard")
        box.setText(text.splitlines()[0] if text else "error")
        if "\n" in text:
            box.setDetailedText(text)
        if self._firmware_path:
            box.setInformativeText(f"{Path(self._firmware_path).name} keeps running.")
        box.setModal(False)
        box.show()
        self.last_error_box = box

    # ---- help -----------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About breadboard",
            f"<h3>breadboard {__version__}</h3><p>A virtual breadboard for the Arduino Uno: an "
            "ATmega328P simulated to the cycle, pushbuttons and LEDs, a serial monitor and an "
            "oscilloscope, for seeing and understanding interrupts and timers.</p>",
        )

    # ---- keys -------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self.board.handle_key(event, True):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self.board.handle_key(event, False):
            super().keyReleaseEvent(event)

    # ---- drag and drop, closing ------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if path.lower().endswith(".json"):
                self.open_circuit(path)
            elif path:
                self.open_firmware(path)
            break

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.circuit_dirty and self.circuit.parts:
            answer = QMessageBox.question(
                self,
                "breadboard",
                "The circuit has unsaved changes. Save them?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save and not self.save_circuit():
                event.ignore()
                return
        self.settings.setValue("geometry", self.saveGeometry())
        compare = getattr(self, "_compare", None)
        if compare is not None:
            try:
                compare.close()  # Quit ends the process: no window of ours stays open
            except RuntimeError:  # already closed and deleted (WA_DeleteOnClose)
                pass
            self._compare = None
        self.timer.stop()
        self.worker.stop()
        self.worker.join(timeout=2)
        event.accept()
