"""The app, driven through its own event paths (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from conftest import firmware_path  # noqa: E402

from breadboard.circuit import Circuit, Led, Pushbutton  # noqa: E402
from breadboard.sim import HIGH  # noqa: E402

FIRMWARE = Path(__file__).parent / "firmware"


@pytest.fixture(scope="module", autouse=True)
def kernel_ready():
    """Load (or compile) the kernel before the worker thread needs it."""
    from breadboard.sim import warm_up

    warm_up()


def example(window, name):
    return next(e for e in window.examples if e.name == name)


def wait_firmware(qtbot, window, name):
    qtbot.waitUntil(
        lambda: (
            (window.worker.snapshot.firmware or "").endswith(name)
            and window.worker.snapshot.cycle > 0
        ),
        timeout=10_000,
    )


def test_int0_button_press_lights_the_led_in_the_frame_that_shows_the_pin_high(qtbot, window):
    """Press the INT0 example's button through the board's own mouse path: INT0 fires, loop()
    drives D4 high, and the LED item is lit in the same frame whose snapshot shows D4 high."""
    window.open_example(example(window, "int0_button"))
    wait_firmware(qtbot, window, "int0_change.elf")
    qtbot.wait(100)
    assert window.board.led_brightness("led_rise") < 0.1
    window.board.press_part("button1")
    seen = []

    def lit():
        snap = window._last_snapshot
        seen.append((snap.pins["D4"].level, window.board.led_brightness("led_rise")))
        return snap.pins["D4"].level == HIGH

    qtbot.waitUntil(lit, timeout=5000)
    window.refresh()  # the frame after the ISR and loop() ran
    assert window.board.led_brightness("led_rise") > 0.5
    assert all(b > 0.5 for level, b in seen if level == HIGH)
    entries = window.worker.sim.interrupt_entries("INT0")
    assert len(entries) >= 1
    window.board.release_part("button1")
    qtbot.waitUntil(lambda: window._last_snapshot.pins["D5"].level == HIGH, timeout=5000)
    assert window.board.led_brightness("led_fall") > 0.5


def test_serial_monitor_shows_the_serial_example_text(qtbot, window):
    window.open_firmware(FIRMWARE / "serial_hello.hex")
    wait_firmware(qtbot, window, "serial_hello.hex")
    window.set_speed(0.0)  # flat out: 300 ms of simulated time arrive quickly
    qtbot.waitUntil(lambda: "Hello, breadboard! 1" in window.serial.contents(), timeout=15_000)
    assert window.serial.contents().startswith("Hello, breadboard! 0\n")


def test_corrupt_hex_shows_the_error_and_the_previous_firmware_keeps_running(
    qtbot, window, tmp_path
):
    window.open_firmware(firmware_path("blink"))
    wait_firmware(qtbot, window, "blink.hex")
    bad = tmp_path / "corrupt.hex"
    bad.write_text(":10000000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF01\n:00000001FF\n")
    before = window.worker.snapshot.cycle
    window.open_firmware(bad)
    qtbot.waitUntil(lambda: getattr(window, "last_error_box", None) is not None, timeout=5000)
    text = window.last_error_box.text()
    assert "corrupt.hex" in text and "checksum" in text
    qtbot.waitUntil(lambda: window.worker.snapshot.cycle > before + 16_000, timeout=5000)
    assert window.worker.snapshot.firmware.endswith("blink.hex")
    assert window.worker.snapshot.status in ("running", "sleeping")


def test_circuit_round_trips_through_save_and_load(qtbot, window, tmp_path):
    circuit = Circuit(title="round trip")
    circuit.add(Pushbutton(id="b1", pin="D3", to="GND", pull="up", key="B", x=3, y=4))
    circuit.add(Led(id="l1", pin="D9", color="blue", resistor_ohms=330, x=7, y=2))
    window.set_circuit(circuit, None)
    path = tmp_path / "c.json"
    assert window._write_circuit(path)
    window.set_circuit(Circuit(), None)
    assert window.open_circuit(path)
    assert window.circuit.to_dict()["parts"] == circuit.to_dict()["parts"]


def test_broken_circuit_file_is_refused_and_the_open_circuit_stays(
    qtbot, window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: messages.append(a[2]))
    window.open_example(example(window, "int0_button"))
    parts_before = window.circuit.to_dict()["parts"]
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "breadboard-circuit", "version": 1, "parts": [')
    assert not window.open_circuit(bad)
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "breadboard-circuit", "version": 99, "parts": []}')
    assert not window.open_circuit(newer)
    assert "broken.json" in messages[0] and "JSON" in messages[0]
    assert "newer" in messages[1]
    assert window.circuit.to_dict()["parts"] == parts_before
