"""Bounded memory (issue 15): sliding trace windows, listeners that see every row, the VCD
streamed to disk as the run goes, and the CLI holding no trace of a long run."""

from __future__ import annotations

import time

import numpy as np
import pytest

from breadboard.cli import EXIT_USAGE, main
from breadboard.sim import HIGH, LOW, PinTrace, Simulation, Trace, VcdStream, write_vcd
from breadboard.sim.worker import SimulationWorker


def test_a_windowed_trace_holds_about_keep_cycles_however_many_rows_come():
    t = Trace(2, keep=1000)
    for start in range(0, 1_000_000, 100):
        t.extend(np.stack([np.arange(start, start + 100), np.ones(100, np.int64)], axis=1))
    assert t.end == 1_000_000
    assert 1000 <= len(t) <= 4096  # the window plus the free quarter of its buffer
    assert t.rows[0, 0] <= 999_000 and t.rows[-1, 0] == 999_999
    assert t._rows.shape[0] <= 4096  # the buffer stopped growing
    # absolute indexes: news since an old end skips what was dropped, never repeats
    assert np.array_equal(t.since(t.end - 5)[:, 0], np.arange(999_995, 1_000_000))
    assert t.since(0)[0, 0] == t.rows[0, 0]


def test_an_unwindowed_trace_keeps_everything():
    t = Trace(2)
    for start in range(0, 100_000, 100):
        t.extend(np.stack([np.arange(start, start + 100), np.zeros(100, np.int64)], axis=1))
    assert len(t) == t.end == 100_000 and t.dropped == 0


def test_a_windowed_pin_trace_keeps_the_level_before_its_first_row():
    full, window = PinTrace(LOW), PinTrace(LOW, keep=5000)
    cycles = np.arange(10, 200_000, 10, dtype=np.int64)
    levels = (np.arange(len(cycles)) // 3 % 2).astype(np.int64)  # changes every 30 cycles
    for a in range(0, len(cycles), 500):
        full.append_changes(cycles[a : a + 500], levels[a : a + 500])
        window.append_changes(cycles[a : a + 500], levels[a : a + 500])
    assert window.dropped > 0 and len(window) < len(full)
    first = int(window.cycles[0])
    for c in range(first, 200_000, 777):
        assert window.level_at(c) == full.level_at(c)
    assert window.level_at(first - 1) == full.level_at(first - 1)
    assert window.high_fraction(first, 199_000) == pytest.approx(full.high_fraction(first, 199_000))


def test_a_simulation_with_history_0_holds_no_trace_but_its_listeners_see_every_change(
    firmware,
):
    fw = firmware("ctc_100hz")
    full = Simulation.open(fw)
    small = Simulation.open(fw, history=0)
    seen: dict[str, list[np.ndarray]] = {}
    small.add_listener(
        lambda news: [seen.setdefault(n, []).append(r) for n, r in news.pins.items()]
    )
    full.run_until(3_200_000)
    small.run_until(3_200_000)
    assert len(full.pins["D13"]) > 20_000  # loop() toggles D13 flat out
    batch = max(len(r) for r in seen["D13"])  # rows handed over in one go (the kernel's log)
    assert len(small.pins["D13"]) <= batch and small.pins["D13"]._rows.shape[0] <= 2 * batch
    for name, trace in full.pins.items():
        got = np.concatenate(seen[name]) if name in seen else np.zeros((0, 2), np.int64)
        assert np.array_equal(got, trace.rows), name
    assert small.pin_level("D13") == full.pin_level("D13")


def test_the_vcd_is_on_disk_while_the_run_goes_and_matches_the_whole_trace_file(firmware, tmp_path):
    fw = firmware("ctc_100hz")
    sim = Simulation.open(fw, history=0)
    path = tmp_path / "stream.vcd"
    stream = VcdStream(path, {n: t.level for n, t in sim.pins.items()}, sim.f_cpu)
    sim.add_listener(stream)
    sim.run_until(3_200_000)
    assert path.stat().st_size > 100_000  # written during the run, not at the end
    stream.close(end_cycle=sim.cycle)
    ref = Simulation.open(fw)
    ref.run_until(3_200_000)
    write_vcd(tmp_path / "ref.vcd", ref.pins, ref.f_cpu, end_cycle=ref.cycle)
    assert path.read_text() == (tmp_path / "ref.vcd").read_text()


def test_an_unwritable_vcd_path_fails_before_the_run(firmware, capsys):
    start = time.perf_counter()
    bad = "/nonexistent-dir/out.vcd"
    code = main(["run", str(firmware("ctc_100hz")), "--time", "1000s", "--vcd", bad])
    assert code == EXIT_USAGE
    assert time.perf_counter() - start < 20  # 1000 s simulated would take over a minute
    assert f"cannot write {bad}" in capsys.readouterr().err


def test_the_cli_serial_output_is_collected_without_a_trace(firmware, capsys):
    code = main(["run", str(firmware("serial_hello")), "--time", "250ms", "--serial", "--json"])
    assert code == 0
    assert "Hello" in capsys.readouterr().out


def test_the_apps_worker_keeps_a_window_not_the_whole_run():
    worker = SimulationWorker()
    assert worker.sim.history is not None and worker.sim.pins["D13"].keep == worker.sim.history


def test_history_must_not_be_negative():
    with pytest.raises(ValueError, match="history"):
        Simulation(history=-1)


def test_news_arrives_in_cycle_order(firmware):
    sim = Simulation.open(firmware("ctc_100hz"), history=0)
    last = [-1]

    def check(news):
        for rows in news.pins.values():
            assert rows[0, 0] >= last[0] or rows[0, 0] == 0
        last[0] = max(int(r[-1, 0]) for r in news.pins.values()) if news.pins else last[0]

    sim.add_listener(check)
    sim.run_until(800_000)
    assert last[0] > 0 and sim.pin_level("D2") in (LOW, HIGH)
