"""The interrupt controller of the ATmega328P kernel, rule by rule, to the cycle.

References (ATmega328P datasheet DS40002061):
- 7.7 "Reset and Interrupt Handling" and 7.7.1 "Interrupt Response Time"
- 8.5 "I/O Memory" (write-one-to-clear status flags; SBI/CBI on them)
- 10 "Power Management and Sleep Modes"
- 12 "Interrupts" (the vector table, priority = vector order)
and the AVR Instruction Set Manual entries for SEI, CLI, RETI and SLEEP.

These tests check the interrupt controller itself, apart from the peripherals that raise its
flags (their own tests cover those): they drive the interrupt lines through the flag and
enable registers, poked from outside with ``Mcu.write`` (which makes the kernel re-check its
interrupt lines) or written by the firmware with OUT/STS.

Program layout used throughout: word 0 ``JMP MAIN``; vector ``v`` (word ``2v``) holds
``JMP handler_addr(v)``; every handler defaults to ``INC r20; RETI``. Main programs count
their own instructions in r16 (``INC r16``), so the number of main instructions that ran
between two events is visible. From power-on: the reset ``JMP`` takes cycles 0-3, so the
first main instruction starts at cycle 3.
"""

from __future__ import annotations

import numpy as np
import pytest

from breadboard.avr import Mcu, isa
from breadboard.avr.regs import (
    ACSR,
    ADCSRA,
    CLEAR,
    EIFR,
    EIMSK,
    KEEP,
    N_VECTORS,
    PCIFR,
    RAMEND,
    READY,
    SMCR,
    TIFR0,
    TIFR1,
    TIFR2,
    TIMSK0,
    TWCR,
    UCSR0A,
    UCSR0B,
    VECTOR_BY_NAME,
    VECTOR_NAMES,
    VECTORS,
    WDTCSR,
)

MAIN = 0x100  # word address of the main program (high byte 0x01: checks the push order)
SUB = 0x200  # a subroutine for CALL/RCALL: INC r17; RET
HANDLER_BASE = 0x300
HANDLER_STRIDE = 0x20
IMAGE_WORDS = 0x800  # flash image; words not written are NOP
I_BIT = 0x80
ENTER, RETURN = 1, 0

INT0, TIMER0_OVF, USART_RX, USART_UDRE = 1, 16, 18, 19
DEFAULT_HANDLER = [("INC", 20), ("RETI",)]
#: Cycles from a default handler's entry stamp to its RETI's end: JMP 3 + INC 1 + RETI 4.
DEFAULT_HANDLER_CYCLES = 8
#: Main program used by most tests: SEI, then a long run of INC r16.
SEI_THEN_COUNT = [("BSET", 7)] + [("INC", 16)] * 200


def io(addr: int) -> int:
    """I/O-space address (for IN/OUT/SBI/CBI) of a data-space address."""
    return addr - 0x20


def handler_addr(vector: int) -> int:
    return HANDLER_BASE + HANDLER_STRIDE * vector


def assemble(origin: int, lines) -> list[int]:
    words: list[int] = []
    for name, *ops in lines:
        words += isa.encode(name, *ops, pc=origin + len(words))
    return words


def make_mcu(main, handlers=None, log_size: int = 1 << 12) -> Mcu:
    """A chip running ``main`` at MAIN, with a full vector table and one handler per vector."""
    handlers = handlers or {}
    image = np.zeros(IMAGE_WORDS, dtype=np.uint16)

    def place(origin, lines):
        words = assemble(origin, lines)
        image[origin : origin + len(words)] = words

    place(0, [("JMP", MAIN)])
    for v in range(1, N_VECTORS):
        place(2 * v, [("JMP", handler_addr(v))])
        body = handlers.get(v, DEFAULT_HANDLER)
        assert len(assemble(handler_addr(v), body)) <= HANDLER_STRIDE
        place(handler_addr(v), body)
    place(SUB, [("INC", 17), ("RET",)])
    main_words = assemble(MAIN, main)
    assert MAIN + len(main_words) <= SUB
    place(MAIN, main)
    return Mcu(image, log_size=log_size)


def irq_log(mcu: Mcu) -> list[tuple[int, int, int]]:
    """(cycle, vector, enter/return) rows; lost-event and interrupts-off rows left out."""
    return [tuple(int(x) for x in row[:3]) for row in mcu.take_irq_log() if row[2] in (0, 1)]


def pushed_return_address(mcu: Mcu, sp_before: int) -> int:
    """The word address pushed by an interrupt entry onto a stack that was at ``sp_before``.

    AVR pushes the low byte first (at SP, then SP-1 for the high byte): the high byte ends up
    at the lower address.
    """
    return (int(mcu.data[sp_before - 1]) << 8) | int(mcu.data[sp_before])


def request(mcu: Mcu, vector: int) -> None:
    """Make ``vector`` request service: its enable bit set, its flag set (or clear: READY)."""
    _, _, flag_addr, flag_bit, en_addr, en_bit, kind = VECTORS[vector - 1]
    if kind == READY:
        mcu.write(flag_addr, mcu.read(flag_addr) & ~(1 << flag_bit))
    else:
        mcu.write(flag_addr, mcu.read(flag_addr) | (1 << flag_bit))
    mcu.write(en_addr, mcu.read(en_addr) | (1 << en_bit))


def flag_set(mcu: Mcu, vector: int) -> bool:
    _, _, flag_addr, flag_bit, _, _, _ = VECTORS[vector - 1]
    return bool((mcu.read(flag_addr) >> flag_bit) & 1)


# ---------------------------------------------------------------------------------------------
# Rule 1: response time
# ---------------------------------------------------------------------------------------------


def test_interrupt_response_takes_four_cycles_pushes_pc_and_clears_i():
    """DS40002061 7.7.1: the response takes 4 cycles; the PC is pushed (2 bytes), SP drops by 2,
    I is cleared; then the vector's instruction (here JMP, 3 cycles) runs."""
    mcu = make_mcu(SEI_THEN_COUNT)
    mcu.run(10)  # JMP 0-3, SEI 3-4, six INC r16 4-10
    assert mcu.cycle == 10
    assert mcu.reg(16) == 6
    assert mcu.pc == MAIN + 7
    assert mcu.sp == RAMEND
    assert irq_log(mcu) == []

    request(mcu, TIMER0_OVF)  # accepted at the boundary at cycle 10
    mcu.step()  # enters the vector, then executes the JMP found there
    assert irq_log(mcu) == [(10 + 4, TIMER0_OVF, ENTER)]
    assert mcu.cycle == 10 + 4 + 3
    assert mcu.pc == handler_addr(TIMER0_OVF)
    assert mcu.reg(16) == 6, "no main instruction ran"
    assert mcu.sp == RAMEND - 2
    assert pushed_return_address(mcu, RAMEND) == MAIN + 7
    assert mcu.data[RAMEND] == (MAIN + 7) & 0xFF, "low byte pushed first, at the higher address"
    assert mcu.data[RAMEND - 1] == (MAIN + 7) >> 8, "high byte at the lower address"
    assert mcu.sreg & I_BIT == 0, "I cleared on entry"

    mcu.run(40)  # INC r20 17-18, RETI 18-22, then INC r16 22-40
    assert irq_log(mcu) == [(22, TIMER0_OVF, RETURN)]
    assert mcu.reg(20) == 1
    assert mcu.sp == RAMEND
    assert mcu.sreg & I_BIT
    assert mcu.reg(16) == 6 + 18
    assert mcu.cycle == 40


# ---------------------------------------------------------------------------------------------
# Rule 2: a multi-cycle instruction completes first
# ---------------------------------------------------------------------------------------------

MULTI_CYCLE = [
    # (instruction, cycles, PC after it, bytes it pushes)
    (("CALL", SUB), 4, SUB, 2),
    (("RCALL", SUB), 3, SUB, 2),
    (("RJMP", MAIN + 20), 2, MAIN + 20, 0),
    (("LDS", 17, 0x0100), 2, MAIN + 4, 0),
    (("ADIW", 24, 1), 2, MAIN + 3, 0),
    (("LPM",), 3, MAIN + 3, 0),
    (("PUSH", 17), 2, MAIN + 3, 1),
]


@pytest.mark.parametrize(
    "instr, cycles, next_pc, pushed", MULTI_CYCLE, ids=[m[0][0] for m in MULTI_CYCLE]
)
def test_multi_cycle_instruction_completes_before_interrupt(instr, cycles, next_pc, pushed):
    """DS40002061 7.7.1: "If an interrupt occurs during execution of a multi-cycle instruction,
    this instruction is completed before the interrupt is served." run() stops only at
    instruction boundaries, so asking for a cycle inside the instruction ends after it."""
    mcu = make_mcu([("BSET", 7), ("NOP",), instr] + [("INC", 16)] * 60)
    start = 5  # JMP 0-3, SEI 3-4, NOP 4-5
    mcu.run(start + 1)  # a cycle in the middle of the instruction
    assert mcu.cycle == start + cycles, "run() stopped inside an instruction"
    assert mcu.pc == next_pc
    sp_before = mcu.sp
    assert sp_before == RAMEND - pushed

    request(mcu, TIMER0_OVF)  # raised while the instruction was executing
    mcu.step()
    assert irq_log(mcu) == [(start + cycles + 4, TIMER0_OVF, ENTER)]
    assert mcu.sp == sp_before - 2
    assert pushed_return_address(mcu, sp_before) == next_pc

    mcu.run(60)
    assert irq_log(mcu) == [(start + cycles + 4 + DEFAULT_HANDLER_CYCLES, TIMER0_OVF, RETURN)]
    assert mcu.reg(20) == 1
    assert not mcu.halted, mcu.halt_reason


def test_interrupt_enabled_by_two_cycle_sts_is_served_after_it():
    """DS40002061 7.7: a 2-cycle STS that enables a pending interrupt completes, then the
    interrupt is served at the next boundary, returning to the instruction after the STS."""
    main = [("BSET", 7), ("NOP",), ("LDI", 24, 1), ("STS", TIMSK0, 24)] + [("INC", 16)] * 40
    mcu = make_mcu(main)
    mcu.write(TIFR0, 0x01)  # TOV0 pending, TOIE0 still 0
    mcu.run(40)
    # JMP 0-3, SEI 3-4, NOP 4-5, LDI 5-6, STS 6-8: accepted at 8, entry at 12
    log = irq_log(mcu)
    assert log[0] == (12, TIMER0_OVF, ENTER)
    assert log[1] == (12 + DEFAULT_HANDLER_CYCLES, TIMER0_OVF, RETURN)
    assert len(log) == 2
    assert pushed_return_address(mcu, RAMEND) == MAIN + 5
    assert mcu.reg(16) == 40 - 20


# ---------------------------------------------------------------------------------------------
# Rule 3: RETI
# ---------------------------------------------------------------------------------------------


def test_reti_takes_four_cycles_sets_i_and_one_main_instruction_runs_before_next_interrupt():
    """AVR Instruction Set Manual RETI (4 cycles, sets I) and DS40002061 7.7: "When the AVR exits
    from an interrupt, it will always return to the main program and execute one more
    instruction before any pending interrupt is served." INT0 and TIMER0_OVF both pending."""
    mcu = make_mcu(SEI_THEN_COUNT)
    request(mcu, INT0)
    request(mcu, TIMER0_OVF)
    mcu.run(5)  # JMP 0-3, SEI 3-4, INC r16 4-5 (the instruction after SEI)
    assert mcu.reg(16) == 1
    mcu.step()  # INT0 entry 5-9, JMP 9-12
    mcu.step()  # INC r20 12-13
    assert mcu.cycle == 13
    assert mcu.sreg & I_BIT == 0
    assert mcu.sp == RAMEND - 2

    mcu.step()  # RETI
    assert mcu.cycle == 13 + 4, "RETI takes 4 cycles"
    assert mcu.sreg & I_BIT, "RETI sets I"
    assert mcu.pc == MAIN + 2
    assert mcu.sp == RAMEND
    assert irq_log(mcu) == [(9, INT0, ENTER), (17, INT0, RETURN)]

    mcu.step()  # exactly one main instruction, although TIMER0_OVF is pending
    assert mcu.reg(16) == 2
    assert mcu.cycle == 18
    assert irq_log(mcu) == []

    mcu.step()
    assert irq_log(mcu) == [(22, TIMER0_OVF, ENTER)]
    assert pushed_return_address(mcu, RAMEND) == MAIN + 3
    assert mcu.reg(16) == 2


# ---------------------------------------------------------------------------------------------
# Rule 4: SEI
# ---------------------------------------------------------------------------------------------


def test_instruction_after_sei_runs_before_pending_interrupt():
    """DS40002061 7.7 / AVR Instruction Set Manual SEI: "The instruction following SEI will be
    executed before any pending interrupts." """
    main = [("INC", 16), ("INC", 16), ("BSET", 7)] + [("INC", 17)] * 40
    handlers = {TIMER0_OVF: [("MOV", 22, 17), ("INC", 20), ("RETI",)]}
    mcu = make_mcu(main, handlers)
    request(mcu, TIMER0_OVF)  # pending while I = 0
    mcu.run(30)
    # JMP 0-3, INC 3-4, INC 4-5, SEI 5-6, INC r17 6-7: accepted at 7, entry at 11
    assert irq_log(mcu) == [(11, TIMER0_OVF, ENTER), (11 + 3 + 1 + 1 + 4, TIMER0_OVF, RETURN)]
    assert mcu.reg(22) == 1, "exactly one instruction after SEI ran before the handler"
    assert mcu.reg(20) == 1
    assert pushed_return_address(mcu, RAMEND) == MAIN + 4


def test_sei_then_cli_does_not_serve_pending_interrupt():
    """AVR Instruction Set Manual SEI / DS40002061 7.7: because the instruction after SEI runs
    first, ``SEI; CLI`` lets no pending interrupt in (the atomic-sequence idiom)."""
    main = [("BSET", 7), ("BCLR", 7)] + [("INC", 16)] * 40
    mcu = make_mcu(main)
    request(mcu, INT0)
    request(mcu, TIMER0_OVF)
    mcu.run(30)  # JMP 0-3, SEI 3-4, CLI 4-5, INC r16 5-30
    assert irq_log(mcu) == []
    assert mcu.reg(16) == 25
    assert mcu.reg(20) == 0
    assert mcu.sreg & I_BIT == 0
    assert flag_set(mcu, INT0) and flag_set(mcu, TIMER0_OVF), "flags still pending"
    assert mcu.pending_vector() == INT0


# ---------------------------------------------------------------------------------------------
# Rule 5: priority and the vector table
# ---------------------------------------------------------------------------------------------


def test_lowest_vector_number_is_served_first():
    """DS40002061 12 / 7.7: "The lower the address the higher is the priority level." INT0 (1),
    TIMER0_OVF (16) and USART_RX (18) pending together are served in that order, with one main
    instruction after each RETI."""
    # RXC0 is not cleared by the hardware on entry: the handler turns RXCIE0 off.
    handlers = {USART_RX: [("LDI", 24, 0), ("STS", UCSR0B, 24), ("RETI",)]}
    mcu = make_mcu(SEI_THEN_COUNT, handlers)
    for v in (USART_RX, TIMER0_OVF, INT0):
        request(mcu, v)
    mcu.run(60)
    assert irq_log(mcu) == [
        (9, INT0, ENTER),  # SEI 3-4, INC 4-5, response 5-9
        (17, INT0, RETURN),
        (22, TIMER0_OVF, ENTER),  # INC 17-18, response 18-22
        (30, TIMER0_OVF, RETURN),
        (35, USART_RX, ENTER),  # INC 30-31, response 31-35
        (35 + 3 + 1 + 2 + 4, USART_RX, RETURN),
    ]
    assert mcu.reg(16) == 3 + (60 - 45)


@pytest.mark.parametrize("vector", range(1, N_VECTORS), ids=VECTOR_NAMES[1:])
def test_every_vector_is_entered_at_word_2v(vector):
    """DS40002061 12 (Table 12-6): vector v sits at word address 2v; its request (flag and
    enable, or for READY kinds the enable with the flag clear) leads there."""
    mcu = make_mcu(SEI_THEN_COUNT)
    mcu.run(10)
    assert mcu.pending_vector() == 0
    request(mcu, vector)
    assert mcu.pending_vector() == vector
    mcu.step()
    assert irq_log(mcu) == [(14, vector, ENTER)]
    # Only the JMP at word 2v leads to this handler.
    assert mcu.pc == handler_addr(vector)
    assert mcu.cycle == 17
    assert pushed_return_address(mcu, RAMEND) == MAIN + 7


# ---------------------------------------------------------------------------------------------
# Rule 6: flags cleared on entry (CLEAR) or kept (KEEP, READY)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", range(1, N_VECTORS), ids=VECTOR_NAMES[1:])
def test_flag_cleared_on_vector_entry_or_kept_by_kind(vector):
    """DS40002061 7.7 / 12: flags like TOV0, INTF0, ADIF are "cleared by hardware when executing
    the corresponding interrupt handling vector"; RXC0, UDRE0, TWINT stay set (as does the
    EE/SPM ready condition) and request again after RETI, one main instruction later."""
    _, name, flag_addr, flag_bit, en_addr, en_bit, kind = VECTORS[vector - 1]
    mcu = make_mcu(SEI_THEN_COUNT)
    mcu.run(10)
    request(mcu, vector)
    mcu.step()  # entry at 14, JMP 14-17
    assert irq_log(mcu) == [(14, vector, ENTER)]
    assert (mcu.read(en_addr) >> en_bit) & 1, "enable bit untouched"
    if kind == CLEAR:
        assert not flag_set(mcu, vector), f"{name}: flag not cleared on vector entry"
    elif kind == KEEP:
        assert flag_set(mcu, vector), f"{name}: flag must stay set until software acts"
    else:
        assert not flag_set(mcu, vector), f"{name}: ready condition changed"

    mcu.run(36)  # INC r20 17-18, RETI 18-22, INC r16 22-23, (again: 27 ... 35, INC 35-36)
    log = irq_log(mcu)
    if kind == CLEAR:
        assert log == [(22, vector, RETURN)]
        assert mcu.reg(16) == 6 + (36 - 22)
    else:
        assert log == [(22, vector, RETURN), (27, vector, ENTER), (35, vector, RETURN)]
        assert mcu.reg(16) == 6 + 2, "exactly one main instruction after each RETI"


def test_keep_flag_the_handler_leaves_set_requests_after_every_reti():
    """DS40002061 7.7 / 20 (USART): UDRE0 stays set while the buffer is empty; a handler that
    does not clear the request is re-entered after exactly one main instruction, forever."""
    main = [("LDI", 24, 0x20), ("STS", UCSR0B, 24), ("BSET", 7)] + [("INC", 16)] * 60
    mcu = make_mcu(main)
    assert mcu.read(UCSR0A) & 0x20, "UDRE0 set at reset"
    # JMP 0-3, LDI 3-4, STS 4-6, SEI 6-7, INC 7-8, entry 8-12, then a period of
    # 8 (handler) + 1 (main instruction) + 4 (response) = 13 cycles.
    mcu.run(12 + 13 * 5)
    log = irq_log(mcu)
    enters = [row for row in log if row[2] == ENTER]
    returns = [row for row in log if row[2] == RETURN]
    assert [row[0] for row in enters] == [12 + 13 * k for k in range(6)]
    assert [row[0] for row in returns] == [20 + 13 * k for k in range(5)]
    assert all(row[1] == USART_UDRE for row in log)
    assert mcu.reg(16) == 1 + 5
    assert mcu.reg(20) == 5


# ---------------------------------------------------------------------------------------------
# Rule 7: write-one-to-clear flag registers
# ---------------------------------------------------------------------------------------------

#: Flags the datasheet says are "cleared by writing a logic one to the flag".
W1C_FLAGS = [
    (TIFR0, 0),
    (TIFR0, 1),
    (TIFR0, 2),
    (TIFR1, 0),
    (TIFR1, 1),
    (TIFR1, 2),
    (TIFR1, 5),
    (TIFR2, 0),
    (TIFR2, 1),
    (TIFR2, 2),
    (EIFR, 0),
    (EIFR, 1),
    (PCIFR, 0),
    (PCIFR, 1),
    (PCIFR, 2),
    (WDTCSR, 7),
    (ADCSRA, 4),
    (ACSR, 4),
    (UCSR0A, 6),
    (TWCR, 7),
]


@pytest.mark.parametrize("addr, bit", W1C_FLAGS, ids=[f"{a:#04x}.{b}" for a, b in W1C_FLAGS])
def test_flag_registers_are_write_one_to_clear(addr, bit):
    """DS40002061 8.5 and each flag's description: writing 0 to a flag leaves it, writing 1
    clears it (STS from firmware; I = 0 and no enables, so nothing is served)."""
    main = [
        ("LDI", 24, 0),
        ("STS", addr, 24),
        ("LDI", 24, 1 << bit),
        ("STS", addr, 24),
    ] + [("NOP",)] * 4
    mcu = make_mcu(main)
    mcu.write(addr, 1 << bit)
    mcu.run(3 + 1 + 2)
    assert mcu.read(addr) == 1 << bit, "writing 0 must leave the flag set"
    mcu.run(3 + 1 + 2 + 1 + 2)
    assert mcu.read(addr) == 0, "writing 1 must clear the flag"
    assert irq_log(mcu) == []


def test_tifr0_write_one_clears_only_the_written_flags():
    """DS40002061 15.9.7 TIFR0 / 8.5: OUT TIFR0 with 0 leaves TOV0; with bit 0 set clears TOV0
    and leaves OCF0A and OCF0B."""
    main = [
        ("LDI", 24, 0x00),
        ("OUT", io(TIFR0), 24),
        ("LDI", 24, 0x01),
        ("OUT", io(TIFR0), 24),
        ("LDI", 24, 0x04),
        ("OUT", io(TIFR0), 24),
    ] + [("NOP",)] * 4
    mcu = make_mcu(main)
    mcu.write(TIFR0, 0x07)
    mcu.run(5)
    assert mcu.read(TIFR0) == 0x07
    mcu.run(7)
    assert mcu.read(TIFR0) == 0x06
    mcu.run(9)
    assert mcu.read(TIFR0) == 0x02


#: The flag bits of each flag register in the SBI/CBI-reachable I/O space (0x00-0x1F).
LOW_IO_FLAG_REGISTERS = [(TIFR0, 0x07), (TIFR1, 0x27), (TIFR2, 0x07), (EIFR, 0x03), (PCIFR, 0x07)]


@pytest.mark.parametrize(
    "reg, flags", LOW_IO_FLAG_REGISTERS, ids=[f"{a:#04x}" for a, _ in LOW_IO_FLAG_REGISTERS]
)
def test_sbi_cbi_on_a_flag_register_act_only_on_their_bit(reg, flags):
    """DS40002061 8.5 "I/O Memory": "unlike most other AVRs, the CBI and SBI instructions will
    only operate on the specified bit, and can therefore be used on registers containing such
    Status Flags." So SBI TIFR0,0 clears only TOV0, and CBI (writing a 0) clears nothing."""
    main = [("CBI", io(reg), 1), ("SBI", io(reg), 0)] + [("NOP",)] * 4
    mcu = make_mcu(main)
    mcu.write(reg, flags)
    mcu.run(3 + 2)  # CBI 3-5
    assert mcu.read(reg) == flags, (
        f"KERNEL BUG: CBI {io(reg):#04x},1 on a flag register must write only bit 1 (a 0: no "
        f"effect); {flags:#04x} became {mcu.read(reg):#04x}: the kernel writes the whole "
        "register back (read-modify-write), so every other set flag is written as a 1 and cleared"
    )
    mcu.write(reg, flags)
    mcu.run(3 + 2 + 2)  # SBI 5-7
    assert mcu.read(reg) == flags & ~0x01, (
        f"KERNEL BUG: SBI {io(reg):#04x},0 must clear only bit 0; {flags:#04x} became "
        f"{mcu.read(reg):#04x}: the kernel writes every set flag back as a 1, clearing them all"
    )


# ---------------------------------------------------------------------------------------------
# Rule 8: I and the enable bits gate service
# ---------------------------------------------------------------------------------------------


def test_pending_interrupt_is_served_only_once_i_is_set():
    """DS40002061 7.7: interrupts are served only while the Global Interrupt Enable bit is set;
    a flag raised while I = 0 is remembered and served after SEI (plus one instruction)."""
    main = [("INC", 16)] * 10 + [("BSET", 7), ("INC", 17)] + [("INC", 16)] * 40
    mcu = make_mcu(main)
    request(mcu, TIMER0_OVF)
    mcu.run(13)  # JMP 0-3, ten INC 3-13
    assert irq_log(mcu) == []
    assert mcu.reg(16) == 10
    assert flag_set(mcu, TIMER0_OVF)
    mcu.run(40)  # SEI 13-14, INC r17 14-15, entry 15-19
    assert irq_log(mcu) == [(19, TIMER0_OVF, ENTER), (27, TIMER0_OVF, RETURN)]
    assert mcu.reg(17) == 1
    assert pushed_return_address(mcu, RAMEND) == MAIN + 12


def test_disabled_interrupt_is_never_served():
    """DS40002061 7.7 / 12: a flag whose enable bit is 0 is never served, even with I = 1;
    it is served as soon as its enable bit is set."""
    mcu = make_mcu(SEI_THEN_COUNT)
    for v in range(1, N_VECTORS):  # every flag set, every enable clear
        _, _, flag_addr, flag_bit, _, _, kind = VECTORS[v - 1]
        if kind != READY:
            mcu.write(flag_addr, mcu.read(flag_addr) | (1 << flag_bit))
    mcu.run(150)
    assert irq_log(mcu) == []
    assert mcu.pending_vector() == 0
    assert mcu.reg(16) == 150 - 4
    assert mcu.sreg & I_BIT

    mcu.write(TIMSK0, 0x01)
    mcu.step()
    assert irq_log(mcu) == [(154, TIMER0_OVF, ENTER)]


# ---------------------------------------------------------------------------------------------
# Rule 9: nesting
# ---------------------------------------------------------------------------------------------


def test_handler_that_executes_sei_can_be_interrupted():
    """DS40002061 7.7: "The user software can write logic one to the I-bit to enable nested
    interrupts." The instruction after the handler's SEI runs first; the RETIs unwind in order."""
    handlers = {
        TIMER0_OVF: [
            ("LDI", 24, 0x01),
            ("OUT", io(EIMSK), 24),  # enable INT0 (its flag is already set); I is 0 here
            ("BSET", 7),
            ("INC", 21),
            ("INC", 21),
            ("RETI",),
        ],
        INT0: [("MOV", 22, 21), ("INC", 20), ("RETI",)],
    }
    mcu = make_mcu(SEI_THEN_COUNT, handlers)
    request(mcu, TIMER0_OVF)
    mcu.write(EIFR, 0x01)  # INTF0 set, INT0 not enabled yet
    mcu.run(50)
    assert irq_log(mcu) == [
        (9, TIMER0_OVF, ENTER),  # SEI 3-4, INC 4-5, response 5-9, JMP 9-12
        (20, INT0, ENTER),  # LDI 12-13, OUT 13-14, SEI 14-15, INC r21 15-16, response 16-20
        (29, INT0, RETURN),  # JMP 20-23, MOV 23-24, INC 24-25, RETI 25-29
        (34, TIMER0_OVF, RETURN),  # INC r21 29-30, RETI 30-34
    ]
    assert mcu.reg(22) == 1, "one instruction after the handler's SEI ran before nesting"
    assert mcu.reg(21) == 2
    assert mcu.sp == RAMEND
    assert mcu.sreg & I_BIT
    assert mcu.reg(16) == 1 + (50 - 34)


# ---------------------------------------------------------------------------------------------
# Rule 10: SLEEP
# ---------------------------------------------------------------------------------------------

SLEEP_MAIN = [("LDI", 24, 0x01), ("OUT", io(SMCR), 24), ("BSET", 7), ("SLEEP",)] + [
    ("INC", 16)
] * 40
AFTER_SLEEP = MAIN + 4


def test_sleep_stops_until_an_interrupt_wakes_with_eight_cycle_response():
    """DS40002061 10 and 7.7.1: SLEEP with SE = 1 halts the CPU; an enabled interrupt wakes it,
    the response takes 4 extra cycles (8 in all), and after RETI execution resumes at the
    instruction following SLEEP."""
    mcu = make_mcu(SLEEP_MAIN)
    mcu.write(TIMSK0, 0x01)
    mcu.run(100)  # JMP 0-3, LDI 3-4, OUT 4-5, SEI 5-6, SLEEP 6-7, asleep from 7
    assert mcu.sleeping
    assert mcu.cycle == 100, "cycles advance while asleep"
    assert mcu.instructions == 5, "no instruction executes while asleep"
    assert mcu.pc == AFTER_SLEEP
    mcu.run(250)
    assert mcu.cycle == 250 and mcu.instructions == 5 and mcu.sleeping

    request(mcu, TIMER0_OVF)  # the wake event, at cycle 250
    mcu.step()
    assert not mcu.sleeping
    assert irq_log(mcu) == [(250 + 8, TIMER0_OVF, ENTER)]
    assert mcu.cycle == 258 + 3
    assert pushed_return_address(mcu, RAMEND) == AFTER_SLEEP

    mcu.run(280)  # INC r20 261-262, RETI 262-266, INC r16 266-280
    assert irq_log(mcu) == [(266, TIMER0_OVF, RETURN)]
    assert mcu.reg(16) == 14
    assert mcu.pc == AFTER_SLEEP + 14
    assert not mcu.sleeping


def test_sei_then_sleep_sleeps_before_a_pending_interrupt():
    """DS40002061 7.7 (code example "sei; sleep ; enter sleep, waiting for interrupt; note: will
    enter sleep before any pending interrupt(s)") with the 4 + 4 cycle wake-up response."""
    mcu = make_mcu(SLEEP_MAIN)
    request(mcu, TIMER0_OVF)
    mcu.run(40)  # SLEEP 6-7 runs as the instruction after SEI; woken at once: entry 7+8
    assert irq_log(mcu) == [(15, TIMER0_OVF, ENTER), (23, TIMER0_OVF, RETURN)]
    assert pushed_return_address(mcu, RAMEND) == AFTER_SLEEP
    assert mcu.reg(16) == 40 - 23
    assert not mcu.sleeping


def test_sleep_with_se_clear_is_a_nop():
    """DS40002061 10.11.1 SMCR: "The SE bit must be written to logic one to make the MCU enter
    the sleep mode when the SLEEP instruction is executed." Without it SLEEP is a 1-cycle NOP."""
    mcu = make_mcu([("SLEEP",)] + [("INC", 16)] * 40)
    mcu.run(20)  # JMP 0-3, SLEEP 3-4, INC 4-20
    assert not mcu.sleeping
    assert mcu.reg(16) == 16
    assert mcu.instructions == 18


def test_sleep_with_i_clear_never_wakes():
    """DS40002061 10 / 7.7: only an interrupt that can be served wakes the CPU; with I = 0 the
    CPU sleeps forever even though an enabled interrupt is requesting."""
    main = [("LDI", 24, 0x01), ("OUT", io(SMCR), 24), ("SLEEP",)] + [("INC", 16)] * 40
    mcu = make_mcu(main)
    request(mcu, TIMER0_OVF)
    mcu.run(100)
    assert mcu.sleeping
    assert mcu.cycle == 100
    assert mcu.instructions == 4
    request(mcu, INT0)
    mcu.run(1000)
    assert mcu.sleeping
    assert mcu.cycle == 1000
    assert mcu.instructions == 4
    assert irq_log(mcu) == []
    assert mcu.reg(16) == 0


# ---------------------------------------------------------------------------------------------
# Rule 11: slice boundaries are invisible
# ---------------------------------------------------------------------------------------------


def test_sei_and_reti_delay_holds_across_a_run_slice_boundary():
    """DS40002061 7.7 (SEI / RETI: one more instruction first) must not depend on where run()
    slices end: stop exactly at the cycle after SEI, and exactly after RETI, then continue."""
    handlers = {
        INT0: [("MOV", 22, 16), ("INC", 20), ("RETI",)],
        TIMER0_OVF: [("MOV", 23, 16), ("INC", 20), ("RETI",)],
    }
    mcu = make_mcu(SEI_THEN_COUNT, handlers)
    request(mcu, INT0)
    request(mcu, TIMER0_OVF)
    mcu.run(4)  # JMP 0-3, SEI 3-4: the slice ends right after SEI
    assert mcu.cycle == 4
    assert mcu.sreg & I_BIT
    assert irq_log(mcu) == []
    mcu.run(18)  # INC 4-5, INT0 entry 5-9, JMP, MOV, INC, RETI 14-18
    assert mcu.cycle == 18
    assert irq_log(mcu) == [(9, INT0, ENTER), (18, INT0, RETURN)]
    assert mcu.reg(22) == 1
    mcu.run(60)  # INC 18-19, TIMER0_OVF entry 19-23
    assert irq_log(mcu) == [(23, TIMER0_OVF, ENTER), (32, TIMER0_OVF, RETURN)]
    assert mcu.reg(23) == 2


NESTED_PROGRAM_HANDLERS = {
    TIMER0_OVF: [
        ("LDI", 24, 0x01),
        ("OUT", io(EIMSK), 24),
        ("BSET", 7),
        ("INC", 21),
        ("INC", 21),
        ("RETI",),
    ],
    INT0: [("MOV", 22, 21), ("LDI", 25, 0x20), ("STS", UCSR0B, 25), ("RETI",)],
    # UDRE0 stays set: served three times, one main instruction apart, then disabled.
    USART_UDRE: [
        ("INC", 23),
        ("CPI", 23, 3),
        ("BRBC", 1, handler_addr(USART_UDRE) + 6),  # BRNE to the RETI
        ("LDI", 25, 0x00),
        ("STS", UCSR0B, 25),
        ("RETI",),
    ],
}
SLICED_END = 110


def _nested_program() -> Mcu:
    main = [("NOP",), ("BSET", 7), ("CALL", SUB)] + [("INC", 16), ("ADIW", 26, 1)] * 40
    mcu = make_mcu(main, NESTED_PROGRAM_HANDLERS, log_size=256)
    request(mcu, TIMER0_OVF)
    mcu.write(EIFR, 0x01)
    return mcu


def _snapshot(mcu: Mcu):
    return (
        mcu.cycle,
        mcu.pc,
        mcu.sp,
        mcu.sreg,
        mcu.instructions,
        bytes(mcu.data[:0x100]),
        bytes(mcu.data[RAMEND - 15 : RAMEND + 1]),
        irq_log(mcu),
    )


def test_run_slice_boundaries_are_invisible():
    """DS40002061 7.7 / 7.7.1: interrupt timing is a property of the program, not of how the
    simulation is sliced: splitting the run at every cycle, or stepping, gives identical logs."""
    ref = _nested_program()
    ref.run(SLICED_END)
    expected = _snapshot(ref)
    log = expected[-1]
    # Sanity: the program exercises nesting and KEEP re-entry.
    assert [v for _, v, e in log if e == ENTER] == [TIMER0_OVF, INT0, USART_UDRE] + [USART_UDRE] * 2
    assert log[-1][0] < SLICED_END - 5

    for split in range(1, SLICED_END):
        mcu = _nested_program()
        mcu.run(split)
        mcu.run(SLICED_END)
        got = _snapshot(mcu)
        assert got == expected, f"run({split}) then run({SLICED_END}) differs from one run"

    mcu = _nested_program()
    while mcu.cycle < SLICED_END:
        mcu.step()
    assert _snapshot(mcu) == expected, "stepping differs from one run"


# ---------------------------------------------------------------------------------------------
# Rule 12: the vector names
# ---------------------------------------------------------------------------------------------


def test_vector_names_follow_the_datasheet_table():
    """DS40002061 12, Table 12-6 "Reset and Interrupt Vectors in ATmega328P": 26 vectors."""
    assert len(VECTOR_NAMES) == 26 == N_VECTORS
    assert VECTOR_NAMES[0] == "RESET"
    assert VECTOR_NAMES[1] == "INT0"
    assert VECTOR_NAMES[16] == "TIMER0_OVF"
    assert VECTOR_NAMES[18] == "USART_RX"
    assert VECTOR_NAMES[25] == "SPM_READY"
    assert [v[0] for v in VECTORS] == list(range(1, 26))
    assert all(VECTOR_BY_NAME[name] == i for i, name in enumerate(VECTOR_NAMES))
