"""The Arduino Uno's pins and the ATmega328P port bits behind them."""

from __future__ import annotations

from dataclasses import dataclass

PORT_B, PORT_C, PORT_D = 0, 1, 2
PORT_LETTERS = "BCD"


@dataclass(frozen=True)
class UnoPin:
    """One header pin: its Arduino name and number, and the port bit that drives it."""

    name: str  # "D2", "A0"
    number: int  # Arduino pin number: D0-D13 = 0-13, A0-A5 = 14-19
    port: int  # 0 = B, 1 = C, 2 = D
    bit: int

    @property
    def port_pin(self) -> str:
        """The chip's name for the pin, e.g. "PD2"."""
        return f"P{PORT_LETTERS[self.port]}{self.bit}"

    @property
    def index(self) -> int:
        """Position in ``UNO_PINS`` (same as ``number``)."""
        return self.number


UNO_PINS: tuple[UnoPin, ...] = (
    tuple(UnoPin(f"D{i}", i, PORT_D, i) for i in range(8))
    + tuple(UnoPin(f"D{i}", i, PORT_B, i - 8) for i in range(8, 14))
    + tuple(UnoPin(f"A{i}", 14 + i, PORT_C, i) for i in range(6))
)
LED_BUILTIN = UNO_PINS[13]

_BY_NAME: dict[str, UnoPin] = {}
for _p in UNO_PINS:
    _BY_NAME[_p.name] = _p
    _BY_NAME[str(_p.number)] = _p
    _BY_NAME[_p.port_pin] = _p
    if _p.name.startswith("A"):
        _BY_NAME[f"D{_p.number}"] = _p
_BY_NAME["LED_BUILTIN"] = LED_BUILTIN

#: (port, bit) -> UnoPin, for the port bits that reach the header.
BY_PORT_BIT: dict[tuple[int, int], UnoPin] = {(p.port, p.bit): p for p in UNO_PINS}


def uno_pin(name: str | int) -> UnoPin:
    """Look a pin up by "D2", "2", 2, "A0", "14", "PD2" or "LED_BUILTIN" (any case)."""
    key = str(name).strip().upper()
    if key in _BY_NAME:
        return _BY_NAME[key]
    raise KeyError(
        f"unknown Uno pin {name!r}: use D0-D13, A0-A5, a pin number 0-19, a port pin such as "
        "PD2, or LED_BUILTIN"
    )
