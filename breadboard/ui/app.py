"""Starting the desktop app: the Qt application, the first-launch kernel compile, the window."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from ..sim import KERNEL_CACHE_DIR, warm_up
from .resources import resource_path

READY_MARKER = "ready"


def warm_command() -> list[str]:
    """The command that compiles the kernel into the cache in a separate process."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--warm-cache"]
    return [sys.executable, "-m", "breadboard", "--warm-cache"]


def mark_cache_ready() -> None:
    Path(KERNEL_CACHE_DIR).mkdir(parents=True, exist_ok=True)
    (Path(KERNEL_CACHE_DIR) / READY_MARKER).write_text("compiled\n")


def cache_ready() -> bool:
    return (Path(KERNEL_CACHE_DIR) / READY_MARKER).exists()


def prepare_kernel(app: QApplication) -> bool:
    """Compile the simulator on the first launch, behind a progress dialog.

    numba holds the GIL while it compiles, so the compile runs in a child process while this
    one keeps the dialog alive; then the cached kernel loads here in a fraction of a second.
    """
    if not cache_ready():
        dialog = QProgressDialog(
            "Preparing the simulator (first launch only)…\nCompiling the ATmega328P core.",
            "",
            0,
            0,
        )
        dialog.setWindowTitle("breadboard")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        start = time.monotonic()
        proc = subprocess.Popen(warm_command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            app.processEvents()
            dialog.setLabelText(
                "Preparing the simulator (first launch only)…\n"
                f"Compiling the ATmega328P core: {time.monotonic() - start:.0f} s"
            )
            time.sleep(0.05)
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        dialog.close()
        if proc.returncode != 0:
            QMessageBox.critical(None, "breadboard", f"The simulator could not be prepared:\n{out}")
            return False
    warm_up()
    mark_cache_ready()
    return True


def run_app(path: str | None = None, argv: list[str] | None = None) -> int:
    """Open the main window (optionally with a firmware or circuit file) and run Qt."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("breadboard")
    app.setOrganizationName("breadboard")
    app.setWindowIcon(QIcon(str(resource_path("icon.png"))))
    if not prepare_kernel(app):
        return 1
    from .main_window import MainWindow

    window = MainWindow()
    if path:
        if path.lower().endswith(".json"):
            window.open_circuit(path)
        else:
            window.open_firmware(os.path.abspath(path))
    elif window.examples:
        first = next((e for e in window.examples if e.name == "int0_button"), window.examples[0])
        window.open_example(first)
    window.show()
    return app.exec()
