"""Debugging below the UI: the listing around PC, step over a call, run to an interrupt
entry (``breadboard.sim.debugger``) and the inspector's snapshot (``sim.inspection``).

References (ATmega328P datasheet DS40002061; AVR Instruction Set Manual):
- CALL/RCALL push the return address (PC + 2 / PC + 1) and jump; RET pops it: the
  instruction after a call runs when the callee returns (step over stops there).
- 7.7.1: an accepted interrupt jumps to its vector; the vector's JMP leads to the handler,
  whose first instruction is where "run to the interrupt" stops.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import firmware_path

from breadboard.circuit import Circuit
from breadboard.sim import commands as cmd
from breadboard.sim.board import open_board
from breadboard.sim.debugger import Debugger, after_call, instruction_name, listing
from breadboard.sim.inspection import NEEDS_AVR, inspect
from breadboard.sim.simulation import BREAK, Simulation
from breadboard.sim.worker import SimulationWorker

EXAMPLES = Path(__file__).parents[1] / "resources" / "examples"


@pytest.fixture
def ctc() -> Simulation:
    sim = Simulation.open(firmware_path("ctc_100hz", "elf"))
    sim.add_breakpoint("main")
    assert sim.run_for("10ms") == BREAK
    sim.remove_breakpoint()
    return sim


def step_to_call(sim: Simulation) -> int:
    for _ in range(200):
        back = after_call(sim)
        if back is not None:
            return back
        sim.step()
    raise AssertionError("no call within 200 instructions of main")


def test_step_over_a_call_stops_at_the_return_address_with_the_callee_run(ctc):
    """The callee runs whole (many cycles); the stop is at PC + size of the call, with SP as
    before the call (its return address popped by RET)."""
    back = step_to_call(ctc)
    sp, cycle, word = ctc.mcu.sp, ctc.cycle, ctc.mcu.pc
    name = instruction_name(ctc.mcu.flash, word)
    assert back == (word + (2 if name == "CALL" else 1)) * 2
    dbg = Debugger()
    assert dbg.step_over(ctc) is True
    assert ctc.run_for("1s") == BREAK
    text = dbg.stopped(ctc)
    assert ctc.mcu.pc * 2 == back and ctc.mcu.sp == sp
    assert text is not None and text.startswith("stepped over the call")
    assert ctc.cycle - cycle > 8  # the call (4) + the callee's body + RET (4)
    assert not ctc.mcu.breakpoints  # the temporary breakpoint is gone


def test_step_over_anything_but_a_call_executes_one_instruction(ctc):
    while after_call(ctc) is not None:
        ctc.step()
    instructions = ctc.instructions
    assert Debugger().step_over(ctc) is False
    assert ctc.instructions == instructions + 1


def test_run_to_a_vector_stops_at_its_handler_with_the_vector_being_served(ctc):
    handler = ctc.resolve_code_address("TIMER2_COMPA")
    assert ctc.firmware.symbols[handler] == "__vector_7"
    entries = len(ctc.interrupt_entries("TIMER2_COMPA"))
    dbg = Debugger()
    dbg.run_to_interrupt(ctc, "TIMER2_COMPA")
    assert ctc.run_for("20ms") == BREAK
    assert dbg.stopped(ctc).startswith("entered TIMER2_COMPA: handler at ")
    assert ctc.mcu.pc * 2 == handler
    assert len(ctc.interrupt_entries("TIMER2_COMPA")) == entries + 1
    assert ctc.irq_stats().executing == 7
    assert not ctc.mcu.breakpoints


def test_run_to_the_next_interrupt_stops_at_whichever_vector_is_entered_first(ctc):
    """TIMER0_OVF comes every 16,384 cycles, TIMER2_COMPA every 79,872: the next entry is
    never more than 16,384 cycles (plus latency) away."""
    start = ctc.cycle
    dbg = Debugger()
    dbg.run_to_interrupt(ctc)
    assert ctc.run_for("20ms") == BREAK
    text = dbg.stopped(ctc)
    v = ctc.irq_stats().executing
    assert v in (7, 16) and text.startswith(f"entered {ctc.interrupt_name(v)}")
    assert ctc.cycle - start <= 16_384 + 16


def test_a_user_breakpoint_survives_a_run_to_that_reaches_it(ctc):
    user = ctc.add_breakpoint("TIMER2_COMPA")
    dbg = Debugger()
    dbg.run_to_interrupt(ctc)
    while ctc.run_for("20ms") == BREAK and ctc.mcu.pc * 2 != user:
        dbg.stopped(ctc)
        dbg.run_to_interrupt(ctc)
    dbg.stopped(ctc)
    assert ctc.mcu.breakpoints == {user // 2}


def test_listing_marks_pc_names_call_targets_and_labels_functions(ctc):
    at_main = [ln for ln in listing(ctc) if ln.current]
    assert at_main[0].label == "main" and at_main[0].text == "sei"
    step_to_call(ctc)
    lines = listing(ctc, before=6, after=10)
    current = [ln for ln in lines if ln.current]
    assert len(current) == 1 and current[0].address == ctc.mcu.pc * 2
    assert "<" in current[0].text  # "call 0x017a <digitalRead>"
    addresses = [ln.address for ln in lines]
    assert addresses == sorted(addresses)
    for a, b in zip(lines, lines[1:], strict=False):
        assert b.address == a.address + 2 * len(a.words)
    ctc.add_breakpoint(lines[-1].address)
    assert listing(ctc, before=6, after=10)[-1].breakpoint


def test_inspection_has_the_vector_table_registers_and_named_variables():
    sim = Simulation.open(firmware_path("delay_in_isr", "elf"))
    sim.run_for("50ms")
    shot = inspect(sim)
    assert shot.unavailable is None and shot.stats is not None
    assert len(shot.stats.vectors) == 26
    assert shot.registers["TCCR0B"] == 0x03  # init(): Timer0 clk/64 for millis()
    assert shot.variables["presses"] == (0x12E, 2)
    millis = int.from_bytes(shot.data[0x131:0x135], "little")
    assert 45 <= millis <= 50
    assert shot.pc == sim.mcu.pc * 2 and any(ln.current for ln in shot.listing)


def test_inspection_of_a_micropython_board_says_it_needs_avr_firmware():
    board = open_board(EXAMPLES / "micropython" / "button" / "button.py")
    try:
        shot = inspect(board)
    finally:
        board.close()
    assert shot.unavailable is not None and shot.unavailable.startswith(NEEDS_AVR)
    assert shot.stats is None


def wait_for(worker, cond, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        snap = worker.snapshot
        if cond(snap):
            return snap
        time.sleep(0.01)
    raise AssertionError(f"timed out; last snapshot: {worker.snapshot}")


@pytest.mark.parametrize("speed", [1.0, 0.0])
def test_the_worker_pauses_at_a_breakpoint_and_publishes_why(speed):
    """Real time and flat out alike: BREAK from run_until pauses the worker; the snapshot
    says why and (inspecting) shows PC at the handler; Run goes on to the next entry."""
    worker = SimulationWorker(Circuit())
    worker.inspecting = True
    worker.start()
    try:
        worker.post(cmd.SetSpeed(speed))
        worker.post(cmd.Open(firmware_path("ctc_100hz", "elf")))
        worker.post(cmd.SetBreakpoint("TIMER2_COMPA"))
        snap = wait_for(worker, lambda s: s.paused and s.stop_reason is not None)
        handler = 0x2BE  # avr-nm: 000002be T __vector_7
        assert snap.stop_reason.startswith(f"breakpoint at 0x{handler:04x} (__vector_7)")
        shot = wait_for(worker, lambda s: s.inspection and s.inspection.pc == handler).inspection
        assert shot.breakpoints == (handler,)
        assert shot.stats.vector("TIMER2_COMPA").executing
        stops = [snap.cycle]
        for _ in range(2):  # the first period is short (init() left OCF2A pending)
            worker.post(cmd.Run())
            snap = wait_for(worker, lambda s: s.paused and s.cycle > stops[-1] and s.stop_reason)
            stops.append(snap.cycle)
        # (OCR2A + 1) * 1024 (datasheet 18.7.2), give or take the instruction in progress
        # when the flag was set (7.7.1: up to 3 more cycles of a 4-cycle instruction)
        assert abs(stops[2] - stops[1] - 79_872) <= 3
        first = stops[-1]
        worker.post(cmd.SetBreakpoint("TIMER2_COMPA", on=False))
        worker.post(cmd.Run())
        wait_for(worker, lambda s: not s.paused and s.cycle > first + 200_000)
    finally:
        worker.stop()
        worker.join(timeout=5)


def test_the_worker_refuses_breakpoints_on_a_micropython_board_with_a_message():
    worker = SimulationWorker(Circuit())
    worker.inspecting = True
    worker.start()
    try:
        worker.post(cmd.Open(EXAMPLES / "micropython" / "button" / "button.py"))
        worker.post(cmd.SetBreakpoint("loop"))
        snap = wait_for(worker, lambda s: s.error_serial > 0)
        assert "breakpoints need AVR firmware" in snap.error
        snap = wait_for(worker, lambda s: s.inspection and s.inspection.unavailable)
        assert snap.inspection.unavailable.startswith(NEEDS_AVR)
    finally:
        worker.stop()
        worker.join(timeout=5)


def test_listing_shows_the_source_line_where_the_elfs_line_table_starts_one():
    # src_lines.c: toggle()'s body "PINB = _BV(PB5);" is line 8, main's "DDRB = ..." line 13
    sim = Simulation.open(firmware_path("src_lines", "elf"))
    fw = sim.firmware
    toggle = next(a for a, n in fw.symbols.items() if n == "toggle")
    main = next(a for a, n in fw.symbols.items() if n == "main")
    assert fw.lines[toggle] == ("src_lines.c", 8) and fw.lines[main] == ("src_lines.c", 13)
    sim.add_breakpoint("toggle")
    assert sim.run_for("1ms") == BREAK
    rows = {ln.address: ln for ln in listing(sim, before=4, after=8)}
    assert rows[toggle].current and rows[toggle].source == "src_lines.c:8"
    assert rows[main].source == "src_lines.c:13"
    assert rows[toggle + 2].source is None  # the line has not changed: no new row


def test_listing_without_line_info_has_no_source(ctc):
    # the Arduino examples are built with LTO: their .debug_line has no rows
    assert ctc.firmware.lines == {}
    assert all(ln.source is None for ln in listing(ctc))
