"""The scope's capture without Qt (breadboard.sim.capture): records, decimation, the edge
trigger and its sweeps, channel names and exports. (That breadboard.sim imports no Qt is an
import-linter contract, checked by test_architecture.py.)"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from breadboard.sim import F_CPU, HIGH, LOW
from breadboard.sim.capture import (
    Capture,
    Captures,
    Series,
    canonical_pin,
    channel_id,
    decimate_steps,
    ioff_text,
    long_isr_text,
    parse_channel,
    write_channels_vcd,
    write_edges_csv,
)
from breadboard.sim.capture.capture import LONG_ISR_US
from breadboard.sim.worker import TraceChunk

EXAMPLES = Path(__file__).parents[1] / "resources" / "examples"

F = F_CPU
EMPTY = np.zeros((0, 2), dtype=np.int64)
NO_IRQ = np.zeros((0, 3), dtype=np.int64)


def square_rows(half: int, n: int, phase: int = 0) -> np.ndarray:
    """(cycle, level): LOW at 0, then ``n`` toggles every ``half`` cycles from ``phase``."""
    t = phase + half * np.arange(1, n + 1, dtype=np.int64)
    lv = np.where(np.arange(n) % 2 == 0, HIGH, LOW)
    return np.concatenate([[[0, LOW]], np.stack([t, lv], axis=1)]).astype(np.int64)


def chunk(start, end, pins=None, irq=NO_IRQ, reset=False) -> TraceChunk:
    return TraceChunk(start, end, pins or {}, irq, EMPTY, reset)


# ---- channel names ---------------------------------------------------------------------------
def test_channel_names_accept_the_arduino_spellings():
    assert canonical_pin("d13") == "D13"
    assert canonical_pin("14") == "A0"  # Arduino numbers the analog pins 14-19
    assert canonical_pin("D19") == "A5"
    assert canonical_pin("A0 dig") == "A0"
    assert canonical_pin("irq") == "IRQ"
    with pytest.raises(KeyError, match="D99"):
        canonical_pin("D99")
    assert channel_id("A0", kind="digital") == "A0 dig"
    assert channel_id("D2", "CTC") == "CTC D2"


def test_a_channel_id_names_its_source_pin_and_kind():
    sources = ["", "CTC", "CTC slow"]
    assert parse_channel("CTC slow D2", sources) == ("CTC slow", "D2", "digital")
    assert parse_channel("CTC A0", sources) == ("CTC", "A0", "analog")
    assert parse_channel("A0 dig", sources) == ("", "A0", "digital")
    assert parse_channel("IRQ", sources) == ("", "IRQ", "irq")


# ---- records and decimation --------------------------------------------------------------------
def test_decimate_steps_is_exact_when_sparse_and_bounded_when_dense():
    s = Series(True, LOW)
    s.append(np.array([[100, HIGH], [200, LOW], [300, HIGH]]))
    x, y = decimate_steps(s, 0, 1000, 1000, 1000)
    assert x.tolist() == [0, 100, 100, 200, 200, 300, 300, 1000]
    assert y.tolist() == [0, 0, 2, 2, 0, 0, 2, 2]  # ranks: LOW 0, HIGH 2
    dense = Series(True, LOW)
    n = int(0.01 * F) // 3
    dense.append(square_rows(3, n)[1:])
    x, y = decimate_steps(dense, 0, int(0.01 * F), 500, int(0.01 * F))
    assert len(x) <= 3 * 500 + 2
    assert set(y.tolist()) == {0, 2}
    assert np.all(np.diff(x) >= 0)


def test_dense_runs_become_bands_a_logic_analyser_draws():
    s = Series(True, LOW)
    s.append(square_rows(10, 10_000)[1:])  # 100 000 cycles of toggling
    bands: list = []
    x, _ = decimate_steps(s, 0, 200_000, 100, 200_000, bands)
    assert len(bands) == 1
    x0, x1, lo, hi = bands[0]
    assert x0[0] == 0 and x1[0] >= 98_000 and lo[0] == 0 and hi[0] == 2
    assert len(x) < 20  # the line just crosses the band


def test_value_at_and_trim_keep_the_level_left_behind():
    s = Series(True, LOW)
    s.append(square_rows(1000, 20_000)[1:])
    assert s.value_at(1500) == HIGH and s.value_at(999) == LOW
    s.trim(15_000_000, 1 << 20)
    assert s.cycles[0] >= 15_000_000 - 1000
    assert s.value_at(s.known_from) == s.base
    assert s.to_pintrace().level == s.values[s.n - 1]


# ---- a capture fed by chunks -------------------------------------------------------------------
def test_interrupt_entries_and_returns_become_intervals():
    cap = Capture("")
    rows = np.array([[100, 16, 1], [180, 16, 0], [300, 7, 1], [320, 16, 1], [340, 16, 0]])
    cap.ingest([chunk(0, 400, irq=rows, reset=True)])
    s, e = cap.irq_window(16, 0, 400)
    assert s.tolist() == [100, 320] and e.tolist() == [180, 340]
    s, e = cap.irq_window(7, 0, 400)  # still running: drawn up to the capture's end
    assert s.tolist() == [300] and e.tolist() == [400]
    assert cap.open_irq(7) == 300 and cap.open_irq(16) is None


def test_a_reset_chunk_starts_the_capture_afresh():
    cap = Capture("")
    cap.ingest([chunk(0, 1000, {"D2": square_rows(100, 9)}, reset=True)])
    cap.ingest([chunk(5000, 6000, {"D2": np.array([[5500, HIGH]])}, reset=True)])
    assert cap.resets == 2 and cap.start == 5000 and cap.end == 6000
    assert cap.series("D2").rows().tolist() == [[5500, HIGH]]


def test_trigger_takes_the_chosen_edge_and_respects_holdoff():
    cap = Capture("")
    cap.ingest([chunk(0, 100_000, {"D2": square_rows(1000, 99)}, reset=True)])
    rising = cap.scan("D2", "rising", 0)
    assert rising.tolist() == list(range(1000, 100_000, 2000))
    cap.rearm()
    cap.searched = 0
    falling = cap.scan("D2", "falling", 0)
    assert falling.tolist() == list(range(2000, 100_000, 2000))
    cap.rearm()
    cap.searched = 0
    held = cap.scan("D2", "either", 2500)  # edges every 1000: every third one
    assert np.all(np.diff(held) >= 2500) and held[0] == 1000


def test_a_sweep_completes_once_its_window_is_captured():
    cap = Capture("")
    cap.ingest([chunk(0, 10_000, {"D2": square_rows(1000, 9)}, reset=True)])
    done = cap.acquire("D2", "rising", 0, post=4000)
    assert done.tolist() == [1000, 3000, 5000]  # 7000 and 9000 need data up to 11000, 13000
    assert cap.display_trigger == 5000 and cap.sweeps == 3
    cap.ingest([chunk(10_000, 14_000)])
    assert cap.acquire("D2", "rising", 0, post=4000).tolist() == [7000, 9000]
    assert cap.origin("normal", 8000, 4000, 1000) == (9000, "trig'd")
    assert cap.origin("roll", 8000, 4000, 1000) == (0, "roll")


def test_an_edge_at_the_cycle_the_previous_chunk_ended_triggers():
    """A button press is applied between two slices: the pin changes at the very cycle the
    previous chunk ended. That edge is new data and must trigger (it was missed: the INT0
    example's press never showed, the bounce example caught a bounce, not the press)."""
    cap = Capture("")
    cap.ingest([chunk(0, 40_000, {"D2": np.array([[0, LOW]])}, reset=True)])
    assert len(cap.acquire("D2", "either", 0, post=800)) == 0
    cap.ingest([chunk(40_000, 41_000, {"D2": np.array([[40_000, HIGH]])})])
    assert cap.acquire("D2", "either", 0, post=800).tolist() == [40_000]
    assert cap.origin("normal", 1600, 800, 100) == (40_000, "trig'd")
    # a bounce train starting on a boundary, single shot: the first falling edge is the one
    cap.ingest([chunk(41_000, 42_000, {"D2": np.array([[42_000 - 1, HIGH]])})])
    cap.rearm()
    train = np.array([[42_000, LOW], [42_100, HIGH], [42_200, LOW]])
    cap.ingest([chunk(42_000, 50_000, {"D2": train})])
    assert cap.acquire("D2", "falling", 0, post=800, single=True).tolist() == [42_000]
    # rows already scanned are not found again, however the chunks are cut
    cap.ingest([chunk(50_000, 50_000, {"D2": np.array([[50_000, HIGH]])})])
    assert cap.scan("D2", "either", 0).tolist() == [50_000]
    cap.ingest([chunk(50_000, 51_000)])
    assert cap.scan("D2", "either", 0).tolist() == []


def test_auto_mode_free_runs_and_normal_mode_waits_without_edges():
    cap = Capture("")
    cap.ingest([chunk(0, 50_000, {"D2": np.array([[0, LOW]])}, reset=True)])
    assert len(cap.acquire("D2", "rising", 0, post=4000)) == 0
    assert cap.origin("auto", 8000, 4000, 1000) == (46_000, "auto")
    assert cap.origin("normal", 8000, 4000, 1000) == (None, "waiting")


def test_captures_keep_a_bounded_history_per_source():
    caps = Captures(F, history_seconds=0.01)
    for k in range(50):
        rows = square_rows(400, 400, phase=k * 160_000)[1:]
        caps.feed("", [chunk(k * 160_000, (k + 1) * 160_000, {"D2": rows}, reset=k == 0)])
    src = caps.source("")
    assert src.start == src.end - int(0.01 * F)
    d2 = src.series("D2")
    # 20 000 rows fed; stale rows are dropped in batches of at least 4096 (O(1) amortised)
    assert d2.n <= 4096 + 2 * 400 and d2.known_from == src.start
    assert caps.feed("CTC", []) is False and list(caps.sources) == ["", "CTC"]


def test_measurements_and_durations_of_a_channel():
    caps = Captures(F)
    caps.feed("", [chunk(0, 100_000, {"D2": square_rows(8000, 12)}, reset=True)])
    assert caps.measure("D2").period.mean == 16_000 / F
    assert caps.durations("D2", "half period").tolist() == [8000] * 11
    with pytest.raises(ValueError, match="not a digital channel"):
        caps.measure("A0")
    with pytest.raises(ValueError, match="unknown duration"):
        caps.durations("D2", "furlongs")
    assert caps.trigger_pin("A0") is None and caps.trigger_pin("A0 dig") == "A0"


# ---- exports ---------------------------------------------------------------------------------
def test_exports_write_every_change(tmp_path):
    s = Series(True, LOW)
    s.append(square_rows(1000, 4))
    path = tmp_path / "edges.csv"
    write_edges_csv(path, {"CTC D2": s}, F)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["edge"] for r in rows] == ["", "rising", "falling", "rising", "falling"]
    assert rows[1]["cycle"] == "1000" and rows[1]["time_s"] == "0.000062500"
    vcd = tmp_path / "w.vcd"
    write_channels_vcd(vcd, {"CTC D2": s}, F, 5000)
    assert "CTC_D2" in vcd.read_text()
    with pytest.raises(ValueError, match="no digital channel"):
        write_channels_vcd(vcd, {}, F, 0)


def test_lost_events_are_kept_per_vector_for_the_interrupt_lane():
    """Rows of kind 2 (a flag set again while still pending: one event lost) are kept by
    vector, windowed by cycle, trimmed with the history and cleared by a reset."""
    cap = Capture("")
    irq = np.array([[100, 16, 1, 90], [400, 16, 0, 0], [2000, 16, 2, 1000], [3000, 16, 2, 2000]])
    cap.ingest([chunk(0, 5000, {}, reset=True, irq=irq)])
    assert cap.lost_window(16, 0, 5000) == [2000, 3000]
    assert cap.lost_window(16, 2500, 5000) == [3000]
    assert cap.lost_window(7, 0, 5000) == []
    cap.trim(2500, 1000)  # keep 2,500 cycles before the end
    assert cap.lost[16] == [3000]
    cap.ingest([chunk(0, 10, {}, reset=True)])
    assert cap.lost == {}


def test_long_handlers_and_interrupts_off_stretches_are_marked_over_the_threshold():
    """The interrupt lane's teaching warnings: a handler longer than the limit (entry to
    return; one still running counts to the capture's end) and interrupts-off stretches (kind
    3 rows: cycle of the SEI, 0, 3, cycle of the CLI) longer than the limit, windowed, trimmed
    and cleared by a reset."""
    cap = Capture("")
    irq = np.array(
        [
            [100, 1, 1, 96], [400, 1, 0, 0],  # 300 cycles
            [1000, 1, 1, 996], [25_000, 1, 0, 0],  # 24,000 cycles = 1.5 ms
            [30_000, 0, 3, 26_000],  # I = 0 for 4,000 cycles = 250 µs
            [31_000, 0, 3, 30_500],  # 500 cycles
            [40_000, 11, 1, 39_996],  # still running at the end (50,000)
        ]
    )  # fmt: skip
    cap.ingest([chunk(0, 50_000, {}, reset=True, irq=irq)])
    limit = 1600  # 100 µs at 16 MHz
    s, e = cap.long_isrs(1, 0, 50_000, limit)
    assert s.tolist() == [1000] and e.tolist() == [25_000]
    assert cap.long_isrs(1, 26_000, 50_000, limit)[0].tolist() == []
    s, e = cap.long_isrs(11, 0, 50_000, limit)
    assert s.tolist() == [40_000] and e.tolist() == [50_000]
    assert cap.long_isrs(7, 0, 50_000, limit)[0].tolist() == []
    assert cap.ioff_window(0, 50_000, limit) == [(26_000, 30_000)]
    assert cap.ioff_window(0, 50_000, 400) == [(26_000, 30_000), (30_500, 31_000)]
    assert cap.ioff_window(30_000, 50_000, limit) == []  # ended at the window's start
    assert cap.ioff_window(0, 26_000, limit) == []
    assert long_isr_text(24_000, F_CPU) == "long ISR 1.5 ms"
    assert ioff_text(4_000, F_CPU) == "I = 0 for 250 µs"
    cap.trim(19_500, 1000)  # keep 19,500 cycles before the end: from 30,500
    assert cap.ioff == [(30_500, 31_000)]
    cap.ingest([chunk(0, 10, {}, reset=True)])
    assert cap.ioff == []


def test_delay_in_isr_example_int0_handler_is_a_long_isr_on_the_lane():
    """Pressing the button of resources/examples/delay_in_isr runs INT0's handler, which
    calls delay(): one handler of milliseconds, far over the 100 µs default."""
    from breadboard.sim.simulation import Simulation

    sim = Simulation.open(EXAMPLES / "delay_in_isr" / "delay_in_isr.elf")
    sim.run_for(F_CPU // 20)
    sim.drive("D2", 0)
    sim.run_for(F_CPU // 100 * 3)
    cap = Capture("")
    cap.ingest([chunk(0, sim.cycle, {}, reset=True, irq=sim.interrupts.rows)])
    s, e = cap.long_isrs(1, 0, sim.cycle, round(LONG_ISR_US * F_CPU / 1e6))
    assert len(s) == 1 and 1_000 <= (e[0] - s[0]) * 1e6 / F_CPU <= 3_000
    others = [v for v in cap.irq if v != 1 and len(cap.long_isrs(v, 0, sim.cycle, 1600)[0])]
    assert others == []  # TIMER0_OVF's handler is short
