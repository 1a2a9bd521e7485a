"""The data EEPROM (datasheet 8.4, 8.6) and the watchdog timer (11.8, 11.9).

Programs come from ``analog_prog.build`` (register writes and instructions at known cycles).
Watchdog time-outs are 2048 * 2^WDP cycles of the 128 kHz oscillator, taken at its nominal
frequency: 256,000 * 2^WDP CPU cycles at 16 MHz. Long waits use ``idle=True`` (main sleeps in
idle mode, so each event is reached at its exact cycle; an interrupt waking the CPU is entered
8 cycles after its flag: 4 for waking, 4 for the response, 7.7.1).
"""

from __future__ import annotations

import numpy as np
import pytest
from analog_prog import build, entries, flag_rises_at, io

from breadboard.avr.regs import (
    EEARH,
    EEARL,
    EECR,
    EEDR,
    EEPROM_BASE,
    MCUSR,
    SMCR,
    WDTCSR,
)
from breadboard.sim import HIGH, Simulation

EERE, EEPE, EEMPE, EERIE = 0x01, 0x02, 0x04, 0x08
EEPM_ERASE, EEPM_WRITE = 0x10, 0x20
WDIF, WDIE, WDCE, WDE = 0x80, 0x40, 0x10, 0x08
WDT_16MS = 256_000
EE_READY, WDT_VECTOR, RESET = 22, 6, 0
PORF, EXTRF, WDRF = 0x01, 0x02, 0x08


def reset_entries(m) -> list[int]:
    return entries(m, RESET)


# ---- EEPROM ---------------------------------------------------------------------------------


def test_eeprom_read_is_immediate_and_halts_the_cpu_four_cycles():
    """8.6.3 EERE: "the requested data is available immediately. When the EEPROM is read,
    the CPU is halted for four cycles before the next instruction is executed." (10-bit
    address in EEARH:EEARL.)"""
    m, ends = build([(EEARH, 0x03), (EEARL, 0x05), ("SBI", io(EECR), 0), ("INC", 16), 5])
    m.eeprom[0x305] = 0x5A
    m.run(ends[2])
    assert m.read(EEDR) == 0x5A
    assert m.cycle == ends[2] + 4 and m.reg(16) == 0
    m.run(ends[2] + 5)
    assert m.reg(16) == 1
    assert m.read(EECR) & EERE == 0


def write_steps(addr: int, value: int, eepm: int = 0, gap: int = 0) -> list:
    """EEAR, EEDR, EECR = EEPM, SBI EEMPE, ``gap`` NOPs, SBI EEPE (avr-libc's order)."""
    return [
        (EEARL, addr),
        (EEDR, value),
        (EECR, eepm),
        ("SBI", io(EECR), 2),
        gap,
        ("SBI", io(EECR), 1),
        ("INC", 16),
        10,
    ]


def test_eeprom_write_takes_3_4_ms_and_halts_the_cpu_two_cycles():
    """8.6.3 / table 8-2: EEMPE then (within 4 cycles) EEPE starts an erase-and-write of
    3.4 ms (54,400 cycles at 16 MHz); EEPE reads one until it is done; setting EEPE halts the
    CPU for 2 cycles; the byte has its new value when EEPE clears."""
    m, ends = build(write_steps(3, 0x42))
    m.eeprom[3] = 0x00
    start = ends[5]
    m.run(start)
    assert m.read(EECR) & EEPE
    m.run(start + 3)
    assert m.cycle == start + 3 and m.reg(16) == 1, "INC ran after a 2-cycle halt"
    m.run(start + 54_400 - 1)
    assert m.read(EECR) & EEPE and m.eeprom[3] == 0x00
    m.run(start + 54_400)
    assert not m.read(EECR) & EEPE
    assert m.eeprom[3] == 0x42


@pytest.mark.parametrize("gap, written", [(0, True), (2, True), (3, False)])
def test_eepe_must_follow_eempe_within_four_cycles(gap, written):
    """8.6.3 EEMPE: "When EEMPE has been written to one by software, hardware clears the bit
    to zero after four clock cycles"; EEPE written later has no effect (no write, no halt)."""
    m, ends = build(write_steps(3, 0x42, gap=gap))
    mpe, pe = ends[3], ends[5]
    assert (pe - mpe <= 4) == written
    m.run(mpe)
    assert m.read(EECR) & EEMPE
    m.run(pe + 60_000)
    assert m.eeprom[3] == (0x42 if written else 0xFF)
    assert not m.read(EECR) & (EEMPE | EEPE)


def test_eempe_clears_four_cycles_after_it_was_written():
    """8.6.3 EEMPE: hardware clears EEMPE four cycles after software set it."""
    m, ends = build([("SBI", io(EECR), 2), 10])
    m.run(ends[0] + 4)
    assert m.read(EECR) & EEMPE
    m.run(ends[0] + 5)
    assert not m.read(EECR) & EEMPE


@pytest.mark.parametrize(
    "eepm, before, value, after, cycles",
    [
        (0, 0x00, 0x42, 0x42, 54_400),  # erase and write: 3.4 ms
        (EEPM_ERASE, 0x00, 0x42, 0xFF, 28_800),  # erase only: 1.8 ms
        (EEPM_WRITE, 0xF0, 0x3C, 0x30, 28_800),  # write only (bits can only go to 0): 1.8 ms
    ],
)
def test_eeprom_programming_modes(eepm, before, value, after, cycles):
    """8.6.3 table 8-2: EEPM1:0 = 00 erase and write (3.4 ms), 01 erase only (1.8 ms),
    10 write only (1.8 ms)."""
    m, ends = build(write_steps(7, value, eepm))
    m.eeprom[7] = before
    start = ends[5]
    m.run(start + cycles - 1)
    assert m.read(EECR) & EEPE and m.eeprom[7] == before
    m.run(start + cycles)
    assert not m.read(EECR) & EEPE and m.eeprom[7] == after


def test_eear_eedr_eepm_and_reads_are_frozen_while_programming():
    """8.6.1/8.6.3: while a write is in progress EEAR cannot be changed nor the EEPROM read;
    EEDR and EEPM writes are ignored too; the programming uses the values it started with."""
    steps = write_steps(3, 0x42)[:-1] + [
        (EEARL, 9),
        (EEDR, 0x99),
        (EECR, EEPM_ERASE),
        ("SBI", io(EECR), 0),  # EERE: ignored
        ("INC", 17),
        10,
    ]
    m, ends = build(steps)
    m.eeprom[9] = 0x11
    m.run(ends[-2] + 1)  # INC r17 ends at ends[-2] + 2 with EEPE's halt, + 6 with a read's
    assert m.reg(17) == 0
    m.run(ends[-2] + 2)
    assert m.reg(17) == 1, "only EEPE's 2-cycle halt, no read halt"
    assert (m.read(EEARL), m.read(EEDR), m.read(EECR) & 0x30) == (3, 0x42, 0)
    m.run(ends[5] + 54_400)
    assert m.eeprom[3] == 0x42 and m.eeprom[9] == 0x11


def test_ee_ready_interrupt_requests_while_eepe_is_clear():
    """8.6.3 EERIE / 12: EE READY (vector 22) requests while EERIE = 1 and EEPE = 0: it comes
    when the write ends (entered 4 cycles later); the handler clears EERIE."""
    steps = write_steps(3, 0x42)[:-2] + [("SBI", io(EECR), 3), ("BSET", 7), 10]
    m, ends = build(steps, handlers={EE_READY: [("CBI", io(EECR), 3), ("RETI",)]})
    end = ends[5] + 54_400
    m.run(end + 50)
    assert entries(m, EE_READY) == [end + 4]


def test_eeprom_survives_resets_and_power_on():
    """8.4: the EEPROM is non-volatile: its bytes survive an external reset, a watchdog reset
    and power cycling. ``Mcu.eeprom`` is a view of the kernel's copy."""
    m, ends = build(write_steps(5, 0x5A))
    m.run(ends[5] + 60_000)
    assert m.eeprom[5] == 0x5A
    assert np.shares_memory(m.eeprom, m.data) and m.data[EEPROM_BASE + 5] == 0x5A
    m.reset()
    m.reset(power_on=True)
    assert m.eeprom[5] == 0x5A and m.eeprom[4] == 0xFF


def test_eeprom_rw_firmware(firmware):
    """eeprom_rw (EEPROM library): prints FF x 8, writes A0..A7 (each write waits for the
    previous one: 8 x 54,400 cycles at least), reads them back; they survive a power cycle."""
    sim = Simulation.open(firmware("eeprom_rw"))
    sim.run_until(8 * 54_400)
    assert sim.mcu.eeprom[7] == 0xFF, "eight sequential writes cannot be done yet"
    sim.run_until(16_000_000)
    expected = b"before: FF FF FF FF FF FF FF FF\r\nafter: A0 A1 A2 A3 A4 A5 A6 A7\r\ndone\r\n"
    assert sim.serial_bytes() == expected
    sim.reset(power_on=True)
    sim.run_until(16_000_000)
    assert sim.serial_bytes().startswith(b"before: A0 A1 A2 A3 A4 A5 A6 A7\r\n")


# ---- watchdog -------------------------------------------------------------------------------


def test_watchdog_interrupt_mode_times_out_every_16ms_times_2_to_wdp():
    """11.9.2 tables 11-1/11-2: WDIE = 1, WDE = 0: interrupt mode; WDP = 0001: 4K oscillator
    cycles = 32 ms = 512,000 CPU cycles; WDIF (vector 6, cleared on entry) repeats; WDIE stays
    set. The count starts when the watchdog is switched on (the timed sequence's first write
    sets WDE)."""
    m, ends = build([(WDTCSR, WDCE | WDE), (WDTCSR, WDIE | 0x01), ("BSET", 7)], idle=True)
    on = ends[0]
    m.run(on + 3 * 512_000 + 100)
    assert entries(m, WDT_VECTOR) == [on + 512_000 * k + 8 for k in (1, 2, 3)]
    assert m.read(WDTCSR) == WDIE | 0x01


def test_wdr_restarts_the_watchdog_count():
    """11.8: the WDR instruction resets the watchdog timer: the next time-out is a full period
    after it."""
    m, ends = build([(WDTCSR, WDIE), 100, ("WDR",), ("BSET", 7)], idle=True)
    m.run(ends[2] + WDT_16MS + 100)
    assert entries(m, WDT_VECTOR) == [ends[2] + WDT_16MS + 8]


@pytest.mark.parametrize("gap, applied", [(0, True), (1, True), (2, False)])
def test_changing_wdp_or_clearing_wde_needs_the_timed_sequence(gap, applied):
    """11.9.2 WDCE: to clear WDE or change WDP, write WDCE = WDE = 1, then within four cycles
    the new value with WDCE = 0. Too late: WDP keeps its value and WDE stays set (here: the
    WDE = 1 of the first write leaves the watchdog in interrupt and reset mode, 16 ms)."""
    m, ends = build([(WDTCSR, WDCE | WDE), gap, (WDTCSR, WDIE | 0x01)], idle=True)
    on, second = ends[0], ends[2]
    assert (second - on <= 4) == applied
    if applied:
        assert flag_rises_at(m, WDTCSR, WDIF, on + 512_000)
        assert m.read(WDTCSR) & (WDE | WDIE) == WDIE
    else:
        assert flag_rises_at(m, WDTCSR, WDIF, on + WDT_16MS)
        assert m.read(WDTCSR) & (WDE | WDIE | 0x27) == WDE | WDIE


def test_wdp_cannot_change_without_wdce():
    """11.9.2: outside the timed sequence a write leaves WDP as it is (WDIE may be written)."""
    m, ends = build([(WDTCSR, WDIE), (WDTCSR, WDIE | 0x07)], idle=True)
    assert flag_rises_at(m, WDTCSR, WDIF, ends[0] + WDT_16MS)
    assert m.read(WDTCSR) & 0x27 == 0


def test_watchdog_reset_mode_resets_the_chip_and_sets_wdrf():
    """11.8 / 11.9.1: WDE = 1 (settable at any time), WDE = 0 written without the timed
    sequence is ignored; the time-out resets the chip: MCUSR.WDRF set (PORF kept), SRAM
    kept; after the reset WDE is forced on by WDRF with the 16 ms time-out, so the chip resets
    again 256,000 cycles later."""
    m, ends = build([(WDTCSR, WDE), (WDTCSR, 0)], idle=True)
    m.data[0x300] = 0x77
    m.run(ends[0] + WDT_16MS - 1)
    assert reset_entries(m) == []
    m.run(ends[0] + WDT_16MS)
    first = ends[0] + WDT_16MS
    assert reset_entries(m) == [first]
    assert m.read(MCUSR) == PORF | WDRF
    assert m.read(WDTCSR) == WDE
    assert m.data[0x300] == 0x77
    m.run(first + WDT_16MS + 10)
    assert reset_entries(m) == [first + WDT_16MS]


def test_timed_sequence_stops_the_watchdog():
    """11.9.2: WDCE | WDE, then 0 within four cycles: the watchdog is off."""
    m, _ = build([(WDTCSR, WDE), (WDTCSR, WDCE | WDE), (WDTCSR, 0)], idle=True)
    m.run(3 * WDT_16MS)
    assert reset_entries(m) == [] and m.read(WDTCSR) == 0


@pytest.mark.parametrize("clear_mcusr", [False, True])
def test_wdrf_forces_wde_until_mcusr_is_cleared(clear_mcusr):
    """11.9.2 WDE: "WDE is overridden by WDRF in MCUSR ... WDE is always set when WDRF is set.
    To clear WDE, WDRF must be cleared first." After a reset with WDRF set the watchdog runs in
    reset mode with the 16 ms time-out."""
    steps = [(MCUSR, 0)] if clear_mcusr else [3]
    m, _ = build([*steps, (WDTCSR, WDCE | WDE), (WDTCSR, 0)], idle=True)
    m.write(MCUSR, WDRF)
    m.reset()  # the reset button at cycle 0: MCUSR = WDRF | EXTRF
    assert m.read(MCUSR) == WDRF | EXTRF and m.read(WDTCSR) == WDE
    m.run(WDT_16MS + 10)
    assert reset_entries(m) == ([] if clear_mcusr else [WDT_16MS])


@pytest.mark.parametrize("rearm", [False, True])
def test_interrupt_and_reset_mode_first_interrupt_then_reset(rearm):
    """11.9.2 table 11-1: WDIE = WDE = 1: the first time-out sets WDIF; executing the vector
    clears WDIE (and WDIF), so the next time-out resets - unless the handler sets WDIE again."""
    handler = [("LDS", 20, WDTCSR), ("MOV", 21, 20)]
    if rearm:
        handler += [("ORI", 20, WDIE), ("STS", WDTCSR, 20)]
    m, ends = build(
        [(WDTCSR, WDIE | WDE), ("BSET", 7)], idle=True, handlers={WDT_VECTOR: handler + [("RETI",)]}
    )
    on = ends[0]
    m.run(on + 2 * WDT_16MS + 20)
    log = m.take_irq_log()
    enters = [(int(c), int(v)) for c, v, k, _ in log if k == 1]
    if rearm:
        assert enters == [(on + WDT_16MS + 8, WDT_VECTOR), (on + 2 * WDT_16MS + 8, WDT_VECTOR)]
    else:
        assert enters == [(on + WDT_16MS + 8, WDT_VECTOR), (on + 2 * WDT_16MS, RESET)]
        assert m.read(MCUSR) & WDRF
    assert m.reg(21) & (WDIF | WDIE | WDE) == WDE, "the handler sees WDIE and WDIF cleared"


def test_watchdog_interrupt_wakes_from_power_down():
    """10.5 / 11.8: the watchdog runs in power-down and its interrupt wakes the CPU; the
    crystal restarts (16K cycles with the Uno's fuses), then the response takes 4 + 4."""
    m, ends = build([(WDTCSR, WDIE), ("BSET", 7), (SMCR, 0x05), ("SLEEP",), 20])
    m.run(ends[0] + WDT_16MS - 1)
    assert m.sleeping
    m.run(ends[0] + WDT_16MS + 20_000)
    assert entries(m, WDT_VECTOR) == [ends[0] + WDT_16MS + 16_384 + 8]


def test_watchdog_reset_from_power_down_at_the_time_out():
    """11.8: in reset mode the time-out resets the chip even in power-down sleep."""
    m, ends = build([(WDTCSR, WDE), (SMCR, 0x05), ("SLEEP",), 20])
    m.run(ends[0] + WDT_16MS + 100)
    reset = ends[0] + WDT_16MS
    assert reset_entries(m) == [reset]
    assert m.sleep_since == reset + ends[2], "the program ran again from the reset vector"


# ---- committed firmware ---------------------------------------------------------------------


def test_watchdog_int_firmware_toggles_d13_every_64ms(firmware):
    """watchdog_int: WDIE | WDP1 (8K oscillator cycles = 64 ms = 1,024,000 cycles), the ISR
    toggles D13; WDIE stays set in interrupt mode, so it repeats."""
    sim = Simulation.open(firmware("watchdog_int"))
    sim.run_until(16_000_000 // 2)
    e = sim.interrupt_entries("WDT")
    assert len(e) == 7
    assert 1_024_000 < e[0] < 1_024_000 + 2_000
    assert all(abs(d - 1_024_000) <= 4 for d in np.diff(e))
    edges = sim.pin_trace("D13").edges()
    assert len(edges) == 7
    assert all(abs(d - 1_024_000) <= 4 for d in np.diff(edges))


def test_watchdog_reset_firmware_counts_boots(firmware):
    """watchdog_reset: boot 1 after power-on (MCUSR = PORF), then a watchdog reset every
    256 ms + start-up (MCUSR = WDRF; .noinit SRAM keeps the counter); D13 is released (input)
    at each reset."""
    sim = Simulation.open(firmware("watchdog_reset"))
    sim.run_until(16_000_000)
    text = sim.serial_bytes().decode()
    assert text.startswith(
        "boot 1 MCUSR=0x1\r\nboot 2 MCUSR=0x8\r\nboot 3 MCUSR=0x8\r\nboot 4 MCUSR=0x8\r\n"
    )
    resets = sim.interrupt_entries("RESET")
    resets = resets[resets > 0]
    assert len(resets) == 3
    assert 4_096_000 < resets[0] < 4_096_000 + 40_000
    gaps = np.diff(resets)
    assert len(set(gaps.tolist())) == 1 and 4_096_000 < gaps[0] < 4_096_000 + 40_000
    d13 = sim.pin_trace("D13")
    for r in resets:
        assert d13.level_at(int(r) - 1) == HIGH and d13.level_at(int(r)) != HIGH


def test_sleep_int0_firmware_wakes_from_power_down_once_per_press(firmware):
    """sleep_int0: power-down sleep, INT0 low level wakes (after the 16K-cycle crystal
    start-up, 10.5 / 7.7.1); each press toggles D13 once; nothing happens without input
    (Timer0 stops in power-down)."""
    sim = Simulation.open(firmware("sleep_int0"))
    sim.run_until(1_600_000)
    assert sim.status == "sleeping" and len(sim.pin_trace("D13").edges()) == 0
    presses = [1_600_000 + k * 800_000 for k in range(3)]
    for t in presses:
        sim.drive("D2", 0, at=t)
        sim.drive("D2", 1, at=t + 80_000)
    sim.run_until(4_000_000)
    assert [int(c) for c in sim.interrupt_entries("INT0")] == [t + 16_384 + 8 for t in presses]
    edges = sim.pin_trace("D13").edges()
    assert len(edges) == 3
    assert all(0 < e - t < 16_384 + 400 for e, t in zip(edges, presses, strict=True))
