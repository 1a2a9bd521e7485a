"""``DisassemblyView``: the instructions around PC with the ELF's labels, breakpoints toggled
by clicking a line's margin, and the lists of breakpoints and watchpoints."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ...sim.inspection import Inspection
from . import text as fmt

MARGIN, ADDRESS, LABEL, CODE, WORDS, SOURCE = range(6)


def _point_row(form: QtWidgets.QGridLayout, row: int, label: str, placeholder: str,
               add_text: str, tooltip: str, add, remove) -> tuple:  # fmt: skip
    """One "label [edit] [Add] [set ▾] [Remove]" row of the breakpoint/watchpoint form;
    returns (the line edit, the combo box of those set)."""
    edit = QtWidgets.QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.returnPressed.connect(add)
    add_button = QtWidgets.QPushButton(add_text)
    add_button.clicked.connect(add)
    chosen = QtWidgets.QComboBox()
    chosen.setToolTip(tooltip)
    remove_button = QtWidgets.QPushButton("Remove")
    remove_button.clicked.connect(remove)
    for col, w in enumerate((QtWidgets.QLabel(label), edit, add_button, chosen, remove_button)):
        form.addWidget(w, row, col)
    return edit, chosen


class DisassemblyView(QtWidgets.QWidget):
    """Listing (● = breakpoint, ▶ = PC) above two small editors: breakpoints (an address,
    a function or a vector name) and watchpoints (a data address, register or variable)."""

    #: Set (True) / remove (False) a breakpoint at a flash address, function or vector name
    breakpointToggled = QtCore.Signal(object, bool)  # noqa: N815 - Qt naming
    #: Set / remove a watchpoint on a data address, register name or variable
    watchToggled = QtCore.Signal(object, bool)  # noqa: N815 - Qt naming

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._shot: Inspection | None = None
        self._key: tuple | None = None
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QtWidgets.QTableWidget(0, 6)
        self.table.setObjectName("listing")
        self.table.setHorizontalHeaderLabels(
            ["", "Address", "Label", "Instruction", "Words", "Source"]
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(19)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(MARGIN, 26)
        self.table.setColumnWidth(ADDRESS, 70)
        self.table.setColumnWidth(LABEL, 150)
        self.table.setColumnWidth(CODE, 260)
        self.table.setColumnWidth(WORDS, 100)
        self.table.setToolTip(
            "Click the margin (left column) of a line to set or remove a breakpoint"
        )
        self.table.cellClicked.connect(self._clicked)
        lay.addWidget(self.table, 1)

        form = QtWidgets.QGridLayout()
        self.break_edit, self.breaks = _point_row(
            form, 0, "Break at", "0x2be, loop, __vector_7 or TIMER2_COMPA", "Add breakpoint",
            "Breakpoints set", self._add_break, self._remove_break,
        )  # fmt: skip
        self.watch_edit, self.watches = _point_row(
            form, 1, "Watch", "0x12e, OCR2A or a variable (presses)", "Add watchpoint",
            "Watchpoints set: the run stops after a write there", self._add_watch,
            self._remove_watch,
        )  # fmt: skip
        form.setColumnStretch(1, 2)
        form.setColumnStretch(3, 1)
        lay.addLayout(form)

    # ---- public -------------------------------------------------------------------------
    def show_inspection(self, shot: Inspection) -> None:
        self._shot = shot
        key = (shot.listing, shot.breakpoints, shot.watches)
        if key == self._key:
            return
        self._key = key
        lines = shot.listing
        self.table.setRowCount(len(lines))
        current_row = 0
        for r, ln in enumerate(lines):
            label = f"{ln.label}:" if ln.label else ""
            if r == 0 and not label:  # where the listing starts: in which function
                label = self._code_name(ln.address, inside=True)
            cells = [
                ("▶" if ln.current else "") + ("●" if ln.breakpoint else ""),
                f"{ln.address:04x}",
                label,
                ln.text,
                " ".join(f"{w:04x}" for w in ln.words),
                ln.source or "",
            ]
            for c, t in enumerate(cells):
                item = self.table.item(r, c)
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    self.table.setItem(r, c, item)
                item.setText(t)
                bg = QtGui.QColor(fmt.CURRENT_LINE) if ln.current else None
                item.setData(QtCore.Qt.ItemDataRole.BackgroundRole, bg)
                fg = None
                if c == MARGIN and ln.breakpoint:
                    fg = QtGui.QColor(fmt.BREAKPOINT)
                elif ln.current:
                    fg = QtGui.QColor("black")
                item.setData(QtCore.Qt.ItemDataRole.ForegroundRole, fg)
            if ln.current:
                current_row = r
        self.table.scrollToItem(
            self.table.item(current_row, ADDRESS),
            QtWidgets.QAbstractItemView.ScrollHint.PositionAtCenter,
        )
        self._fill(self.breaks, [(self._code_name(a), a) for a in shot.breakpoints])
        self._fill(self.watches, [(self._data_name(a), a) for a in shot.watches])

    def lines(self) -> list[tuple[int, str, bool, bool]]:
        """(address, instruction, breakpoint, current) of each line shown (tests, tools)."""
        out = []
        for r in range(self.table.rowCount()):
            margin = self.table.item(r, MARGIN).text()
            out.append(
                (
                    int(self.table.item(r, ADDRESS).text(), 16),
                    self.table.item(r, CODE).text(),
                    "●" in margin,
                    "▶" in margin,
                )
            )
        return out

    def click_margin(self, address: int) -> None:
        """Click the margin of the line at flash byte ``address`` (as a user would)."""
        for r in range(self.table.rowCount()):
            if int(self.table.item(r, ADDRESS).text(), 16) == address:
                self._clicked(r, MARGIN)
                return
        raise KeyError(f"0x{address:04x} is not in the listing")

    # ---- helpers ------------------------------------------------------------------------
    def _code_name(self, address: int, inside: bool = False) -> str:
        """ "0x02be __vector_7"; ``inside``: "(micros+0x1c)", the symbol at or before it."""
        shot = self._shot
        symbols = shot.symbols if shot else {}
        if inside:
            start = max((a for a in symbols if a <= address), default=None)
            return "" if start is None else f"({symbols[start]}+0x{address - start:x})"
        name = symbols.get(address)
        return f"0x{address:04x} {name}" if name else f"0x{address:04x}"

    def _data_name(self, address: int) -> str:
        shot = self._shot
        if shot is not None:
            for reg, value in ((n, a) for n, (a, _s) in shot.variables.items()):
                if value == address:
                    return f"0x{address:03x} {reg}"
            from ...sim.registers import REGISTERS

            for reg, (a, _bits) in REGISTERS.items():
                if a == address:
                    return f"0x{address:03x} {reg}"
        return f"0x{address:03x}"

    @staticmethod
    def _fill(combo: QtWidgets.QComboBox, entries: list[tuple[str, int]]) -> None:
        if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == entries:
            return
        combo.clear()
        for label, value in entries:
            combo.addItem(label, value)

    def _clicked(self, row: int, column: int) -> None:
        if column != MARGIN or self._shot is None:
            return
        address = int(self.table.item(row, ADDRESS).text(), 16)
        self.breakpointToggled.emit(address, address not in self._shot.breakpoints)

    def _add_break(self) -> None:
        where = self.break_edit.text().strip()
        if where:
            self.breakpointToggled.emit(where, True)
            self.break_edit.clear()

    def _remove_break(self) -> None:
        if self.breaks.count():
            self.breakpointToggled.emit(self.breaks.currentData(), False)

    def _add_watch(self) -> None:
        where = self.watch_edit.text().strip()
        if where:
            self.watchToggled.emit(where, True)
            self.watch_edit.clear()

    def _remove_watch(self) -> None:
        if self.watches.count():
            self.watchToggled.emit(self.watches.currentData(), False)
