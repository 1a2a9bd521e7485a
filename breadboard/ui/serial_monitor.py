"""The serial monitor dock, as in the Arduino IDE: text received from the firmware, a send box,
baud rate and line ending, autoscroll, timestamps in simulated time, clear."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..sim import F_CPU

BAUD_RATES = (300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 74880, 115200, 230400, 250000)
LINE_ENDINGS = {
    "No line ending": b"",
    "Newline": b"\n",
    "Carriage return": b"\r",
    "Both NL & CR": b"\r\n",
}
MAX_BLOCKS = 20_000


class SerialMonitor(QWidget):
    """Shows transmitted bytes; ``send`` carries what the user typed (with the line ending)."""

    send = Signal(bytes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setMaximumBlockCount(MAX_BLOCKS)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.input = QLineEdit(placeholderText="Message (Enter to send to the Uno)")
        self.input.returnPressed.connect(self._send)
        send = QPushButton("Send")
        send.clicked.connect(self._send)
        self.autoscroll = QCheckBox("Autoscroll", checked=True)
        self.timestamps = QCheckBox("Show timestamp")
        self.ending = QComboBox()
        self.ending.addItems(list(LINE_ENDINGS))
        self.ending.setCurrentText("Newline")
        self.baud = QComboBox()
        self.baud.addItems([f"{b} baud" for b in BAUD_RATES])
        self.baud.setCurrentText("9600 baud")
        self.baud.currentIndexChanged.connect(self._check_baud)
        clear = QPushButton("Clear output")
        clear.clicked.connect(self.clear)
        self.warning = QLabel()
        self.warning.setStyleSheet("color: #b35c00;")
        self.warning.setWordWrap(True)
        self.warning.hide()

        top = QHBoxLayout()
        top.addWidget(self.input, 1)
        top.addWidget(send)
        bottom = QHBoxLayout()
        bottom.addWidget(self.autoscroll)
        bottom.addWidget(self.timestamps)
        bottom.addStretch(1)
        bottom.addWidget(self.ending)
        bottom.addWidget(self.baud)
        bottom.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(self.text, 1)
        layout.addLayout(bottom)
        self._config: dict | None = None
        self._at_line_start = True
        self._f_cpu = F_CPU

    # ---- receiving ------------------------------------------------------------------------
    def append_bytes(self, rows, f_cpu: int = F_CPU) -> None:
        """Append transmitted bytes: rows of (cycle, byte)."""
        if len(rows) == 0:
            return
        self._f_cpu = f_cpu
        pieces: list[str] = []
        for cycle, byte in rows:
            ch = chr(int(byte))
            if self.timestamps.isChecked() and self._at_line_start and ch not in "\r\n":
                pieces.append(f"{int(cycle) / f_cpu:12.6f} s -> ")
            if ch == "\r":
                continue
            pieces.append(ch if (ch == "\n" or ch == "\t" or ch.isprintable()) else "\ufffd")
            self._at_line_start = ch == "\n"
        bar = self.text.verticalScrollBar()
        keep = bar.value()
        cursor = self.text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText("".join(pieces))
        if self.autoscroll.isChecked():
            bar.setValue(bar.maximum())
        else:
            bar.setValue(keep)

    def contents(self) -> str:
        return self.text.toPlainText()

    def clear(self) -> None:
        self.text.clear()
        self._at_line_start = True

    # ---- sending --------------------------------------------------------------------------
    def _send(self) -> None:
        data = self.input.text().encode("utf-8") + LINE_ENDINGS[self.ending.currentText()]
        if data:
            self.send.emit(data)
        self.input.clear()

    # ---- the firmware's serial settings --------------------------------------------------
    def selected_baud(self) -> int:
        return int(self.baud.currentText().split()[0])

    def set_firmware_config(self, config: dict | None) -> None:
        """The USART settings the firmware chose; warn when they do not match the monitor."""
        if config == self._config:
            return
        self._config = config
        self._check_baud()

    def _check_baud(self) -> None:
        cfg = self._config
        if not cfg or not cfg.get("tx_enabled") and not cfg.get("rx_enabled"):
            self.warning.hide()
            return
        actual = float(cfg.get("baud", 0.0))
        chosen = self.selected_baud()
        if actual <= 0 or abs(actual - chosen) / chosen <= 0.03:
            self.warning.hide()
            return
        self.warning.setText(
            f"The firmware's USART runs at {actual:,.0f} baud (UBRR0 = {cfg.get('ubrr')}, "
            f"U2X0 = {cfg.get('u2x')}), not {chosen} baud: a real serial monitor would show "
            "garbage. Choose the matching rate."
        )
        self.warning.show()


__all__ = ["SerialMonitor", "BAUD_RATES", "LINE_ENDINGS"]
