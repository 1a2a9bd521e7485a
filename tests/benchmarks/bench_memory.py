"""Memory of long headless runs: ``breadboard run ctc_100hz.hex --time T`` with and without
``--vcd``, each in its own process; RSS sampled from /proc while it runs, max RSS from the
kernel's rusage at the end, and the VCD's size on disk while the run goes (it must grow).

    PYTHONPATH=$PWD python3 tests/benchmarks/bench_memory.py               # 3600 s, both
    PYTHONPATH=$PWD python3 tests/benchmarks/bench_memory.py --time 600s --no-vcd

The acceptance bar (issue 15): max RSS <= 400 MB for 3,600 simulated seconds, with and
without --vcd. Exit status 1 when a run goes over ``--limit-mb``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "resources" / "examples" / "ctc_100hz" / "ctc_100hz.hex"


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(args: list[str], vcd: Path | None, every: float) -> dict:
    cmd = [sys.executable, "-m", "breadboard", "run", str(FIRMWARE), *args, "--json"]
    if vcd is not None:
        cmd += ["--vcd", str(vcd)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        samples = []  # (wall s, RSS MB, VCD MB)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss = rss_mb(proc.pid)
            size = vcd.stat().st_size / 2**20 if vcd is not None and vcd.exists() else None
            if rss is not None:
                samples.append((time.perf_counter() - start, rss, size))
            time.sleep(every)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        peak = usage.ru_maxrss / 1024  # this child's own peak (Linux: KB)
        out.seek(0)
        err.seek(0)
        out, err = out.read(), err.read()
    return {
        "cmd": " ".join(cmd),
        "code": proc.returncode,
        "wall": wall,
        "max_rss_mb": peak,
        "samples": samples,
        "stdout": out.decode(errors="replace")[-300:],
        "stderr": err.decode(errors="replace")[-300:],
    }


def report(name: str, r: dict) -> None:
    print(f"\n== {name}: {r['cmd']}")
    print(f"exit {r['code']}, wall {r['wall']:.0f} s, max RSS {r['max_rss_mb']:.0f} MB")
    s = r["samples"]
    if s:
        n = len(s)
        for i in sorted({0, n // 4, n // 2, 3 * n // 4, n - 1}):
            t, rss, size = s[i]
            extra = f", VCD {size:.0f} MB on disk" if size is not None else ""
            print(f"  t={t:6.0f} s  RSS {rss:6.0f} MB{extra}")
    if r["code"] != 0:
        print(r["stderr"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time", default="3600s", help="simulated time per run (default 3600s)")
    ap.add_argument("--no-vcd", action="store_true", help="only the run without --vcd")
    ap.add_argument("--only-vcd", action="store_true", help="only the run with --vcd")
    ap.add_argument("--every", type=float, default=2.0, help="RSS sampling period (s)")
    ap.add_argument("--limit-mb", type=float, default=400.0)
    opts = ap.parse_args()
    failed = False
    if not opts.only_vcd:
        r = run(["--time", opts.time], None, opts.every)
        report("no VCD", r)
        failed |= r["max_rss_mb"] > opts.limit_mb or r["code"] != 0
    if not opts.no_vcd:
        with tempfile.TemporaryDirectory() as tmp:
            vcd = Path(tmp) / "ctc.vcd"
            r = run(["--time", opts.time], vcd, opts.every)
            size = vcd.stat().st_size / 2**20 if vcd.exists() else 0
        report("with --vcd", r)
        print(f"  VCD at the end: {size:.0f} MB")
        failed |= r["max_rss_mb"] > opts.limit_mb or r["code"] != 0
    print("\nFAIL: over the limit" if failed else f"\nOK: every run <= {opts.limit_mb:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
