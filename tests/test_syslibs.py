"""The app's first start on a machine without Qt's system libraries (breadboard.ui.syslibs).

Qt aborts when its platform plugin cannot be loaded, with a hint that names the wrong package
(issue 12: "xcb-cursor0 or libxcb-cursor0 is needed" while libxcb-icccm4 and libxcb-keysyms1
were missing). The app looks first and prints one line naming what is missing and how to get it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from breadboard.ui import syslibs

ROOT = Path(__file__).resolve().parents[1]

# What `ldd libqxcb.so` printed on the issue's minimal Debian 12 (trimmed).
LDD_ISSUE = """\
\tlinux-vdso.so.1 (0x00007ffd1c7f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x0)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f5c)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f5c)
"""


def test_parse_ldd_lists_each_missing_library_once_in_order():
    assert syslibs.parse_ldd(LDD_ISSUE) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert syslibs.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libxcb.so.1", "libxcb1"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),  # name ends in a digit: a dash
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libEGL.so.1", "libegl1"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libGLdispatch.so.0", "libglvnd0"),
    ],
)
def test_apt_package_follows_debian_library_naming(soname, package):
    assert syslibs.apt_package(soname) == package


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "xcb"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
        ({"QT_QPA_PLATFORM": "xcb:dpi=96"}, "xcb"),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
    ],
)
def test_platform_name_is_the_one_qt_tries_first(env, name):
    assert syslibs.platform_name(env) == name


def test_diagnose_names_the_missing_libraries_and_the_apt_command(monkeypatch):
    monkeypatch.setattr(syslibs.sys, "platform", "linux")
    monkeypatch.setattr(syslibs, "missing_libraries", lambda paths: syslibs.parse_ldd(LDD_ISSUE))
    line = syslibs.diagnose({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, check_apt=False)
    assert line is not None and "\n" not in line
    assert "libxcb-icccm.so.4 and libxcb-keysyms.so.1" in line
    assert line.endswith("install with: sudo apt install libxcb-icccm4 libxcb-keysyms1")
    assert "cursor" not in line  # Qt's own, wrong, hint


def test_diagnose_is_silent_when_nothing_is_missing(monkeypatch):
    monkeypatch.setattr(syslibs, "missing_libraries", lambda paths: [])
    assert syslibs.diagnose({"QT_QPA_PLATFORM": "offscreen"}) is None
    line = syslibs.diagnose({"QT_QPA_PLATFORM": "xcb"})
    if sys.platform.startswith("linux"):
        assert line is not None and "QT_QPA_PLATFORM=offscreen" in line  # no DISPLAY


def _real_plugin() -> Path:
    plugin = syslibs.platform_plugin({"QT_QPA_PLATFORM": "xcb"})
    if plugin is None or not sys.platform.startswith("linux") or not shutil.which("ldd"):
        pytest.skip("needs Linux, ldd and PySide6's xcb plugin")
    return plugin


def _broken_plugin_dir(tmp_path: Path) -> Path:
    """A copy of PySide6's xcb plugin that links against libxcb-icccm.so.9 (absent) instead of
    .so.4: the same file with one byte of its DT_NEEDED string changed. Its Qt libraries are
    found as before ($ORIGIN/../../lib points at PySide6's through a symlink)."""
    plugin = _real_plugin()
    data = plugin.read_bytes()
    assert data.count(b"libxcb-icccm.so.4\0") == 1
    platforms = tmp_path / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (platforms / "libqxcb.so").write_bytes(
        data.replace(b"libxcb-icccm.so.4\0", b"libxcb-icccm.so.9\0")
    )
    (tmp_path / "lib").symlink_to(plugin.parents[2] / "lib")
    return platforms


def test_a_plugin_with_an_absent_library_gets_one_line_naming_it(tmp_path):
    platforms = _broken_plugin_dir(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(
        QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms), DISPLAY=":99",
        PYTHONPATH=str(ROOT),
    )  # fmt: skip
    # Qt itself cannot load this plugin (so the check below is of a real failure) ...
    qt = subprocess.run(
        [sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert qt.returncode != 0
    # ... and the app says why, in one line, before Qt starts.
    app = subprocess.run(
        [sys.executable, "-m", "breadboard"], env=env, capture_output=True, text=True, timeout=60
    )
    assert app.returncode == 8, app.stderr
    lines = app.stderr.strip().splitlines()
    assert len(lines) == 1, app.stderr
    assert "libxcb-icccm.so.9" in lines[0] and str(platforms / "libqxcb.so") in lines[0]
    assert re.search(r"sudo apt install libxcb-icccm9|apt-file search", lines[0])


def _readme_apt_packages() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"sudo apt install (?:-y )?([^\n#]+)", text)
    assert m, "the README names the system packages with an apt install line"
    return [p for p in m.group(1).split() if p.startswith("lib")]


def test_the_readme_names_the_packages_the_detector_knows():
    assert _readme_apt_packages() == syslibs.README_APT_PACKAGES


def test_the_readme_packages_cover_every_library_the_xcb_plugin_loads():
    """Every system library ldd resolves for the plugin comes from a package the README's apt
    line installs (with its dependencies), or from one every Debian has (Priority required)."""
    plugin = _real_plugin()
    if not (shutil.which("dpkg") and shutil.which("apt-cache")):
        pytest.skip("needs dpkg and apt-cache")
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    libs = [m.group(1) for m in re.finditer(r"=> (/\S+)", ldd) if "PySide6" not in m.group(1)]
    closure = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
         *_readme_apt_packages()],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    installed = {line.strip() for line in closure.splitlines() if not line.startswith(" ")}
    owners = {}
    dpkg = subprocess.run(
        ["dpkg", "-S", *sorted({os.path.realpath(lib) for lib in libs})],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    for line in dpkg.splitlines():
        pkg, _, path = line.partition(": ")
        owners[path] = pkg.split(":")[0]
    outside = sorted(set(owners.values()) - installed)
    assert owners, "dpkg knows none of the libraries"
    if not outside:
        return
    prio = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Priority}\n", *outside], capture_output=True, text=True
    ).stdout  # fmt: skip
    uncovered = [line.split()[0] for line in prio.splitlines() if not line.endswith(" required")]
    assert not uncovered, f"not installed by the README's apt line: {uncovered}"
