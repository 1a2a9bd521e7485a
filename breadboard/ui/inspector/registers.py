"""``RegisterView``: the course's I/O registers, grouped by peripheral, with named bits; a
value is edited (while paused) by double-clicking it."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ...sim.inspection import Inspection
from ...sim.registers import REGISTERS
from . import text as fmt

#: The register view's groups, in the datasheet's order of the peripherals.
REGISTER_GROUPS: list[tuple[str, list[str]]] = [
    ("Status", ["SREG"]),
    ("External interrupts", ["EICRA", "EIMSK", "EIFR"]),
    ("Pin change interrupts", ["PCICR", "PCMSK0", "PCMSK1", "PCMSK2", "PCIFR"]),
    ("Timer/Counter0", ["TCCR0A", "TCCR0B", "TCNT0", "OCR0A", "OCR0B", "TIMSK0", "TIFR0"]),
    (
        "Timer/Counter1",
        [
            "TCCR1A",
            "TCCR1B",
            "TCNT1L",
            "TCNT1H",
            "OCR1AL",
            "OCR1AH",
            "OCR1BL",
            "OCR1BH",
            "ICR1L",
            "ICR1H",
            "TIMSK1",
            "TIFR1",
        ],
    ),  # fmt: skip
    ("Timer/Counter2", ["TCCR2A", "TCCR2B", "TCNT2", "OCR2A", "OCR2B", "TIMSK2", "TIFR2"]),
    ("ADC", ["ADMUX", "ADCSRA", "ADCL", "ADCH"]),
    ("USART0", ["UCSR0A", "UCSR0B", "UCSR0C", "UBRR0L", "UBRR0H"]),
    ("Port B", ["PINB", "DDRB", "PORTB"]),
    ("Port C", ["PINC", "DDRC", "PORTC"]),
    ("Port D", ["PIND", "DDRD", "PORTD"]),
    ("CPU", ["SPL", "SPH"]),
]
#: Rows of the CPU group that are not I/O registers (read-only)
CPU_ROWS = ("SP", "PC", "Cycle")
VALUE, ADDRESS, BITS = 1, 2, 3


class RegisterView(QtWidgets.QTreeWidget):
    """Registers by group: name, value (hex and decimal), data address, the set bits' names
    (every bit in the tooltip). Values are editable while ``set_editable(True)``."""

    #: The user typed a new value: (register name, byte)
    edited = QtCore.Signal(str, int)
    #: A typed value was refused (the reason)
    refused = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerView")
        self.setColumnCount(4)
        self.setHeaderLabels(["Register", "Value", "Address", "Bits set"])
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self._items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        self._values: dict[str, int] = {}
        self._editable = False
        self._filling = False
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        for title, names in REGISTER_GROUPS:
            group = QtWidgets.QTreeWidgetItem(self, [title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            rows = list(names) + (list(CPU_ROWS) if title == "CPU" else [])
            for name in rows:
                item = QtWidgets.QTreeWidgetItem(group, [name, "", "", ""])
                item.setFont(VALUE, mono)
                if name in REGISTERS:
                    item.setText(ADDRESS, f"0x{REGISTERS[name][0]:02x}")
                self._items[name] = item
        self.expandAll()
        for i in range(self.topLevelItemCount()):
            self.topLevelItem(i).setFirstColumnSpanned(True)
        for c in range(4):
            self.resizeColumnToContents(c)
        self.setColumnWidth(0, 150)
        self.setColumnWidth(VALUE, 110)
        self.itemChanged.connect(self._changed)
        self.itemDoubleClicked.connect(self._double_clicked)

    # ---- public -------------------------------------------------------------------------
    def show_inspection(self, shot: Inspection) -> None:
        """Show the registers of ``shot`` (rows being edited are left alone)."""
        self._filling = True
        try:
            for name, value in shot.registers.items():
                item = self._items.get(name)
                if item is None:
                    continue
                changed = self._values.get(name) not in (None, value)
                self._values[name] = value
                text = f"0x{value:02x}  {value:>3}"
                if item.text(VALUE) != text:
                    item.setText(VALUE, text)
                names = REGISTERS[name][1]
                item.setText(BITS, fmt.bits_text(value, names))
                item.setToolTip(BITS, fmt.bits_tooltip(value, names))
                item.setForeground(
                    VALUE, QtGui.QBrush(QtGui.QColor(fmt.WARNING)) if changed else QtGui.QBrush()
                )
            self._items["SP"].setText(VALUE, f"0x{shot.sp:04x}")
            self._items["PC"].setText(VALUE, f"0x{shot.pc:04x}")
            self._items["PC"].setText(BITS, "flash byte address")
            self._items["Cycle"].setText(VALUE, fmt.cycles(shot.cycle))
            self._items["Cycle"].setText(BITS, fmt.seconds(shot.cycle, shot.f_cpu))
        finally:
            self._filling = False

    def set_editable(self, on: bool) -> None:
        """Values can be edited (only while the simulation is paused)."""
        self._editable = on
        flags = QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable
        for name, item in self._items.items():
            editable = on and name in REGISTERS
            item.setFlags(flags | (QtCore.Qt.ItemFlag.ItemIsEditable if editable else flags))
            item.setToolTip(
                VALUE,
                "Double-click to edit (hex 0x4d, decimal 77 or binary 0b1001101)"
                if editable
                else ("Pause to edit" if name in REGISTERS else ""),
            )

    def value(self, name: str) -> int | None:
        """The value shown for register ``name``."""
        return self._values.get(name)

    def edit_register(self, name: str, text: str) -> None:
        """Type ``text`` into register ``name``'s value, as a user would."""
        self._items[name].setText(VALUE, text)

    # ---- editing ------------------------------------------------------------------------
    def _double_clicked(self, item: QtWidgets.QTreeWidgetItem, column: int) -> None:
        if self._editable and item.text(0) in REGISTERS:
            self.editItem(item, VALUE)

    def _changed(self, item: QtWidgets.QTreeWidgetItem, column: int) -> None:
        if self._filling or column != VALUE:
            return
        name = item.text(0)
        if name not in REGISTERS:
            return
        text = item.text(VALUE).split()[0] if item.text(VALUE).split() else ""
        if not self._editable:
            self.refused.emit(f"{name}: pause the simulation to edit registers")
            return
        try:
            value = fmt.parse_byte(text)
        except ValueError:
            self.refused.emit(f"{name}: {text!r} is not a byte (0-255, 0x00-0xff)")
            old = self._values.get(name, 0)
            self._filling = True
            item.setText(VALUE, f"0x{old:02x}  {old:>3}")
            self._filling = False
            return
        self.edited.emit(name, value)
