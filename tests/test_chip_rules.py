"""Chip rules around the edges of the program: where SPM may run, where the PC goes after the
last flash word, and when a SLEEP with interrupts disabled is the end of the run.

References: ATmega328P datasheet (DS40002061), chapter 27 "Boot Loader Support - Read-While-
Write Self-Programming" (section "Application Section": "The SPM instruction is disabled when
executed from the Application section"; table "Boot Size Configuration, ATmega328P"), chapter
7 "AVR CPU Core" (the 14-bit program counter addresses the 16K words of flash), chapter 10
"Power Management and Sleep Modes", 11.8-11.9 "Watchdog Timer"; AVR Instruction Set Manual
(DS40002198) for the encodings and cycle counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from breadboard.avr import Mcu, isa
from breadboard.avr.regs import S_RESETS
from breadboard.avr.sysctl import BOOT_START
from breadboard.firmware import Firmware
from breadboard.sim import SLEEPING, STOPPED, Simulation

enc = isa.encode

FLASH_WORDS = 16384
LAST = FLASH_WORDS - 1
IO_SPMCSR, IO_SMCR = 0x37, 0x33
WDTCSR = 0x60
PGERS, PGWRT, SPMEN = 0x02, 0x04, 0x01
SE = 0x01
WDE, WDIE = 0x08, 0x40


def chip(code: dict[int, list[int]]) -> Mcu:
    """An Mcu with ``code`` = {word address: words} in otherwise erased flash."""
    flash = np.full(FLASH_WORDS, 0xFFFF, dtype=np.uint16)
    for at, words in code.items():
        for i, w in enumerate(words):
            flash[(at + i) % FLASH_WORDS] = w
    return Mcu(flash)


def stacked(mcu: Mcu) -> int:
    """The return address on top of the stack (high byte pushed last, at SP + 1)."""
    sp = mcu.sp
    return (int(mcu.data[sp + 1]) << 8) | int(mcu.data[sp + 2])


def program(*instructions: list[int]) -> list[int]:
    return [w for ins in instructions for w in ins]


# =============================================================================================
# SPM: only from the boot loader section (BOOTSZ = 11 on the Uno: words 0x3F00-0x3FFF)
# =============================================================================================

PAGE = 0x0080  # word address of the flash page under test (64-word pages)
PAGE_CONTENT = np.arange(0x1000, 0x1000 + 64, dtype=np.uint16)


def _spm_routine(command: int) -> list[int]:
    """Z -> the page; SPMCSR = command; SPM; then a RJMP to itself (stands still)."""
    z = PAGE * 2
    return program(
        enc("LDI", 30, z & 0xFF),
        enc("LDI", 31, z >> 8),
        enc("LDI", 16, command),
        enc("OUT", IO_SPMCSR, 16),
        enc("SPM"),
    )


def _run_spm_at(start: int, command: int) -> Mcu:
    code = _spm_routine(command)
    mcu = chip({start: code, PAGE: list(PAGE_CONTENT)})
    mcu.pc = start
    for _ in range(5):
        mcu.step()
    assert mcu.pc == start + 5 and not mcu.halted
    return mcu


def test_boot_section_is_the_last_256_words_with_the_uno_fuses():
    """Table "Boot Size Configuration, ATmega328P": BOOTSZ1:0 = 11 (the Uno's high fuse 0xDE)
    gives a 256-word boot loader section at word 0x3F00-0x3FFF."""
    assert BOOT_START == FLASH_WORDS - 256 == 0x3F00


def test_spm_page_erase_from_the_application_section_is_ignored():
    """Datasheet 27, "Application Section": the SPM instruction is disabled when executed from
    the Application section - the page keeps its contents."""
    mcu = _run_spm_at(0x0100, PGERS | SPMEN)
    assert np.array_equal(mcu.flash[PAGE : PAGE + 64], PAGE_CONTENT)
    assert mcu.data[0x57] & 0x3F == 0  # the SPMEN window closes unused


def test_spm_from_the_last_application_word_is_still_ignored():
    """Word 0x3EFF is the application section's last word: SPM there does nothing either."""
    mcu = _run_spm_at(BOOT_START - 5, PGERS | SPMEN)
    assert np.array_equal(mcu.flash[PAGE : PAGE + 64], PAGE_CONTENT)


def test_spm_page_erase_from_the_boot_section_erases_the_page():
    """Datasheet 27, "Performing a Page Erase by SPM": from the boot loader section SPM with
    PGERS | SPMEN erases the 64-word page Z points into."""
    mcu = _run_spm_at(BOOT_START, PGERS | SPMEN)
    assert np.all(mcu.flash[PAGE : PAGE + 64] == 0xFFFF)
    assert np.array_equal(mcu.flash[PAGE + 64 : PAGE + 128], np.full(64, 0xFFFF))


def test_spm_buffer_fill_and_page_write_from_the_application_section_are_ignored():
    """Datasheet 27, "Application Section": neither the temporary buffer fill nor the page
    write works from the application section; the same routine from the boot section writes
    the filled word, and the words not filled stay erased (a system reset erases the temporary
    buffer, datasheet 27 "Filling the Temporary Buffer")."""

    def fill_and_write() -> list[int]:
        z = PAGE * 2
        return program(
            enc("LDI", 30, z & 0xFF), enc("LDI", 31, z >> 8),
            enc("LDI", 16, 0x34), enc("MOV", 0, 16), enc("LDI", 16, 0x12), enc("MOV", 1, 16),
            enc("LDI", 16, SPMEN), enc("OUT", IO_SPMCSR, 16), enc("SPM"),  # fill word 0
            enc("LDI", 16, PGWRT | SPMEN), enc("OUT", IO_SPMCSR, 16), enc("SPM"),  # write
        )  # fmt: skip

    code = fill_and_write()
    erased = list(np.full(64, 0xFFFF, dtype=np.uint16))
    for start, written in ((0x0200, False), (BOOT_START + 0x10, True)):
        mcu = chip({start: code, PAGE: erased})
        mcu.pc = start
        for _ in range(12):
            mcu.step()
        assert mcu.pc == start + 12 and not mcu.halted
        want = 0x1234 if written else 0xFFFF
        assert int(mcu.flash[PAGE]) == want, hex(start)
        assert np.all(mcu.flash[PAGE + 1 : PAGE + 64] == 0xFFFF)


# =============================================================================================
# The program counter wraps at the end of flash (14-bit PC, 16K words)
# =============================================================================================


def test_pc_wraps_from_the_last_flash_word_to_zero():
    """Datasheet 7 (AVR CPU Core): the 14-bit PC addresses the 16K words of flash; the word
    after 0x3FFF is 0x0000. A NOP at 0x3FFF is followed by the instruction at 0."""
    mcu = chip({LAST: enc("NOP"), 0: program(enc("LDI", 16, 0x5A), enc("NOP"))})
    mcu.pc = LAST
    mcu.step()
    assert not mcu.halted and mcu.pc == 0 and mcu.cycle == 1
    mcu.step()
    assert mcu.data[16] == 0x5A and mcu.pc == 1 and mcu.cycle == 2
    assert mcu.instructions == 2


def test_running_through_the_last_word_at_full_speed_wraps():
    """The wrap costs no cycle: a run over the end of flash counts one cycle per NOP."""
    mcu = chip({LAST - 2: [0, 0, 0], 0: program(enc("NOP"), enc("RJMP", 1, pc=1))})
    mcu.pc = LAST - 2
    mcu.run(4)
    assert not mcu.halted and mcu.cycle == 4 and mcu.pc == 1 and mcu.instructions == 4


@pytest.mark.parametrize(
    "label, code, z, dest, pushed",
    [
        ("JMP 0x4000", enc("JMP", 0x4000), None, 0x0000, None),
        ("JMP 0x3F0012", enc("JMP", 0x3F0012), None, 0x0012, None),
        ("CALL 0x10000", enc("CALL", 0x10000), None, 0x0000, 0x0102),
        ("IJMP Z=0x4000", enc("IJMP"), 0x4000, 0x0000, None),
        ("IJMP Z=0xFFFF", enc("IJMP"), 0xFFFF, 0x3FFF, None),
        ("ICALL Z=0x4123", enc("ICALL"), 0x4123, 0x0123, 0x0101),
    ],
)
def test_a_jump_beyond_flash_wraps_modulo_16k_words(label, code, z, dest, pushed):
    """AVR Instruction Set Manual, JMP/CALL/IJMP/ICALL: PC <- k (or Z); the ATmega328P's PC
    has 14 bits (datasheet 7), so the bits above them are dropped: the target is taken modulo
    16K words, no halt."""
    mcu = chip({0x0100: code})
    mcu.pc = 0x0100
    if z is not None:
        mcu.data[30], mcu.data[31] = z & 0xFF, z >> 8
    mcu.step()
    assert not mcu.halted, label
    assert mcu.pc == dest, label
    if pushed is not None:
        assert stacked(mcu) == pushed, label


def test_ret_to_an_address_beyond_flash_wraps():
    """RET pops 16 bits; the 14-bit PC keeps the low 14: a stacked 0xFFFF returns to 0x3FFF."""
    mcu = chip({0x0100: enc("RET")})
    mcu.pc = 0x0100
    mcu.sp = 0x08FD
    mcu.data[0x08FE], mcu.data[0x08FF] = 0xFF, 0xFF
    mcu.step()
    assert not mcu.halted and mcu.pc == 0x3FFF and mcu.cycle == 4


def test_call_in_the_last_word_returns_to_word_one():
    """A CALL whose first word is the last flash word takes its second word from 0x0000 and
    pushes the return address 0x0001 (PC + 2, modulo 16K words)."""
    mcu = chip({LAST: enc("CALL", 0x0200)})
    mcu.pc = LAST
    mcu.step()
    assert mcu.pc == 0x0200 and mcu.cycle == 4
    assert stacked(mcu) == 0x0001


def test_rcall_in_the_last_word_returns_to_zero():
    """RCALL at 0x3FFF pushes PC + 1 = 0x0000."""
    mcu = chip({LAST: enc("RCALL", 0x0010, pc=LAST)})
    mcu.pc = LAST
    mcu.step()
    assert mcu.pc == 0x0010 and mcu.cycle == 3
    assert stacked(mcu) == 0x0000


def test_skip_in_the_last_word_over_a_two_word_instruction_at_zero():
    """SBRS at 0x3FFF skips the two-word instruction at 0x0000 (3 cycles) and lands on 2."""
    mcu = chip({LAST: enc("SBRS", 16, 0), 0: program(enc("LDS", 17, 0x0100), enc("NOP"))})
    mcu.pc = LAST
    mcu.data[16] = 0x01
    mcu.step()
    assert not mcu.halted and mcu.pc == 2 and mcu.cycle == 3


def test_lds_in_the_last_word_takes_its_address_from_word_zero():
    """A two-word LDS at 0x3FFF reads its second word at 0x0000 and continues at 0x0001."""
    mcu = chip({LAST: [enc("LDS", 17, 0)[0]], 0: [0x0123, 0x0000]})
    mcu.pc = LAST
    mcu.data[0x0123] = 0x77
    mcu.step()
    assert mcu.data[17] == 0x77 and mcu.pc == 1 and mcu.cycle == 2


def test_an_interrupt_taken_after_the_wrap_pushes_the_wrapped_pc():
    """Datasheet 7.7.1: the interrupt response pushes the PC; after the NOP at 0x3FFF that is
    0x0000 (a 14-bit PC has no 0x4000)."""
    mcu = chip({LAST: enc("NOP"), 0: enc("NOP"), 32: enc("NOP")})
    mcu.pc = LAST
    mcu.step()
    mcu.data[0x6E] = 0x01  # TIMSK0.TOIE0
    mcu.data[0x35] = 0x01  # TIFR0.TOV0: Timer0 overflow pending
    mcu.sreg = 0x80
    mcu.step()
    assert mcu.pc == 16 * 2 + 1 or mcu.pc == 16 * 2  # in the vector (its word may have run)
    assert stacked(mcu) == 0x0000


def test_erased_flash_word_is_still_undefined():
    """0xFFFF is not in the AVR Instruction Set Manual's opcode table (SBRS is 1111 111r rrrr
    0bbb: bit 3 must be 0), so running into erased flash halts naming the word; simavr runs it
    as SBRS r31, 7 (its decoder ignores bit 3), which the manual does not promise."""
    mcu = chip({0: enc("NOP")})
    mcu.step()
    mcu.step()
    assert mcu.halted and "0xffff" in mcu.halt_reason.lower()


# =============================================================================================
# SLEEP with I = 0: the end of the run only when nothing can wake the chip
# =============================================================================================


def _sleep_firmware(wdtcsr: int) -> Firmware:
    """cli; WDTCSR = wdtcsr; SMCR = SE (idle); sleep; rjmp back to sleep."""
    code = program(
        enc("BCLR", 7),
        enc("LDI", 16, wdtcsr),
        enc("STS", WDTCSR, 16),
        enc("LDI", 16, SE),
        enc("OUT", IO_SMCR, 16),
        enc("SLEEP"),
        enc("RJMP", 5, pc=6),
    )
    flash = np.full(FLASH_WORDS, 0xFFFF, dtype=np.uint16)
    flash[: len(code)] = code
    return Firmware(path="sleep.hex", format="hex", flash=flash, size=2 * len(code))


def test_sleep_with_interrupts_disabled_and_no_watchdog_stops_the_run():
    """Datasheet 10: with I = 0 no interrupt wakes the CPU; without a watchdog in reset mode
    only an external reset could, so the run ends "stopped" at the SLEEP."""
    sim = Simulation(_sleep_firmware(0))
    assert sim.run_until("100ms") == STOPPED
    assert sim.active_cycles < 20  # the run's figures end at the SLEEP


def test_sleep_with_interrupts_disabled_and_only_the_watchdog_interrupt_stops_the_run():
    """Datasheet 11.9.2, interrupt mode (WDE = 0, WDIE = 1): a time-out sets WDIF, which with
    I = 0 neither wakes the CPU nor resets it: the run ends "stopped"."""
    sim = Simulation(_sleep_firmware(WDIE))
    assert sim.run_until("100ms") == STOPPED


@pytest.mark.parametrize("wdtcsr", [WDE, WDE | WDIE], ids=["reset", "interrupt+reset"])
def test_sleep_with_interrupts_disabled_goes_on_while_the_watchdog_resets_the_chip(wdtcsr):
    """Datasheet 11.8-11.9, system reset mode (WDE = 1) and interrupt and system reset mode:
    the watchdog resets a chip asleep with I = 0 (every 16 ms with WDP = 0; in the combined
    mode after the second time-out, as WDIF is still set), so the run goes on to its end."""
    sim = Simulation(_sleep_firmware(wdtcsr))
    status = sim.run_until("100ms")
    assert status == SLEEPING
    assert sim.cycle >= sim.to_cycles("100ms")
    resets = int(sim.mcu.st[S_RESETS])
    per = 1 if wdtcsr == WDE else 2  # time-outs per reset (16 ms each)
    assert resets == 100 // (16 * per)
    assert sim.active_cycles == sim.cycle
