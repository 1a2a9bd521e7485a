"""What the scope and the serial monitor show when an example (or a firmware) opens.

Each example in resources/examples/index.json may carry a ``"preset"`` object, data, not code:

    "preset": {
      "scope": {
        "channels": ["D2", "IRQ", "D4", "D5"],      # lanes, top to bottom (IRQ: the ISR lane)
        "timebase": "2us",                          # per division (10 across)
        "trigger": {"pin": "D2", "edge": "either", "mode": "normal"},   # mode: auto, normal,
        "persistence": "off",                       #   single (armed), roll
        "expect": {"D2": {"p2p": "60us"}},          # what this example expects: alarm red
        "note": "...",                              #   only beyond it; shown in the status bar
        "measure_from": "30ms"                      # measurements skip a start-up transient
      },
      "serial": {"baud": 115200, "show": true}       # the monitor's rate; bring it to front
    }

Times are written as ``breadboard run`` reads them ("500us", "2ms", "0.2s"). A missing key
keeps the default below; a bad value is refused with a message naming the example and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..sim.units import parse_time

__all__ = ["DEFAULT", "ExpectedLimits", "PresetError", "ScopePreset", "SerialPreset", "Preset"]

_F = 1_000_000_000  # parse times at 1 GHz "cycles": nanosecond resolution
MODES = ("auto", "normal", "single", "roll")
EDGES = ("rising", "falling", "either")
PERSISTENCE = ("off", "fading", "infinite")
#: The measurements an expectation may bound (seconds): period and width spreads.
LIMITS = ("std", "p2p", "+width p2p", "-width p2p")


class PresetError(ValueError):
    """A preset that cannot be applied (the message names the key and the problem)."""


def _seconds(value: Any, key: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return parse_time(str(value), _F) / _F
    except ValueError as e:
        raise PresetError(f"{key}: {e}") from None


def _choice(value: Any, options: tuple[str, ...], key: str) -> str:
    if value not in options:
        raise PresetError(f"{key}: {value!r} is not one of {', '.join(options)}")
    return str(value)


ExpectedLimits = dict[str, float]


@dataclass(frozen=True)
class ScopePreset:
    channels: tuple[str, ...] = ("D2",)
    timebase: float = 2e-3
    trigger_pin: str = "D2"
    edge: str = "rising"
    mode: str = "auto"
    persistence: str = "off"
    #: channel -> {"std" | "p2p" | ...: the largest value this example expects, seconds}
    expect: dict[str, ExpectedLimits] = field(default_factory=dict)
    note: str = ""
    #: measurements count edges from this simulated time on (skips a start-up transient)
    measure_from: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> ScopePreset:
        if not isinstance(d, dict):
            raise PresetError("scope: must be an object")
        channels = d.get("channels", list(cls.channels))
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise PresetError("scope.channels: must be a list of pin names")
        trig = d.get("trigger", {})
        if not isinstance(trig, dict):
            raise PresetError("scope.trigger: must be an object")
        expect: dict[str, ExpectedLimits] = {}
        for ch, limits in (d.get("expect") or {}).items():
            if not isinstance(limits, dict):
                raise PresetError(f"scope.expect.{ch}: must be an object")
            for name, v in limits.items():
                _choice(name, LIMITS, f"scope.expect.{ch}")
                expect.setdefault(ch, {})[name] = _seconds(v, f"scope.expect.{ch}.{name}")
        return cls(
            channels=tuple(channels),
            timebase=_seconds(d.get("timebase", cls.timebase), "scope.timebase"),
            trigger_pin=str(trig.get("pin", channels[0] if channels else cls.trigger_pin)),
            edge=_choice(trig.get("edge", cls.edge), EDGES, "scope.trigger.edge"),
            mode=_choice(trig.get("mode", cls.mode), MODES, "scope.trigger.mode"),
            persistence=_choice(
                d.get("persistence", cls.persistence), PERSISTENCE, "scope.persistence"
            ),
            expect=expect,
            note=str(d.get("note", "")),
            measure_from=_seconds(d.get("measure_from", 0.0), "scope.measure_from"),
        )

    def apply(self, scope, pin_colors: dict[str, str] | None = None) -> None:
        """Put these lanes and settings on a ``ScopeWidget`` (its capture stays).
        ``pin_colors``: lane colours for some pins (an LED's pin drawn in the LED's colour)."""
        colors = lane_colors(self.channels, pin_colors or {}, scope.LANE_COLORS)
        if [(ch, scope.lane_color(ch)) for ch in scope.channels()] != list(colors.items()):
            for ch in list(scope.channels()):  # these lanes, in this order and colour
                scope.remove_channel(ch)
            for ch in self.channels:
                scope.add_channel(ch, color=colors[ch])
        scope.set_timebase(self.timebase)
        scope.set_position(0.0)
        scope.set_persistence(self.persistence)
        scope.set_trigger(self.trigger_pin, self.edge, self.mode, holdoff=0.0)
        if self.mode != "single":
            scope.run()  # a stopped scope acquires again (single-shot arms itself)
        scope.set_expectations(self.expect)
        scope.set_measure_from(self.measure_from)


def lane_colors(
    channels: tuple[str, ...], pin_colors: dict[str, str], palette: tuple[str, ...]
) -> dict[str, str]:
    """A colour per channel: the pin's own (``pin_colors``) where given and not taken yet, the
    others from ``palette`` in order, skipping those already used."""
    out: dict[str, str] = {}
    for ch in channels:
        c = pin_colors.get(ch)
        if c is not None and c not in out.values():
            out[ch] = c
    reserved = set(out.values())
    free = [c for c in palette if c not in reserved]
    for ch in channels:
        if ch not in out:
            out[ch] = free.pop(0) if free else palette[len(out) % len(palette)]
    return {ch: out[ch] for ch in channels}


@dataclass(frozen=True)
class SerialPreset:
    baud: int = 9600
    show: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> SerialPreset:
        if not isinstance(d, dict):
            raise PresetError("serial: must be an object")
        baud = d.get("baud", cls.baud)
        if not isinstance(baud, int) or baud <= 0:
            raise PresetError(f"serial.baud: {baud!r} is not a baud rate")
        return cls(baud=baud, show=bool(d.get("show", cls.show)))


@dataclass(frozen=True)
class Preset:
    scope: ScopePreset = field(default_factory=ScopePreset)
    serial: SerialPreset = field(default_factory=SerialPreset)

    @classmethod
    def from_dict(cls, d: dict | None) -> Preset:
        d = d or {}
        if not isinstance(d, dict):
            raise PresetError("preset: must be an object")
        return cls(
            scope=ScopePreset.from_dict(d.get("scope", {})),
            serial=SerialPreset.from_dict(d.get("serial", {})),
        )


#: For a firmware opened from a file: its LED pins on a slow rolling chart.
DEFAULT = Preset(scope=ScopePreset(channels=("D13",), timebase=0.2, trigger_pin="D13", mode="roll"))


def apply_serial(preset: SerialPreset, monitor, dock=None) -> None:
    """Set the serial monitor's baud rate (and bring its dock to the front if asked)."""
    monitor.baud.setCurrentText(f"{preset.baud} baud")
    if preset.show and dock is not None:
        dock.show()
        dock.raise_()
