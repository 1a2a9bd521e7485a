"""Take the README's screenshots of the real app on an X server (run under Xvfb):

    xvfb-run -s "-screen 0 1600x1000x24" python tests/benchmarks/screenshots.py

Writes resources/screenshots/{app,compare,irq_lane}.png from the X screen (QScreen.grabWindow),
and resources/screenshots/examples/NAME.png: each example 2.5 s after it opens, untouched (its
preset from resources/examples/index.json on screen), except the three whose lesson is a press
(PRESSED): their button is pressed first, and the shot shows what the press made (the INT0
example: the edge on D2, INT0 on the IRQ lane, D4 answering; the bounce example: the
single-shot capture of the bounce train; the delay-in-ISR example: INT0's long handler and the
TIMER0_OVF lost meanwhile). ``--examples [NAME ...]`` takes only those (all, or
the named ones).
With the argument ``micropython`` it writes only micropython.png: the lesson's MicroPython
button script, the button pressed, "Button pressed!" on the console, the handler on the scope.
With the argument ``build_error`` it writes only build_error.png: a sketch with two mistakes
opened after the blink example, its build failing, each error a link to its line, the board
still running blink (needs the Debian toolchain: gcc-avr avr-libc arduino-core-avr).
With the argument ``inspector`` it writes only inspector_ctc.png (the vector table during the
CTC example) and inspector_lost.png (delay() inside INT0's handler: lost TIMER0_OVF events and
the warning).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "resources" / "screenshots"


def wait(app: QApplication, ms: int) -> None:
    timer = QTimer()
    timer.setSingleShot(True)
    timer.start(ms)
    while timer.isActive():
        app.processEvents()


def grab(app: QApplication, widget, name: str) -> None:
    widget.raise_()
    widget.activateWindow()
    wait(app, 300)
    screen = app.primaryScreen()
    g = widget.frameGeometry()
    pix = screen.grabWindow(0, g.x(), g.y(), g.width(), g.height())
    pix.save(str(OUT / name))
    print("wrote", OUT / name, pix.width(), "x", pix.height())


def main() -> None:
    from breadboard.sim import warm_up
    from breadboard.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    warm_up()
    OUT.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(OUT / ".settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.move(0, 0)
    w.resize(1560, 960)
    w.show()
    if sys.argv[1:] == ["micropython"]:
        micropython_shot(app, w)
        return
    if sys.argv[1:] == ["build_error"]:
        build_error_shot(app, w)
        return
    if sys.argv[1:] == ["inspector"]:
        inspector_shots(app, w)
        return
    w.open_example(next(e for e in w.examples if e.name == "int0_button"))
    wait(app, 1500)
    w.board.press_part("button1", latched=True)
    wait(app, 1500)
    grab(app, w, "app.png")

    # The interrupt lane: the CTC example at 50 us/div around a TIMER2_COMPA entry.
    w.board.release_part("button1")
    w.open_example(next(e for e in w.examples if e.name == "ctc_100hz"))
    scope = w.scope_dock.scope
    scope.add_channel("D13")
    scope.add_channel("IRQ")
    scope.set_timebase(50e-6)
    scope.set_trigger("D2", "either", "normal")
    wait(app, 3000)
    grab(app, w, "irq_lane.png")

    from breadboard.ui.compare import CompareWindow

    ex = {e.name: e for e in w.examples}
    cmp = CompareWindow.for_files(
        str(ex["millis_100hz"].firmware), str(ex["ctc_100hz"].firmware), "millis() D2", "CTC D2"
    )
    cmp.move(0, 0)
    cmp.resize(1500, 950)
    cmp.show()
    wait(app, 8000)
    grab(app, cmp, "compare.png")
    cmp.close()
    w.circuit_dirty = False
    w.close()
    (OUT / ".settings.ini").unlink(missing_ok=True)


def micropython_shot(app: QApplication, w) -> None:
    # the example's own preset: A0 and the handler's lane, triggered (normal) on A0 falling
    w.open_example(next(e for e in w.examples if e.name == "micropython/button"))
    wait(app, 1500)
    w.board.press_part("button1", latched=True)
    wait(app, 1500)
    grab(app, w, "micropython.png")


#: The sketch of build_error.png: a missing semicolon and a misspelt delay().
BROKEN_SKETCH = """\
// my_blink: the L LED on D13, 500 ms on, 500 ms off
const int LED = 13;

void setup() {
  pinMode(LED, OUTPUT);
}

void loop() {
  digitalWrite(LED, HIGH)
  delay(500);
  digitalWrite(LED, LOW);
  dealy(500);
}
"""


def build_error_shot(app: QApplication, w) -> None:
    import tempfile

    w.open_example(next(e for e in w.examples if e.name == "blink"))
    wait(app, 1500)
    ino = Path(tempfile.gettempdir()) / "sketchbook" / "my_blink" / "my_blink.ino"
    ino.parent.mkdir(parents=True, exist_ok=True)
    ino.write_text(BROKEN_SKETCH)
    w.open_firmware(ino)
    panel = w.build_panel
    for _ in range(300):  # up to 30 s: the first build compiles the Arduino core
        wait(app, 100)
        if not panel.building and panel.result is not None:
            break
    wait(app, 1500)
    grab(app, w, "build_error.png")
    w.circuit_dirty = False
    w.close()
    (OUT / ".settings.ini").unlink(missing_ok=True)


def inspector_shots(app: QApplication, w) -> None:
    dock = w.inspector_dock
    w.open_example(next(e for e in w.examples if e.name == "ctc_100hz"))
    dock.show()
    dock.raise_()
    w.resizeDocks([dock], [860], Qt.Orientation.Horizontal)
    wait(app, 2500)
    grab(app, w, "inspector_ctc.png")

    w.open_example(next(e for e in w.examples if e.name == "delay_in_isr"))
    wait(app, 1000)
    for _ in range(3):
        w.board.press_part("button1")
        wait(app, 300)
        w.board.release_part("button1")
        wait(app, 300)
    wait(app, 800)
    grab(app, w, "inspector_lost.png")
    w.circuit_dirty = False
    w.close()
    (OUT / ".settings.ini").unlink(missing_ok=True)


#: Examples whose shot is taken after pressing their button (latched, as a Shift+click).
PRESSED = {"int0_button": "button1", "bounce": "button1", "delay_in_isr": "button1"}


def examples(names: list[str]) -> None:
    """Each example as a new user first sees it: opened from the menu, nothing clicked but the
    button of the PRESSED ones. ``names``: only these (empty: all)."""
    from breadboard.sim import warm_up
    from breadboard.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    warm_up()
    folder = OUT / "examples"
    folder.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(OUT / ".settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.move(0, 0)
    w.resize(1560, 960)
    w.show()
    for ex in w.examples:
        if (names and ex.name not in names) or ex.menu:  # the MicroPython ones: micropython.png
            continue
        w.open_example(ex)
        wait(app, 2500)
        button = PRESSED.get(ex.name)
        if button:
            w.board.press_part(button, latched=True)
            wait(app, 1500)
        grab(app, w, f"examples/{ex.name}.png")
        if button:
            w.board.release_part(button)
            w.board.press_part(button)  # a latched button lets go on the next click
            w.board.release_part(button)
    w.circuit_dirty = False
    w.close()
    (OUT / ".settings.ini").unlink(missing_ok=True)


if __name__ == "__main__":
    if "--examples" not in sys.argv:
        main()
    if sys.argv[1:] not in (["micropython"], ["build_error"], ["inspector"]):
        args = sys.argv[1:]
        examples(args[args.index("--examples") + 1 :] if "--examples" in args else [])
