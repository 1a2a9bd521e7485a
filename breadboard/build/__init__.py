"""Building Arduino sketches for the Uno with a local toolchain (no Qt, no simulator).

``build_sketch(path)`` finds a toolchain (``arduino-cli``, an Arduino IDE installation, or
Debian's ``gcc-avr``/``arduino-core-avr``), builds the sketch the way the Arduino IDE does with
the core compiled once and cached, and returns a ``BuildResult`` with the ``.hex``/``.elf``, the
compiler's output and its ``file:line:col`` messages.

Stand-alone package: it imports nothing from the rest of ``breadboard``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from breadboard.build.builder import (
        BuildResult,
        Diagnostic,
        NoToolchainError,
        build_cache_dir,
        build_sketch,
        find_libraries,
        parse_diagnostics,
    )
    from breadboard.build.sketch import Sketch, SketchError, is_sketch_path, open_sketch, preprocess
    from breadboard.build.toolchain import (
        ARDUINO_CLI,
        ARDUINO_IDE,
        KINDS,
        SYSTEM,
        Toolchain,
        ToolchainSettings,
        discover,
        find_toolchain,
        install_hint,
        sketchbook_dir,
    )

#: Where each public name lives. The package imports a module when one of its names is first
#: used: a simulation that never builds a sketch does not pay for the builder's imports.
_HOME = {
    "BuildResult": "builder",
    "Diagnostic": "builder",
    "NoToolchainError": "builder",
    "build_cache_dir": "builder",
    "build_sketch": "builder",
    "find_libraries": "builder",
    "parse_diagnostics": "builder",
    "Sketch": "sketch",
    "SketchError": "sketch",
    "is_sketch_path": "sketch",
    "open_sketch": "sketch",
    "preprocess": "sketch",
    "ARDUINO_CLI": "toolchain",
    "ARDUINO_IDE": "toolchain",
    "KINDS": "toolchain",
    "SYSTEM": "toolchain",
    "Toolchain": "toolchain",
    "ToolchainSettings": "toolchain",
    "discover": "toolchain",
    "find_toolchain": "toolchain",
    "install_hint": "toolchain",
    "sketchbook_dir": "toolchain",
}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ARDUINO_CLI",
    "ARDUINO_IDE",
    "KINDS",
    "SYSTEM",
    "BuildResult",
    "Diagnostic",
    "NoToolchainError",
    "Sketch",
    "SketchError",
    "Toolchain",
    "ToolchainSettings",
    "build_cache_dir",
    "build_sketch",
    "discover",
    "find_libraries",
    "find_toolchain",
    "install_hint",
    "is_sketch_path",
    "open_sketch",
    "parse_diagnostics",
    "preprocess",
    "sketchbook_dir",
]
