"""Before Qt starts: are the system libraries its platform plugin needs there?

When a shared library that Qt's platform plugin (``libqxcb.so`` on an X11 desktop) links
against is missing, Qt aborts with a hint that is often wrong ("xcb-cursor0 or libxcb-cursor0
is needed" while libxcb-icccm4 is what is absent). This module looks instead of guessing: it
runs ``ldd`` on the plugin Qt will load and on PySide6's own modules (or, without ``ldd``, tries
to ``dlopen`` them), collects every library reported "not found", and names the Debian/Ubuntu
packages that provide them, by the distribution's naming rule and checked against apt's lists
when ``apt-cache`` is there.

No Qt is imported here: the check runs before ``QApplication`` exists (a plugin that fails to
load makes Qt abort the process).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "README_APT_PACKAGES",
    "apt_package",
    "diagnose",
    "libraries_to_check",
    "missing_libraries",
    "parse_ldd",
    "platform_name",
    "platform_plugin",
]

#: The packages the README installs on Debian 12 / Ubuntu 22.04+ (the closure of their
#: dependencies covers everything PySide6's xcb plugin links against; tests/test_syslibs.py
#: checks that against ``ldd`` and apt on this machine).
README_APT_PACKAGES = (
    "libgl1 libegl1 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 "
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 "
    "libxcb-randr0 libxcb-render-util0 libxcb-image0"
).split()

#: sonames whose Debian package does not follow the naming rule (name + soname version).
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0",
    "libz.so.1": "zlib1g",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libgcc_s.so.1": "libgcc-s1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_DLOPEN_ERROR = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


def platform_name(env: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will try first: QT_QPA_PLATFORM ("xcb", "wayland;xcb",
    "offscreen", "xcb:option=value"), else Qt's default on Linux (wayland in a Wayland
    session, xcb otherwise)."""
    env = os.environ if env is None else env
    spec = env.get("QT_QPA_PLATFORM", "").strip()
    if spec:
        return spec.split(";")[0].split(":")[0].strip()
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def _pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds it without importing (no Qt loaded)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def platform_plugin(env: Mapping[str, str] | None = None) -> Path | None:
    """The plugin file Qt will load for ``platform_name``, or None if it is not found
    (QT_QPA_PLATFORM_PLUGIN_PATH first, then PySide6's own plugins folder)."""
    env = os.environ if env is None else env
    name = f"libq{platform_name(env)}.so"
    folders = []
    if env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    pyside = _pyside_dir()
    if pyside is not None:
        folders.append(pyside / "Qt" / "plugins" / "platforms")
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def libraries_to_check(env: Mapping[str, str] | None = None) -> list[Path]:
    """The platform plugin and the PySide6 modules the app imports first."""
    out = []
    plugin = platform_plugin(env)
    if plugin is not None:
        out.append(plugin)
    pyside = _pyside_dir()
    if pyside is not None:
        for module in ("QtCore", "QtGui", "QtWidgets"):
            out += sorted(pyside.glob(f"{module}.*.so"))[:1]
    return out


def parse_ldd(text: str) -> list[str]:
    """The sonames ``ldd`` reported as "not found", in order, without repeats."""
    seen: dict[str, None] = {}
    for m in _NOT_FOUND.finditer(text):
        seen.setdefault(m.group(1))
    return list(seen)


def missing_libraries(paths: list[Path]) -> list[str]:
    """Every shared library that ``paths`` need (directly or through their dependencies) and
    the dynamic loader cannot find. Uses ``ldd``; without it, ``dlopen`` (names only the first
    missing library of each file)."""
    paths = [p for p in paths if p.is_file()]
    if not paths:
        return []
    ldd = shutil.which("ldd")
    if ldd:
        try:
            out = subprocess.run(
                [ldd, *map(str, paths)], capture_output=True, text=True, timeout=20
            ).stdout
            return parse_ldd(out)
        except (OSError, subprocess.SubprocessError):
            pass
    import ctypes

    missing: dict[str, None] = {}
    for p in paths:
        try:
            ctypes.CDLL(str(p))
        except OSError as e:
            m = _DLOPEN_ERROR.search(str(e))
            if m:
                missing.setdefault(m.group(1))
    return list(missing)


def apt_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships ``soname``, by Debian's library packaging rule
    (``libxcb-icccm.so.4`` -> ``libxcb-icccm4``, ``libdbus-1.so.3`` -> ``libdbus-1-3``)."""
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    m = re.match(r"^(.+?)\.so\.(\d+)", soname)
    if not m:
        return soname.split(".so")[0].lower()
    name, version = m.group(1).lower(), m.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def _apt_knows(packages: list[str]) -> dict[str, bool] | None:
    """Which of ``packages`` apt's lists know (None when there is no apt-cache)."""
    apt_cache = shutil.which("apt-cache")
    if not apt_cache or not packages:
        return None
    known = {}
    for pkg in packages:
        try:
            r = subprocess.run(
                [apt_cache, "show", "--no-all-versions", pkg],
                capture_output=True,
                text=True,
                timeout=20,
            )
            known[pkg] = r.returncode == 0 and bool(r.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            return None
    return known


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def diagnose(env: Mapping[str, str] | None = None, check_apt: bool = True) -> str | None:
    """One line saying why Qt cannot start its platform plugin here and how to fix it, or
    None when nothing is missing (or this is not Linux)."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    platform = platform_name(env)
    paths = libraries_to_check(env)
    missing = missing_libraries(paths)
    if missing:
        qt_own = [s for s in missing if s.startswith(("libQt6", "libpyside6", "libshiboken6"))]
        system = [s for s in missing if s not in qt_own]
        plugin = platform_plugin(env)
        where = f'the "{platform}" platform plugin ({plugin})' if plugin else "PySide6"
        parts = [f"breadboard: Qt cannot start: {where} needs {_and(missing)}, not found"]
        if system:
            packages = list(dict.fromkeys(apt_package(s) for s in system))
            known = _apt_knows(packages) if check_apt else None
            unknown = [p for p in packages if known is not None and not known[p]]
            good = [p for p in packages if p not in unknown]
            if good:
                parts.append(f"install with: sudo apt install {' '.join(good)}")
            if unknown:
                libs = [s for s in system if apt_package(s) in unknown]
                parts.append(
                    f"apt knows no package {_and(unknown)}: find the one that ships "
                    f"{_and(libs)} with apt-file search"
                )
        if qt_own:
            parts.append(
                "PySide6 itself is incomplete: pip install --force-reinstall PySide6-Essentials"
            )
        return "; ".join(parts)
    if platform == "xcb" and not env.get("DISPLAY"):
        return (
            "breadboard: no X display (DISPLAY is not set): start it from a desktop session, "
            "or headless with QT_QPA_PLATFORM=offscreen"
        )
    return None
