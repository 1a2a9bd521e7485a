"""``VectorView``: the 26 interrupt vectors with their live statistics, and the warnings."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ...sim.irqstats import IrqStats, IrqWarning, VectorStats
from . import text as fmt

#: (header, tooltip) of each column
COLUMNS: list[tuple[str, str]] = [
    ("#", "Vector number (datasheet table 12-6)"),
    ("Address", "Flash byte address of the vector slot"),
    ("Vector", "avr-libc name (ISR(NAME_vect))"),
    ("Prio", "Priority: the lower the address, the higher the priority (1 = highest)"),
    ("Enabled", "Its enable bit; 'armed' when the I bit of SREG is set too"),
    ("Pending", "Its flag is set: the interrupt waits to be served"),
    ("Entries", "Times its handler was entered"),
    ("Last lat.", "Cycles from the flag's setting to the handler's first instruction, last"),
    ("Mean lat.", "Mean latency in cycles"),
    ("Worst lat.", "Worst latency in cycles"),
    ("Worst µs", "Worst latency in microseconds"),
    ("CPU %", "Share of all cycles spent inside this handler (nested ones included)"),
    ("Longest µs", "Longest single run of the handler, in microseconds"),
    ("Lost", "Events lost: the flag was set again while still set"),
    ("Handler", "The handler's ELF symbol (where the vector jumps to)"),
]
COL = {name: i for i, (name, _) in enumerate(COLUMNS)}
MAX_WARNINGS = 500


class VectorView(QtWidgets.QWidget):
    """The vector table (one row per vector, the running one highlighted) above the list
    of teaching warnings. Right-click a row to break on its entry or run until it."""

    #: Set / remove a breakpoint on the vector's handler (vector number, on)
    breakOnVector = QtCore.Signal(int, bool)  # noqa: N815 - Qt naming
    #: Run until this vector is entered
    runToVector = QtCore.Signal(int)  # noqa: N815 - Qt naming

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._stats: IrqStats | None = None
        self._breaks: set[int] = set()  # vectors with a breakpoint on their handler
        self._last_warning = -1  # cycle of the last warning listed
        self._last_now = 0
        self._styles: dict[int, tuple] = {}
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QtWidgets.QHBoxLayout()
        self.summary = QtWidgets.QLabel("")
        self.summary.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.summary.setWordWrap(False)
        self.summary.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.active_only = QtWidgets.QCheckBox("Show only active vectors")
        self.active_only.setToolTip("Vectors enabled, entered or with lost events")
        self.active_only.setChecked(True)
        self.active_only.toggled.connect(self._apply_filter)
        head.addWidget(self.summary, 1)
        head.addWidget(self.active_only)
        lay.addLayout(head)

        self.table = QtWidgets.QTableWidget(26, len(COLUMNS))
        self.table.setObjectName("vectorTable")
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setAlternatingRowColors(True)
        for i, (name, tip) in enumerate(COLUMNS):
            item = QtWidgets.QTableWidgetItem(name)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(i, item)
        for r in range(26):
            for c in range(len(COLUMNS)):
                item = QtWidgets.QTableWidgetItem("")
                right = c not in (COL["Vector"], COL["Handler"], COL["Enabled"])
                item.setTextAlignment(
                    (QtCore.Qt.AlignmentFlag.AlignRight if right else QtCore.Qt.AlignmentFlag.AlignLeft)
                    | QtCore.Qt.AlignmentFlag.AlignVCenter
                )  # fmt: skip
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        self._widths = [0] * len(COLUMNS)  # longest text per column: resize when one grows
        self.table.setToolTip(
            "Right-click a vector: break on its entry, or run until it is entered; "
            "double-click: run until it is entered"
        )
        self.table.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.runToVector.emit(r) if r else None)

        self.warnings = QtWidgets.QListWidget()
        self.warnings.setObjectName("irqWarnings")
        self.warnings.setToolTip("Teaching warnings, with the simulated time they happened")
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(self.table)
        box = QtWidgets.QWidget()
        blay = QtWidgets.QVBoxLayout(box)
        blay.setContentsMargins(0, 0, 0, 0)
        self.warnings_label = QtWidgets.QLabel("Warnings")
        blay.addWidget(self.warnings_label)
        blay.addWidget(self.warnings)
        split.addWidget(box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

    # ---- public -------------------------------------------------------------------------
    def show_stats(self, stats: IrqStats, breakpoints: tuple[int, ...] = ()) -> None:
        """Show ``stats`` (and which handlers carry one of ``breakpoints``)."""
        self._stats = stats
        self._breaks = {r.number for r in stats.vectors if r.handler in breakpoints and r.number}
        f = stats.f_cpu
        grew = False
        for row in stats.vectors:
            grew |= self._show_row(row, stats, f)
        if grew:
            self.table.resizeColumnsToContents()
        self._apply_filter()
        if stats.executing:
            running = [r.name for r in stats.vectors if r.executing and r.number]
            inner = stats.vectors[stats.executing].name
            nest = f" (nesting {stats.nesting}: {', '.join(running)})" if stats.nesting > 1 else ""
            now = f"executing <b style='color:{fmt.EXECUTING}'>{inner}</b>{nest}"
        else:
            now = "main program"
        i_flag = "I = 1 (interrupts on)" if stats.interrupts_enabled else "<b>I = 0</b> (off)"
        summary = (
            f"t = {fmt.seconds(stats.cycle, f)} · {now} · {i_flag} · longest interrupts-off "
            f"{fmt.micros(stats.longest_interrupts_off, f)} µs"
        )
        self.summary.setText(summary)
        self.summary.setToolTip(summary)
        self._show_warnings(stats.warnings, f, stats.cycle)

    def row(self, vector: int | str) -> dict[str, str]:
        """The texts of a vector's row, by column header (tests, tools)."""
        n = vector if isinstance(vector, int) else self._number(vector)
        return {name: self.table.item(n, i).text() for i, (name, _) in enumerate(COLUMNS)}

    def visible_vectors(self) -> list[str]:
        """Names of the rows shown (the filter applied)."""
        return [
            self.table.item(r, COL["Vector"]).text()
            for r in range(26)
            if not self.table.isRowHidden(r)
        ]

    def warning_texts(self) -> list[str]:
        return [self.warnings.item(i).text() for i in range(self.warnings.count())]

    def clear(self) -> None:
        self._stats = None
        self.warnings.clear()
        self._last_warning = -1
        self._last_now = 0
        self._styles.clear()
        for r in range(26):
            for c in range(len(COLUMNS)):
                self.table.item(r, c).setText("")

    # ---- drawing ------------------------------------------------------------------------
    def _number(self, name: str) -> int:
        for r in range(26):
            if self.table.item(r, COL["Vector"]).text() == name.upper():
                return r
        raise KeyError(name)

    def _show_row(self, r: VectorStats, stats: IrqStats, f: int) -> bool:
        """Fill a row (only cells that changed); True when a text grew past its column."""
        n = r.number
        enabled = ""
        if n:
            enabled = "armed" if r.armed else ("on, I = 0" if r.enabled else "")
        cells = [
            str(n),
            f"0x{r.address:04x}",
            r.name,
            str(r.priority),
            enabled,
            "pending" if r.pending else "",
            fmt.cycles(r.entries) if n else "",
            fmt.cycles(r.last_latency),
            fmt.cycles(r.mean_latency),
            fmt.cycles(r.worst_latency),
            fmt.micros(r.worst_latency, f),
            f"{r.cpu_percent:.2f}" if r.entries else "–",
            fmt.micros(r.longest_isr, f) if r.entries else "–",
            str(r.lost) if n else "",
            ("● " if n in self._breaks else "") + (r.symbol or ""),
        ]
        inner = n and stats.executing == n
        if inner:
            bg = QtGui.QColor(fmt.EXECUTING)
            fg = QtGui.QColor("white")
        elif n and r.executing:
            bg = QtGui.QColor(fmt.INTERRUPTED)
            fg = QtGui.QColor("black")
        else:
            bg = fg = None
        grew = False
        style = (bg, fg, bool(r.lost))
        restyle = self._styles.get(n) != style
        self._styles[n] = style
        for c, value in enumerate(cells):
            item = self.table.item(n, c)
            if item.text() != value:
                item.setText(value)
                if len(value) > self._widths[c]:
                    self._widths[c] = len(value)
                    grew = True
            if restyle:
                item.setData(QtCore.Qt.ItemDataRole.BackgroundRole, bg)
                item.setData(QtCore.Qt.ItemDataRole.ForegroundRole, fg)
        if restyle and r.lost and not inner:
            lost = self.table.item(n, COL["Lost"])
            lost.setData(QtCore.Qt.ItemDataRole.ForegroundRole, QtGui.QColor(fmt.BREAKPOINT))
        if restyle:
            tip = f"{r.name}: handler {'' if r.handler is None else f'0x{r.handler:04x} '}"
            tip += f"{r.symbol or ''}\nlatencies in cycles at {f / 1e6:g} MHz"
            self.table.item(n, COL["Vector"]).setToolTip(tip)
        return grew

    def _apply_filter(self) -> None:
        only = self.active_only.isChecked()
        stats = self._stats
        active = {r.number for r in stats.active()} if stats else set()
        if stats is not None:
            active |= {r.number for r in stats.vectors if r.executing}
        for r in range(26):
            hide = only and stats is not None and r not in active
            if self.table.isRowHidden(r) != hide:
                self.table.setRowHidden(r, hide)

    def _show_warnings(self, warnings: list[IrqWarning], f: int, now: int) -> None:
        if now < self._last_now:  # a new run (power cycle, new firmware): start over
            self.warnings.clear()
            self._last_warning = -1
        self._last_now = now
        new = [w for w in warnings if w.cycle > self._last_warning]
        for w in new:
            item = QtWidgets.QListWidgetItem(f"{fmt.seconds(w.cycle, f)}  {w.text}")
            item.setForeground(QtGui.QColor(fmt.WARNING))
            item.setData(QtCore.Qt.ItemDataRole.UserRole, w.kind)
            self.warnings.addItem(item)
        if new:
            self._last_warning = new[-1].cycle
            self.warnings.scrollToBottom()
        while self.warnings.count() > MAX_WARNINGS:
            self.warnings.takeItem(0)
        count = self.warnings.count()
        self.warnings_label.setText(
            f"Warnings ({count}{'+' if count >= MAX_WARNINGS else ''})"
            if count
            else "Warnings: none yet (no long ISR, nothing lost)"
        )

    def _context_menu(self, pos: QtCore.QPoint) -> None:
        n = self.table.rowAt(pos.y())
        if n <= 0 or self._stats is None:
            return
        name = self._stats.vectors[n].name
        menu = QtWidgets.QMenu(self)
        on = n not in self._breaks
        act = menu.addAction(("Break on entry of " if on else "Remove the breakpoint on ") + name)
        act.triggered.connect(lambda: self.breakOnVector.emit(n, on))
        menu.addAction(f"Run until {name} is entered").triggered.connect(
            lambda: self.runToVector.emit(n)
        )
        menu.exec(self.table.viewport().mapToGlobal(pos))
