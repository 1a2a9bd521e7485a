"""The Uno's pin map and the parts on the breadboard (pure Python)."""

from .parts import (
    FORMAT_VERSION,
    GND,
    KINDS,
    LED_COLORS,
    VCC,
    Bounce,
    Circuit,
    CircuitError,
    Led,
    Part,
    Potentiometer,
    Pushbutton,
    TrafficLight,
)
from .pins import BY_PORT_BIT, LED_BUILTIN, PORT_LETTERS, UNO_PINS, UnoPin, uno_pin

__all__ = [
    "UNO_PINS",
    "UnoPin",
    "uno_pin",
    "LED_BUILTIN",
    "BY_PORT_BIT",
    "PORT_LETTERS",
    "Circuit",
    "CircuitError",
    "Part",
    "Pushbutton",
    "Led",
    "Potentiometer",
    "TrafficLight",
    "Bounce",
    "KINDS",
    "GND",
    "VCC",
    "LED_COLORS",
    "FORMAT_VERSION",
]
