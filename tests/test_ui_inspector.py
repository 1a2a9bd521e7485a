"""The interrupt inspector in the app (pytest-qt, offscreen), driven through its own paths.

References (ATmega328P datasheet DS40002061):
- 18.7.2 Timer2 CTC: OCF2A every (OCR2A + 1) * prescaler cycles; the CTC example toggles D2 in
  TIMER2_COMPA, so D2's period is 2 * (OCR2A + 1) * 1024 cycles.
- 7.7.1: an interrupt enters its vector, whose JMP leads to the handler (where a breakpoint
  on the vector stops); CALL pushes the return address, RET resumes after the CALL.
- 12.4 (Interrupt Vectors): TIMER0_OVF's flag set again while pending is one event lost.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from breadboard.ui.inspector import REGISTER_GROUPS  # noqa: E402
from breadboard.ui.inspector.dock import DISASSEMBLY_TAB, MEMORY_TAB, REGISTERS_TAB  # noqa: E402

#: A toggle's cycle varies with what loop() was doing when OCF2A was set (7.7.1: the
#: instruction in progress completes; digitalWrite() runs with interrupts off for a few
#: cycles): the example's own expectation is p2p 5 us = 80 cycles.
JITTER = 80
CTC_HANDLER = 0x2BE  # avr-nm ctc_100hz.elf: 000002be T __vector_7


@pytest.fixture(scope="module", autouse=True)
def kernel_ready():
    from breadboard.sim import warm_up

    warm_up()


def open_with_inspector(qtbot, window, name: str):
    window.open_example(next(e for e in window.examples if e.name == name))
    action = next(a for a in window.menuBar().actions() if a.text() == "&View").menu()
    inspector = next(a for a in action.actions() if a.text() == "Interrupt inspector")
    assert inspector.shortcut().toString() == "Ctrl+I"
    inspector.trigger()
    dock = window.inspector_dock
    qtbot.waitUntil(lambda: dock.inspection is not None and dock.inspection.stats is not None)
    return dock


def entries(dock, name: str) -> int:
    text = dock.vectors.row(name)["Entries"].replace(",", "")
    return int(text or 0)


def test_the_vector_table_counts_timer2_compa_entries_live_during_the_ctc_example(qtbot, window):
    """TIMER2_COMPA every 79,872 cycles: ~200 entries a simulated second, growing while it
    runs; only the enabled vectors show with the filter on."""
    dock = open_with_inspector(qtbot, window, "ctc_100hz")
    qtbot.waitUntil(lambda: entries(dock, "TIMER2_COMPA") > 5, timeout=5000)
    first = entries(dock, "TIMER2_COMPA")
    qtbot.waitUntil(lambda: entries(dock, "TIMER2_COMPA") > first + 10, timeout=5000)
    row = dock.vectors.row("TIMER2_COMPA")
    # (I is 0 in the handlers and in the core's cli() sections: then "on, I = 0")
    assert row["Enabled"] in ("armed", "on, I = 0")
    assert row["Address"] == "0x001c" and row["Lost"] == "0" and row["Prio"] == "7"
    assert set(dock.vectors.visible_vectors()) == {"TIMER2_COMPA", "TIMER0_OVF"}
    shot = dock.inspection
    # one entry per 79,872 cycles, plus the start-up one (init() left OCF2A pending)
    expected = shot.cycle / 79_872 + 1
    assert abs(shot.stats.vector("TIMER2_COMPA").entries - expected) <= 1
    dock.vectors.active_only.setChecked(False)
    assert len(dock.vectors.visible_vectors()) == 26


def test_delay_in_an_isr_shows_lost_timer0_overflows_and_the_warning(qtbot, window):
    """Press the button on D2 (INT0, falling): delay() inside the handler loses TIMER0_OVF."""
    dock = open_with_inspector(qtbot, window, "delay_in_isr")  # examples open their ELF
    assert (window._last_snapshot.firmware or "").endswith("delay_in_isr.elf")
    qtbot.waitUntil(lambda: dock.vectors.row("INT0")["Handler"] == "__vector_1")
    qtbot.waitUntil(lambda: entries(dock, "TIMER0_OVF") > 20, timeout=5000)
    assert dock.vectors.row("TIMER0_OVF")["Lost"] == "0"
    window.board.press_part("button1")
    qtbot.waitUntil(lambda: int(dock.vectors.row("TIMER0_OVF")["Lost"] or 0) >= 1, timeout=5000)
    window.board.release_part("button1")
    qtbot.waitUntil(
        lambda: any("TIMER0_OVF lost while inside INT0" in t for t in dock.vectors.warning_texts()),
        timeout=3000,
    )
    assert entries(dock, "INT0") == 1
    assert any("INT0 handler ran" in t for t in dock.vectors.warning_texts())
    assert dock.vectors.warning_texts()[0].split()[1] == "s"  # "1.234567 s  TIMER0_OVF ..."
    dock.tabs.setCurrentIndex(MEMORY_TAB)  # the sketch's volatile counter, named from the ELF
    qtbot.waitUntil(lambda: dock.memory.variable_values().get("presses") == 1, timeout=3000)


def test_editing_ocr2a_while_paused_changes_the_frequency_the_scope_measures(qtbot, window):
    """OCR2A 77 -> 155: D2's period goes from 2 * 78 * 1024 to 2 * 156 * 1024 cycles."""
    dock = open_with_inspector(qtbot, window, "ctc_100hz")
    scope = window.scope_dock.scope
    qtbot.waitUntil(lambda: len(scope.durations("D2")) > 4, timeout=5000)
    assert abs(scope.durations("D2")[-1] - 2 * 78 * 1024) <= JITTER
    window.toggle_run()
    qtbot.waitUntil(lambda: window._last_snapshot.paused)
    dock.tabs.setCurrentIndex(REGISTERS_TAB)
    qtbot.waitUntil(lambda: dock.registers.value("OCR2A") == 77)
    dock.registers.edit_register("OCR2A", "0x9b")
    qtbot.waitUntil(lambda: dock.registers.value("OCR2A") == 155, timeout=3000)
    window.toggle_run()
    qtbot.waitUntil(lambda: abs(scope.durations("D2")[-1] - 2 * 156 * 1024) <= JITTER, timeout=5000)
    assert abs(16e6 / scope.durations("D2")[-1] - 50.08) < 0.01  # Hz, was 100.16
    assert window.inspector_dock.inspection.registers["OCR2A"] == 155


def test_register_edits_are_refused_while_running_and_groups_cover_every_register(qtbot, window):
    from breadboard.sim.registers import REGISTERS

    grouped = [n for _, names in REGISTER_GROUPS for n in names]
    assert sorted(grouped) == sorted(REGISTERS)
    dock = open_with_inspector(qtbot, window, "ctc_100hz")
    refused = []
    dock.registers.refused.connect(refused.append)
    dock.registers.edit_register("OCR2A", "12")
    assert refused and "pause" in refused[0]


def test_a_breakpoint_on_timer2_compa_pauses_at_its_handler_and_step_over_skips_a_call(
    qtbot, window
):
    dock = open_with_inspector(qtbot, window, "ctc_100hz")
    qtbot.waitUntil(lambda: entries(dock, "TIMER2_COMPA") > 2, timeout=5000)
    dock.vectors.breakOnVector.emit(7, True)  # the row's context menu: "Break on entry of"
    qtbot.waitUntil(lambda: window._last_snapshot.stop_reason is not None, timeout=5000)
    snap = window._last_snapshot
    assert snap.paused and snap.stop_reason.startswith(f"breakpoint at 0x{CTC_HANDLER:04x}")
    assert f"0x{CTC_HANDLER:04x}" in window.state_label.text()
    qtbot.waitUntil(lambda: dock.inspection.pc == CTC_HANDLER)
    assert dock.inspection.stats.vector("TIMER2_COMPA").executing
    dock.tabs.setCurrentIndex(DISASSEMBLY_TAB)
    qtbot.waitUntil(lambda: any(cur and bp for _, _, bp, cur in dock.disassembly.lines()))
    dock.disassembly.click_margin(CTC_HANDLER)  # remove the breakpoint by its margin
    qtbot.waitUntil(lambda: dock.inspection.breakpoints == ())

    def current():
        return next(ln for ln in dock.disassembly.lines() if ln[3])

    for _ in range(60):  # F10 until PC is on a call (the ISR calls digitalRead)
        if current()[1].startswith(("call", "rcall")):
            break
        before = dock.inspection.cycle
        window.step_action.trigger()
        qtbot.waitUntil(lambda b=before: dock.inspection.cycle > b)
    address, text, _, _ = current()
    back = address + (4 if text.startswith("call") else 2)
    instructions = window._last_snapshot.instructions
    dock.step_over_action.trigger()
    qtbot.waitUntil(lambda: dock.inspection.pc == back, timeout=5000)
    assert window._last_snapshot.paused
    assert window._last_snapshot.instructions > instructions + 5  # the callee ran
    assert window._last_snapshot.stop_reason.startswith("stepped over the call")
    assert dock.inspection.breakpoints == ()  # the temporary breakpoint is gone


def test_the_inspector_says_a_micropython_script_needs_avr_firmware(qtbot, window):
    window.open_example(next(e for e in window.examples if e.name == "micropython/button"))
    window.inspector_dock.show()
    dock = window.inspector_dock
    qtbot.waitUntil(lambda: "needs AVR firmware" in dock.message.text(), timeout=10_000)
    assert dock.stack.currentWidget() is dock.message


def test_the_disassembly_shows_the_source_line_beside_the_instruction(qtbot):
    """An ELF built with -g (tests/firmware/src_lines): toggle()'s first instruction is
    src_lines.c line 8 in the Source column; lines without a new row stay blank."""
    from conftest import firmware_path

    from breadboard.sim import Simulation
    from breadboard.sim.inspection import inspect
    from breadboard.ui.inspector.disassembly import ADDRESS, SOURCE, DisassemblyView

    sim = Simulation.open(firmware_path("src_lines", "elf"))
    sim.add_breakpoint("toggle")
    sim.run_for("1ms")
    view = DisassemblyView()
    qtbot.addWidget(view)
    view.show_inspection(inspect(sim))
    table = view.table
    assert table.horizontalHeaderItem(SOURCE).text() == "Source"
    shown = {
        int(table.item(r, ADDRESS).text(), 16): table.item(r, SOURCE).text()
        for r in range(table.rowCount())
    }
    assert shown[0x80] == "src_lines.c:8" and shown[0x82] == ""
    assert shown[0x86] == "src_lines.c:13"
