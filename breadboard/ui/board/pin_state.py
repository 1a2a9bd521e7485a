"""What a pin's snapshot state looks like on the board: tooltip words and LED brightness."""

from __future__ import annotations

from ...circuit import (
    GND,
)
from ...sim.trace import FLOATING
from ...sim.worker import PinState

#: The Uno's header pins that are not port pins, with what they are.
POWER_PINS = {
    "GND": "GND: ground",
    "GND2": "GND: ground",
    "GND3": "GND: ground",
    "5V": "5V: the 5 V supply",
    "3V3": "3.3V: the 3.3 V supply (50 mA)",
    "VIN": "VIN: the barrel jack's input voltage (7-12 V)",
    "AREF": "AREF: the ADC's external reference",
    "IOREF": "IOREF: the I/O voltage (5 V)",
    "RESET": "RESET: low resets the ATmega328P",
    "NC": "not connected",
    "SDA": "SDA: I²C data, the same pin as A4 (PC4)",
    "SCL": "SCL: I²C clock, the same pin as A5 (PC5)",
}
HEADER_PINS = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(6)] + list(POWER_PINS)

#: A pin's duty strictly between these reads as PWM in its tooltip.
PWM_LOW, PWM_HIGH = 0.02, 0.98


def led_brightness_for(state: PinState | None, to: str) -> float:
    """How bright an LED from a pin to a rail is over the frame: the pin's duty (to GND) or its
    complement (to 5V); off while the pin floats; faint through the chip's pull-up."""
    if state is None or state.level == FLOATING:
        return 0.0
    duty = min(1.0, max(0.0, float(state.duty)))
    b = duty if to == GND else 1.0 - duty
    if state.mode == "input pull-up":
        b *= 0.08  # ~35 kOhm: a faint glow, the classic forgotten pinMode(OUTPUT)
    return b


def pin_state_text(state: PinState | None) -> str:
    """The state words of a tooltip: "output HIGH", "PWM, duty 37%", "input, pull-up" …"""
    if state is None:
        return "input, floating"
    if state.mode == "output":
        if PWM_LOW < state.duty < PWM_HIGH:
            return f"PWM, duty {state.duty * 100:.0f}%"
        return "output HIGH" if state.level == 1 else "output LOW"
    if state.mode == "input pull-up":
        return "input, pull-up" if state.level != 0 else "input, pull-up, held LOW"
    if state.level == FLOATING:
        return "input, floating"
    return "input, HIGH" if state.level == 1 else "input, LOW"
