"""The course's examples shipped in resources/examples: firmware, source and circuit each."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .presets import Preset, PresetError
from .resources import resource_path


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    folder: Path
    firmware: Path
    source: Path
    circuit: Path
    menu: str = ""  # a submenu of File > Examples ("MicroPython"), or the menu itself
    #: What the scope and serial monitor show when it opens (index.json's "preset").
    preset: Preset = field(default_factory=Preset)


def examples_dir() -> Path:
    return resource_path("examples")


def load_examples() -> list[Example]:
    """The examples in menu order (missing files are skipped, never fatal)."""
    folder = examples_dir()
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for name, info in index.get("examples", {}).items():
        d = folder / name
        fw = info.get("firmware", name)
        script = fw.endswith(".py")  # a MicroPython script is its own source
        try:
            preset = Preset.from_dict(info.get("preset"))
        except PresetError as e:  # a bad preset is a bug in index.json: say where, open anyway
            print(f"breadboard: {folder / 'index.json'}: example {name!r}: {e}", file=sys.stderr)
            preset = Preset()
        # the ELF where there is one: the inspector and the scope then name functions and
        # variables (the .hex is the same program, as the Arduino IDE exports it)
        binary = d / f"{fw}.elf" if (d / f"{fw}.elf").exists() else d / f"{fw}.hex"
        ex = Example(
            name=name,
            title=info.get("title", name),
            description=info.get("description", ""),
            folder=d,
            firmware=d / fw if script else binary,
            source=d / fw if script else d / f"{fw}.ino",
            circuit=d / "circuit.json",
            menu=info.get("menu", ""),
            preset=preset,
        )
        if ex.firmware.exists() and ex.circuit.exists():
            out.append(ex)
    return out


def compare_pair() -> tuple[Example, Example, str] | None:
    """The two examples of the millis()-versus-CTC comparison, and its title."""
    folder = examples_dir()
    try:
        info = json.loads((folder / "index.json").read_text(encoding="utf-8"))["compare"]
    except (OSError, ValueError, KeyError):
        return None
    by_name = {e.name: e for e in load_examples()}
    if info.get("a") in by_name and info.get("b") in by_name:
        return by_name[info["a"]], by_name[info["b"]], info.get("title", "Compare")
    return None
