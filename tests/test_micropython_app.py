"""MicroPython mode in the app: File > Examples > MicroPython, the console, errors (issue 13)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest  # noqa: E402
from conftest import firmware_path  # noqa: E402


@pytest.fixture
def window(window):
    """conftest's main window, with the AVR kernel loaded (these tests switch to firmware)."""
    from breadboard.sim import warm_up

    warm_up()
    return window


def test_examples_menu_has_the_micropython_examples():
    from breadboard.ui.examples import load_examples

    mp = [e for e in load_examples() if e.menu == "MicroPython"]
    assert [e.name for e in mp] == [
        "micropython/button",
        "micropython/schedule",
        "micropython/shared_counter",
        "micropython/bounce",
        "micropython/timer_blink",
    ]
    assert all(e.firmware.suffix == ".py" and e.firmware.exists() for e in mp)


def test_lesson_example_prints_button_pressed_on_the_console(qtbot, window):
    ex = next(e for e in window.examples if e.name == "micropython/button")
    window.open_example(ex)
    qtbot.waitUntil(lambda: window.worker.snapshot.seconds > 0.1, timeout=5000)
    assert window.worker.snapshot.status == "running"
    window.board.press_part("button1")
    qtbot.waitUntil(lambda: "Button pressed!" in window.serial.contents(), timeout=5000)
    window.board.release_part("button1")
    qtbot.wait(200)
    assert window.serial.contents().count("Button pressed!") == 1


def test_a_traceback_stops_the_board_and_the_app_goes_on(qtbot, window, tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("print('start')\nx = 1 / 0\n")
    window.open_firmware(script)
    qtbot.waitUntil(lambda: "ZeroDivisionError" in window.serial.contents(), timeout=5000)
    assert 'File "bad.py", line 2, in <module>' in window.serial.contents()
    qtbot.waitUntil(lambda: window.worker.snapshot.status == "halted", timeout=5000)
    window.open_firmware(firmware_path("blink"))  # back to AVR firmware on the same worker
    qtbot.waitUntil(
        lambda: (
            window.worker.snapshot.status == "running"
            and (window.worker.snapshot.firmware or "").endswith("blink.hex")
        ),
        timeout=5000,
    )
