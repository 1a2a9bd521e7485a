"""Parts on the breadboard, the circuit that joins them to the Uno, and its JSON file format.

A pin's external drive is resolved by strength: a closed pushbutton ties the pin to its rail
(strong); otherwise an external pull-up or pull-down resistor sets a weak level, which beats the
chip's own ~35 kOhm pull-up as a 10 kOhm resistor would; otherwise nothing drives it (the chip's
output, its pull-up, or floating decide). An output pin (DDR = 1) always wins.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .pins import uno_pin

FORMAT = "breadboard-circuit"
FORMAT_VERSION = 1

GND, VCC = "GND", "5V"
LED_COLORS = ("red", "yellow", "green", "blue", "white")


class CircuitError(Exception):
    """A circuit file that cannot be used; ``str()`` names the file and the problem."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class Bounce:
    """Contact bounce of a pushbutton: ``count`` extra transitions within ``duration_ms``."""

    enabled: bool = False
    duration_ms: float = 2.0
    count: int = 6
    seed: int = 1

    def edges(self, final_level: int, start_cycle: int, f_cpu: int, press_no: int) -> list:
        """(cycle, level) transitions of one press or release, ending at ``final_level``.

        Deterministic: the same seed and press number give the same bounce.
        """
        if not self.enabled or self.count <= 0:
            return [(start_cycle, final_level)]
        rng = random.Random(self.seed * 1_000_003 + press_no)
        span = max(2, int(self.duration_ms * 1e-3 * f_cpu))
        times = sorted(rng.randrange(1, span) for _ in range(self.count))
        out = [(start_cycle, final_level)]
        level = final_level
        for t in times:
            level ^= 1
            out.append((start_cycle + t, level))
        if level != final_level:
            out.append((start_cycle + span, final_level))
        return out


@dataclass
class Part:
    """A part on the breadboard; ``x``/``y`` place it on the board (in breadboard holes)."""

    id: str
    kind: str = ""
    label: str = ""
    x: int = 0
    y: int = 0

    def pins(self) -> list[str]:
        return []


@dataclass
class Pushbutton(Part):
    """A momentary pushbutton from ``pin`` to a rail (GND or 5V), with an optional external
    pull resistor ("up", "down" or "none") and a keyboard key."""

    kind: str = "pushbutton"
    pin: str = "D2"
    to: str = GND
    pull: str = "none"
    key: str = ""
    bounce: Bounce = field(default_factory=Bounce)

    def pins(self) -> list[str]:
        return [self.pin]

    def level(self, pressed: bool) -> int | None:
        """External level on the pin: the rail while pressed, else the pull resistor's."""
        if pressed:
            return 0 if self.to == GND else 1
        if self.pull == "up":
            return 1
        if self.pull == "down":
            return 0
        return None


@dataclass
class Led(Part):
    """An LED with a series resistor from ``pin`` to a rail: to GND it lights while the pin
    is high, to 5V while it is low."""

    kind: str = "led"
    pin: str = "D13"
    color: str = "red"
    resistor_ohms: int = 220
    to: str = GND

    def pins(self) -> list[str]:
        return [self.pin]

    def current_ma(self) -> float:
        forward = {"red": 2.0, "yellow": 2.1, "green": 2.2, "blue": 3.0, "white": 3.0}
        return max(0.0, (5.0 - forward.get(self.color, 2.0)) / max(self.resistor_ohms, 1) * 1e3)


@dataclass
class Potentiometer(Part):
    """A potentiometer between GND and 5V whose wiper goes to an analog pin."""

    kind: str = "potentiometer"
    pin: str = "A0"
    position: float = 0.5  # 0 = GND end, 1 = 5V end
    ohms: int = 10_000

    def pins(self) -> list[str]:
        return [self.pin]

    def volts(self, vcc: float = 5.0) -> float:
        return max(0.0, min(1.0, self.position)) * vcc


@dataclass
class TrafficLight(Part):
    """A traffic-light module: red, yellow and green LEDs to GND with their resistors."""

    kind: str = "traffic_light"
    red: str = "D10"
    yellow: str = "D9"
    green: str = "D8"

    def pins(self) -> list[str]:
        return [self.red, self.yellow, self.green]


KINDS: dict[str, type[Part]] = {
    "pushbutton": Pushbutton,
    "led": Led,
    "potentiometer": Potentiometer,
    "traffic_light": TrafficLight,
}


@dataclass
class Circuit:
    """The parts on the breadboard and what they connect to."""

    parts: list[Part] = field(default_factory=list)
    title: str = ""
    firmware: str = ""  # optional: a firmware file, relative to the circuit file

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def new_id(self, kind: str) -> str:
        n = 1
        ids = {p.id for p in self.parts}
        while f"{kind}{n}" in ids:
            n += 1
        return f"{kind}{n}"

    def add(self, part: Part) -> Part:
        if any(p.id == part.id for p in self.parts):
            raise ValueError(f"a part named {part.id!r} is already on the breadboard")
        self.parts.append(part)
        return part

    def remove(self, part_id: str) -> None:
        self.parts = [p for p in self.parts if p.id != part_id]

    def buttons(self) -> list[Pushbutton]:
        return [p for p in self.parts if isinstance(p, Pushbutton)]

    def drives(self, pressed: set[str] | frozenset[str] = frozenset()) -> dict[str, int | None]:
        """External level per Uno pin name (None: undriven) with the given buttons pressed."""
        strong: dict[str, int] = {}
        weak: dict[str, int] = {}
        for b in self.buttons():
            name = uno_pin(b.pin).name
            if b.id in pressed:
                strong[name] = 0 if b.to == GND else 1
            level = b.level(False)
            if level is not None:
                weak[name] = level
        out: dict[str, int | None] = {}
        for b in self.buttons():
            name = uno_pin(b.pin).name
            out[name] = strong.get(name, weak.get(name))
        return out

    # ---- files ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "title": self.title,
            "firmware": self.firmware,
            "parts": [asdict(p) for p in self.parts],
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the circuit as JSON (atomically: a crash never leaves half a file)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def from_dict(cls, data: object, path: str | os.PathLike = "<circuit>") -> Circuit:
        """A circuit from a decoded JSON document, checked against the schema
        (``circuit/schema.py``); every problem raises CircuitError naming the part and field."""
        from . import schema  # here: pydantic is slow to import, and only files need it

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CircuitError(path, "not a breadboard circuit file")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise CircuitError(path, "the file has no format version")
        if version > FORMAT_VERSION:
            shown = version if version < 10**6 else "from the future"
            raise CircuitError(
                path,
                f"made by a newer breadboard (circuit format {shown}; this version reads "
                f"up to {FORMAT_VERSION})",
            )
        if version < 1:
            shown = version if version > -(10**6) else "below zero"
            raise CircuitError(path, f"unknown circuit format version {shown}")
        parts_data = data.get("parts", [])
        if not isinstance(parts_data, list):
            raise CircuitError(path, "'parts' must be a list")
        if len(parts_data) > schema.MAX_PARTS:
            raise CircuitError(
                path, f"too many parts ({len(parts_data)}; at most {schema.MAX_PARTS})"
            )
        header = schema.validate_header(data, path)
        circuit = cls(title=header.title, firmware=header.firmware)
        for i, item in enumerate(parts_data, 1):
            model = schema.validate_part(item, path, i)
            values = model.model_dump()
            if "bounce" in values:
                values["bounce"] = Bounce(**values["bounce"])
            part = KINDS[model.kind](**values)
            if any(p.id == part.id for p in circuit.parts):
                raise CircuitError(path, f"part {i}: the id {part.id!r} is used twice")
            circuit.parts.append(part)
        return circuit

    @classmethod
    def load(cls, path: str | os.PathLike) -> Circuit:
        """Read a circuit file; every problem raises CircuitError naming the file."""
        from . import schema

        try:
            with open(path, "rb") as f:
                raw = f.read(schema.MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise CircuitError(path, "no such file") from None
        except IsADirectoryError:
            raise CircuitError(path, "is a directory, not a circuit file") from None
        except (OSError, ValueError) as e:  # ValueError: a NUL in the path
            raise CircuitError(path, f"cannot read the file ({e})") from None
        if len(raw) > schema.MAX_FILE_BYTES:
            raise CircuitError(
                path, f"too large for a circuit file (over {schema.MAX_FILE_BYTES:,} bytes)"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CircuitError(path, f"not UTF-8 text (byte {e.start})") from None
        if not schema.json_depth_ok(text):
            raise CircuitError(
                path, f"nested too deeply (more than {schema.MAX_DEPTH} levels of [ and {{)"
            )
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise CircuitError(path, f"broken JSON at line {e.lineno}, column {e.colno}") from None
        except (ValueError, RecursionError) as e:  # a number of thousands of digits
            raise CircuitError(path, f"cannot read the JSON ({e})") from None
        return cls.from_dict(data, path)
