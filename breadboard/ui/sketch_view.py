"""A read-only view of an example's sketch with C++ highlighting, and "Save a copy as…" that
makes it the user's own sketch (a sketch folder ``NAME/NAME.ino``), opened and built."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ..build import sketchbook_dir

_KEYWORDS = (
    "auto bool break byte case char class const continue default delete do double else enum "
    "extern false float for goto if inline int long namespace new nullptr private protected "
    "public return short signed sizeof static struct switch template this true typedef "
    "unsigned void volatile while word boolean uint8_t uint16_t uint32_t int8_t int16_t "
    "int32_t String"
).split()
_ARDUINO = (
    "HIGH LOW INPUT OUTPUT INPUT_PULLUP LED_BUILTIN CHANGE RISING FALLING ISR setup loop "
    "pinMode digitalWrite digitalRead analogRead analogWrite delay delayMicroseconds millis "
    "micros attachInterrupt detachInterrupt digitalPinToInterrupt interrupts noInterrupts "
    "Serial"
).split()


def _fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    f.setFontItalic(italic)
    return f


class CppHighlighter(QSyntaxHighlighter):
    """Keywords, Arduino names, numbers, strings, preprocessor lines and comments."""

    RULES = [
        (re.compile(r"\b(" + "|".join(_KEYWORDS) + r")\b"), _fmt("#0033b3", bold=True)),
        (re.compile(r"\b(" + "|".join(_ARDUINO) + r")\b"), _fmt("#00627a")),
        (re.compile(r"\b(0x[0-9A-Fa-f]+|\d+(\.\d*)?[uUlLfF]*)\b"), _fmt("#1750eb")),
        (re.compile(r"^\s*#\s*\w+.*$"), _fmt("#9e880d")),
        (re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\''), _fmt("#067d17")),
        (re.compile(r"//.*$"), _fmt("#8c8c8c", italic=True)),
    ]
    COMMENT = _fmt("#8c8c8c", italic=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for regex, fmt in self.RULES:
            for m in regex.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), fmt)
        # /* block comments */ across lines: state 1 = inside one
        start = 0 if self.previousBlockState() == 1 else text.find("/*")
        self.setCurrentBlockState(0)
        while start >= 0:
            end = text.find("*/", start + (0 if self.previousBlockState() == 1 else 2))
            if end < 0:
                self.setCurrentBlockState(1)
                self.setFormat(start, len(text) - start, self.COMMENT)
                break
            self.setFormat(start, end + 2 - start, self.COMMENT)
            start = text.find("/*", end + 2)


class SketchView(QDialog):
    """An example's ``.ino``, read-only; ``copied(path)`` after "Save a copy as…"."""

    copied = Signal(str)

    def __init__(self, source: Path, title: str = "", parent=None):
        super().__init__(parent)
        self.source = Path(source)
        self.setWindowTitle(f"{self.source.name} — {title}" if title else self.source.name)
        self.editor = QPlainTextEdit(readOnly=True)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText(self.source.read_text(encoding="utf-8", errors="replace"))
        self.highlighter = CppHighlighter(self.editor.document())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton("Save a copy as…")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_copy_dialog)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.editor)
        lay.addWidget(buttons)
        self.resize(720, 640)

    def save_copy_dialog(self) -> None:
        start = sketchbook_dir() / self.source.stem
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the sketch", str(start), "Arduino sketch (*.ino)"
        )
        if path:
            self.save_copy(path)

    def save_copy(self, path: str | Path) -> Path | None:
        """Write the sketch as a sketch folder: ``.../NAME`` or ``.../NAME.ino`` becomes
        ``.../NAME/NAME.ino`` (as the Arduino IDE keeps sketches). Returns the new .ino."""
        p = Path(path)
        name = p.stem
        folder = p.parent if p.parent.name == name else p.parent / name
        target = folder / f"{name}.ino"
        if target.exists():
            QMessageBox.warning(self, "Save a copy", f"{target} exists already.")
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(self.editor.toPlainText(), encoding="utf-8")
        except OSError as e:
            QMessageBox.warning(self, "Save a copy", f"{target}: {e.strerror or e}")
            return None
        self.copied.emit(str(target))
        self.accept()
        return target
