"""The build panel: builds a sketch in a thread, shows the compiler's output with each
``file:line:col: error`` clickable, and rebuilds when the sketch is saved."""

from __future__ import annotations

import html
import os
import shlex
import subprocess
import threading
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QTextBrowser, QVBoxLayout, QWidget

from ..build import (
    BuildResult,
    NoToolchainError,
    SketchError,
    build_sketch,
    find_toolchain,
    install_hint,
    open_sketch,
    parse_diagnostics,
)


class _Relay(QObject):
    """Carries the build thread's news to the GUI thread (queued signals)."""

    text = Signal(str)
    done = Signal(object)


class BuildPanel(QWidget):
    """Compiler output of the current sketch; ``built(elf_or_hex)`` after a good build."""

    built = Signal(str)
    failed = Signal(str)

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings or QSettings("breadboard", "breadboard")
        self.sketch_path: str | None = None
        self.result: BuildResult | None = None
        self.toolchain = None
        #: The Preferences' toolchain choice ``toolchain`` was found with: a rebuild after the
        #: user changed it discovers the toolchain again.
        self.toolchain_choice = None
        self.building = False
        self._again = False
        self.status = QLabel("No sketch")
        self.progress = QProgressBar(maximum=0, textVisible=False, visible=False)
        self.output = QTextBrowser(openLinks=False)
        self.output.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        self.output.anchorClicked.connect(self._open_location)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.status)
        lay.addWidget(self.progress)
        lay.addWidget(self.output)
        self._relay = _Relay()
        self._relay.text.connect(self._append, Qt.ConnectionType.QueuedConnection)
        self._relay.done.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)
        self.watcher.directoryChanged.connect(self._changed)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.rebuild)
        self._text = ""

    # ---- building ---------------------------------------------------------------------------
    def build(self, path: str | os.PathLike) -> bool:
        """Build the sketch at ``path`` in a thread; False (after a message) when it cannot."""
        try:
            sketch = open_sketch(path)
        except SketchError as e:
            QMessageBox.warning(self, "Open sketch", str(e))
            return False
        problem = self._discover()
        if problem is not None:
            if self.toolchain is None and not problem:
                QMessageBox.information(self, "No Arduino toolchain", install_hint())
            else:
                QMessageBox.warning(self, "Toolchain", problem)
            return False
        self.sketch_path = str(sketch.main)
        self._watch(sketch.watched_paths(), sketch.folder)
        self.rebuild()
        return True

    def _discover(self) -> str | None:
        """Find the toolchain of the Preferences' current choice: None when found, else what
        is wrong ("" for no toolchain at all; ``toolchain`` is then None)."""
        from .preferences import toolchain_settings

        choice = toolchain_settings(self.settings)
        self.toolchain_choice = choice
        try:
            self.toolchain = find_toolchain(choice)
        except ValueError as e:  # a toolchain chosen in the Preferences that is not there
            self.toolchain = None
            return f"{e}\n\nSee Edit ▸ Preferences."
        return None if self.toolchain is not None else ""

    def rebuild(self) -> None:
        """Build the current sketch again (on save); with the toolchain found anew when the
        Preferences' choice changed since the last build."""
        if self.sketch_path is None:
            return
        if self.building:
            self._again = True
            return
        from .preferences import toolchain_settings

        if self.toolchain is None or toolchain_settings(self.settings) != self.toolchain_choice:
            problem = self._discover()
            if problem is not None:
                what = "the Preferences' toolchain is not usable" if problem else "no toolchain"
                self.status.setText(f"Cannot build: {what} (Edit ▸ Preferences)")
                self.output.setPlainText(problem or install_hint())
                self.failed.emit(problem or "no toolchain")
                return
        self.building = True
        self._text = ""
        self.output.clear()
        self.progress.setVisible(True)
        self.status.setText(f"Building {Path(self.sketch_path).name} …")
        path, toolchain = self.sketch_path, self.toolchain
        self.status.setToolTip(f"Building with {toolchain.summary()}")
        relay = self._relay

        def work() -> None:
            try:
                result: object = build_sketch(path, toolchain, log=relay.text.emit)
            except (NoToolchainError, SketchError) as e:
                result = e
            relay.done.emit(result)

        threading.Thread(target=work, name="sketch-build", daemon=True).start()

    def _append(self, text: str) -> None:
        self._text += text
        self.output.setHtml(self._render(self._text))
        bar = self.output.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _render(self, text: str) -> str:
        diags = {str(d): d for d in parse_diagnostics(text)}
        lines = []
        for line in text.splitlines():
            d = next((v for k, v in diags.items() if line.strip().startswith(k[:60])), None)
            esc = html.escape(line)
            if d is not None:
                color = "#c00" if d.severity == "error" else "#a60"
                href = QUrl.fromLocalFile(d.file).toString() + f"#{d.line}:{d.column or 1}"
                esc = f'<a style="color:{color}" href="{html.escape(href)}">{esc}</a>'
            lines.append(esc)
        return "<pre>" + "\n".join(lines) + "</pre>"

    def _finished(self, result: object) -> None:
        self.building = False
        self.progress.setVisible(False)
        if isinstance(result, BuildResult):
            self.result = result
            self.output.setHtml(self._render(result.output))
            self.status.setToolTip(f"Built with {result.toolchain.summary()}")
            if result.ok:
                self.status.setText(f"{result.sketch.main.name}: built in {result.seconds:.1f} s")
                self.built.emit(str(result.elf or result.hex))
            else:
                n = len(result.errors)
                self.status.setText(
                    f"{result.sketch.main.name}: {n} error{'s' if n != 1 else ''} - the board "
                    "keeps the last good firmware"
                )
                self.failed.emit(str(result.errors[0]) if result.errors else "build failed")
        else:
            self.status.setText(f"Cannot build: {result}")
            self.failed.emit(str(result))
        if self._again:
            self._again = False
            self.rebuild()

    # ---- rebuild on save ------------------------------------------------------------------------
    def _watch(self, files: list[Path], folder: Path) -> None:
        old = self.watcher.files() + self.watcher.directories()
        if old:
            self.watcher.removePaths(old)
        self.watcher.addPaths([str(p) for p in files if p.exists()] + [str(folder)])

    def _changed(self, _path: str) -> None:
        if self.sketch_path is None:
            return
        try:  # editors save by replacing the file: watch the new one
            sketch = open_sketch(self.sketch_path)
        except SketchError:
            return
        self._watch(sketch.watched_paths(), sketch.folder)
        self._debounce.start()

    # ---- opening an error in the editor ----------------------------------------------------
    def _open_location(self, url: QUrl) -> None:
        file = url.toLocalFile()
        line, _, col = url.fragment().partition(":")
        open_in_editor(self.settings, file, int(line or 1), int(col or 1))


def open_in_editor(settings: QSettings, file: str, line: int, column: int = 1) -> None:
    """Open ``file`` at ``line`` with the editor command of the Preferences (``editor``,
    e.g. ``code -g {file}:{line}:{column}`` or ``gedit +{line} {file}``), or the desktop's
    handler for the file when none is set."""
    command = str(settings.value("editor", "") or os.environ.get("BREADBOARD_EDITOR", ""))
    if command:
        args = [a.format(file=file, line=line, column=column) for a in shlex.split(command)]
        if not any("{file}" in a for a in shlex.split(command)):
            args.append(file)
        try:
            subprocess.Popen(args)
            return
        except OSError:
            pass
    QDesktopServices.openUrl(QUrl.fromLocalFile(file))
