"""Building sketches with the local toolchain (breadboard.build): the Arduino IDE's recipe for
the Uno, byte for byte; errors with the right file and line; libraries; the cached core; no
toolchain. Needs Debian's gcc-avr avr-libc arduino-core-avr (CI installs them)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import firmware_path

from breadboard.build import (
    SYSTEM,
    ToolchainSettings,
    build_sketch,
    discover,
    find_toolchain,
    install_hint,
    open_sketch,
    parse_diagnostics,
    preprocess,
)
from breadboard.build.builder import expand, split_command
from breadboard.sim import Simulation, SketchBuildError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*/*.ino"))
FIRMWARE = ROOT / "tests" / "firmware"

needs_toolchain = pytest.mark.skipif(
    find_toolchain(ToolchainSettings(kind=SYSTEM)) is None,
    reason="needs gcc-avr avr-libc arduino-core-avr",
)


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory):
    """An empty build cache for this test session (the first build compiles the core)."""
    path = tmp_path_factory.mktemp("build-cache")
    old = os.environ.get("BREADBOARD_BUILD_CACHE")
    os.environ["BREADBOARD_BUILD_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("BREADBOARD_BUILD_CACHE", None)
    else:
        os.environ["BREADBOARD_BUILD_CACHE"] = old


@pytest.fixture(scope="session")
def toolchain():
    return find_toolchain(ToolchainSettings(kind=SYSTEM))


@pytest.fixture(scope="session")
def example_builds(build_cache, toolchain):
    """Every example sketch built once: {sketch path: BuildResult}."""
    return {ino: build_sketch(ino, toolchain) for ino in EXAMPLES}


def write_sketch(folder: Path, name: str, text: str, **tabs: str) -> Path:
    d = folder / name
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name}.ino").write_text(text)
    for tab, body in tabs.items():
        (d / tab).write_text(body)
    return d


# ---- the IDE's recipe, byte for byte ------------------------------------------------------
@needs_toolchain
def test_every_example_builds_to_the_committed_hex_byte_for_byte(example_builds):
    assert len(example_builds) >= 7
    for ino, result in example_builds.items():
        assert result.ok, result.output
        committed = ino.with_suffix(".hex").read_bytes()
        assert result.hex.read_bytes() == committed, f"{ino.name}: not the committed .hex"
        assert result.elf.is_file()
        assert 0 < result.flash_bytes < 32256


@needs_toolchain
@pytest.mark.parametrize("name", ["eeprom_rw", "twi_spi_probe"])
def test_library_sketches_build_to_the_committed_hex(name, build_cache, toolchain):
    """EEPROM, and Wire + SPI (two libraries, Wire's utility/twi.c), as tests/firmware/build.sh."""
    result = build_sketch(FIRMWARE / name, toolchain)
    assert result.ok, result.output
    assert result.hex.read_bytes() == (FIRMWARE / f"{name}.hex").read_bytes()


@needs_toolchain
def test_the_core_is_compiled_once_and_a_second_build_is_fast(example_builds, toolchain):
    first = [r for r in example_builds.values() if not r.core_cached]
    assert len(first) == 1  # only the very first build compiled the core
    again = build_sketch(EXAMPLES[0], toolchain)
    assert again.ok and again.core_cached
    assert again.seconds <= 3.0


def test_each_example_sketch_has_one_home():
    """The examples' sources, .hex and .elf live only in resources/examples/EXAMPLE/; the test
    corpus in tests/firmware holds test-only firmware (build.sh builds both)."""
    for ino in EXAMPLES:
        name = ino.stem
        assert ino.with_suffix(".hex").is_file() and ino.with_suffix(".elf").is_file(), ino
        assert not (FIRMWARE / name).exists(), f"{name} is also in tests/firmware"
        assert not (FIRMWARE / f"{name}.hex").exists(), f"{name}.hex is also in tests/firmware"
        assert firmware_path(name) == ino.with_suffix(".hex")


@needs_toolchain
def test_build_sh_rebuilds_an_example_in_its_own_folder_byte_for_byte(tmp_path):
    """tests/firmware/build.sh NAME finds an example's sketch in resources/examples and writes
    NAME.hex and NAME.elf beside it, identical to the committed ones (from another path too)."""
    (tmp_path / "tests" / "firmware").mkdir(parents=True)
    (tmp_path / "resources" / "examples").mkdir(parents=True)
    script = tmp_path / "tests" / "firmware" / "build.sh"
    script.write_bytes((FIRMWARE / "build.sh").read_bytes())
    script.chmod(0o755)
    ino = ROOT / "resources" / "examples" / "int0_button" / "int0_change.ino"
    folder = tmp_path / "resources" / "examples" / "int0_button"
    folder.mkdir()
    (folder / ino.name).write_bytes(ino.read_bytes())
    run = subprocess.run([str(script), "int0_change"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for ext in ("hex", "elf"):
        built = (folder / f"int0_change.{ext}").read_bytes()
        assert built == ino.with_suffix(f".{ext}").read_bytes(), f"int0_change.{ext} differs"
    assert not list((tmp_path / "tests" / "firmware").glob("int0_change*"))


# ---- errors ---------------------------------------------------------------------------------
BROKEN = """\
// a comment line
void setup() {
  pinMode(13, OUTPUT);
}

void loop() {
  blinkOnce(100);
  digitalWrite(13, HIGH)
  delay(100);
}

void blinkOnce(int ms) {
  digitalWrite(13, HIGH);
  delay(ms);
}
"""


@needs_toolchain
def test_a_compile_error_names_the_ino_file_and_line(tmp_path, build_cache, toolchain):
    """Prototypes are inserted above setup() (blinkOnce is used before its definition) and
    #line directives keep the error on line 8 of the .ino, column 3."""
    folder = write_sketch(tmp_path, "broken", BROKEN)
    result = build_sketch(folder, toolchain)
    assert not result.ok and result.hex is None
    (err,) = result.errors
    assert Path(err.file) == folder / "broken.ino"
    assert (err.line, err.column) == (9, 3)  # "expected ';' before 'delay'" on delay's line
    assert "expected ';'" in err.message
    assert f"{folder / 'broken.ino'}:9:3: error:" in result.output


@needs_toolchain
def test_an_error_in_a_second_tab_names_that_tab(tmp_path, build_cache, toolchain):
    folder = write_sketch(
        tmp_path,
        "tabs",
        "void setup() { helper(); }\nvoid loop() {}\n",
        **{"helpers.ino": "\n\nvoid helper() {\n  undefined_thing = 1;\n}\n"},
    )
    result = build_sketch(folder, toolchain)
    (err,) = result.errors
    assert (Path(err.file).name, err.line) == ("helpers.ino", 4)
    assert "undefined_thing" in err.message


@needs_toolchain
def test_simulation_open_raises_the_first_error_for_a_broken_sketch(tmp_path, build_cache):
    folder = write_sketch(tmp_path, "broken", BROKEN)
    with pytest.raises(SketchBuildError) as info:
        Simulation.open(folder / "broken.ino")
    assert info.value.path == str(folder / "broken.ino")
    assert info.value.location == "line 9, column 3"
    assert info.value.result is not None and not info.value.result.ok


# ---- libraries ------------------------------------------------------------------------------
EEPROM_WIRE = """\
#include <EEPROM.h>
#include <Wire.h>

void setup() {
  Serial.begin(115200);
  EEPROM.write(3, 42);
  Wire.begin();
  Serial.print("eeprom=");
  Serial.println(EEPROM.read(3));
}

void loop() {}
"""


@needs_toolchain
def test_a_sketch_using_eeprom_and_wire_builds_and_runs(tmp_path, build_cache, toolchain):
    folder = write_sketch(tmp_path, "eeprom_wire", EEPROM_WIRE)
    result = build_sketch(folder, toolchain)
    assert result.ok, result.output
    assert "with EEPROM, Wire" in result.output
    sim = Simulation.open(folder)
    sim.run_for("20ms")  # an EEPROM write takes 3.4 ms
    assert sim.serial_text() == "eeprom=42\r\n"


@needs_toolchain
def test_a_sketchbook_library_is_found_and_compiled(tmp_path, build_cache, monkeypatch):
    book = tmp_path / "Arduino"
    lib = book / "libraries" / "Twice" / "src"
    lib.mkdir(parents=True)
    (lib.parent / "library.properties").write_text("name=Twice\nversion=1.0\n")
    (lib / "Twice.h").write_text("int twice(int x);\n")
    (lib / "Twice.cpp").write_text('#include "Twice.h"\nint twice(int x) { return 2 * x; }\n')
    monkeypatch.setenv("BREADBOARD_SKETCHBOOK", str(book))
    folder = write_sketch(
        tmp_path,
        "uses_lib",
        "#include <Twice.h>\nvoid setup() { Serial.begin(115200); Serial.println(twice(21)); }\n"
        "void loop() {}\n",
    )
    result = build_sketch(folder, find_toolchain(ToolchainSettings(kind=SYSTEM)))
    assert result.ok, result.output
    sim = Simulation.open(result.elf)
    sim.run_for("5ms")
    assert sim.serial_text() == "42\r\n"


# ---- the .ino -> .cpp step ---------------------------------------------------------------------
def test_preprocess_puts_arduino_h_first_and_prototypes_before_the_first_function(tmp_path):
    folder = write_sketch(tmp_path, "p", BROKEN)
    cpp = preprocess(open_sketch(folder)).splitlines()
    ino = folder / "p.ino"
    assert cpp[0] == "#include <Arduino.h>"
    assert cpp[1] == f'#line 1 "{ino}"'
    i = cpp.index("void setup();")
    assert cpp[i - 1] == f'#line 2 "{ino}"'
    assert cpp[i + 1 : i + 5] == [f'#line 6 "{ino}"', "void loop();", f'#line 12 "{ino}"',
                                  "void blinkOnce(int ms);"]  # fmt: skip
    assert cpp[i + 5] == f'#line 2 "{ino}"' and cpp[i + 6] == "void setup() {"


def test_a_lone_ino_in_a_folder_of_another_name_is_a_one_file_sketch(tmp_path):
    (tmp_path / "other.ino").write_text("void setup() {}\n")
    (tmp_path / "mine.ino").write_text("void setup() {}\nvoid loop() {}\n")
    (tmp_path / "x.cpp").write_text("")
    sketch = open_sketch(tmp_path / "mine.ino")
    assert sketch.tabs == () and sketch.sources == ()


def test_diagnostics_are_parsed_from_compiler_and_linker_output():
    out = (
        "/s/a.ino: In function 'void loop()':\n"
        "/s/a.ino:7:3: error: expected ';' before 'delay'\n"
        "C:\\Users\\me\\a\\a.ino:3:1: warning: unused\n"
        "/s/a.ino:9: undefined reference to `foo()'\n"
        "compilation terminated.\n"
    )
    d = parse_diagnostics(out)
    assert [(x.file, x.line, x.column, x.severity) for x in d] == [
        ("/s/a.ino", 7, 3, "error"),
        ("C:\\Users\\me\\a\\a.ino", 3, 1, "warning"),
        ("/s/a.ino", 9, None, "error"),
    ]


def test_recipes_expand_and_split_like_the_ide():
    props = {"a": "x {b}", "b": "y", "p": '"{a}/bin" -c {missing} "q r"'}
    assert expand(props["p"], props) == '"x y/bin" -c  "q r"'
    assert split_command('"x y/bin" -c  "q r" ""') == ["x y/bin", "-c", "q r", ""]


# ---- no toolchain ---------------------------------------------------------------------------
def test_no_toolchain_on_path_is_one_clear_message_and_no_traceback(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path), HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("BREADBOARD_AVR_GCC", None)
    for cmd in (["build"], ["run"]):
        proc = subprocess.run(
            [sys.executable, "-m", "breadboard", *cmd, str(EXAMPLES[0])],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 6
        assert "Traceback" not in proc.stderr
        assert "sudo apt install gcc-avr avr-libc arduino-core-avr" in proc.stderr


def test_discovery_follows_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert discover(ToolchainSettings(kind=SYSTEM)) == []
    with pytest.raises(ValueError, match="no avr-gcc"):
        discover(ToolchainSettings(bin_dir=str(tmp_path)))
    with pytest.raises(ValueError, match="unknown toolchain kind"):
        discover(ToolchainSettings(kind="bogus"))
    for platform in ("linux", "darwin", "win32"):
        assert "arduino" in install_hint(platform).lower()


# ---- the CLI ----------------------------------------------------------------------------------
@needs_toolchain
def test_cli_build_writes_the_hex_and_run_builds_then_runs(tmp_path, build_cache):
    from breadboard.cli import main

    out = tmp_path / "blink.hex"
    blink = ROOT / "resources" / "examples" / "blink" / "blink.ino"
    assert main(["build", "-q", str(blink), "-o", str(out)]) == 0
    assert out.read_bytes() == blink.with_suffix(".hex").read_bytes()
    broken = write_sketch(tmp_path, "broken", BROKEN)
    assert main(["build", "-q", str(broken)]) == 7
    started = time.perf_counter()
    assert main(["run", str(blink), "--time", "10ms"]) == 0
    assert time.perf_counter() - started < 30
