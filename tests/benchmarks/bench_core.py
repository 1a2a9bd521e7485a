"""Core speed benchmark (run on demand, never part of the test suite).

    python tests/benchmarks/bench_core.py [--repeat N] [--json]

Measures, on tests/firmware/cpu_bench.elf (32-bit arithmetic, CRC-32, a sort; ends in
SLEEP with interrupts off):
  * simulated MHz and real-time factor of the kernel (best of N runs, cache warm);
  * the numba compile time on a cold cache (fresh NUMBA_CACHE_DIR, in a subprocess; --cold N
    runs, median reported, with warm_up's per-stage report: the compile is shared with a
    helper process, see breadboard/avr/warm.py);
  * the start time with a warm cache: process start to the first simulated cycle;
  * if Debian's simavr is installed, its wall time on the same firmware and the speed ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "tests" / "firmware" / "cpu_bench.elf"
sys.path.insert(0, str(ROOT))


def kernel_speed(repeat: int) -> dict:
    from breadboard.sim import Simulation, warm_up

    warm_up()
    best = None
    for _ in range(repeat):
        sim = Simulation.open(FIRMWARE)
        t0 = time.perf_counter()
        sim.run_until(10**12)
        wall = time.perf_counter() - t0
        if best is None or wall < best[0]:
            best = (wall, sim.active_cycles, sim.instructions, sim.status)
    wall, cycles, instructions, status = best
    return {
        "cycles": cycles,
        "instructions": instructions,
        "status": status,
        "wall_seconds": wall,
        "simulated_mhz": cycles / wall / 1e6,
        "mips": instructions / wall / 1e6,
        "real_time_factor": cycles / 16e6 / wall,
    }


START_SNIPPET = """
import json, sys, time
t0 = time.perf_counter()
from breadboard.sim import Simulation, warm_up
report = warm_up()
sim = Simulation.open(sys.argv[1])
sim.run_for(1)
print(json.dumps({"first_cycle": time.perf_counter() - t0, "warm_up": report}))
"""


def start_time(cache_dir: str | None) -> tuple[float, dict]:
    """(wall seconds of the whole process, {"first_cycle": seconds from the interpreter's
    first statement to the first simulated cycle, "warm_up": warm_up's report})."""
    env = dict(os.environ)
    if cache_dir:
        env["NUMBA_CACHE_DIR"] = cache_dir
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", START_SNIPPET, str(FIRMWARE)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - t0, json.loads(out.stdout.strip().splitlines()[-1])


def simavr_speed(cycles: int) -> dict | None:
    exe = shutil.which("simavr")
    if not exe:
        return None
    t0 = time.perf_counter()
    subprocess.run(
        [exe, "-m", "atmega328p", "-f", "16000000", str(FIRMWARE)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    return {"wall_seconds": wall, "simulated_mhz": cycles / wall / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="kernel speed runs (best is kept)")
    ap.add_argument("--cold", type=int, default=3, help="cold-cache compiles (median kept)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    colds = []
    for _ in range(args.cold):
        with tempfile.TemporaryDirectory() as cold:
            colds.append(start_time(cold))
    colds.sort(key=lambda c: c[1]["first_cycle"])
    cold_wall, cold = colds[len(colds) // 2]
    cold_first = cold["first_cycle"]
    start_time(None)  # the user cache: compiled now if this kernel was never run here
    warm_wall, warm = start_time(None)
    warm_first = warm["first_cycle"]
    speed = kernel_speed(args.repeat)
    simavr = simavr_speed(speed["cycles"])
    result = {
        "firmware": str(FIRMWARE.relative_to(ROOT)),
        "kernel": speed,
        "cold_start_seconds": cold_first,
        "cold_process_seconds": cold_wall,
        "cold_start_all_seconds": [c[1]["first_cycle"] for c in colds],
        "cold_warm_up": cold["warm_up"],
        "warm_start_seconds": warm_first,
        "warm_process_seconds": warm_wall,
        "simavr": simavr,
        "cpu": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if simavr:
        result["speed_ratio_vs_simavr"] = simavr["wall_seconds"] / speed["wall_seconds"]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    k = speed
    print(f"cpu_bench: {k['cycles']:,} cycles, {k['instructions']:,} instructions ({k['status']})")
    print(f"  breadboard: {k['wall_seconds']:.3f} s  {k['simulated_mhz']:.1f} simulated MHz  "
          f"{k['mips']:.1f} MIPS  {k['real_time_factor']:.1f}x real time")  # fmt: skip
    if simavr:
        print(f"  simavr:     {simavr['wall_seconds']:.3f} s  {simavr['simulated_mhz']:.1f} "
              f"simulated MHz  -> breadboard is {result['speed_ratio_vs_simavr']:.2f}x simavr")  # fmt: skip
    every = ", ".join(f"{c[1]['first_cycle']:.2f}" for c in colds)
    w = cold["warm_up"]
    print(f"cold start (empty numba cache, compile): {cold_first:.2f} s to the first cycle "
          f"({cold_wall:.2f} s process), median of {len(colds)}: {every}")  # fmt: skip
    stages = "; ".join(f"{here:.1f} s here / {there if there is None else round(there, 1)} s "
                       "helper" for here, there in w["stages"])  # fmt: skip
    print(f"  compile shared with a helper process: {w['helper']}; stages done at: {stages}; "
          f"compiled twice: {w['compiled_twice'] or 'nothing'}")  # fmt: skip
    if w.get("shared"):
        print(f"  shared modules compiled here: {', '.join(w['shared']['here']) or 'none'}; "
              f"by the helper: {', '.join(w['shared']['helper']) or 'none'}")  # fmt: skip
    print(f"warm start: {warm_first:.2f} s to the first cycle ({warm_wall:.2f} s process)")


if __name__ == "__main__":
    main()
