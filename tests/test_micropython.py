"""MicroPython mode: the lesson's Pin.irq scripts on the simulated clock (issue 13)."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from breadboard.cli import main
from breadboard.micropython import SCHEDULER_DEPTH
from breadboard.sim import write_vcd
from breadboard.sim.board import Board, open_board
from breadboard.sim.micropython_board import MicroPythonBoard, Script
from breadboard.sim.simulation import HALTED, Simulation

MS = 16_000
EXAMPLES = Path(__file__).parent.parent / "resources" / "examples" / "micropython"
LESSON = EXAMPLES / "button" / "button.py"


def board(src: str) -> MicroPythonBoard:
    return MicroPythonBoard(Script("main.py", textwrap.dedent(src)))


def console(b: Board) -> str:
    return b.serial_bytes().decode().replace("\r\n", "\n")


def test_both_boards_implement_the_board_interface():
    assert isinstance(Simulation(), Board)
    assert isinstance(open_board(LESSON), MicroPythonBoard)


def test_lesson_button_prints_once_for_one_press():
    b = open_board(LESSON)
    b.drive("A0", 0, at=100 * MS)
    b.drive("A0", 1, at=200 * MS)
    b.run_until(300 * MS)
    assert console(b).count("Button pressed!") == 1
    ((name, edge, entry),) = b.handler_latencies()
    assert name == "Pin(14) handle_interrupt" and edge == 100 * MS and entry >= edge
    entries = b.interrupts.rows
    assert list(entries[:, 2]) == [1, 0] and entries[0, 0] == entry
    b.close()


def test_bouncing_press_prints_once_per_falling_edge():
    b = open_board(LESSON)
    for k, level in enumerate([0, 1, 0, 1, 0]):
        b.drive("A0", level, at=100 * MS + k * MS // 2)
    b.run_until(300 * MS)
    assert console(b).count("Button pressed!") == 3
    b.close()


def test_busy_main_loop_sees_a_flag_set_by_a_handler():
    b = board("""
        from machine import Pin
        flag = False
        def h(p):
            global flag
            flag = True
        Pin(2, Pin.IN, Pin.PULL_UP).irq(h, Pin.IRQ_FALLING)
        while not flag: pass
        print("seen")
    """)
    b.drive("D2", 0, at=10 * MS)
    b.run_until(20 * MS)
    assert console(b) == "seen\n"
    assert 10 * MS <= b.handler_latencies()[0][2] < 10 * MS + 100


def test_disable_irq_defers_a_handler_until_enable_irq():
    b = board("""
        import machine, time
        log = []
        machine.Pin(2, machine.Pin.IN, machine.Pin.PULL_UP).irq(lambda p: log.append("irq"))
        state = machine.disable_irq()
        time.sleep_ms(20)
        log.append("enable")
        machine.enable_irq(state)
        time.sleep_ms(1)
        print(log)
    """)
    b.drive("D2", 0, at=5 * MS)
    b.run_until(30 * MS)
    assert console(b) == "['enable', 'irq']\n"
    assert b.handler_latencies()[0][2] >= 20 * MS


def test_scheduled_function_runs_after_the_handler_not_inside_it():
    b = board("""
        import machine, micropython, time
        log = []
        def later(arg):
            log.append("later %d" % arg)
        def h(p):
            micropython.schedule(later, 7)
            log.append("handler done")
        machine.Pin(2, machine.Pin.IN, machine.Pin.PULL_UP).irq(h, hard=True)
        time.sleep_ms(20)
        print(log)
    """)
    b.drive("D2", 0, at=5 * MS)
    b.run_until(30 * MS)
    assert console(b) == "['handler done', 'later 7']\n"


def test_schedule_queue_overflow_raises_micropythons_error():
    b = board(f"""
        import machine, micropython
        state = machine.disable_irq()  # holds the queue, as a busy handler would
        for i in range({SCHEDULER_DEPTH + 1}): micropython.schedule(print, i)
    """)
    b.run_until(10 * MS)
    assert "RuntimeError: schedule queue full" in console(b)
    assert b.status == HALTED and 'File "main.py", line 4' in console(b)


def test_syntax_error_names_the_line():
    b = board("x = 1\nif x\n    pass\n")
    b.run_until(MS)
    text = console(b)
    assert 'File "main.py", line 2' in text and "SyntaxError" in text
    assert b.status == HALTED and "line 2" in b.halt_reason


def test_exception_in_a_handler_is_reported_and_main_goes_on():
    b = board("""
        import machine, time
        machine.Pin(2, machine.Pin.IN, machine.Pin.PULL_UP).irq(lambda p: 1 / 0)
        time.sleep_ms(20)
        print("main goes on")
    """)
    b.drive("D2", 0, at=5 * MS)
    b.run_until(30 * MS)
    text = console(b)
    assert "ZeroDivisionError" in text and text.endswith("main goes on\n")


def test_unknown_names_raise_micropythons_errors():
    b = board("import machine\nmachine.UART\n")
    b.run_until(MS)
    assert "AttributeError: 'module' object has no attribute 'UART'" in console(b)
    b = board("import network\n")
    b.run_until(MS)
    assert "ImportError: no module named 'network'" in console(b)


def test_stop_ends_an_endless_loop_within_100_ms():
    b = board("while True: pass\n")
    b.run_until(50 * MS)
    assert b.cycle >= 50 * MS  # the loop costs time, line by line
    thread = b.rt._thread
    assert thread.is_alive()
    t = time.perf_counter()
    b.reset()
    b.close()
    assert time.perf_counter() - t < 0.1
    assert not thread.is_alive()


def test_timer_blinks_and_pwm_and_adc():
    b = board("""
        from machine import Pin, Timer, PWM, ADC
        led = Pin(13, Pin.OUT)
        Timer(mode=Timer.PERIODIC, freq=100, callback=lambda t: led.toggle())
        PWM(Pin(9), freq=1000, duty_u16=16384)
        print(ADC(Pin(14)).read_u16())
    """)
    b.set_voltage("A0", 2.5)
    b.run_until(1000 * MS)
    assert console(b) == "32768\n"
    edges = b.pins["D13"].edges()
    assert 98 <= len(edges) <= 100  # a toggle every 10 ms
    assert abs(b.pins["D9"].high_fraction(100 * MS, 900 * MS) - 0.25) < 0.01


def test_same_run_twice_gives_byte_identical_vcds(tmp_path):
    outs = []
    for k in range(2):
        b = open_board(EXAMPLES / "timer_blink" / "timer_blink.py")
        b.drive("A0", 0, at=100 * MS)
        b.run_until(300 * MS)
        write_vcd(tmp_path / f"{k}.vcd", b.pins, b.f_cpu, end_cycle=b.cycle)
        b.close()
        outs.append((tmp_path / f"{k}.vcd").read_bytes())
    assert outs[0] == outs[1] and b"#" in outs[0]


def test_cli_runs_a_script(tmp_path, capsys):
    vcd = tmp_path / "out.vcd"
    code = main(["run", str(LESSON), "--time", "300ms", "--input", "A0=0@100ms",
                 "--input", "A0=1@200ms", "--serial", "--vcd", str(vcd), "--json"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "Button pressed!" in out and vcd.exists()


@pytest.mark.parametrize("name", ["button", "schedule", "shared_counter", "bounce", "timer_blink"])
def test_examples_run_without_errors(name):
    b = open_board(EXAMPLES / name / f"{name}.py")
    b.drive("A0", 0, at=100 * MS)
    b.drive("A0", 1, at=200 * MS)
    b.run_until(400 * MS)
    assert b.status != HALTED, console(b)
    b.close()


def test_worker_opens_a_script_and_runs_it_at_real_time():
    from breadboard.circuit import Circuit
    from breadboard.sim import commands
    from breadboard.sim.worker import SimulationWorker

    circuit = Circuit.load(EXAMPLES / "button" / "circuit.json")
    worker = SimulationWorker(circuit)
    worker.start()
    try:
        worker.post(commands.Open(str(LESSON)))
        deadline = time.perf_counter() + 5
        while worker.snapshot.seconds < 0.2 and time.perf_counter() < deadline:
            time.sleep(0.02)
        worker.post(commands.Press("button1"))
        time.sleep(0.2)
        worker.post(commands.Release("button1"))
        time.sleep(0.2)
        snap = worker.snapshot
        chunks = worker.drain()
    finally:
        worker.stop()
        worker.join(2)
    assert snap.firmware == str(LESSON) and snap.status == "running"
    assert snap.pins["A0"].mode == "input pull-up"
    text = b"".join(bytes(c.serial[:, 1].astype("uint8")) for c in chunks)
    assert text.count(b"Button pressed!") == 1
    names = {n for c in chunks for n in c.vector_names.values()}
    assert names == {"Pin(14) handle_interrupt"}
    assert not worker.is_alive()
