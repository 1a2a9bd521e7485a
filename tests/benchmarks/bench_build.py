"""How long a sketch takes to build: the first build (the Arduino core compiled into an empty
cache) and the next ones (the core from the cache), with the system toolchain.

    python tests/benchmarks/bench_build.py [--rounds 5] [SKETCH]

Each round uses a fresh, empty build cache; the times are wall-clock seconds of
``breadboard.build.build_sketch`` (compiler processes included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from breadboard.build import build_sketch, find_toolchain  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sketch", nargs="?", default=str(ROOT / "resources/examples/blink/blink.ino"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    tc = find_toolchain()
    if tc is None:
        print("no toolchain", file=sys.stderr)
        return 1
    print(f"toolchain: {tc.summary()}\nsketch: {args.sketch}")
    first, second, third = [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["BREADBOARD_BUILD_CACHE"] = cache
            runs = [build_sketch(args.sketch, tc) for _ in range(3)]
            assert all(r.ok for r in runs) and not runs[0].core_cached and runs[1].core_cached
            first.append(runs[0].seconds)
            second.append(runs[1].seconds)
            third.append(runs[2].seconds)
    for label, xs in (("first build (core compiled)", first), ("second build (core cached)",
                      second), ("third build", third)):  # fmt: skip
        print(f"{label:30s} median {statistics.median(xs):.2f} s  "
              f"(min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} rounds)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
