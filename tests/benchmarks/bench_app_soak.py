"""App memory soak (on demand): an example running at 1x with the scope open, RSS sampled.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=$PWD python3 tests/benchmarks/bench_app_soak.py \\
        --minutes 30 [--example ctc_100hz] [--every 10]

Issue 15's bar: RSS flat after warm-up over 30 minutes of wall time. Prints RSS every
``--every`` seconds and the growth from the end of the first minute to the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--example", default="ctc_100hz")
    ap.add_argument("--every", type=float, default=10.0)
    args = ap.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from breadboard.sim import warm_up
    from breadboard.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    warm_up()
    settings = QSettings("/tmp/bench_app_soak_settings.ini", QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.resize(1400, 900)
    w.show()
    w.scope_dock.show()
    w.open_example({e.name: e for e in w.examples}[args.example])
    start = time.perf_counter()
    end = start + args.minutes * 60
    samples: list[tuple[float, float, float]] = []  # wall s, simulated s, RSS MB
    next_sample = start
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
        now = time.perf_counter()
        if now >= next_sample:
            samples.append((now - start, w.worker.snapshot.seconds, rss_mb()))
            print(f"t={samples[-1][0]:7.0f} s  sim={samples[-1][1]:8.1f} s  "
                  f"RSS {samples[-1][2]:7.1f} MB", flush=True)  # fmt: skip
            next_sample += args.every
    warm = next((s for s in samples if s[0] >= 60), samples[0])
    last = samples[-1]
    peak = max(s[2] for s in samples)
    print(f"\n{args.example} at 1x, scope open, {last[0] / 60:.1f} min wall, "
          f"{last[1]:.0f} s simulated: RSS {warm[2]:.0f} MB at 1 min -> {last[2]:.0f} MB at the "
          f"end (growth {last[2] - warm[2]:+.0f} MB), peak {peak:.0f} MB")  # fmt: skip
    w.circuit_dirty = False
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
