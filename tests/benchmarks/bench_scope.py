"""Scope frame-time benchmark (run on demand, never part of the test suite).

    python tests/benchmarks/bench_scope.py [--seconds 10] [--width 1400] [--height 900]

Feeds a ``ScopeWidget`` (offscreen) synthetic trace chunks at 60 frames per second of
simulated time, as the main window does with the worker's chunks, and times each frame: the
``feed`` call (ingest, trigger, decimation, persistence) plus the repaint it causes, in wall
time and in the GUI thread's CPU time (the latter is steadier on a busy machine). Four
channels: D2 at 100 Hz with interrupt-latency jitter, D3 toggling at 200 kHz, D13 at 1 kHz,
and the interrupt lane (TIMER0_OVF at 976.6 Hz, TIMER2_COMPA at 200 Hz). Several scenarios
(roll, triggered, persistence, slow timebases with millions of edges in view) each print the
median and 99th percentile frame time, and the most points any lane drew.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

F_CPU = 16_000_000
FRAME = F_CPU // 60
PINS = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(6)]


def square(t0: int, t1: int, half: int, phase: int = 0) -> np.ndarray:
    """(cycle, level) rows of a square wave with edges at phase + k * half in [t0, t1)."""
    k0 = max(0, -(-(t0 - phase) // half))
    k1 = -(-(t1 - phase) // half)
    k = np.arange(k0, k1, dtype=np.int64)
    return np.stack([phase + k * half, (k + 1) % 2], axis=1)


def make_chunk(t0: int, t1: int, rng: np.random.Generator, first: bool):
    from breadboard.sim.worker import TraceChunk

    pins = {p: np.zeros((0, 2), dtype=np.int64) for p in PINS}
    pins["D3"] = square(t0, t1, F_CPU // 400_000, 5)  # 200 kHz
    pins["D13"] = square(t0, t1, F_CPU // 2000, 11)  # 1 kHz
    d2 = square(t0, t1, 79872, 79872)
    d2[:, 0] += 156 + rng.integers(0, 12, len(d2))
    pins["D2"] = d2
    irq = []
    for vec, period, length in ((16, 16384, 92), (7, 79872, 207)):
        k = np.arange(-(-t0 // period), -(-t1 // period), dtype=np.int64)
        ent = k * period + 5
        ent = ent[(ent >= t0) & (ent + length < t1)]
        irq.append(np.stack([ent, np.full(len(ent), vec), np.ones(len(ent), np.int64)], 1))
        irq.append(
            np.stack([ent + length, np.full(len(ent), vec), np.zeros(len(ent), np.int64)], 1)
        )
    rows = np.concatenate(irq)
    rows = rows[np.lexsort((1 - rows[:, 2], rows[:, 0]))]
    empty = np.zeros((0, 2), dtype=np.int64)
    return TraceChunk(t0, t1, pins, rows, empty, reset=first)


def run(app, args, name: str, setup) -> dict:
    from breadboard.ui.scope import ScopeWidget

    w = ScopeWidget(F_CPU)
    w.resize(args.width, args.height)
    w.show()
    for pin in ("D3", "D13", "IRQ"):
        w.add_channel(pin)
    setup(w)
    app.processEvents()
    rng = np.random.default_rng(0)
    frames = int(args.seconds * 60)
    times = []
    cpu = []
    most = 0
    t = 0
    for i in range(frames):
        chunk = make_chunk(t, t + FRAME, rng, i == 0)
        t += FRAME
        t0 = time.perf_counter()
        c0 = time.thread_time()
        w.feed([chunk])
        w._glw.repaint()  # paint now, inside the timed frame
        app.processEvents()
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        if i % 30 == 0:
            most = max(most, max(w.plotted_points(c) for c in ("D2", "D3", "D13")))
    w.close()
    w.deleteLater()
    app.processEvents()
    times = times[30:]  # skip the warm-up frames
    cpu = cpu[30:]
    out = {
        "scenario": name,
        "median_ms": statistics.median(times) * 1e3,
        "p99_ms": float(np.percentile(times, 99)) * 1e3,
        "cpu_median_ms": statistics.median(cpu) * 1e3,
        "cpu_p99_ms": float(np.percentile(cpu, 99)) * 1e3,
        "max_points": most,
        "width_px": w.plot_width_px(),
    }
    print(
        f"{name:<44} wall median {out['median_ms']:6.2f} p99 {out['p99_ms']:6.2f} ms | "
        f"cpu median {out['cpu_median_ms']:6.2f} p99 {out['cpu_p99_ms']:6.2f} ms | "
        f"max points/lane {most} ({out['width_px']} px)",
        flush=True,
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="simulated seconds per scenario")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args()
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    print(f"ScopeWidget {args.width}x{args.height} offscreen, {args.seconds:g} s per scenario")
    scenarios = [
        ("roll, 2 ms/div", lambda w: w.set_trigger("D2", "rising", "roll")),
        ("triggered D2 rising, 2 ms/div", lambda w: w.set_trigger("D2", "rising", "auto")),
        (
            "triggered + infinite persistence, 2 ms/div",
            lambda w: (w.set_trigger("D2", "rising", "auto"), w.set_persistence("infinite")),
        ),
        (
            "triggered + fading persistence, 2 ms/div",
            lambda w: (w.set_trigger("D2", "rising", "auto"), w.set_persistence("fading")),
        ),
        (
            "roll, 100 ms/div (400k edges in view)",
            lambda w: (w.set_trigger("D2", "rising", "roll"), w.set_timebase(0.1)),
        ),
        (
            "roll, 1 s/div (all history in view)",
            lambda w: (w.set_trigger("D2", "rising", "roll"), w.set_timebase(1.0)),
        ),
        ("triggered on the 200 kHz D3, 1 us/div", lambda w: (
            w.set_trigger("D3", "rising", "auto"), w.set_timebase(1e-6))),
    ]  # fmt: skip
    for name, setup in scenarios:
        run(app, args, name, setup)


if __name__ == "__main__":
    main()
