"""App frame-time benchmark (on demand): the millis() example running at 1x, the scope open.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_app.py [--seconds 10] [--fast-channel]

Reports the GUI's frame interval and the time spent in each 60 Hz refresh (median and 99th
percentile) and the real-time factor (simulated seconds / wall seconds over the run).
--example NAME runs another example, e.g. micropython/button (the lesson's MicroPython
script, with its interrupt lane on the scope and the button pressed every half second).
--fast-channel runs instead a firmware generated in memory that toggles D3 every 40 cycles
(200 kHz) with four scope channels (D2, D13, D3 and the interrupt lane).
--inspector opens the interrupt inspector (View > Interrupt inspector) on its vector table
(--inspector-tab registers|memory|disassembly for another tab) during the measurement.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def toggler_firmware():
    """D3 toggling every 40 cycles (a 200 kHz square wave) and D2 every 10 loops."""
    from breadboard.avr import isa
    from breadboard.firmware import Firmware

    words: list[int] = []

    def e(*ins):
        words.extend(isa.encode(*ins, pc=len(words)))

    e("LDI", 16, 0x0C)
    e("OUT", 0x0A, 16)  # DDRD: D2, D3 outputs
    e("LDI", 16, 0x08)
    loop = len(words)
    e("OUT", 0x09, 16)  # PIND: toggle D3                      1
    e("LDI", 17, 12)  #                                         1
    e("DEC", 17)
    e("BRBC", 1, loop + 2)  # 12 x (dec + brne) - 1 = 35
    e(
        "NOP",
    )  #                                                1
    e("RJMP", loop)  #                                          2  -> 40 cycles
    flash = np.full(16384, 0xFFFF, dtype=np.uint16)
    flash[: len(words)] = words
    return Firmware(path="<200 kHz toggler>", format="hex", flash=flash, size=2 * len(words),
                    symbols={})  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--fast-channel", action="store_true")
    ap.add_argument("--example", default="millis_100hz")
    ap.add_argument("--inspector", action="store_true")
    ap.add_argument(
        "--persistence",
        default="preset",
        choices=["preset", "off", "fading", "infinite"],
        help="the scope's persistence (preset: what the example's preset sets)",
    )
    ap.add_argument(
        "--inspector-tab",
        default="vectors",
        choices=["vectors", "registers", "memory", "disassembly"],
    )
    args = ap.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from breadboard.sim import commands, warm_up
    from breadboard.sim.commands import Load
    from breadboard.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    warm_up()
    settings = QSettings(str(Path("/tmp/bench_app_settings.ini")), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.resize(1400, 900)
    w.show()
    ex = {e.name: e for e in w.examples}
    w.open_example(ex[args.example])
    button = next((p.id for p in w.circuit.buttons()), None)
    if args.persistence != "preset":
        w.scope_dock.scope.set_persistence(args.persistence)
    if args.example.startswith("micropython/"):
        w.scope_dock.scope.add_channel("IRQ")
    if args.fast_channel:
        w.worker.post(Load(toggler_firmware()))
        for pin in ("D13", "D3", "IRQ"):
            w.scope_dock.scope.add_channel(pin)
    if args.inspector:
        w.inspector_dock.show()
        w.inspector_dock.raise_()
        tabs = ["vectors", "registers", "memory", "disassembly"]
        w.inspector_dock.tabs.setCurrentIndex(tabs.index(args.inspector_tab))
    refresh = w.refresh
    durations: list[float] = []
    stamps: list[float] = []

    def timed() -> None:
        t = time.perf_counter()
        refresh()
        durations.append(time.perf_counter() - t)
        stamps.append(t)

    w.timer.timeout.disconnect()
    w.timer.timeout.connect(timed)
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:  # settle
        app.processEvents()
    durations.clear()
    stamps.clear()
    s0, t0 = w.worker.snapshot.seconds, time.perf_counter()
    end = t0 + args.seconds
    presses = 0
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
        if button and args.example.startswith("micropython/"):
            k = int((time.perf_counter() - t0) / 0.25)
            if k > presses:  # press and release the button every half second
                presses = k
                w.worker.post(commands.Press(button) if k % 2 else commands.Release(button))
    s1, t1 = w.worker.snapshot.seconds, time.perf_counter()
    d = np.array(durations) * 1e3
    iv = np.diff(np.array(stamps)) * 1e3
    print(f"frames: {len(d)} in {t1 - t0:.1f} s -> {len(d) / (t1 - t0):.1f} FPS")
    print(f"frame interval: median {np.median(iv):.2f} ms, p99 {np.percentile(iv, 99):.2f} ms")
    print(f"refresh work:   median {np.median(d):.2f} ms, p99 {np.percentile(d, 99):.2f} ms")
    print(f"real-time factor: {(s1 - s0) / (t1 - t0):.4f}")
    w.circuit_dirty = False
    w.close()


if __name__ == "__main__":
    main()
