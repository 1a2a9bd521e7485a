"""The interrupt inspector below the UI: Simulation.irq_stats(), lost events, warnings,
breakpoints, watchpoints and register writes while paused.

References (ATmega328P datasheet DS40002061):
- 7.7.1 "Interrupt Response Time": 4 cycles from acceptance to the vector's first
  instruction; the instruction in progress completes first.
- 15.9.1 / 17.11 / 18.11: TOVn, OCFnx set on the timer clock, cleared on vector entry.
- 18.7.2 Timer2 CTC: the period is (OCR2A + 1) * prescaler cycles.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import firmware_path

from breadboard.sim.irqstats import DELAY_IN_ISR, LONG_ISR
from breadboard.sim.registers import read_register, write_register
from breadboard.sim.simulation import BREAK, Simulation

FW = Path(__file__).parent / "firmware"
TIMER2_COMPA, TIMER0_OVF, INT0 = 7, 16, 1
#: Longest instruction the CTC sketch executes when an interrupt is accepted: CALL/RET/RETI
#: take 4 cycles, so 3 cycles may remain after the one the request arrived in.
MAX_REMAINING = 4


@pytest.fixture(scope="module")
def ctc() -> Simulation:
    sim = Simulation.open(firmware_path("ctc_100hz", "elf"))
    sim.run_for(16_000_000)
    return sim


def entries(sim: Simulation, vector: int) -> np.ndarray:
    rows = sim.interrupts.rows
    return rows[(rows[:, 2] == 1) & (rows[:, 1] == vector)]


def test_ctc_example_raises_timer2_compa_every_79872_and_timer0_ovf_every_16384_cycles(ctc):
    """18.7.2: CTC with OCR2A = 77, clk/1024: (77 + 1) * 1024 = 79,872 cycles; Timer0 (Arduino init, fast PWM, clk/64) overflows every 256 * 64 = 16,384."""
    for vector, period in ((TIMER2_COMPA, 79_872), (TIMER0_OVF, 16_384)):
        raised = entries(ctc, vector)[2:, 3]
        assert len(raised) > 40
        assert set(np.diff(raised).tolist()) == {period}
        assert ctc.irq_stats().vector(vector).entries == len(entries(ctc, vector))


def test_latency_is_four_cycles_plus_the_instruction_in_progress_unless_blocked(ctc):
    """7.7.1: the response is 4 cycles after the instruction in progress completes. Entries
    that waited for another handler's RETI or for I = 0 (cli in millis()) are longer."""
    for vector in (TIMER2_COMPA, TIMER0_OVF):
        e = entries(ctc, vector)[1:]
        lat = e[:, 0] - e[:, 3]
        assert lat.min() == 4
        free = lat <= 4 + MAX_REMAINING - 1
        assert free.mean() > 0.9
        stats = ctc.irq_stats().vector(vector)
        assert stats.worst_latency == int(
            max(lat.max(), entries(ctc, vector)[0, 0] - entries(ctc, vector)[0, 3])
        )
        assert stats.lost == 0
        assert stats.enabled and stats.symbol == f"__vector_{vector}"
        assert stats.address == vector * 4


def test_delay_inside_an_int0_isr_loses_timer0_overflows_and_millis_falls_behind():
    """7.7: while the INT0 handler runs, I = 0, so TOV0 stays set; each further overflow sets
    an already set flag and is lost. millis() counts overflows: it falls behind by the count
    (compared line by line with the same sketch where the button is never pressed)."""

    def run(press: bool) -> Simulation:
        sim = Simulation.open(firmware_path("delay_in_isr", "elf"))
        sim.run_for(16_000_000 // 10)
        if press:
            sim.drive("D2", 0)
        sim.run_for(16_000_000 // 2)
        return sim

    sim, control = run(True), run(False)
    stats = sim.irq_stats()
    lost = stats.vector(TIMER0_OVF).lost
    assert stats.vector(INT0).entries == 1
    assert lost >= 1
    assert any(w.kind == DELAY_IN_ISR and w.vector == TIMER0_OVF for w in stats.warnings)
    assert control.irq_stats().vector(TIMER0_OVF).lost == 0
    # every overflow was either served or lost
    raised = sim.cycle // 16_384
    assert len(entries(sim, TIMER0_OVF)) + lost == pytest.approx(raised, abs=1)
    # the handlers that count millis() ran `lost` times fewer than in the control run
    assert len(entries(control, TIMER0_OVF)) - len(entries(sim, TIMER0_OVF)) == lost

    def lag_ms(run: Simulation) -> float:
        """Simulated time minus millis() of the last line printed, at its first byte."""
        rows = run.serial_tx.rows
        text = bytes(rows[:, 1].astype(np.uint8)).decode()
        start = text.rstrip("\r\n").rfind("\n") + 1
        return rows[start, 0] / 16_000 - int(text[start:].split()[1])

    assert lag_ms(sim) - lag_ms(control) == pytest.approx(lost * 1.024, abs=1.0)


def test_an_isr_of_200_us_is_flagged_longer_than_the_100_us_default():
    sim = Simulation.open(FW / "long_isr.elf")
    sim.run_for(16_000_000 // 20)
    stats = sim.irq_stats()
    row = stats.vector("TIMER1_COMPA")
    assert row.entries >= 4
    assert 200 <= row.longest_isr / 16 <= 215
    flagged = [w for w in stats.warnings if w.kind == LONG_ISR and w.vector == 11]
    assert len(flagged) == row.entries
    assert not [w for w in sim.irq_stats(isr_limit_us=300).warnings if w.kind == LONG_ISR]


def test_irq_stats_cover_the_whole_run_whatever_history_is_kept(ctc):
    """The vector table is tallied as the log is produced: a run keeping no trace history
    (the CLI's ``history=0``) or a short window reports the same numbers as a full one."""
    full = ctc.irq_stats()
    for history in (0, 16_000):
        sim = Simulation.open(firmware_path("ctc_100hz", "elf"), history=history)
        sim.run_for(16_000_000)
        assert len(sim.interrupts.rows) <= 1024 < len(ctc.interrupts.rows)  # a window
        assert sim.irq_stats().vectors == full.vectors


def test_irq_tally_keeps_a_bounded_number_of_warning_events():
    from breadboard.sim.irqstats import EVENTS_KEPT, IrqTally

    tally = IrqTally(16_000_000)
    lost = np.array([[100 * i, TIMER2_COMPA, 2, 100 * i - 50] for i in range(3 * EVENTS_KEPT)])
    tally.feed(lost)
    assert len(tally.warnings(100, 100)) == EVENTS_KEPT


def test_editing_ocr2a_while_paused_changes_the_measured_frequency():
    """18.7.2: the CTC period is (OCR2A + 1) * N; a write takes effect as the program's."""
    sim = Simulation.open(firmware_path("ctc_100hz", "elf"))
    sim.run_for(16_000_000 // 10)
    ocr = read_register(sim, "OCR2A")
    assert ocr == 77  # 100 Hz: (77 + 1) * 1024 = 79,872 cycles
    write_register(sim, "OCR2A", 155)
    start = len(entries(sim, TIMER2_COMPA))
    sim.run_for(16_000_000 // 10)
    raised = entries(sim, TIMER2_COMPA)[start + 2 :, 3]
    assert set(np.diff(raised).tolist()) == {156 * 1024}


def test_peeking_tcnt_does_not_disturb_the_chip():
    a = Simulation.open(firmware_path("ctc_100hz", "elf"))
    b = Simulation.open(firmware_path("ctc_100hz", "elf"))
    for _ in range(50):
        a.run_for(1237)
        b.run_for(1237)
        for name in ("TCNT0", "TCNT1L", "TCNT1H", "TCNT2", "TIFR0", "TIFR2"):
            read_register(a, name)
    assert a.interrupts.rows.tolist() == b.interrupts.rows.tolist()
    assert read_register(a, "TCNT2") == read_register(b, "TCNT2")


def test_a_breakpoint_on_an_isr_stops_with_pc_at_the_vectors_handler_and_resumes():
    sim = Simulation.open(firmware_path("ctc_100hz", "elf"))
    addr = sim.add_breakpoint("TIMER2_COMPA")
    assert sim.firmware.symbols[addr] == "__vector_7"
    assert sim.run_for(16_000_000) == BREAK
    assert sim.mcu.pc * 2 == addr and sim.stop_reason.kind == "breakpoint"
    first = sim.cycle
    assert sim.run_for(16_000_000) == BREAK  # resumes with the original instruction
    assert sim.cycle > first and sim.mcu.pc * 2 == addr
    sim.remove_breakpoint()
    sim.run_for(16_000)
    plain = Simulation.open(firmware_path("ctc_100hz", "elf"))
    plain.run_until(sim.cycle)
    assert plain.interrupts.rows.tolist() == sim.interrupts.rows.tolist()


def test_a_watchpoint_on_a_register_stops_after_the_write_with_old_and_new_value():
    sim = Simulation.open(firmware_path("ctc_100hz", "elf"))
    sim.add_watch("OCR2A")
    assert sim.run_for(16_000_000) == BREAK
    stop = sim.stop_reason
    assert stop.kind == "watchpoint" and stop.address == 0xB3 and stop.new == 77
    assert read_register(sim, "OCR2A") == 77
