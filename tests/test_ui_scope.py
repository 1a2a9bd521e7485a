"""The scope (breadboard.ui.scope) and compare mode (breadboard.ui.compare), offscreen.

Most tests feed synthetic trace chunks (exact, fast, independent of the simulator); a few feed
chunks recorded from the committed firmware, as the worker would publish them at 60 Hz.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6 import QtGui, QtWidgets  # noqa: E402
from vcd.reader import TokenKind, tokenize  # noqa: E402

from breadboard.sim import F_CPU, HIGH, LOW, Simulation, timescale_for  # noqa: E402
from breadboard.sim import measure as m  # noqa: E402
from breadboard.sim.worker import TraceChunk  # noqa: E402
from breadboard.ui.compare import CompareWindow, source_label  # noqa: E402
from breadboard.ui.scope import ScopeDock, ScopeWidget, format_si  # noqa: E402
from breadboard.ui.scope.panels import MIN_VIEW_FRACTION, HistogramPanel  # noqa: E402

F = F_CPU
FRAME = F // 60
PINS = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(6)]
EMPTY = np.zeros((0, 2), dtype=np.int64)


# ---- chunk sources ---------------------------------------------------------------------------
def square_rows(half: int, seconds: float, phase: int = 0, jitter: int = 0, seed: int = 0):
    """(cycle, level) rows: LOW at 0, then a toggle every ``half`` cycles (+- jitter)."""
    n = int(seconds * F) // half
    t = phase + half * np.arange(1, n + 1, dtype=np.int64)
    if jitter:
        t += np.random.default_rng(seed).integers(0, jitter + 1, n)
    lv = np.where(np.arange(n) % 2 == 0, HIGH, LOW)
    return np.concatenate([[[0, LOW]], np.stack([t, lv], axis=1)]).astype(np.int64)


def irq_rows(vector: int, period: int, length: int, seconds: float, phase: int = 5):
    k = np.arange(1, int(seconds * F) // period + 1, dtype=np.int64)
    ent = phase + k * period
    rows = np.concatenate(
        [
            np.stack([ent, np.full(len(k), vector), np.ones(len(k), np.int64)], 1),
            np.stack([ent + length, np.full(len(k), vector), np.zeros(len(k), np.int64)], 1),
        ]
    )
    return rows[np.argsort(rows[:, 0], kind="stable")]


def make_chunks(pins: dict, seconds: float, irq=None, analog=None, reset=True, start=0.0):
    """Cut whole-run rows into 60 Hz chunks from ``start`` to ``seconds`` (simulated time),
    as SimulationWorker publishes them."""
    irq = np.zeros((0, 3), np.int64) if irq is None else irq
    out = []
    first = -(-int(start * F) // FRAME) * FRAME  # on the 60 Hz grid, after earlier chunks
    for c in range(first, int(seconds * F), FRAME):
        e = c + FRAME

        def cut(rows, c=c, e=e):
            i0, i1 = np.searchsorted(rows[:, 0], [c, e], side="left")
            return rows[i0:i1]

        p = {name: cut(pins[name]) if name in pins else EMPTY for name in PINS}
        a = {name: cut(rows) for name, rows in (analog or {}).items()}
        out.append(TraceChunk(c, e, p, cut(irq), EMPTY, reset and not out, a))
    return out


def sim_chunks(sim: Simulation, seconds: float):
    """Chunks of a Simulation run, 1/60 s of simulated time each."""
    sent = {n: 0 for n in sim.pins}
    irq_sent = 0
    first = True
    end = int(seconds * sim.f_cpu)
    while sim.cycle < end:
        start = sim.cycle
        sim.run_until(min(end, sim.cycle + FRAME))
        pins = {}
        for n, tr in sim.pins.items():
            pins[n] = tr.since(sent[n])
            sent[n] = len(tr)
        irq = sim.interrupts.since(irq_sent)
        irq_sent = len(sim.interrupts)
        yield TraceChunk(start, sim.cycle, pins, irq, EMPTY, reset=first)
        first = False


_SIMS: dict[str, list] = {}


def firmware_chunks(firmware, name: str, seconds: float = 1.0) -> tuple[list, Simulation]:
    if name not in _SIMS:
        sim = Simulation.open(firmware(name))
        _SIMS[name] = [list(sim_chunks(sim, seconds)), sim]
    chunks, sim = _SIMS[name]
    assert len(sim.pins["D2"].edges()) >= 150  # 100 Hz on D2: ~200 edges in the second
    return chunks, sim


@pytest.fixture
def scope(qtbot):
    w = ScopeWidget(F)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def feed_all(w: ScopeWidget, chunks, source: str = "") -> None:
    for c in chunks:
        w.feed([c], source)
        QtWidgets.QApplication.processEvents()


CTC = square_rows(79872, 1.0, phase=150, jitter=12)


# ---- basics ----------------------------------------------------------------------------------
def test_format_si():
    assert format_si(0.004992, "s") == "4.992 ms"
    assert format_si(100.16, "Hz") == "100.2 Hz"
    assert format_si(2e-7, "s") == "200 ns"
    assert format_si(float("nan"), "s") == "—"


def test_default_channel_and_add_remove(scope):
    assert scope.channels() == ["D2"]
    assert scope.add_channel("d13") == "D13"
    assert scope.add_channel("A0") == "A0"  # analog lane
    assert scope.add_channel("A0", kind="digital") == "A0 dig"
    assert scope.add_channel("IRQ") == "IRQ"
    assert scope.channels() == ["D2", "D13", "A0", "A0 dig", "IRQ"]
    scope.remove_channel("D13")
    assert "D13" not in scope.channels()
    with pytest.raises(KeyError):
        scope.add_channel("D99")
    with pytest.raises(KeyError):
        scope.remove_channel("D13")


def test_a_digital_channel_id_of_an_analog_pin_adds_a_digital_lane(scope):
    """Presets name channels by id: "A0 dig" is A0 read as a digital pin, not the analog lane."""
    assert scope.add_channel("A0 dig") == "A0 dig"
    assert scope.add_channel("A1") == "A1"
    assert "A0 dig" in scope.channels() and "A0" not in scope.channels()


def test_dock_wraps_the_widget(qtbot):
    main = QtWidgets.QMainWindow()
    qtbot.addWidget(main)
    dock = ScopeDock(main)  # the main window passes itself as the parent
    assert isinstance(dock.scope, ScopeWidget) and dock.widget() is dock.scope
    assert ScopeDock(8_000_000).scope.f_cpu == 8_000_000


# ---- drawing and triggering --------------------------------------------------------------------
def test_feeding_simulation_chunks_draws_and_triggers(scope, firmware):
    chunks, sim = firmware_chunks(firmware, "ctc_100hz")
    scope.add_channel("IRQ")
    feed_all(scope, chunks)
    assert scope.status() == "trig'd"
    assert scope.sweeps() > 50
    x, y = scope.lane_points("D2")
    assert len(x) >= 4
    t = scope.capture().display_trigger
    assert t in sim.pins["D2"].edges(True, False)  # triggered on a real rising edge
    # at x = 0 the drawn D2 steps up (the trigger edge), and 9.984 ms later again
    ups = x[1:][(np.diff(y) > 0) & (np.diff(x) == 0)]
    assert np.any(np.abs(ups) < 1e-9)
    assert np.any(np.abs(ups - 0.009984) < 2e-6)
    # the interrupt lane has one row per vector seen, labelled by name
    assert {"TIMER0_OVF", "TIMER2_COMPA"} <= set(scope.lane_labels())


def test_measurements_match_measure_py(scope, firmware):
    chunks, sim = firmware_chunks(firmware, "millis_100hz")
    feed_all(scope, chunks)
    got = scope.measurements("D2")
    want = m.measure(sim.pins["D2"], sim.f_cpu).as_dict()
    assert list(got) == ["frequency", "period", "+width", "-width", "duty"]
    for q in got:
        assert got[q].count == want[q].count
        assert got[q].mean == pytest.approx(want[q].mean, rel=1e-12)
        assert got[q].p2p == pytest.approx(want[q].p2p, rel=1e-12)
        assert got[q].std == pytest.approx(want[q].std, rel=1e-9)


def test_measurements_on_synthetic_signal(scope):
    feed_all(scope, make_chunks({"D2": square_rows(8000, 0.5)}, 0.5))
    st = scope.measurements("D2")
    assert st["period"].mean == 16000 / F and st["period"].p2p == 0
    assert st["frequency"].mean == pytest.approx(1000.0)
    assert st["duty"].mean == pytest.approx(0.5)
    scope.refresh_panels()
    table = scope.measurement_table()
    assert len(table) == 5
    assert table[1][:3] == ["", "period", "1 ms"]


def test_trigger_edges_modes_and_holdoff(scope):
    rows = square_rows(4000, 0.5)  # 2 kHz: rising every 8000 cycles
    scope.set_timebase(50e-6)
    scope.set_trigger("D2", "falling", "normal")
    feed_all(scope, make_chunks({"D2": rows}, 0.5))
    t = scope.capture().display_trigger
    assert t in m.edges(rows).falling
    scope.set_trigger("D2", "either", "normal", holdoff=0.0)
    feed_all(scope, make_chunks({"D2": rows}, 0.3))
    either = scope.sweeps()
    scope.set_trigger("D2", "rising", "normal", holdoff=0.9e-3)  # every other rising edge
    feed_all(scope, make_chunks({"D2": rows}, 0.3))
    assert scope.sweeps() > 0
    assert scope.sweeps() < either / 3
    with pytest.raises(ValueError):
        scope.set_trigger("D2", "sideways", "auto")


def test_single_stops_after_one_sweep(scope):
    scope.set_timebase(20e-6)
    scope.single()
    assert scope.is_running()
    feed_all(scope, make_chunks({"D2": square_rows(4000, 0.2)}, 0.2))
    assert not scope.is_running() and scope.status() == "stopped"
    scope.run()
    assert scope.is_running()


def test_normal_mode_waits_and_auto_free_runs(scope):
    flat = {"D2": np.array([[0, LOW]])}
    scope.set_trigger("D2", "rising", "normal")
    feed_all(scope, make_chunks(flat, 0.2))
    assert scope.status() == "waiting"
    scope.set_trigger("D2", "rising", "auto")
    feed_all(scope, make_chunks(flat, 0.3))
    assert scope.status() == "auto"
    x, _ = scope.lane_points("D2")
    assert len(x) >= 2  # free-running: the flat line is drawn


def test_roll_mode_follows_the_newest_data(scope):
    scope.set_trigger("D2", "rising", "roll")
    scope.set_timebase(1e-3)
    feed_all(scope, make_chunks({"D2": CTC}, 0.5))
    x0, x1 = scope.view_range()
    end = scope.capture().end / F
    assert x1 == pytest.approx(end) and x1 - x0 == pytest.approx(10e-3)
    assert scope.status() == "roll"


def test_stopped_scope_keeps_its_view_and_pans(scope):
    feed_all(scope, make_chunks({"D2": CTC}, 0.3))
    scope.stop()
    before = scope.view_range()
    feed_all(scope, make_chunks({"D2": CTC}, 0.4, reset=False, start=0.3))
    assert scope.view_range() == before
    scope.view_box.setXRange(0.001, 0.002, padding=0)  # a pan while stopped redraws
    x, _ = scope.lane_points("D2")
    assert x[0] == pytest.approx(0.001, abs=1e-6)


def test_timebase_range_and_position(scope):
    scope.set_timebase(5e-3)
    assert scope.timebase() == 5e-3
    scope.set_timebase(100.0)
    assert scope.timebase() == 10.0
    scope.set_timebase(1e-9)
    assert scope.timebase() == 1e-6
    scope.set_timebase(1e-3)
    scope.set_position(2e-3)
    feed_all(scope, make_chunks({"D2": CTC}, 0.2))
    x0, x1 = scope.view_range()
    assert x0 == pytest.approx(-1e-3 + 2e-3) and x1 == pytest.approx(9e-3 + 2e-3)


def test_a_flat_trace_has_room_on_screen_before_the_plot_has_a_size(qtbot):
    """A lane's trace and labels are items whose bounds include a few pixels around their
    points; before the plot is shown (no pixel size yet) they still get room, so a flat line
    drawn then is not an empty item the scene would skip."""
    from breadboard.ui.scope.items import Curve, Labels

    w = ScopeWidget(F)
    qtbot.addWidget(w)
    curve, labels = Curve(QtGui.QPen()), Labels()
    curve.set_data(np.array([0.0, 1e-3]), np.array([0.5, 0.5]))
    labels.set_labels([(1e-3, 0.5, "INT0", "#ffffff", (0.0, 0.5))])
    assert curve.boundingRect().height() > 0
    assert labels.boundingRect().width() > 0 and labels.boundingRect().height() > 0
    assert labels.texts() == ["INT0"]


# ---- persistence -----------------------------------------------------------------------------
def test_persistence_accumulates_sweeps(scope):
    jittery = square_rows(79872, 1.5, jitter=16000, seed=4)  # edges spread over 1 ms
    scope.set_persistence("infinite")
    feed_all(scope, make_chunks({"D2": jittery}, 1.0))
    ph = scope.phosphor
    assert ph.sweeps >= 90
    assert ph.item.isVisible() and ph.item.image is not None
    acc = ph.acc
    # the falling edge ~5 ms after the trigger lands in many pixel columns: a smear
    cols_with_vertical = np.count_nonzero((acc > 0).sum(axis=0) > 20)
    assert cols_with_vertical > 20
    total = acc.sum()
    scope.set_persistence("fading")
    feed_all(scope, make_chunks({"D2": jittery}, 1.5, reset=False, start=1.0))
    assert ph.sweeps > 0
    scope.set_persistence("off")
    assert ph.acc is None and not ph.item.isVisible()
    assert total > 0


def test_persistence_image_lights_exactly_the_pixels_sweeps_passed(scope):
    """The image is drawn from the pixels sweeps touched (kept as a list, not found by a
    scan of the whole image): after fading, those that faded out go dark too."""
    jittery = square_rows(79872, 1.5, jitter=16000, seed=4)
    scope.set_persistence("fading")
    feed_all(scope, make_chunks({"D2": jittery}, 1.0))
    ph = scope.phosphor
    shown = []
    for _ in range(2):
        ph.render()
        lit = ph.item.image[::-1] != 0  # the image's rows run top to bottom, y points up
        assert np.array_equal(lit, ph.acc > 0)
        shown.append(np.count_nonzero(lit))
        ph.fade(0.001)  # pixels fewer than 20 sweeps passed drop under the floor: dark
    assert 0 < shown[1] < shown[0] / 2


def test_steady_signal_stays_sharp_in_persistence(scope):
    scope.set_persistence("infinite")
    feed_all(scope, make_chunks({"D2": square_rows(79872, 1.0)}, 1.0))
    acc = scope.phosphor.acc
    tall = np.count_nonzero((acc > 0).sum(axis=0) > 20)
    assert 0 < tall <= 6  # the edges stay in a pixel column or two each


# ---- references ------------------------------------------------------------------------------
def test_reference_survives_a_reset_chunk(scope):
    feed_all(scope, make_chunks({"D2": CTC}, 0.3))
    name = scope.store_reference("D2")
    assert name == "REF D2" and scope.references() == ["REF D2"]
    assert len(scope.lane_points("D2", reference=True)[0]) > 2
    # new firmware: a reset chunk and a different signal
    feed_all(scope, make_chunks({"D2": square_rows(40000, 0.3)}, 0.3))
    assert scope.references() == ["REF D2"]
    x, _ = scope.lane_points("D2", reference=True)
    assert len(x) > 2
    ref = scope.reference("REF D2")
    assert ref.series.n == len(CTC[CTC[:, 0] < ref.end])
    # removing the live lane moves the reference to a lane of its own
    scope.add_channel("D3")
    scope.remove_channel("D2")
    assert scope.lane_ids() == ["D3", "REF D2"]
    scope.clear_references()
    assert scope.references() == []


# ---- exports ---------------------------------------------------------------------------------
def test_exports(scope, tmp_path):
    scope.add_channel("D13")
    d13 = square_rows(1411, 0.2)
    feed_all(scope, make_chunks({"D2": CTC, "D13": d13}, 0.2))
    vcd = tmp_path / "scope.vcd"
    scope.export_vcd(vcd)
    _, steps = timescale_for(F)
    ids, changes, t = {}, {}, 0
    with open(vcd, "rb") as f:
        for tok in tokenize(f):
            if tok.kind is TokenKind.VAR:
                ids[tok.var.id_code] = tok.var.reference
                changes[tok.var.reference] = []
            elif tok.kind is TokenKind.CHANGE_TIME:
                t = tok.time_change
            elif tok.kind is TokenKind.CHANGE_SCALAR:
                changes[ids[tok.scalar_change.id_code]].append((t, tok.scalar_change.value))
    want = CTC[CTC[:, 0] < scope.capture().end]
    got = [(tv // steps, int(v)) for tv, v in changes["D2"] if v in "01"]
    assert got == [tuple(r) for r in want.tolist()]
    assert len([v for v in changes["D13"] if v[1] in "01"]) == len(d13[d13[:, 0] < 0.2 * F])

    path = tmp_path / "edges.csv"
    scope.export_csv(path)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    d2 = [r for r in rows if r["channel"] == "D2"]
    assert len(d2) == len(want)
    assert d2[1]["edge"] == "rising" and int(d2[1]["cycle"]) == want[1, 0]
    assert float(d2[1]["time_s"]) == pytest.approx(want[1, 0] / F)

    png = tmp_path / "scope.png"
    scope.export_png(png)
    img = QtGui.QImage(str(png))
    assert img.width() == scope.width() and img.height() == scope.height()


# ---- decimation ------------------------------------------------------------------------------
def test_decimation_bounds_the_points_of_a_200khz_channel(scope):
    scope.add_channel("D3")
    fast = square_rows(40, 0.5)  # 200 kHz
    for tb in (1e-3, 10e-3, 50e-3):
        scope.set_trigger("D2", "rising", "roll")
        scope.set_timebase(tb)
        feed_all(scope, make_chunks({"D2": CTC, "D3": fast}, 0.5))
        w = scope.plot_width_px()
        edges_in_view = tb * 10 * 400_000
        assert edges_in_view > 3 * w
        assert scope.plotted_points("D3") <= 3 * w + 4


# ---- analog, interrupts, bounded memory, cursors ------------------------------------------------
def test_analog_and_interrupt_lanes(scope):
    scope.add_channel("A0")
    scope.add_channel("IRQ")
    analog = {"A0": np.array([[0, 0], [F // 10, 2_500_000], [F // 5, 5_000_000]])}
    irq = np.concatenate([irq_rows(16, 16384, 92, 0.5), irq_rows(7, 79872, 207, 0.5)])
    irq = irq[np.argsort(irq[:, 0], kind="stable")]
    scope.set_trigger("D2", "rising", "roll")
    scope.set_timebase(0.05)
    feed_all(scope, make_chunks({"D2": CTC}, 0.5, irq=irq, analog=analog))
    _, y = scope.lane_points("A0")
    lane = scope.lane("A0")
    assert y.max() == pytest.approx(lane.y0 + lane.height * 0.92)  # 5 V at the top
    irq_lane = scope.lane("IRQ")
    assert irq_lane.vectors == [7, 16]
    assert scope.plotted_points("IRQ") > 0
    scope.set_timebase(20e-6)
    scope.set_position(0.45 - 0.5 + 0.0)
    QtWidgets.QApplication.processEvents()


def test_history_is_bounded(scope):
    scope.set_history(0.25)
    feed_all(scope, make_chunks({"D2": square_rows(400, 1.0)}, 1.0))
    s = scope.capture().series("D2")
    first = s.cycles[0] / F
    assert first >= 1.0 - 0.25 * 2.5  # trimmed in steps, never much more than asked
    assert s.known_from / F >= 0.7


def test_cursors_show_dt_and_frequency(scope):
    scope.set_cursors(0.001, 0.003)
    dt, inv = scope.cursor_readout()
    assert dt == pytest.approx(0.002) and inv == pytest.approx(500.0)
    assert "500 Hz" in scope.cursor_text()
    scope.set_cursors(None)
    assert scope.cursor_readout() is None


def test_histogram_panel_labels_the_classes(scope):
    rows = square_rows(81920, 1.0)  # 5.12 ms half periods
    scope.set_histogram("half period")
    feed_all(scope, make_chunks({"D2": rows}, 1.0))
    scope.refresh_panels()
    assert any(t.startswith("5.12 ms") for t in scope.histogram_labels())
    with pytest.raises(ValueError):
        scope.set_histogram("furlongs")


def test_histogram_of_equal_durations_keeps_a_readable_view(qtbot):
    """Blink's periods are all 2 s to the cycle: one bin. The view spans 0.01 % of the value
    (ticks of five digits), the bar in its middle, not one bar across the plot ticked in ns;
    a spread wider than that (CTC's few cycles on 10 ms, millis()'s 1 ms) keeps its view."""
    panel = HistogramPanel()
    qtbot.addWidget(panel)
    period = 2 * F + 286
    panel.show_data([("D13", "#f87171", np.full(5, period, np.int64))], F)
    lo, hi = panel.plot.viewRange()[0]
    assert hi - lo >= MIN_VIEW_FRACTION * period / F
    assert lo < period / F < hi and abs((lo + hi) / 2 - period / F) < 1e-6
    assert panel.labels() == ["2 s ×5"]
    for low, high in ((9.2e-3, 10.24e-3), (9.98337e-3, 9.98469e-3)):
        spread = np.round(np.array([low, high]) * F).astype(np.int64)
        panel.show_data([("D2", "#facc15", spread)], F)
        lo, hi = panel.plot.viewRange()[0]
        assert lo < low and hi > high and hi - lo < 1.5 * (high - low)


# ---- compare mode ----------------------------------------------------------------------------
def test_source_label():
    assert source_label("millis() D2") == "millis()"
    assert source_label("CTC") == "CTC"


def test_compare_window_stacks_two_firmwares(qtbot, firmware):
    a_chunks, a_sim = firmware_chunks(firmware, "millis_100hz")
    b_chunks, b_sim = firmware_chunks(firmware, "ctc_100hz")
    w = CompareWindow.for_files(
        firmware("millis_100hz"), firmware("ctc_100hz"), "millis() D2", "CTC D2", start=False
    )
    qtbot.addWidget(w)
    w.show()
    assert w.scope.channels() == ["millis() D2", "CTC D2"]
    assert w.scope.persistence() == "infinite"
    for a, b in zip(a_chunks, b_chunks, strict=False):
        w.feed([a], [b])
    w.update_table()
    stats = w.statistics()
    assert stats["millis() D2"].period.p2p > 0.9e-3
    steady = m.measure(b_sim.pins["D2"], F, start=F // 10)
    assert steady.period.std < 1e-6
    assert w.table.item(1, 1).text().startswith("9.98")
    assert "4.098 ms" in w.table.item(11, 0).text() and "5.119 ms" in w.table.item(11, 0).text()
    # each lane triggered on its own D2 rising edge
    assert w.scope.capture("millis()").display_trigger in a_sim.pins["D2"].edges(True, False)
    assert w.scope.capture("CTC").display_trigger in b_sim.pins["D2"].edges(True, False)
    w.close()


def test_compare_window_runs_two_workers(qtbot, firmware):
    w = CompareWindow.for_files(firmware("millis_100hz"), firmware("ctc_100hz"), "A D2", "B D2")
    qtbot.addWidget(w)
    try:
        assert len(w.workers) == 2
        qtbot.waitUntil(
            lambda: all(w.scope.capture(s).end > F // 5 for s in w.sources), timeout=60_000
        )
        qtbot.waitUntil(lambda: w.clock_label.text().count("(running)") == 2, timeout=5_000)
        # the toolbar's clocks fit their label (a toolbar does not widen a label as it grows)
        text = w.clock_label.text()
        assert text.startswith("A: ") and "   B: " in text
        assert w.clock_label.width() >= w.clock_label.fontMetrics().horizontalAdvance(text)
    finally:
        w.close()
    assert w.workers == []


def test_mouse_zoom_and_pan_drive_the_timebase_and_position(scope):
    feed_all(scope, make_chunks({"D2": CTC}, 0.3))
    vb = scope.view_box
    (x0, x1), _ = vb.viewRange()
    vb.setXRange(x0, x0 + (x1 - x0) / 2, padding=0)  # as a wheel zoom would
    vb.sigRangeChangedManually.emit([True, False])
    assert scope.timebase() == pytest.approx(1e-3)
    vb.setXRange(x0 + 0.002, x0 + 0.012, padding=0)  # a drag
    vb.sigRangeChangedManually.emit([True, False])
    assert scope.timebase() == pytest.approx(1e-3)
    assert scope.position() == pytest.approx(0.001)  # left edge at 0: trigger 1 div off-screen


def test_void_qt_calls_do_not_release_none(qtbot):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None in every void call until the
    interpreter aborts ("deallocating None"); pyproject.toml pins PySide6 below 6.12. Checks
    the installed PySide6 keeps None's reference count (immortal from CPython 3.12 on)."""
    import sys

    from PySide6 import QtCore

    o = QtCore.QObject()
    before = sys.getrefcount(None)
    for _ in range(20_000):
        o.setObjectName("x")
        o.destroyed.emit()
    assert sys.getrefcount(None) >= before - 1000


def shown_labels(lane) -> list[str]:
    return lane.labels.texts()


def test_interrupt_lane_marks_the_delay_in_isr_handler_as_a_long_isr(scope):
    """resources/examples/delay_in_isr: pressing the button runs INT0's handler, which calls
    delay() (~1-2 ms, over the 100 µs default): a red outline and "long ISR 1.x ms"."""
    from dataclasses import replace
    from pathlib import Path

    elf = Path(__file__).parents[1] / "resources/examples/delay_in_isr/delay_in_isr.elf"
    sim = Simulation.open(elf)
    scope.add_channel("IRQ")
    scope.set_trigger("D2", "falling", "roll")
    scope.set_timebase(1e-3)
    chunks = list(sim_chunks(sim, 0.03))
    sim.drive("D2", 0)
    chunks += [replace(c, reset=False) for c in sim_chunks(sim, 0.04)]
    feed_all(scope, chunks)
    lane = scope.lane("IRQ")
    assert 1 in lane.vectors and lane.long_isr.n == 1  # INT0 only, TIMER0_OVF is short
    marks = [t for t in shown_labels(lane) if "long ISR" in t]
    assert len(marks) == 1 and marks[0].startswith("INT0")
    assert 1.0 <= float(marks[0].split("long ISR ")[1].split()[0]) <= 3.0  # ms
    assert lane.ioff.n == 0


def test_interrupt_lane_hatches_interrupts_off_longer_than_the_threshold(scope):
    scope.add_channel("IRQ")
    scope.set_trigger("D2", "rising", "roll")
    scope.set_timebase(1e-3)
    cli = F // 1000 * 60  # inside the last 10 ms of the 4 chunks (up to 1,066,664)
    irq = np.array(
        [[cli - 500, 16, 1, cli - 504], [cli - 400, 16, 0, 0],
         [cli + 4_000, 0, 3, cli], [cli + 9_000, 0, 3, cli + 8_000]]
    )  # fmt: skip
    feed_all(scope, make_chunks({"D2": CTC}, 0.055, irq=irq))
    lane = scope.lane("IRQ")
    assert lane.ioff.n == 1  # 4,000 cycles = 250 µs; the 1,000-cycle stretch is under 100 µs
    assert "I = 0 for 250 µs" in shown_labels(lane)
    assert lane.long_isr.n == 0
