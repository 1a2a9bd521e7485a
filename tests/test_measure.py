"""breadboard.sim.measure: edges, periods, widths, duty, jitter and histograms, exact from
integer cycle stamps.

Synthetic traces check every definition; the acceptance tests at the bottom run the committed
firmware (tests/firmware/README.md): millis_100hz (D2 toggled by polling millis(): half
periods of 4 or 5 Timer0 overflows, 4.096 ms / 5.120 ms) and ctc_100hz (D2 toggled by a
Timer2 CTC interrupt every 79872 cycles, period 9.984 ms).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from vcd.reader import TokenKind, tokenize

from breadboard.sim import (
    F_CPU,
    FLOATING,
    HIGH,
    LOW,
    PinTrace,
    Simulation,
    timescale_for,
    write_vcd,
)
from breadboard.sim import measure as m

F = F_CPU


def square(edges: list[int] | np.ndarray, first: int = HIGH, start_low: int | None = 0) -> PinTrace:
    """A PinTrace that goes LOW at ``start_low`` and then toggles at ``edges``."""
    t = PinTrace(FLOATING)
    if start_low is not None:
        t.extend(np.array([[start_low, LOW]]))
    t.extend(m.rows_from_edges(edges, first))
    return t


# ---- edges -----------------------------------------------------------------------------------
def test_edges_of_a_square_wave_are_exact_cycles():
    t = square([100, 250, 400, 550, 700])
    e = m.edges(t)
    assert e.rising.tolist() == [100, 400, 700]
    assert e.falling.tolist() == [250, 550]
    assert e.all.tolist() == [100, 250, 400, 550, 700]
    assert m.rising_edges(t).dtype == np.int64


def test_edges_from_rows_trace_and_pairs_agree():
    t = square([10, 30, 70, 90])
    from_rows = m.edges(t.rows, initial=FLOATING)
    pairs = m.edges(([10, 70], [30, 90]))
    for e in (from_rows, pairs):
        assert e.rising.tolist() == [10, 70] and e.falling.tolist() == [30, 90]


def test_rows_with_unknown_initial_level_do_not_make_the_first_row_an_edge():
    rows = np.array([[5, HIGH], [9, LOW], [12, HIGH]])
    assert m.edges(rows).rising.tolist() == [12]
    assert m.edges(rows, initial=LOW).rising.tolist() == [5, 12]


def test_a_floating_pin_makes_no_edge():
    """LOW -> FLOATING -> HIGH is not a rising edge, HIGH -> FLOATING -> LOW no falling one."""
    t = PinTrace(FLOATING)
    t.extend(np.array([[0, LOW], [10, FLOATING], [20, HIGH], [30, FLOATING], [40, LOW]]))
    e = m.edges(t)
    assert len(e.rising) == 0 and len(e.falling) == 0


def test_rows_from_edges_round_trip():
    rows = m.rows_from_edges([5, 8, 13], first_level=LOW)
    assert rows.tolist() == [[5, LOW], [8, HIGH], [13, LOW]]


# ---- durations -------------------------------------------------------------------------------
def test_periods_widths_duty_of_an_asymmetric_wave():
    # HIGH for 30 cycles, LOW for 70: period 100, duty 0.3
    edges = []
    for k in range(5):
        edges += [1000 + 100 * k, 1030 + 100 * k]
    t = square(edges)
    assert m.period_cycles(t).tolist() == [100] * 4
    hi, lo = m.pulse_width_cycles(t)
    assert hi.tolist() == [30] * 5
    assert lo.tolist() == [70] * 4
    assert np.allclose(m.duty_ratios(t), 0.3)
    assert m.half_period_cycles(t).tolist() == [30, 70] * 4 + [30]
    assert np.allclose(m.periods(t, F), 100 / F)
    assert np.allclose(m.half_periods(t, F)[:2], [30 / F, 70 / F])
    h, lw = m.pulse_widths(t, F)
    assert np.allclose(h, 30 / F) and np.allclose(lw, 70 / F)


def test_only_complete_pulses_count():
    """A rising edge with no falling edge before the next rising edge is no +pulse."""
    e = m.Edges(np.array([0, 100, 200]), np.array([150]))
    hi, lo = m.pulse_width_cycles(e)
    assert hi.tolist() == [50]  # 100 -> 150 only
    assert lo.tolist() == [50]  # 150 -> 200
    assert m.duty_ratios(e).tolist() == [0.5]  # only the period 100..200 is complete


def test_stats_are_exact_from_cycles():
    per = np.array([159744] * 10)
    s = m.Stats.of_cycles(per, F)
    assert s.count == 10
    assert s.mean == 0.009984 and s.min == 0.009984 and s.max == 0.009984
    assert s.std == 0.0 and s.p2p == 0.0
    j = m.Stats.of_cycles(np.array([100, 102, 98, 100]), F)
    assert j.p2p == pytest.approx(4 / F)
    assert j.std == pytest.approx(np.std([100, 102, 98, 100]) / F)
    assert j.mean == pytest.approx(100 / F)
    e = m.Stats.of_cycles(np.zeros(0, dtype=np.int64), F)
    assert e.count == 0 and math.isnan(e.mean)


def test_stats_stay_exact_for_large_cycle_counts():
    """A mean near 10^12 cycles with a 1-cycle spread keeps its std (no cancellation)."""
    v = np.array([10**12, 10**12 + 1] * 50)
    s = m.Stats.of_cycles(v, F)
    assert s.std == pytest.approx(0.5 / F, rel=1e-9)
    assert s.p2p == 1 / F


def test_measure_collects_everything():
    edges = np.cumsum(np.tile([80, 120], 10))  # HIGH at 80 for 120, LOW for 80: period 200
    r = m.measure(square(edges), F)
    d = r.as_dict()
    assert list(d) == list(m.QUANTITIES)
    assert d["period"].mean == 200 / F
    assert d["frequency"].mean == pytest.approx(F / 200) and d["frequency"].unit == "Hz"
    assert d["+width"].mean == 120 / F and d["-width"].mean == 80 / F
    assert d["duty"].mean == pytest.approx(0.6) and d["duty"].unit == ""
    assert r.mean_frequency == pytest.approx(F / 200)
    assert r.half_period.count == len(edges) - 1


def test_measure_between_cycles():
    edges = np.arange(1, 21) * 1000
    r = m.measure(square(edges), F, start=5000, end=12000)
    assert r.edges.all.min() >= 5000 and r.edges.all.max() <= 12000
    assert r.period.mean == 2000 / F


def test_jitter_is_peak_to_peak_of_the_periods():
    rng = np.random.default_rng(3)
    rising = np.cumsum(rng.integers(9990, 10011, 200))
    falling = rising[:-1] + 5000
    r = m.measure((rising, falling), F)
    per = np.diff(rising)
    assert r.period.p2p == (per.max() - per.min()) / F
    assert r.period.std == pytest.approx(per.std() / F)


# ---- histograms and classes ------------------------------------------------------------------
def millis_half_periods(n: int = 400, seed: int = 0) -> np.ndarray:
    """Half periods of the millis() square wave: 4 or 5 overflows of 1024 us plus a few us."""
    rng = np.random.default_rng(seed)
    k = np.where(rng.random(n) < 0.1, 4, 5)
    return k * 16384 + rng.integers(-40, 40, n)


def test_automatic_bins_separate_the_4096_and_5120_us_classes():
    hp = millis_half_periods()
    h = m.histogram(hp, F)
    assert h.counts.sum() == len(hp)
    w = h.edges_cycles[1] - h.edges_cycles[0]
    assert w == int(w) and w >= 1  # whole cycles: every bin holds as many cycle values
    assert np.all(h.edges_cycles % 1 == 0.5)  # no value sits on a bin edge
    peaks = h.peaks()
    assert len(peaks) == 2
    assert abs(h.centers[peaks[0]] - 4.096e-3) < 30e-6
    assert abs(h.centers[peaks[1]] - 5.120e-3) < 30e-6
    assert h.width == pytest.approx(w / F)


def test_histogram_of_a_steady_signal_has_one_narrow_peak():
    v = 79872 + np.random.default_rng(1).integers(-6, 7, 300)
    h = m.histogram(v, F)
    assert len(h.peaks()) == 1
    assert h.edges_cycles[1] - h.edges_cycles[0] == 1  # 1-cycle bins for a 12-cycle spread


def test_shared_bins_cover_both_signals():
    a = millis_half_periods()
    b = np.full(100, 79872)
    bins = m.histogram_bin_edges([a, b], F)
    ha, hb = m.histogram(a, F, bins=bins), m.histogram(b, F, bins=bins)
    assert ha.counts.sum() == len(a) and hb.counts.sum() == len(b)
    assert np.array_equal(ha.edges, hb.edges)


def test_auto_bin_width_is_125_in_seconds():
    assert m.auto_bin_width(16384, F, 64) == 320  # 1024 us / 64 -> 20 us = 320 cycles
    assert m.auto_bin_width(0, F) == 1
    assert m.auto_bin_width(10, F) == 1


def test_classes_group_durations_within_one_percent():
    cls = m.classes(millis_half_periods(), F)
    assert len(cls) == 2
    assert abs(cls[0].median - 4.096e-3) < 10e-6 and abs(cls[1].median - 5.120e-3) < 10e-6
    assert cls[0].count + cls[1].count == 400
    assert len(m.classes(np.full(5, 79872) + np.arange(5), F)) == 1
    assert m.classes(np.zeros(0, dtype=np.int64), F) == []


# ---- acceptance on the committed firmware ----------------------------------------------------
_RUNS: dict[str, Simulation] = {}


def run_firmware(firmware, name: str, seconds: float = 2.0) -> Simulation:
    """``name`` run for ``seconds`` of simulated time (cached for the module)."""
    if name not in _RUNS:
        sim = Simulation.open(firmware(name))
        sim.run_until(int(seconds * sim.f_cpu))
        _RUNS[name] = sim
    sim = _RUNS[name]
    if len(sim.pins["D2"].edges()) < 100:
        # ACCEPTANCE: needs the Timer0/Timer2 peripherals (being finished concurrently).
        pytest.xfail(f"{name}: D2 does not toggle yet (Timer peripherals not landed)")
    return sim


def test_acceptance_ctc_period_is_9984_us_without_jitter(firmware):
    """ctc_100hz: compare match every (77+1)*1024 cycles -> period 159744 cycles = 9.984 ms,
    the same every time: std below 1 us. Measured in the steady state, from 100 ms on (the
    start-up toggles are not what the example is about)."""
    sim = run_firmware(firmware, "ctc_100hz")
    r = m.measure(sim.pins["D2"], sim.f_cpu, start=sim.f_cpu // 10)
    assert r.period.count >= 180
    assert abs(r.period.mean * 1e6 - 9984.0) <= 0.1
    assert r.period.std * 1e6 < 1.0
    assert r.frequency.mean == pytest.approx(100.16, abs=0.01)
    assert len(m.classes(m.period_cycles(r.edges), sim.f_cpu)) == 1


def test_ctc_first_interrupt_comes_from_the_flag_init_left_pending(firmware):
    """The Arduino core's init() starts Timer2 (phase-correct PWM, clk/64) with TCNT2 = OCR2A
    = 0, so the first timer clock (cycle 128) is a compare match and sets OCF2A (datasheet
    17.7: only a TCNT2 write blocks that match). setup() enables OCIE2A without clearing the
    flag, so the first TIMER2_COMPA entry comes right after that write, and the steady
    79,872-cycle rhythm starts from TCNT2 = 0 after it."""
    sim = run_firmware(firmware, "ctc_100hz")
    entries = sim.interrupt_entries("TIMER2_COMPA")
    assert entries[0] < 1000
    assert 79_000 < int(sim.pins["D2"].edges()[1]) < 81_000


def test_acceptance_millis_half_periods_are_4096_or_5120_us(firmware):
    """millis_100hz: each half period is 4 or 5 Timer0 overflows (+ a few us of polling)."""
    sim = run_firmware(firmware, "millis_100hz")
    hp_us = m.half_periods(sim.pins["D2"], sim.f_cpu) * 1e6
    assert len(hp_us) >= 350
    near = np.minimum(np.abs(hp_us - 4096), np.abs(hp_us - 5120))
    assert np.all(near <= 10), hp_us[near > 10]
    assert np.any(np.abs(hp_us - 4096) <= 10) and np.any(np.abs(hp_us - 5120) <= 10)
    cls = m.classes(m.half_period_cycles(sim.pins["D2"]), sim.f_cpu)
    assert [round(c.median * 1e3, 1) for c in cls] == [4.1, 5.1]


def test_acceptance_millis_period_histogram_has_two_peaks(firmware):
    """Periods are 4+5 or 5+5 overflows: 9.216 ms and 10.240 ms, two separate peaks."""
    sim = run_firmware(firmware, "millis_100hz")
    h = m.histogram(m.period_cycles(sim.pins["D2"]), sim.f_cpu)
    peaks = h.peaks()
    assert len(peaks) == 2
    assert abs(h.centers[peaks[0]] - 9.216e-3) < 50e-6
    assert abs(h.centers[peaks[1]] - 10.240e-3) < 50e-6
    r = m.measure(sim.pins["D2"], sim.f_cpu)
    assert r.period.p2p > 0.9e-3  # a millisecond of jitter, the point of the example


def read_vcd_changes(path) -> tuple[str, dict[str, list[tuple[int, str]]]]:
    """(timescale, {signal: [(time, value), ...]}) through pyvcd's reader."""
    ids: dict[str, str] = {}
    changes: dict[str, list[tuple[int, str]]] = {}
    timescale = ""
    t = 0
    with open(path, "rb") as f:
        for tok in tokenize(f):
            if tok.kind is TokenKind.TIMESCALE:
                timescale = f"{int(tok.timescale.magnitude)} {tok.timescale.unit.value}"
            elif tok.kind is TokenKind.VAR:
                ids[tok.var.id_code] = tok.var.reference
                changes[tok.var.reference] = []
            elif tok.kind is TokenKind.CHANGE_TIME:
                t = tok.time_change
            elif tok.kind is TokenKind.CHANGE_SCALAR:
                changes[ids[tok.scalar_change.id_code]].append((t, tok.scalar_change.value))
    return timescale, changes


def test_acceptance_vcd_of_d2_reads_back_identical(firmware, tmp_path):
    sim = run_firmware(firmware, "millis_100hz")
    trace = sim.pins["D2"]
    path = tmp_path / "d2.vcd"
    write_vcd(path, {"D2": trace}, sim.f_cpu)
    timescale, steps = timescale_for(sim.f_cpu)
    ts, changes = read_vcd_changes(path)
    assert ts == timescale
    got = [(tv // steps, {"0": LOW, "1": HIGH}.get(v.lower(), FLOATING)) for tv, v in changes["D2"]]
    got = [g for g in got if g[0] > 0 or g[1] != FLOATING]  # the initial value at time 0
    assert got == [tuple(r) for r in trace.rows.tolist()]
    assert (
        m.edges(np.array(got), initial=FLOATING).rising.tolist()
        == trace.edges(True, False).tolist()
    )
