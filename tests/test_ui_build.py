"""The app builds sketches: File ▸ Open of a .ino builds it in a thread and loads the ELF;
saving the sketch rebuilds and reloads; a compile error is listed with a link to its line and
the board keeps the last good firmware; no toolchain is one dialog (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from breadboard.build import SYSTEM, ToolchainSettings, find_toolchain  # noqa: E402
from breadboard.sim import HIGH, LOW  # noqa: E402
from breadboard.ui import build_panel  # noqa: E402

SKETCH = """\
void setup() {
  pinMode(13, OUTPUT);
  digitalWrite(13, %s);
}

void loop() {
}
"""

needs_toolchain = pytest.mark.skipif(
    find_toolchain(ToolchainSettings(kind=SYSTEM)) is None,
    reason="needs gcc-avr avr-libc arduino-core-avr",
)


@pytest.fixture(scope="module", autouse=True)
def kernel_ready():
    from breadboard.sim import warm_up

    warm_up()


def save(path, text):
    time.sleep(0.05)
    path.write_text(text)


def d13(window):
    return window.worker.snapshot.pins["D13"].level


@needs_toolchain
def test_saving_a_changed_sketch_rebuilds_and_the_board_shows_the_new_behaviour(
    qtbot, window, tmp_path, monkeypatch
):
    ino = tmp_path / "led" / "led.ino"
    ino.parent.mkdir()
    ino.write_text(SKETCH % "HIGH")
    window.open_firmware(ino)
    qtbot.waitUntil(lambda: d13(window) == HIGH, timeout=20_000)
    assert (window.worker.snapshot.firmware or "").endswith("led.ino.elf")
    assert window.build_dock.isVisible()
    assert window._recent()[0] == str(ino)
    save(ino, SKETCH % "LOW")  # the user's editor saves
    qtbot.waitUntil(lambda: d13(window) == LOW and window.worker.snapshot.cycle > 0, timeout=20_000)
    # a broken save: the error is a link to its line, the last good firmware keeps running
    save(ino, SKETCH.replace("OUTPUT);", "OUTPUT)") % "HIGH")
    qtbot.waitUntil(lambda: "error" in window.build_panel.status.text(), timeout=20_000)
    (err,) = window.build_panel.result.errors
    assert (err.file, err.line) == (str(ino), 3)
    assert f"#{err.line}:{err.column}" in window.build_panel.output.toHtml()
    assert d13(window) == LOW and window.worker.snapshot.firmware.endswith("led.ino.elf")
    opened = []
    monkeypatch.setattr(build_panel.subprocess, "Popen", opened.append)
    window.build_panel.settings.setValue("editor", "myeditor {file}:{line}")
    window.build_panel._open_location(QUrl(f"file://{err.file}#{err.line}:{err.column}"))
    assert opened == [["myeditor", f"{ino}:3"]]  # the Preferences' editor, at the line


def test_no_toolchain_is_one_dialog_and_the_app_goes_on(qtbot, window, tmp_path, monkeypatch):
    ino = tmp_path / "x" / "x.ino"
    ino.parent.mkdir()
    ino.write_text(SKETCH % "HIGH")
    shown = []
    monkeypatch.setattr(build_panel, "find_toolchain", lambda settings=None: None)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    window.open_firmware(ino)
    assert len(shown) == 1 and "arduino" in shown[0].lower()
    assert window.isVisible() and not window.build_panel.building


@needs_toolchain
def test_an_example_shows_its_sketch_and_a_saved_copy_becomes_the_users_sketch(
    qtbot, window, tmp_path
):
    blink = next(e for e in window.examples if e.name == "blink")
    window.open_example(blink)
    assert window.view_sketch_action.isEnabled()
    window.view_sketch_action.trigger()
    view = window.sketch_view
    assert view.editor.isReadOnly()
    assert view.editor.toPlainText() == blink.source.read_text()
    target = view.save_copy(tmp_path / "my_blink.ino")
    assert target == tmp_path / "my_blink" / "my_blink.ino"
    qtbot.waitUntil(
        lambda: (window.worker.snapshot.firmware or "").endswith("my_blink.ino.elf"),
        timeout=20_000,
    )
    assert window.build_panel.sketch_path == str(target)


def test_preferences_show_the_toolchains_found_and_keep_the_choice(qtbot, window):
    from breadboard.ui.preferences import PreferencesDialog, toolchain_settings

    dialog = PreferencesDialog(window.settings, window)
    qtbot.addWidget(dialog)
    if find_toolchain(ToolchainSettings(kind=SYSTEM)) is not None:
        assert "▶ avr-gcc with the system's Arduino AVR core" in dialog.found.text()
    dialog.bin_dir.setText("/nonexistent")
    dialog._update_found()
    assert "does not work" in dialog.found.text() and "no avr-gcc" in dialog.found.text()
    dialog.bin_dir.setText("")
    dialog.kind.setCurrentText(SYSTEM)
    dialog.editor.setText("gedit +{line} {file}")
    dialog.accept()
    assert toolchain_settings(window.settings).kind == SYSTEM
    assert window.settings.value("editor") == "gedit +{line} {file}"


@needs_toolchain
def test_changing_the_toolchain_in_preferences_makes_the_next_build_use_it(qtbot, window, tmp_path):
    """The Preferences' toolchain is discovered again when the choice changed: the next build
    (a save) uses the new one; a choice that is not there says so, and the board keeps the
    last good firmware."""
    from breadboard.ui.preferences import PreferencesDialog

    ino = tmp_path / "led" / "led.ino"
    ino.parent.mkdir()
    ino.write_text(SKETCH % "HIGH")
    window.open_firmware(ino)
    qtbot.waitUntil(lambda: d13(window) == HIGH, timeout=20_000)
    system = window.build_panel.result.toolchain
    # another avr-gcc: a folder of the system's AVR tools, chosen in the Preferences
    bin_dir = tmp_path / "avr-bin"
    bin_dir.mkdir()
    for tool in Path(system.tool("avr-gcc")).parent.glob("avr-*"):
        (bin_dir / tool.name).symlink_to(tool)

    def choose(folder: str) -> None:
        dialog = PreferencesDialog(window.settings, window)
        qtbot.addWidget(dialog)
        dialog.bin_dir.setText(folder)
        dialog.accept()

    choose(str(bin_dir))
    save(ino, SKETCH % "LOW")
    qtbot.waitUntil(lambda: d13(window) == LOW and window.worker.snapshot.cycle > 0, timeout=30_000)
    assert window.build_panel.result.toolchain.bin_dir == bin_dir != system.bin_dir
    assert str(bin_dir) in window.build_panel.status.toolTip()
    choose(str(tmp_path / "nowhere"))
    save(ino, SKETCH % "HIGH")
    qtbot.waitUntil(lambda: "Cannot build" in window.build_panel.status.text(), timeout=20_000)
    assert "Preferences" in window.build_panel.status.text()
    assert "nowhere" in window.build_panel.output.toPlainText()
    assert d13(window) == LOW  # the last good firmware keeps running
