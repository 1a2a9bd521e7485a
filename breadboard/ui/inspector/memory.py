"""``MemoryView``: a hex view of SRAM, the I/O space or the EEPROM, with the ELF's variables
(``volatile`` globals and the core's own) named in a table beside it and tinted in the dump."""

from __future__ import annotations

import html
import time

from PySide6 import QtCore, QtGui, QtWidgets

from ...sim.inspection import Inspection

#: Region name -> (first address, end address, which bytes of the Inspection)
REGIONS: dict[str, tuple[int, int, str]] = {
    "SRAM (0x100-0x8ff)": (0x100, 0x900, "data"),
    "Registers and I/O (0x000-0x0ff)": (0x000, 0x100, "data"),
    "EEPROM (0x000-0x3ff)": (0x000, 0x400, "eeprom"),
}
#: The hex view is redrawn at most this often (a 2 KiB dump as rich text costs ~10 ms)
REDRAW_SECONDS = 0.5
TINTS = ("#dbeafe", "#dcfce7", "#fef9c3", "#fce7f3", "#e0e7ff", "#ffedd5")


class MemoryView(QtWidgets.QWidget):
    """Hex dump (16 bytes a line, ASCII at the right) and the variables' values."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._key: tuple | None = None
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QtWidgets.QHBoxLayout()
        self.region = QtWidgets.QComboBox()
        self.region.addItems(list(REGIONS))
        self.region.currentIndexChanged.connect(lambda _i: self._redraw())
        top.addWidget(QtWidgets.QLabel("Memory"))
        top.addWidget(self.region)
        top.addStretch(1)
        lay.addLayout(top)
        split = QtWidgets.QSplitter()
        self.dump = QtWidgets.QTextBrowser()
        self.dump.setObjectName("hexDump")
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.dump.setFont(mono)
        self.dump.setLineWrapMode(QtWidgets.QTextEdit.LineWrapMode.NoWrap)
        self.variables = QtWidgets.QTableWidget(0, 4)
        self.variables.setObjectName("variables")
        self.variables.setHorizontalHeaderLabels(["Variable", "Address", "Size", "Value"])
        self.variables.verticalHeader().hide()
        self.variables.verticalHeader().setDefaultSectionSize(20)
        self.variables.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.variables.horizontalHeader().setStretchLastSection(True)
        self.variables.setToolTip(
            "Global and static variables from the ELF's symbol table (a .hex file has none); "
            "the value is little-endian, as avr-gcc stores it"
        )
        split.addWidget(self.dump)
        split.addWidget(self.variables)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)
        self._shot: Inspection | None = None
        self._drawn_at = 0.0
        self._later = QtCore.QTimer(self, singleShot=True)
        self._later.timeout.connect(self._redraw)

    def show_inspection(self, shot: Inspection) -> None:
        """Show ``shot`` (now, or within ``REDRAW_SECONDS`` of the last redraw)."""
        self._shot = shot
        wait = self._drawn_at + REDRAW_SECONDS - time.perf_counter()
        if wait <= 0:
            self._redraw()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    def variable_values(self) -> dict[str, int]:
        """The values shown in the variables table of the 1-, 2- and 4-byte variables."""
        out = {}
        for r in range(self.variables.rowCount()):
            text = self.variables.item(r, 3).text()
            if text.isdigit():
                out[self.variables.item(r, 0).text()] = int(text)
        return out

    def dump_text(self) -> str:
        return self.dump.toPlainText()

    # ---- drawing ------------------------------------------------------------------------
    def _redraw(self) -> None:
        shot = self._shot
        if shot is None or shot.stats is None:
            return
        start, end, which = REGIONS[self.region.currentText()]
        raw = shot.eeprom if which == "eeprom" else shot.data
        chunk = raw[start:end]
        key = (self.region.currentIndex(), chunk, tuple(shot.variables.items()))
        if key == self._key:
            return
        self._key = key
        self._drawn_at = time.perf_counter()
        owners: dict[int, int] = {}
        if which == "data":
            for i, (_name, (addr, size)) in enumerate(
                sorted(shot.variables.items(), key=lambda x: x[1])
            ):
                for a in range(addr, addr + max(1, size)):
                    owners[a] = i
        lines = []
        for base in range(start, end, 16):
            row = raw[base : base + 16]
            cells = []
            for j, b in enumerate(row):
                owner = owners.get(base + j)
                cell = f"{b:02x}"
                if owner is not None:
                    cell = f"<span style='background:{TINTS[owner % len(TINTS)]}'>{cell}</span>"
                cells.append(cell)
            ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
            lines.append(f"{base:04x}  {' '.join(cells)}  {html.escape(ascii_)}")
        bar = self.dump.verticalScrollBar()
        keep = bar.value()
        self.dump.setHtml("<pre style='margin:0'>" + "\n".join(lines) + "</pre>")
        bar.setValue(keep)
        self._fill_variables(shot)

    def _fill_variables(self, shot: Inspection) -> None:
        items = sorted(shot.variables.items(), key=lambda x: x[1])
        self.variables.setRowCount(len(items))
        for r, (name, (addr, size)) in enumerate(items):
            raw = shot.data[addr : addr + size] if size else b""
            if size in (1, 2, 4):  # a char, int or long: its value, little-endian
                value = str(int.from_bytes(raw, "little"))
            else:  # an array or object: its first bytes
                value = raw[:8].hex(" ") + (" …" if size > 8 else "")
            texts = [name, f"0x{addr:03x}", str(size), value]
            for c, t in enumerate(texts):
                item = self.variables.item(r, c)
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    self.variables.setItem(r, c, item)
                if item.text() != t:
                    item.setText(t)
            self.variables.item(r, 3).setToolTip(raw[:64].hex(" ") if raw else "")
            self.variables.item(r, 0).setBackground(QtGui.QColor(TINTS[r % len(TINTS)]))
            self.variables.item(r, 0).setForeground(QtGui.QColor("black"))
        self.variables.resizeColumnsToContents()
