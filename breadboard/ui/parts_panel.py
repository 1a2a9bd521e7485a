"""The parts panel (a dock): the circuit's parts, Add/Remove, and an editor for the selected one.

Every change edits the ``Circuit`` in place and emits ``circuitEdited``; the owner redraws the
board and hands the simulation a copy.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..circuit import (
    GND,
    LED_COLORS,
    VCC,
    Circuit,
    Led,
    Part,
    Potentiometer,
    Pushbutton,
    TrafficLight,
    uno_pin,
)
from ..circuit.placement import free_spot, parts_on_pins
from .board import LED_COLORS_ON

DIGITAL_PINS = [f"D{i}" for i in range(14)]
ANALOG_PINS = [f"A{i}" for i in range(6)]
ALL_PINS = DIGITAL_PINS + ANALOG_PINS

KIND_NAMES = {
    "pushbutton": "pushbutton",
    "led": "LED",
    "potentiometer": "potentiometer",
    "traffic_light": "traffic light",
}
ID_PREFIX = {
    "pushbutton": "button",
    "led": "led",
    "potentiometer": "pot",
    "traffic_light": "lights",
}
#: Where new parts go first (D0/D1 are the serial port: last resort).
PIN_PREFERENCE = {
    "pushbutton": ["D2", "D3", "D4", "D7", "D8", "D12", "D5", "D6", "D9", "D10", "D11", "D13"],
    "led": ["D13", "D12", "D11", "D10", "D9", "D6", "D5", "D3", "D7", "D8", "D4", "D2"],
    "potentiometer": ANALOG_PINS,
}
TRAFFIC_PINS = [
    ("D10", "D9", "D8"),
    ("D7", "D6", "D5"),
    ("D13", "D12", "D11"),
    ("D4", "D3", "D2"),
    ("A0", "A1", "A2"),
]
PULLS = [("none", "none"), ("down", "pull-down (10 kΩ to GND)"), ("up", "pull-up (10 kΩ to 5V)")]
SERIAL_PINS = {"D0": "RX", "D1": "TX"}


def _name(pin: str) -> str:
    try:
        return uno_pin(pin).name
    except KeyError:
        return pin


def describe(part: Part) -> str:
    """One line for the parts list: "S1 — pushbutton on D2"."""
    pins = ", ".join(_name(p) for p in part.pins())
    caption = part.label or part.id
    return f"{caption} — {KIND_NAMES.get(part.kind, part.kind)} on {pins}"


def warnings_for(circuit: Circuit, part: Part) -> list[str]:
    """What the editor warns about for a part: floating inputs, a pull that fights the button,
    too much LED current, the serial pins, pins shared with other parts."""
    out: list[str] = []
    if isinstance(part, Pushbutton):
        pin = _name(part.pin)
        if part.pull == "none":
            if part.to == GND:
                out.append(
                    f"{pin} floats when the button is open: add a pull-up or use INPUT_PULLUP"
                )
            else:
                out.append(
                    f"{pin} floats when the button is open: add a pull-down or use INPUT_PULLUP "
                    "(with the button to GND)"
                )
        elif (part.pull == "down") == (part.to == GND):
            level = "LOW" if part.to == GND else "HIGH"
            out.append(
                f"{pin} reads {level} whether the button is pressed or not: the pull-{part.pull} "
                f"and the button both go to {part.to}"
            )
    if isinstance(part, Led) and part.current_ma() > 20:
        out.append(
            f"{part.current_ma():.0f} mA is more than the 20 mA a pin should give "
            "(40 mA is the absolute maximum): use a bigger resistor"
        )
    shared = parts_on_pins(circuit)
    for pin in dict.fromkeys(_name(p) for p in part.pins()):
        if pin in SERIAL_PINS:
            out.append(
                f"{pin} is the serial port's {SERIAL_PINS[pin]}: Serial.begin() takes it over"
            )
        others = [pid for pid in shared.get(pin, []) if pid != part.id]
        if others:
            out.append(f"{pin} is also wired to {', '.join(others)}")
    return out


def _kind_icon(kind: str, color: str = "red") -> QIcon:
    """A small drawing of the part for the list."""
    size = 32
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if kind == "led":
        c = LED_COLORS_ON.get(color, LED_COLORS_ON["red"])
        p.setPen(QPen(c.darker(220), 2))
        p.setBrush(c)
        p.drawEllipse(6, 6, 20, 20)
        p.setBrush(QColor(255, 255, 255, 140))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(10, 9, 6, 4)
    elif kind == "pushbutton":
        p.setPen(QPen(QColor("#111"), 2))
        p.setBrush(QColor("#3a3e44"))
        p.drawRoundedRect(4, 4, 24, 24, 4, 4)
        p.setBrush(QColor("#1c1e21"))
        p.setPen(QPen(QColor("#ffb300"), 2))
        p.drawEllipse(9, 9, 14, 14)
    elif kind == "potentiometer":
        p.setPen(QPen(QColor("#0c2f66"), 2))
        p.setBrush(QColor("#2f6fd0"))
        p.drawRoundedRect(4, 4, 24, 24, 5, 5)
        p.setBrush(QColor("#e6e9eb"))
        p.drawEllipse(9, 9, 14, 14)
        p.setPen(QPen(QColor("#1d2126"), 2.5))
        p.drawLine(16, 16, 21, 11)
    else:
        p.setPen(QPen(QColor("#000"), 2))
        p.setBrush(QColor("#23272b"))
        p.drawRoundedRect(9, 2, 14, 28, 4, 4)
        p.setPen(Qt.PenStyle.NoPen)
        for i, c in enumerate(("red", "yellow", "green")):
            p.setBrush(LED_COLORS_ON[c])
            p.drawEllipse(12, 4 + i * 8.5, 8, 8)
    p.end()
    return QIcon(pm)


class PartsPanel(QWidget):
    """The circuit's parts: a list, Add ▾ / Remove, and the selected part's properties."""

    circuitEdited = Signal()

    def __init__(self, circuit: Circuit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self._loading = False

        self.list = QListWidget()
        self.list.setIconSize(QSize(20, 20))
        self.list.setAlternatingRowColors(True)
        self.list.currentItemChanged.connect(lambda *_: self._show_editor())

        self.add_button = QToolButton()
        self.add_button.setText("Add ▾")
        self.add_button.setToolTip("Add a part on a free pin and a free breadboard spot")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.add_menu = QMenu(self.add_button)
        self.add_actions = {}
        for kind, text in (
            ("pushbutton", "Pushbutton"),
            ("led", "LED"),
            ("potentiometer", "Potentiometer"),
            ("traffic_light", "Traffic light"),
        ):
            action = self.add_menu.addAction(_kind_icon(kind), text)
            action.triggered.connect(lambda _=False, k=kind: self.add_part(k))
            self.add_actions[kind] = action
        self.add_button.setMenu(self.add_menu)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Take the selected part off the breadboard")
        self.remove_button.clicked.connect(self.remove_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        self.editor_box = QGroupBox("Properties")
        self.form = QFormLayout(self.editor_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.warning = self._make_warning()
        self.fields: dict[str, QWidget] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.editor_box)
        self.set_circuit(circuit)

    # ---- public API ---------------------------------------------------------------------------
    def set_circuit(self, circuit: Circuit) -> None:
        """Show another circuit (keeps the selection when the part is still there)."""
        current = self.selected_id()
        self.circuit = circuit
        self._refill(current)

    def select(self, part_id: str) -> None:
        """Select a part in the list and show its properties."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == part_id:
                self.list.setCurrentItem(item)
                return

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def selected_part(self) -> Part | None:
        pid = self.selected_id()
        if pid is None:
            return None
        try:
            return self.circuit.part(pid)
        except KeyError:
            return None

    # ---- adding and removing ----------------------------------------------------------------
    def add_part(self, kind: str) -> Part:
        """Add a part with sensible defaults on a free pin and a free breadboard spot."""
        circuit = self.circuit
        pid = circuit.new_id(ID_PREFIX[kind])
        x, y = free_spot(circuit, kind)
        used = set(parts_on_pins(circuit))
        same = [p for p in circuit.parts if p.kind == kind]
        part: Part
        if kind == "traffic_light":
            red, yellow, green = next(
                (t for t in TRAFFIC_PINS if used.isdisjoint(t)), TRAFFIC_PINS[0]
            )
            part = TrafficLight(
                id=pid, label="traffic light", x=x, y=y, red=red, yellow=yellow, green=green
            )
        else:
            prefs = PIN_PREFERENCE[kind]
            pin = next((p for p in prefs if p not in used), prefs[0])
            if kind == "pushbutton":
                keys = {b.key for b in circuit.buttons()}
                key = next(k for k in ["Space", *"123456789", ""] if k not in keys)
                part = Pushbutton(
                    id=pid, label=f"S{len(same) + 1}", x=x, y=y, pin=pin, to=GND, pull="up", key=key
                )
            elif kind == "led":
                order = ["red", "green", "yellow", "blue", "white"]
                color = order[len(same) % len(order)]
                part = Led(id=pid, label=pin, x=x, y=y, pin=pin, color=color)
            else:
                part = Potentiometer(id=pid, label="10k", x=x, y=y, pin=pin)
        circuit.add(part)
        self._refill(part.id)
        self.circuitEdited.emit()
        return part

    def remove_selected(self) -> None:
        pid = self.selected_id()
        if pid is None:
            return
        row = self.list.currentRow()
        self.circuit.remove(pid)
        self._refill(None)
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))
        self.circuitEdited.emit()

    # ---- the list ------------------------------------------------------------------------------
    def _refill(self, select: str | None) -> None:
        with QSignalBlocker(self.list):
            self.list.clear()
            for part in self.circuit.parts:
                item = QListWidgetItem(
                    _kind_icon(part.kind, getattr(part, "color", "red")), describe(part)
                )
                item.setData(Qt.ItemDataRole.UserRole, part.id)
                item.setToolTip(part.id)
                self.list.addItem(item)
            row = next(
                (i for i, p in enumerate(self.circuit.parts) if p.id == select),
                0 if self.circuit.parts else -1,
            )
            self.list.setCurrentRow(row)
        self.remove_button.setEnabled(bool(self.circuit.parts))
        self._show_editor()

    def _refresh_item(self, part: Part) -> None:
        item = self.list.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == part.id:
            item.setText(describe(part))
            item.setIcon(_kind_icon(part.kind, getattr(part, "color", "red")))

    # ---- the editor ----------------------------------------------------------------------------
    @staticmethod
    def _make_warning() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setObjectName("partWarning")
        label.setStyleSheet(
            "QLabel#partWarning { color: #8a5a00; background: #fff4d6; border: 1px solid #f0c36d;"
            " border-radius: 4px; padding: 4px; }"
        )
        label.setVisible(False)
        return label

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}

    def _show_editor(self) -> None:
        self._loading = True
        try:
            self._clear_form()
            part = self.selected_part()
            if part is None:
                self.editor_box.setTitle("Properties")
                self.editor_box.setEnabled(False)
                return
            self.editor_box.setEnabled(True)
            self.editor_box.setTitle(f"{part.id} ({KIND_NAMES.get(part.kind, part.kind)})")
            self._text_field("Label", part.label, lambda v: setattr(part, "label", v))
            if isinstance(part, Pushbutton):
                self._build_button(part)
            elif isinstance(part, Led):
                self._build_led(part)
            elif isinstance(part, Potentiometer):
                self._build_pot(part)
            elif isinstance(part, TrafficLight):
                for color in ("red", "yellow", "green"):
                    self._pin_field(color.capitalize(), part, color, ALL_PINS)
            self.warning = self._make_warning()
            self.form.addRow(self.warning)
            self._update_warning(part)
        finally:
            self._loading = False

    def _build_button(self, part: Pushbutton) -> None:
        self._pin_field("Pin", part, "pin", ALL_PINS)
        self._combo_field(
            "Rail", [(GND, "GND"), (VCC, "5V")], part.to, lambda v: setattr(part, "to", v), "to"
        )
        self._combo_field(
            "External pull", PULLS, part.pull, lambda v: setattr(part, "pull", v), "pull"
        )
        key = QKeySequenceEdit(QKeySequence(part.key))
        key.setMaximumSequenceLength(1)
        key.setClearButtonEnabled(True)
        key.setToolTip("The keyboard key that presses this button while held")

        def set_key(seq: QKeySequence) -> None:
            part.key = seq.toString()
            self._edited(part)

        key.keySequenceChanged.connect(set_key)
        self._add("Key", key, "key")

        bounce = part.bounce
        enabled = QCheckBox("Contacts bounce")
        enabled.setChecked(bounce.enabled)
        self._add("Bounce", enabled, "bounce")
        duration = QDoubleSpinBox()
        duration.setRange(0.05, 100.0)
        duration.setDecimals(2)
        duration.setSingleStep(0.5)
        duration.setSuffix(" ms")
        duration.setValue(bounce.duration_ms)
        count = QSpinBox()
        count.setRange(1, 200)
        count.setValue(bounce.count)
        count.setSuffix(" edges")
        seed = QSpinBox()
        seed.setRange(0, 2**31 - 1)
        seed.setValue(bounce.seed)
        seed.setToolTip("The same seed bounces the same way every run")
        for label, widget, name in (
            ("Duration", duration, "bounce_ms"),
            ("Count", count, "bounce_count"),
            ("Seed", seed, "bounce_seed"),
        ):
            widget.setEnabled(bounce.enabled)
            self._add(label, widget, name)

        def set_enabled(on: bool) -> None:
            bounce.enabled = bool(on)
            for w in (duration, count, seed):
                w.setEnabled(bounce.enabled)
            self._edited(part)

        enabled.toggled.connect(set_enabled)
        duration.valueChanged.connect(lambda v: self._set(part, bounce, "duration_ms", float(v)))
        count.valueChanged.connect(lambda v: self._set(part, bounce, "count", int(v)))
        seed.valueChanged.connect(lambda v: self._set(part, bounce, "seed", int(v)))

    def _build_led(self, part: Led) -> None:
        self._pin_field("Pin", part, "pin", ALL_PINS)
        self._combo_field(
            "Colour",
            [(c, c) for c in LED_COLORS],
            part.color,
            lambda v: setattr(part, "color", v),
            "color",
        )
        ohms = QSpinBox()
        ohms.setRange(1, 1_000_000)
        ohms.setSingleStep(10)
        ohms.setSuffix(" Ω")
        ohms.setValue(part.resistor_ohms)
        ohms.valueChanged.connect(lambda v: self._set(part, part, "resistor_ohms", int(v)))
        self._add("Resistor", ohms, "resistor")
        self._combo_field(
            "Rail",
            [(GND, "GND (lit when HIGH)"), (VCC, "5V (lit when LOW)")],
            part.to,
            lambda v: setattr(part, "to", v),
            "to",
        )

    def _build_pot(self, part: Potentiometer) -> None:
        self._pin_field("Pin", part, "pin", ANALOG_PINS)
        ohms = QSpinBox()
        ohms.setRange(100, 1_000_000)
        ohms.setSingleStep(1000)
        ohms.setSuffix(" Ω")
        ohms.setValue(part.ohms)
        ohms.valueChanged.connect(lambda v: self._set(part, part, "ohms", int(v)))
        self._add("Resistance", ohms, "ohms")

    # field helpers
    def _add(self, label: str, widget: QWidget, name: str) -> None:
        self.form.addRow(label, widget)
        self.fields[name] = widget

    def _text_field(self, label: str, value: str, setter: Callable[[str], None]) -> None:
        edit = QLineEdit(value)
        edit.setPlaceholderText("shown on the breadboard")

        def changed(text: str) -> None:
            setter(text)
            part = self.selected_part()
            if part is not None:
                self._edited(part)

        edit.textEdited.connect(changed)
        self._add(label, edit, "label")

    def _combo_field(
        self,
        label: str,
        choices: list[tuple[str, str]],
        value: str,
        setter: Callable[[str], None],
        name: str,
    ) -> QComboBox:
        combo = QComboBox()
        for data, text in choices:
            combo.addItem(text, data)
        index = combo.findData(value)
        if index < 0:  # a value this editor does not offer (from a file): show it as is
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

        def changed(i: int) -> None:
            setter(combo.itemData(i))
            part = self.selected_part()
            if part is not None:
                self._edited(part)

        combo.currentIndexChanged.connect(changed)
        self._add(label, combo, name)
        return combo

    def _pin_field(self, label: str, part: Part, attr: str, pins: list[str]) -> None:
        current = _name(getattr(part, attr))
        self._combo_field(
            label, [(p, p) for p in pins], current, lambda v: setattr(part, attr, v), attr
        )

    def _set(self, part: Part, obj: object, attr: str, value: object) -> None:
        setattr(obj, attr, value)
        self._edited(part)

    def _edited(self, part: Part) -> None:
        if self._loading:
            return
        self._refresh_item(part)
        self._update_warning(part)
        self.circuitEdited.emit()

    def _update_warning(self, part: Part) -> None:
        lines = warnings_for(self.circuit, part)
        self.warning.setText("\n".join(f"⚠ {line}" for line in lines))
        self.warning.setVisible(bool(lines))
