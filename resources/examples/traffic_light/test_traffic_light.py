"""Testing a sketch from Python: the traffic light (traffic_light.ino, next to this file).

A worked example of breadboard's public API for testing your own firmware with pytest:
``Simulation.open`` builds the sketch (or loads a .hex/.elf), ``drive`` presses a button at a
given time, ``run_until``/``run_for`` take cycles or times like "3s", ``pin_trace(...).edges()``
and ``measure(...)`` time the LEDs, ``interrupt_entries`` lists the ISR entries. Every figure
is exact: time is the chip's cycle count at 16 MHz.
"""

from pathlib import Path

import pytest

from breadboard.build import find_toolchain
from breadboard.sim import HIGH, Simulation

HERE = Path(__file__).parent
# The sketch itself when a toolchain is installed (CI has one), else its committed build.
FIRMWARE = HERE / ("traffic_light.ino" if find_toolchain() else "traffic_light.hex")
RED, YELLOW, GREEN, BUTTON = "D10", "D9", "D8", "D2"


@pytest.fixture
def sim() -> Simulation:
    return Simulation.open(FIRMWARE)


def test_phases_red_3s_green_5s_yellow_1s(sim):
    sim.run_until("20s")
    assert sim.pin_trace(RED).level_at(sim.to_cycles("1s")) == HIGH
    green = sim.measure(GREEN)  # rising edge to rising edge, +width, duty ...
    assert green.period.mean == pytest.approx(9.0, abs=0.002)  # red 3 + green 5 + yellow 1
    assert green.high.mean == pytest.approx(5.0, abs=0.002)  # millis() ticks every 1.024 ms
    assert sim.measure(YELLOW).high.mean == pytest.approx(1.0, abs=0.002)
    first_green = sim.pin_trace(GREEN).edges(falling=False)[0] / sim.f_cpu
    assert first_green == pytest.approx(3.0, abs=0.002)


def test_pedestrian_button_shortens_green_to_1s(sim):
    sim.drive(BUTTON, 0, at="3.5s")  # press during green (INPUT_PULLUP: pressed = LOW)
    sim.drive(BUTTON, None, at="3.6s")  # release
    sim.run_until("6s")
    # one falling edge on D2: one INT0 entry, a few cycles after the press
    (entry,) = sim.interrupt_entries("INT0")
    assert 0 < entry - sim.to_cycles("3.5s") < 20
    # green ends as soon as it has lasted its minimum of 1 s, not after 5 s
    rise, fall = sim.pin_trace(GREEN).edges()[:2]
    assert (fall - rise) / sim.f_cpu == pytest.approx(1.0, abs=0.002)
    assert sim.pin_trace(YELLOW).level_at(fall) == HIGH
