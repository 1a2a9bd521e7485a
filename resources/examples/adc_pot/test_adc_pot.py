"""Testing a sketch from Python: the potentiometer on A0 (analog_read.ino, next to this file).

Shows ``set_voltage`` on an analog input at given times, reading the serial output, and the
Timer0 interrupt behind ``millis()`` (see test_traffic_light.py for buttons and LED timing).
"""

from pathlib import Path

import pytest

from breadboard.build import find_toolchain
from breadboard.sim import Simulation

HERE = Path(__file__).parent
FIRMWARE = HERE / ("analog_read.ino" if find_toolchain() else "analog_read.hex")


def test_prints_the_pot_voltage_every_50ms():
    sim = Simulation.open(FIRMWARE)
    sim.set_voltage("A0", 0.0)
    sim.set_voltage("A0", 2.5, at="120ms")  # turn the knob to the middle ...
    sim.set_voltage("A0", 5.0, at="220ms")  # ... and all the way
    sim.run_for("310ms")  # the last line takes 5 bytes x 1.04 ms to send
    values = [int(line) for line in sim.serial_text().split()]
    # one reading at 50, 100, ... 300 ms: 0 V, 2.5 V (10-bit ADC, AVCC = 5 V), then 5 V
    assert values == [0, 0, 512, 512, 1023, 1023]


def test_millis_runs_on_a_timer0_overflow_every_1024us():
    sim = Simulation.open(FIRMWARE)
    sim.run_for("100ms")
    ticks = sim.interrupt_entries("TIMER0_OVF")  # the cycle of each ISR entry
    # clk/64 x 256 counts = 16384 cycles = 1.024 ms at 16 MHz; an entry waits for the
    # instruction under way to finish (and for cli() sections), so single gaps vary a little
    assert len(ticks) == 97
    assert (ticks[-1] - ticks[0]) / (len(ticks) - 1) == pytest.approx(16384, abs=0.2)
    assert abs(ticks[1:] - ticks[:-1] - 16384).max() < 20
    # the serial line: 9600 baud with U2X (UBRR 207) is 1664 cycles per bit
    tx = sim.measure("D1")
    assert tx.low.min == pytest.approx(1664 / sim.f_cpu)
