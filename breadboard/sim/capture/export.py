"""Writing captured digital channels to files: every level change as CSV, or as a VCD."""

from __future__ import annotations

import csv
import os
import re

from ..trace import FLOATING, HIGH, LOW, PinTrace
from ..vcd import write_vcd
from .series import Series


def write_edges_csv(path: str | os.PathLike, channels: dict[str, Series], f_cpu: int) -> None:
    """Every level change of every channel (id -> digital series), one row each: channel,
    cycle, time_s, level ("0", "1", "z") and edge ("rising", "falling" or "")."""
    names = {LOW: "0", HIGH: "1", FLOATING: "z"}
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["channel", "cycle", "time_s", "level", "edge"])
        for cid, s in channels.items():
            prev = s.base
            for c, v in zip(s.cycles[: s.n].tolist(), s.values[: s.n].tolist(), strict=True):
                edge = (
                    "rising"
                    if (prev, v) == (LOW, HIGH)
                    else "falling"
                    if (prev, v) == (HIGH, LOW)
                    else ""
                )
                w.writerow([cid, c, f"{c / f_cpu:.9f}", names.get(v, v), edge])
                prev = v


def write_channels_vcd(
    path: str | os.PathLike, channels: dict[str, Series], f_cpu: int, end: int
) -> None:
    """The channels (id -> digital series) as one VCD wire each, at exact cycle times, up to
    cycle ``end``; ids become identifiers ("CTC D2" -> "CTC_D2"). ValueError if there are none."""
    traces: dict[str, PinTrace] = {
        re.sub(r"[^A-Za-z0-9_]+", "_", cid).strip("_"): s.to_pintrace()
        for cid, s in channels.items()
    }
    if not traces:
        raise ValueError("no digital channel to export")
    write_vcd(path, traces, f_cpu, end_cycle=end or None, scope="scope")
