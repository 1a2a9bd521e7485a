"""The simulation thread (breadboard.sim.worker) driven by its typed commands, without Qt."""

from __future__ import annotations

import time

import pytest

from breadboard.circuit import Circuit, Led, Potentiometer, Pushbutton
from breadboard.sim import F_CPU, HIGH, LOW
from breadboard.sim import commands as cmd
from breadboard.sim.worker import SimulationWorker, Snapshot


def wait_for(worker: SimulationWorker, cond, timeout: float = 20.0) -> Snapshot:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        snap = worker.snapshot
        if cond(snap):
            return snap
        time.sleep(0.01)
    raise AssertionError(f"timed out; last snapshot: {worker.snapshot}")


@pytest.fixture
def worker():
    w = SimulationWorker(Circuit())
    w.start()
    yield w
    w.stop()
    w.join(timeout=5)
    assert not w.is_alive()


def test_open_runs_the_firmware_and_publishes_chunks(worker, firmware):
    worker.post(cmd.Open(firmware("blink")))
    snap = wait_for(worker, lambda s: s.status == "running" and s.cycle > F_CPU // 10)
    assert snap.f_cpu == F_CPU and snap.firmware.endswith("blink.hex")
    assert snap.pins["D13"].mode == "output" and snap.pins["D2"].mode == "input"
    chunks = worker.drain()
    assert chunks[0].reset and chunks[0].start == 0
    assert all(a.end == b.start for a, b in zip(chunks, chunks[1:], strict=False))


def test_pause_step_and_run(worker, firmware):
    worker.post(cmd.Open(firmware("blink")))
    wait_for(worker, lambda s: s.cycle > 0)
    worker.post(cmd.Pause())
    paused = wait_for(worker, lambda s: s.status == "paused")
    time.sleep(0.1)
    assert worker.snapshot.cycle == paused.cycle  # the clock stopped
    worker.post(cmd.Step())
    stepped = wait_for(worker, lambda s: s.instructions == paused.instructions + 1)
    assert stepped.paused
    worker.post(cmd.Run())
    wait_for(worker, lambda s: s.cycle > stepped.cycle + 16_000 and not s.paused)


def test_flat_out_runs_faster_than_real_time(worker, firmware):
    worker.post(cmd.SetSpeed(0))
    worker.post(cmd.Open(firmware("blink")))
    snap = wait_for(worker, lambda s: s.cycle > 2 * F_CPU, timeout=60)
    assert snap.speed == 0


def test_a_pushbutton_drives_its_pin(worker, firmware):
    button = Pushbutton("S1", pin="D2", to="5V", pull="down")
    worker.post(cmd.SetCircuit(Circuit([button, Led("LED1", pin="D13")])))
    worker.post(cmd.Open(firmware("blink")))
    wait_for(worker, lambda s: s.cycle > 0 and s.pins["D2"].level == LOW)
    worker.post(cmd.Press("S1"))
    snap = wait_for(worker, lambda s: s.pins["D2"].level == HIGH)
    assert snap.pressed == frozenset({"S1"})
    worker.post(cmd.Release("S1"))
    wait_for(worker, lambda s: s.pins["D2"].level == LOW and not s.pressed)


def test_a_potentiometer_sets_its_analog_input(worker, firmware):
    worker.post(cmd.SetCircuit(Circuit([Potentiometer("R1", pin="A0")])))
    worker.post(cmd.Open(firmware("analog_read")))
    wait_for(worker, lambda s: s.cycle > 0)
    worker.post(cmd.SetPosition("R1", 0.25))
    rows: list = []
    end = time.monotonic() + 10
    while time.monotonic() < end and (not rows or rows[-1][1] != 1_250_000):
        rows += [r for c in worker.drain() if "A0" in c.analog for r in c.analog["A0"].tolist()]
        time.sleep(0.02)
    assert rows[0][1] == 2_500_000  # the circuit's knob at half way: 2.5 V, in microvolts
    assert rows[-1][1] == 1_250_000
    worker.post(cmd.SetPosition("R1", 7))  # clamped to the 5 V end
    wait_for(worker, lambda s: worker.circuit.part("R1").position == 1.0)


def test_bad_commands_become_errors_and_the_thread_lives_on(worker, firmware, tmp_path):
    bad = tmp_path / "bad.hex"
    bad.write_text(":zz\n")
    worker.post(cmd.Open(bad))
    snap = wait_for(worker, lambda s: s.error_serial == 1)
    assert "bad.hex" in snap.error
    worker.post(cmd.Press("nobody"))
    snap = wait_for(worker, lambda s: s.error_serial == 2)
    assert snap.error.startswith("Press:")
    worker.post(cmd.Open(firmware("blink")))
    wait_for(worker, lambda s: s.status == "running")
    with pytest.raises(TypeError, match="command object"):
        worker.post("open")  # type: ignore[arg-type]


def test_commands_apply_in_order_between_slices(worker, firmware):
    got = []
    worker.post(cmd.Open(firmware("blink")))  # loaded, not run yet when the call comes
    worker.post(cmd.Call(lambda sim: got.append((sim.cycle, sim.pin_mode("D13")))))
    wait_for(worker, lambda s: s.cycle > F_CPU // 100)
    worker.post(cmd.Call(lambda sim: got.append((sim.cycle, sim.pin_mode("D13")))))
    end = time.monotonic() + 10
    while len(got) < 2 and time.monotonic() < end:
        time.sleep(0.01)
    assert got[0] == (0, "input")  # reset state: every pin an input
    assert got[1][0] > F_CPU // 100 and got[1][1] == "output"  # pinMode(13, OUTPUT) ran
