"""Cheap checks of packaging/: no bundle is built here (packaging/check_bundle.sh does that)."""

from __future__ import annotations

import ast
import configparser
import json
import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "breadboard.spec"
SCRIPTS = [
    PACKAGING / "build_linux.sh",
    PACKAGING / "check_bundle.sh",
    PACKAGING / "install-desktop-entry.sh",
    PACKAGING / "macos" / "build_macos.sh",
]


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _spec_list(name: str) -> list[str]:
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in the spec")


def _spec_call(func: str) -> ast.Call:
    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func:
            return node
    raise AssertionError(f"no {func}(...) in the spec")


def _kwarg(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    raise AssertionError(f"{name}= not given")


def test_the_spec_is_python_and_builds_one_windowed_folder_with_the_sources():
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exe = _spec_call("EXE")
    assert ast.literal_eval(_kwarg(exe, "exclude_binaries")) is True  # one folder, not one file
    assert ast.literal_eval(_kwarg(exe, "console")) is False
    _spec_call("COLLECT")
    analysis = _spec_call("Analysis")
    # numba's disk cache needs the kernel's .py files on disk.
    assert ast.literal_eval(_kwarg(analysis, "module_collection_mode")) == {"breadboard": "py"}
    datas = ast.unparse(_kwarg(analysis, "datas"))
    assert datas == "[(str(RESOURCES), 'resources')]"


def test_the_spec_keeps_what_the_app_imports():
    excludes = set(_spec_list("EXCLUDES"))
    needed = {
        "numpy",
        "numba",
        "llvmlite",
        "PySide6",
        "PySide6.QtCore",
        "PySide6.QtGui",
        "PySide6.QtWidgets",
        "PySide6.QtSvg",
        "PySide6.QtSvgWidgets",
        "PySide6.QtOpenGL",
        "PySide6.QtOpenGLWidgets",
        "pyqtgraph",
        "colorama",  # pyqtgraph.util.cprint imports it unconditionally
        "intelhex",
        "elftools",
        "vcd",
        "breadboard",
    }
    assert not needed & excludes
    for name in excludes:  # nothing that only a prefix of a needed module would remove
        assert not any(n.startswith(name + ".") for n in needed), name


def test_desktop_entry_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "breadboard.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "breadboard"
    assert entry["Exec"].split()[0] == "breadboard"
    assert entry["Icon"] == "breadboard"
    assert entry["Terminal"] == "false"
    categories = entry["Categories"].rstrip(";").split(";")
    assert {"Education", "Electronics", "Development"} <= set(categories)
    assert entry["Categories"].endswith(";") and entry["MimeType"].endswith(";")
    # Its MIME type is the one our MIME package defines.
    mime = ET.parse(PACKAGING / "breadboard-mime.xml").getroot()
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    types = {m.get("type") for m in mime.iter(f"{ns}mime-type")}
    assert set(entry["MimeType"].rstrip(";").split(";")) <= types
    globs = {g.get("pattern") for g in mime.iter(f"{ns}glob")}
    assert "*.hex" in globs


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_build_scripts_are_executable_bash(script):
    assert script.exists()
    assert script.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_windows_and_macos_files_are_there():
    iss = (PACKAGING / "windows" / "breadboard.iss").read_text(encoding="utf-8")
    assert r"..\..\dist\breadboard\*" in iss and "--warm-cache" in iss
    assert (PACKAGING / "windows" / "build_windows.ps1").exists()
    plist = ET.parse(PACKAGING / "macos" / "entitlements.plist").getroot()
    keys = [k.text for k in plist.iter("key")]
    assert "com.apple.security.cs.allow-jit" in keys
    for readme in ("README.md", "windows/README.md", "macos/README.md"):
        assert (PACKAGING / readme).stat().st_size > 0


def test_pyproject_has_the_package_extra():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(r.startswith("pyinstaller") for r in project["optional-dependencies"]["package"])


def test_ci_runs_the_bundle_check_before_the_test_command():
    lines = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    check = next(i for i, ln in enumerate(lines) if "packaging/check_bundle.sh" in ln)
    assert "pytest" in lines[-1]  # the README's test command stays the last thing CI runs
    assert check < len(lines) - 1


def test_smoke_test_options_are_hidden_and_parsed():
    from breadboard.cli import build_app_parser

    parser = build_app_parser()
    args = parser.parse_args(["--smoke-test", "1.5", "--example", "blink"])
    assert args.smoke_test == 1.5 and args.example == "blink"
    assert parser.parse_args([]).smoke_test is None
    assert "--smoke-test" not in parser.format_help()


def test_warm_command_runs_the_same_program(monkeypatch):
    pytest.importorskip("PySide6")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from breadboard.ui import app

    monkeypatch.delattr(sys, "frozen", raising=False)
    assert app.warm_command() == [sys.executable, "-m", "breadboard", "--warm-cache"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/breadboard/breadboard")
    assert app.warm_command() == ["/opt/breadboard/breadboard", "--warm-cache"]


def test_resources_are_found_inside_a_bundle(monkeypatch, tmp_path):
    from breadboard.ui import resources

    assert resources.resources_root() == ROOT / "resources"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("icon.png") == tmp_path / "resources" / "icon.png"


# ---- a non-editable install (pip install .) carries the resources ---------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel . --no-deps`` of a copy of this checkout's sources (an isolated build, as
    ``pip install .`` does; the copy keeps build/ and *.egg-info out of the checkout). Only
    caches are left out of the copy: a folder named ``build`` is a package here
    (``breadboard/build``)."""
    out = tmp_path_factory.mktemp("wheel")
    src = out / "src"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("breadboard", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=junk)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if run.returncode and "satisfies the requirement setuptools" in run.stderr:
        pytest.skip("no package index to fetch the build backend (setuptools) from")
    assert run.returncode == 0, run.stderr[-3000:]
    (whl,) = out.glob("breadboard-*.whl")
    return whl


def test_a_wheel_carries_the_examples_and_the_board_svg(wheel):
    """pip install . (not -e) puts the package alone in site-packages: the top-level resources/
    folder must travel inside it (setup.py maps it onto breadboard/resources)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    res = "breadboard/resources/"
    assert res + "uno.svg" in names and res + "icon.png" in names
    assert res + "examples/index.json" in names
    for ino in (ROOT / "resources" / "examples").glob("*/*.ino"):
        folder = f"{res}examples/{ino.parent.name}/"
        for name in (ino.name, ino.with_suffix(".hex").name, ino.with_suffix(".elf").name):
            assert folder + name in names, folder + name
        assert folder + "circuit.json" in names
    for script in (ROOT / "resources" / "examples" / "micropython").glob("*/*.py"):
        assert f"{res}examples/micropython/{script.parent.name}/{script.name}" in names
    assert not [n for n in names if "screenshots" in n or n.endswith(".pyc")]


def test_resources_are_found_in_an_installed_wheel(wheel, tmp_path):
    """Unpacked as pip installs it, the package finds its own resources and every example."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import json, breadboard\n"
        "from breadboard.ui.resources import resources_root\n"
        "from breadboard.ui.examples import load_examples\n"
        "print(json.dumps([breadboard.__file__, str(resources_root()),"
        " [e.name for e in load_examples()]]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    package, root, examples = json.loads(run.stdout)
    assert Path(package).parent == site / "breadboard"
    assert Path(root) == site / "breadboard" / "resources"
    index = json.loads((ROOT / "resources" / "examples" / "index.json").read_text())
    assert examples == list(index["examples"])
