"""The panels under the scope's plot: the table of automatic measurements and the histogram of
a duration, with a label on each class of durations."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...sim import measure as msr
from ...sim.capture import DURATIONS
from .style import ALARM, BACKGROUND, DIM_TEXT, GRID, TEXT, format_si

#: The histogram's x view spans at least this fraction of the longest duration.
MIN_VIEW_FRACTION = 1e-4
#: Room left and right of the histogram's durations, as a fraction of their span.
VIEW_PAD = 0.14


def dim_label(text: str) -> QtWidgets.QLabel:
    """A label in the dim text colour."""
    lab = QtWidgets.QLabel(text)
    lab.setProperty("role", "dim")
    return lab


def _limit(
    expect: dict[str, dict[str, float]] | None, channel: str, quantity: str, column: int
) -> float | None:
    """The limit the example sets on this cell (std: column 5, p2p: 6), or None."""
    stat = {5: "std", 6: "p2p"}.get(column)
    if not expect or stat is None or quantity not in ("period", "+width", "-width"):
        return None
    limits = expect.get(channel) or expect.get(channel.split(" ")[-1]) or {}
    return limits.get(stat if quantity == "period" else f"{quantity} {stat}")


class MeasurementTable(QtWidgets.QTableWidget):
    """One row per channel and quantity: mean, min, max, std, p2p and count."""

    HEADERS = ("channel", "measurement", "mean", "min", "max", "std", "p2p", "count")

    def __init__(self) -> None:
        super().__init__(0, len(self.HEADERS))
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(20)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        # columns as wide as their contents, packed left: a stretched last column put the
        # counts at the far right, away from their rows' other values
        hh.setStretchLastSection(False)

    def show_rows(
        self,
        rows: list[tuple[str, str, str, msr.Stats]],
        fit: bool,
        expect: dict[str, dict[str, float]] | None = None,
    ) -> None:
        """Show ``rows`` of (channel id, its colour, quantity, stats); ``fit`` sizes the
        columns to their contents (they are also sized when the row count changes, and when
        a value no longer fits). ``expect``: per channel id or pin, the spread the example
        expects ("std", "p2p", "+width p2p" ...; seconds): a value beyond it is alarm red."""
        resize = self.rowCount() != len(rows)
        if resize:
            self.setRowCount(len(rows))
        right = QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignRight
        left = QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft
        for r, (cid, lane_color, q, st) in enumerate(rows):
            cells = [cid if q == "frequency" else "", q]
            values = (st.mean, st.min, st.max, st.std, st.p2p)
            if st.unit == "":
                cells += [f"{100 * x:.3f} %" if math.isfinite(x) else "—" for x in values]
            else:
                cells += [format_si(x, st.unit, 6 if i < 3 else 4) for i, x in enumerate(values)]
            cells.append(str(st.count))
            for c, text in enumerate(cells):
                item = self.item(r, c)
                color = lane_color if c == 0 else (TEXT if c >= 2 else DIM_TEXT)
                limit = _limit(expect, cid, q, c)
                if limit is not None and math.isfinite(values[c - 2]) and values[c - 2] > limit:
                    color = ALARM  # beyond what this example expects: the only red here
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    item.setTextAlignment(right if c >= 2 else left)
                    self.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
                if item.data(QtCore.Qt.ItemDataRole.UserRole) != color:
                    item.setData(QtCore.Qt.ItemDataRole.UserRole, color)
                    item.setForeground(QtGui.QBrush(QtGui.QColor(color)))
        if resize or fit or self._cut_cells():
            self.resizeColumnsToContents()

    def _cut_cells(self) -> bool:
        """Whether some value no longer fits its column (then the columns are sized again)."""
        fm = self.fontMetrics()
        for c in range(2, self.columnCount()):
            width = self.columnWidth(c) - 12
            for r in range(self.rowCount()):
                item = self.item(r, c)
                if item is not None and fm.horizontalAdvance(item.text()) > width:
                    return True
        return False

    def texts(self) -> list[list[str]]:
        """The cells' texts, row by row."""
        return [
            [self.item(r, c).text() if self.item(r, c) else "" for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


class HistogramPanel(QtWidgets.QWidget):
    """The histogram of one duration ("period", "half period", "+width", "-width") of the
    chosen channel, or ("auto") of the trigger channel and every channel whose durations are
    of the same order."""

    #: The quantity or the channel was changed by the user.
    changed = QtCore.Signal()

    def __init__(self) -> None:
        super().__init__()
        hl = QtWidgets.QVBoxLayout(self)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(2)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(dim_label("Histogram of"))
        self.quantity_combo = QtWidgets.QComboBox()
        self.quantity_combo.addItems(list(DURATIONS))
        self.quantity_combo.currentTextChanged.connect(self._on_change)
        top.addWidget(self.quantity_combo)
        top.addWidget(dim_label("of"))
        self.channel_combo = QtWidgets.QComboBox()
        self.channel_combo.setToolTip(
            "auto: the trigger channel and every channel with durations of the same order"
        )
        self.channel_combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents
        )
        self.channel_combo.activated.connect(self._on_change)
        top.addWidget(self.channel_combo)
        top.addStretch(1)
        hl.addLayout(top)
        self.plot = pg.PlotWidget(background=BACKGROUND)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        hb = self.plot.getAxis("bottom")
        hb.setLabel(units="s")
        for ax in (hb, self.plot.getAxis("left")):
            ax.setPen(pg.mkPen(GRID))
            ax.setTextPen(pg.mkPen(TEXT))
        self.plot.getAxis("left").setLabel("count")
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        # kept and reused: adding and removing plot items costs a frame's worth each time
        self._bars: list[pg.PlotDataItem] = []  # one per channel shown
        self._labels: list[pg.TextItem] = []  # one per class of durations labelled
        self._note = pg.TextItem("", color=DIM_TEXT, anchor=(0.5, 0.5))
        self._note.setPos(0.5, 0.5)
        self._note.setVisible(False)
        self.plot.addItem(self._note)
        self._key: tuple | None = None
        self._shown_quantity = ""
        self._empty: bool | None = None
        hl.addWidget(self.plot, 1)

    def quantity(self) -> str:
        return self.quantity_combo.currentText()

    def set_choice(self, quantity: str, channel: str = "auto") -> None:
        """Show ``quantity`` of ``channel`` ("auto", or a digital channel id)."""
        if quantity not in DURATIONS:
            raise ValueError(f"histogram quantity must be one of {DURATIONS}, not {quantity!r}")
        k = self.channel_combo.findData(channel)
        if k < 0:
            raise KeyError(f"no digital channel {channel!r} on the scope")
        self.channel_combo.setCurrentIndex(k)
        self.quantity_combo.setCurrentText(quantity)
        self._on_change()

    def set_channels(self, ids: list[str]) -> None:
        """The digital channels to offer (the choice is kept when still there)."""
        chosen = self.channel_combo.currentData() or "auto"
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        self.channel_combo.addItem("auto", "auto")
        for cid in ids:
            self.channel_combo.addItem(cid, cid)
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(chosen)))
        self.channel_combo.blockSignals(False)

    def select(self, data: list[tuple[str, str, np.ndarray]], trigger: str) -> list:
        """Of every channel's (id, colour, durations in cycles), those to show: the chosen
        channel, or ("auto") the trigger channel plus every channel whose durations are of the
        same order (within x1.5 of its median), so one set of bins suits them all."""
        choice = self.channel_combo.currentData() or "auto"
        if choice != "auto":
            return [x for x in data if x[0] == choice]
        if not data:
            return data
        ref = next((x for x in data if x[0] == trigger), data[0])
        m0 = float(np.median(ref[2]))
        return [x for x in data if 1 / 1.5 <= float(np.median(x[2])) / m0 <= 1.5]

    def show_data(self, data: list[tuple[str, str, np.ndarray]], f_cpu: int) -> None:
        """Draw the histograms of ``data`` (id, colour, durations in cycles) on shared bins,
        labelling each class of durations; nothing is redrawn when the data did not change."""
        quantity = self.quantity()
        key = (quantity, tuple((cid, len(d), int(d[-1])) for cid, _, d in data))
        if key == self._key:
            return
        self._key = key
        if quantity != self._shown_quantity:
            self._shown_quantity = quantity
            self.plot.getAxis("bottom").setLabel(quantity, units="s")
        empty = not data
        if empty != self._empty:
            self._empty = empty
            for side in ("left", "bottom"):  # no numbers on an empty plot (and no stale scale)
                self.plot.getAxis(side).setTicks([[], []] if empty else None)
        self._note.setVisible(empty)
        if empty:
            self._note.setText(f"no {quantity} measured yet")
            self._show_bars([])
            self._show_labels([])
            self.plot.setXRange(0, 1, padding=0.0)
            self.plot.setYRange(0, 1, padding=0.0)
            return
        bins = msr.histogram_bin_edges([d for _, _, d in data], f_cpu)
        top = 1
        bars: list[tuple[np.ndarray, np.ndarray, str]] = []
        labels: list[tuple[str, str, float, float]] = []
        span = (bins[-1] - bins[0]) / f_cpu
        for _, color, d in data:
            h = msr.histogram(d, f_cpu, bins=bins)
            bars.append((h.edges, h.counts, color))
            top = max(top, int(h.counts.max()))
            for cls in msr.classes(d, f_cpu)[:8]:
                if cls.count < max(2, 0.02 * len(d)):
                    continue
                if any(abs(cls.median - x) < 0.12 * span for _, _, x, _ in labels):
                    continue  # would overlap a label already placed
                idx = int(np.searchsorted(h.edges, cls.median, side="right")) - 1
                idx = min(max(idx, 0), len(h.counts) - 1)
                text = f"{format_si(cls.median, 's', 4)} ×{cls.count}"
                labels.append((text, color, cls.median, float(h.counts[idx])))
        self._show_bars(bars)
        self._show_labels(labels)
        lo, hi = bins[0] / f_cpu, bins[-1] / f_cpu
        # durations all within a bin or two (blink's periods, equal to the cycle) get a view
        # of at least 0.01 % of their value: a bar in the middle and ticks of five digits, not
        # one bar over the plot ticked in nanoseconds. A spread of a few cycles on 10 ms (the
        # CTC example's) is wider than that and keeps its own view.
        half = max(hi - lo, MIN_VIEW_FRACTION * hi) * (0.5 + VIEW_PAD)
        self.plot.setXRange((lo + hi) / 2 - half, (lo + hi) / 2 + half, padding=0.0)
        self.plot.setYRange(0, top * 1.25, padding=0.0)

    def _show_bars(self, bars: list[tuple[np.ndarray, np.ndarray, str]]) -> None:
        """One filled step curve per (bin edges, counts, colour); the rest hidden."""
        while len(self._bars) < len(bars):
            item = pg.PlotDataItem(stepMode="center", fillLevel=0)
            item.color = ""
            self.plot.addItem(item)
            self._bars.append(item)
        for item, (edges, counts, color) in zip(self._bars, bars, strict=False):
            if item.color != color:
                item.color = color
                fill = QtGui.QColor(color)
                fill.setAlpha(110)
                item.setBrush(pg.mkBrush(fill))
                item.setPen(pg.mkPen(QtGui.QColor(color), width=1.5))
            item.setData(edges, counts)
            item.setVisible(True)
        for item in self._bars[len(bars) :]:
            item.setVisible(False)

    def _show_labels(self, labels: list[tuple[str, str, float, float]]) -> None:
        """A text per (text, colour, x, y), its bottom centre at (x, y); the rest hidden."""
        while len(self._labels) < len(labels):
            label = pg.TextItem("", anchor=(0.5, 1.0))
            label.shown = ("", "")
            self.plot.addItem(label)
            self._labels.append(label)
        for label, (text, color, x, y) in zip(self._labels, labels, strict=False):
            if label.shown != (text, color):  # laying text out is what costs
                label.shown = (text, color)
                label.setText(text, color=color)
            label.setPos(x, y)
            label.setVisible(True)
        for label in self._labels[len(labels) :]:
            label.setVisible(False)

    def labels(self) -> list[str]:
        """The texts of the class labels shown."""
        return [t.toPlainText() for t in self._labels if t.isVisible()]

    def _on_change(self, *_args) -> None:
        self._key = None
        self.changed.emit()
