"""Building Arduino sketches for the Uno with a local toolchain (no Qt, no simulator).

``build_sketch(path)`` finds a toolchain (``arduino-cli``, an Arduino IDE installation, or
Debian's ``gcc-avr``/``arduino-core-avr``), builds the sketch the way the Arduino IDE does with
the core compiled once and cached, and returns a ``BuildResult`` with the ``.hex``/``.elf``, the
compiler's output and its ``file:line:col`` messages.

Stand-alone package: it imports nothing from the rest of ``breadboard``.
"""

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
