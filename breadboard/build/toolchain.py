"""Finding a local toolchain that builds Arduino sketches for the Uno.

Searched in this order (``discover``):

1. ``arduino-cli`` on PATH: it builds the whole sketch itself (``compile --fqbn
   arduino:avr:uno``), with the cores and libraries the user installed through it.
2. An Arduino IDE 1.8/2.x installation: the avr-gcc and the AVR core it bundles (1.8's
   ``hardware/tools/avr``) or installed through its boards manager (``Arduino15/packages``).
3. Debian/Ubuntu's packages ``gcc-avr avr-libc arduino-core-avr`` (avr-gcc on PATH, the core
   in ``/usr/share/arduino/hardware/arduino/avr``).

For 2 and 3 breadboard runs the compiler itself, with the recipes of the core's
``platform.txt`` and ``boards.txt`` (``uno.*``), as the IDE does (see ``builder``).

Environment variables override the search (and the app's Preferences override those):

- ``BREADBOARD_TOOLCHAIN``: ``auto`` (default), ``arduino-cli``, ``arduino-ide`` or ``system``
  to use only that kind;
- ``BREADBOARD_ARDUINO_CLI``: the ``arduino-cli`` program to use;
- ``BREADBOARD_AVR_GCC``: a directory holding ``avr-gcc`` (``bin/``), and
  ``BREADBOARD_ARDUINO_AVR``: an AVR core directory (holding ``platform.txt``,
  ``cores/arduino``): together they name the toolchain to use directly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Toolchain kinds, in the order they are searched.
ARDUINO_CLI = "arduino-cli"
ARDUINO_IDE = "arduino-ide"
SYSTEM = "system"
KINDS = (ARDUINO_CLI, ARDUINO_IDE, SYSTEM)

#: Debian/Ubuntu's arduino-core-avr.
DEBIAN_CORE = Path("/usr/share/arduino/hardware/arduino/avr")

_EXE = ".exe" if sys.platform == "win32" else ""


@dataclass(frozen=True)
class Toolchain:
    """A way to build sketches: ``arduino-cli`` (``cli``) or avr-gcc in ``bin_dir`` with the
    AVR core in ``core_dir`` (``platform.txt``, ``boards.txt``, ``cores/``, ``variants/``,
    ``libraries/``)."""

    kind: str
    description: str
    cli: Path | None = None
    bin_dir: Path | None = None
    core_dir: Path | None = None
    #: Directories searched for libraries, first match wins (the sketchbook's first).
    library_dirs: tuple[Path, ...] = field(default=())

    def tool(self, name: str) -> str:
        """The full path of a compiler tool (``avr-gcc``, ``avr-g++``, ``avr-objcopy`` ...)."""
        if self.bin_dir is None:
            raise ValueError(f"the {self.kind} toolchain runs no compiler tools itself")
        return str(self.bin_dir / f"{name}{_EXE}")

    def summary(self) -> str:
        """One line for the Preferences dialog and ``breadboard build``'s log."""
        where = self.cli if self.cli else self.bin_dir
        core = f", core {self.core_dir}" if self.core_dir else ""
        return f"{self.description} ({where}{core})"


def sketchbook_dir() -> Path:
    """The Arduino sketchbook: ``~/Arduino`` on Linux, ``~/Documents/Arduino`` elsewhere
    (``BREADBOARD_SKETCHBOOK`` overrides)."""
    env = os.environ.get("BREADBOARD_SKETCHBOOK")
    if env:
        return Path(env)
    if sys.platform in ("win32", "darwin"):
        return Path.home() / "Documents" / "Arduino"
    return Path.home() / "Arduino"


def _user_library_dirs() -> tuple[Path, ...]:
    d = sketchbook_dir() / "libraries"
    return (d,) if d.is_dir() else ()


def _is_core(path: Path) -> bool:
    return (path / "platform.txt").is_file() and (
        path / "cores" / "arduino" / "Arduino.h"
    ).is_file()


def _has_gcc(bin_dir: Path) -> bool:
    return (bin_dir / f"avr-gcc{_EXE}").is_file()


def _version_key(path: Path) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.\-+]", path.name))


def _arduino15_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [local / "Arduino15"]
    if sys.platform == "darwin":
        return [home / "Library" / "Arduino15"]
    return [home / ".arduino15"]


def _ide18_dirs() -> list[Path]:
    """Where Arduino IDE 1.8 is usually unpacked or installed."""
    home = Path.home()
    if sys.platform == "win32":
        out = []
        for var in ("ProgramFiles(x86)", "ProgramFiles"):
            if os.environ.get(var):
                out.append(Path(os.environ[var]) / "Arduino")
        return out + [Path("C:/Program Files (x86)/Arduino"), Path("C:/Program Files/Arduino")]
    if sys.platform == "darwin":
        return [Path("/Applications/Arduino.app/Contents/Java"),
                home / "Applications" / "Arduino.app" / "Contents" / "Java"]  # fmt: skip
    out = [Path("/usr/local/share/arduino"), Path("/opt/arduino")]
    for parent in (home, home / "Downloads", Path("/opt"), home / ".local" / "share"):
        try:
            out += sorted(parent.glob("arduino-1.8*"), key=_version_key, reverse=True)
        except OSError:
            pass
    return out


def ide_toolchains() -> list[Toolchain]:
    """Arduino IDE installations found in their usual places, newest core first."""
    found: list[Toolchain] = []
    libs = _user_library_dirs()
    # IDE 2.x and 1.8's boards manager: Arduino15/packages/arduino/{hardware/avr,tools/avr-gcc}/V
    for root in _arduino15_dirs():
        pkg = root / "packages" / "arduino"
        try:
            cores = sorted((pkg / "hardware" / "avr").glob("*"), key=_version_key, reverse=True)
            gccs = sorted((pkg / "tools" / "avr-gcc").glob("*"), key=_version_key, reverse=True)
        except OSError:
            continue
        cores = [c for c in cores if _is_core(c)]
        gccs = [g / "bin" for g in gccs if _has_gcc(g / "bin")]
        if cores and gccs:
            found.append(
                Toolchain(
                    ARDUINO_IDE,
                    f"Arduino IDE (AVR core {cores[0].name}, avr-gcc {gccs[0].parent.name})",
                    bin_dir=gccs[0],
                    core_dir=cores[0],
                    library_dirs=libs + (cores[0] / "libraries",),
                )
            )
    # IDE 1.8's own bundled toolchain
    for base in _ide18_dirs():
        core = base / "hardware" / "arduino" / "avr"
        bin_dir = base / "hardware" / "tools" / "avr" / "bin"
        if _is_core(core) and _has_gcc(bin_dir):
            found.append(
                Toolchain(
                    ARDUINO_IDE,
                    f"Arduino IDE 1.8 in {base}",
                    bin_dir=bin_dir,
                    core_dir=core,
                    library_dirs=libs + (core / "libraries", base / "libraries"),
                )
            )
    return found


def system_toolchain() -> Toolchain | None:
    """Debian/Ubuntu's gcc-avr + arduino-core-avr (avr-gcc on PATH, the core in /usr/share)."""
    gcc = shutil.which("avr-gcc")
    if gcc is None or not _is_core(DEBIAN_CORE):
        return None
    return Toolchain(
        SYSTEM,
        "avr-gcc with the system's Arduino AVR core (gcc-avr, arduino-core-avr)",
        bin_dir=Path(gcc).parent,
        core_dir=DEBIAN_CORE,
        library_dirs=_user_library_dirs() + (DEBIAN_CORE / "libraries",),
    )


def cli_toolchain(program: str | None = None) -> Toolchain | None:
    """``arduino-cli`` (``program``, or the one on PATH), if it is there."""
    path = shutil.which(program or "arduino-cli")
    if path is None:
        return None
    return Toolchain(ARDUINO_CLI, "arduino-cli", cli=Path(path))


def explicit_toolchain(bin_dir: str | os.PathLike, core_dir: str | os.PathLike) -> Toolchain:
    """avr-gcc in ``bin_dir`` with the AVR core in ``core_dir`` (raises ``ValueError`` naming
    what is missing)."""
    bin_dir, core_dir = Path(bin_dir), Path(core_dir)
    if not _has_gcc(bin_dir):
        raise ValueError(f"{bin_dir}: no avr-gcc{_EXE} in this directory")
    if not _is_core(core_dir):
        raise ValueError(f"{core_dir}: not an Arduino AVR core (no platform.txt, cores/arduino)")
    return Toolchain(
        ARDUINO_IDE if core_dir != DEBIAN_CORE else SYSTEM,
        "avr-gcc and AVR core chosen by hand",
        bin_dir=bin_dir,
        core_dir=core_dir,
        library_dirs=_user_library_dirs() + (core_dir / "libraries",),
    )


@dataclass
class ToolchainSettings:
    """What the user chose (Preferences; empty fields fall back to the environment)."""

    kind: str = "auto"  # "auto" or one of KINDS
    cli: str = ""  # the arduino-cli program
    bin_dir: str = ""  # a directory with avr-gcc ...
    core_dir: str = ""  # ... and an AVR core

    @classmethod
    def from_env(cls) -> ToolchainSettings:
        return cls(
            kind=os.environ.get("BREADBOARD_TOOLCHAIN", "auto").strip() or "auto",
            cli=os.environ.get("BREADBOARD_ARDUINO_CLI", ""),
            bin_dir=os.environ.get("BREADBOARD_AVR_GCC", ""),
            core_dir=os.environ.get("BREADBOARD_ARDUINO_AVR", ""),
        )

    def merged_over(self, base: ToolchainSettings) -> ToolchainSettings:
        """These settings, with ``base``'s for the fields left empty / on auto."""
        return ToolchainSettings(
            kind=self.kind if self.kind != "auto" else base.kind,
            cli=self.cli or base.cli,
            bin_dir=self.bin_dir or base.bin_dir,
            core_dir=self.core_dir or base.core_dir,
        )


def discover(settings: ToolchainSettings | None = None) -> list[Toolchain]:
    """Every usable toolchain, in the order of preference (the first one builds).

    ``settings`` (default: the environment variables) can name a toolchain directly or
    restrict the search to one kind. Raises ``ValueError`` for a setting that names something
    that is not there (so the user learns their override is wrong).
    """
    s = (settings or ToolchainSettings()).merged_over(ToolchainSettings.from_env())
    if s.kind not in ("auto", *KINDS):
        raise ValueError(f"unknown toolchain kind {s.kind!r}: use auto, {', '.join(KINDS)}")
    found: list[Toolchain] = []
    if s.bin_dir or s.core_dir:
        found.append(explicit_toolchain(s.bin_dir or "", s.core_dir or DEBIAN_CORE))
    if s.kind in ("auto", ARDUINO_CLI):
        cli = cli_toolchain(s.cli or None)
        if cli is None and s.cli:
            raise ValueError(f"{s.cli}: no such arduino-cli program")
        if cli is not None:
            found.append(cli)
    if s.kind in ("auto", ARDUINO_IDE):
        found += ide_toolchains()
    if s.kind in ("auto", SYSTEM):
        sys_tc = system_toolchain()
        if sys_tc is not None:
            found.append(sys_tc)
    return found


def find_toolchain(settings: ToolchainSettings | None = None) -> Toolchain | None:
    """The toolchain sketches are built with, or None if there is none."""
    found = discover(settings)
    return found[0] if found else None


def install_hint(platform: str | None = None) -> str:
    """What to install on this operating system to build sketches (a few lines of text)."""
    platform = platform or sys.platform
    common = (
        "breadboard builds sketches with a local Arduino toolchain and found none.\n"
        "Opening .hex and .elf files works without one.\n\n"
    )
    if platform.startswith("linux"):
        return common + (
            "On Debian or Ubuntu:\n"
            "    sudo apt install gcc-avr avr-libc arduino-core-avr\n"
            "On other Linux systems, install arduino-cli (https://arduino.github.io/arduino-cli/)"
            " and run\n"
            "    arduino-cli core install arduino:avr\n"
            "or the Arduino IDE (https://www.arduino.cc/en/software) with its Arduino AVR Boards."
        )
    if platform == "darwin":
        return common + (
            "Install the Arduino IDE (https://www.arduino.cc/en/software) into /Applications, "
            "open it once so it installs the Arduino AVR Boards,\nor install arduino-cli "
            "(brew install arduino-cli) and run\n    arduino-cli core install arduino:avr"
        )
    if platform == "win32":
        return common + (
            "Install the Arduino IDE (https://www.arduino.cc/en/software) and open it once so "
            "it installs the Arduino AVR Boards,\nor install arduino-cli "
            "(winget install ArduinoSA.CLI) and run\n    arduino-cli core install arduino:avr"
        )
    return common + "Install arduino-cli and run: arduino-cli core install arduino:avr"


def gcc_version(tc: Toolchain) -> str:
    """``avr-gcc --version``'s first line (part of the core cache key)."""
    try:
        out = subprocess.run(
            [tc.tool("avr-gcc"), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.splitlines()[0] if out else "unknown"
