"""The Uno's pin map and the parts on the breadboard (pure Python)."""

from .pins import BY_PORT_BIT, LED_BUILTIN, PORT_LETTERS, UNO_PINS, UnoPin, uno_pin

__all__ = ["UNO_PINS", "UnoPin", "uno_pin", "LED_BUILTIN", "BY_PORT_BIT", "PORT_LETTERS"]
