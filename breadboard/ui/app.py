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

from ..sim import kernel_ready, warm_up
from .resources import resource_path


def warm_command() -> list[str]:
    """The command that compiles the kernel into the cache in a separate process."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--warm-cache"]
    return [sys.executable, "-m", "breadboard", "--warm-cache"]


def prepare_kernel(app: QApplication) -> bool:
    """Compile the simulator on the first launch, behind a progress dialog.

    numba holds the GIL while it compiles, so the compile runs in a child process while this
    one keeps the dialog alive; then the cached kernel loads here in a fraction of a second.
    """
    if not kernel_ready():
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


# ---- the packaged app's self-check ---------------------------------------------------------
SMOKE_TIMEOUT = 60.0
SMOKE_OK = ("running", "sleeping", "stopped")


def _process_age() -> float | None:
    """Seconds since this process was started (Linux, 10 ms resolution), or None."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def smoke_test(example: str, seconds: float, timeout: float = SMOKE_TIMEOUT) -> int:
    """Open an example, run ``seconds`` of simulated time flat out, print one line, exit.

    The hidden ``--smoke-test SECONDS --example NAME`` of the packaged app (see
    packaging/check_bundle.sh); offscreen when QT_QPA_PLATFORM=offscreen. Goes through the
    same first-launch compile as ``run_app``. Times are from process start where the system
    tells it (Linux), else from this call. Returns 0 if the firmware ran (running, sleeping
    or stopped), 1 if it halted, the example is missing or ``timeout`` wall seconds passed.
    """
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    called = time.monotonic()
    age = _process_age()
    t0 = called - age if age is not None else called
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("breadboard")
    app.setOrganizationName("breadboard")
    compiled = not kernel_ready()
    if not prepare_kernel(app):
        print("smoke-test: the simulator could not be prepared", file=sys.stderr)
        return 1
    kernel_at = time.monotonic()
    from .main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="breadboard-smoke-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        found = next((e for e in window.examples if e.name == example), None)
        if found is None:
            names = ", ".join(e.name for e in window.examples) or "none"
            print(f"smoke-test: no example {example!r} (there are: {names})", file=sys.stderr)
            window.close()
            return 1
        window.open_example(found)
        window.show()
        window.set_speed(0.0)
        shown = time.monotonic()
        shown_cpu = time.process_time()  # this process's CPU time so far: less noisy under load
        first_cycle: list[float] = []
        loop = QEventLoop()

        def check() -> None:
            snap = window.worker.snapshot
            if snap.cycle > 0 and not first_cycle:
                first_cycle.append(time.monotonic())
            if snap.seconds >= seconds or snap.status == "halted":
                loop.quit()

        poll = QTimer()
        poll.timeout.connect(check)
        poll.start(10)
        QTimer.singleShot(int(timeout * 1000), loop.quit)
        loop.exec()
        poll.stop()
        snap = window.worker.snapshot
        done = time.monotonic()
        ok = snap.seconds >= seconds and snap.status in SMOKE_OK
        first = f"{first_cycle[0] - t0:.2f}" if first_cycle else "none"
        print(
            f"smoke-test example={example} simulated_s={snap.seconds:.3f} "
            f"status={snap.status.replace(' ', '_')} wall_s={done - t0:.2f} "
            f"compiled={'yes' if compiled else 'no'} kernel_ready_s={kernel_at - t0:.2f} "
            f"window_shown_s={shown - t0:.2f} window_cpu_s={shown_cpu:.2f} first_cycle_s={first} "
            f"from={'process' if age is not None else 'call'} result={'ok' if ok else 'FAIL'}",
            flush=True,
        )
        if snap.status == "halted":
            print(f"smoke-test: halted: {snap.halt_reason}", file=sys.stderr)
        elif not ok:
            print(f"smoke-test: not done after {timeout:.0f} s", file=sys.stderr)
        window.circuit_dirty = False
        window.close()  # must close cleanly too: an exception here fails the check
    return 0 if ok else 1
