"""I/O ports (datasheet 14), external and pin-change interrupts (13), sleep modes (10)."""

from __future__ import annotations

import numpy as np
import pytest

from breadboard.avr import Mcu, isa
from breadboard.avr.regs import (
    DDRB,
    DDRD,
    EICRA,
    EIFR,
    EIMSK,
    MCUCR,
    PCICR,
    PCIFR,
    PCMSK0,
    PIND,
    PORTB,
    PORTD,
    SMCR,
)
from breadboard.sim import FLOATING, HIGH, LOW, Simulation

PORT_B, PORT_C, PORT_D = 0, 1, 2


def program(*instructions, handlers=None):
    """Flash words: a vector table (JMP to handlers by vector number), then main at 0x40."""
    words = [0] * 0x40
    handlers = handlers or {}
    body_at = 0x40
    main = []
    for ins in instructions:
        pc = body_at + len(main)
        ops = [pc if op == "$" else op for op in ins[1:]]  # "$": this instruction's address
        main.extend(isa.encode(ins[0], *ops, pc=pc))
    at = body_at + len(main)
    for vec in range(26):
        target = handlers.get(vec, body_at) if vec else body_at
        if vec in handlers:
            code = handlers[vec]
            target = at
            for ins in code:
                words_ = isa.encode(*ins, pc=at)
                main.extend(words_)
                at += len(words_)
        words[2 * vec : 2 * vec + 2] = isa.encode("JMP", target)
    return np.array(words + main, dtype=np.uint16)


def mcu_with(*instructions, handlers=None):
    """An Mcu that has executed the reset vector's JMP (3 cycles) and stands at main."""
    m = Mcu(program(*instructions, handlers=handlers))
    m.run(3)
    return m


def io(addr):
    return addr - 0x20


# ---- ports ------------------------------------------------------------------------------


def test_writing_one_to_pin_toggles_port():
    """Datasheet 14.2.2: writing a logic one to PINxn toggles PORTxn, independent of DDRxn."""
    m = mcu_with(("LDI", 16, 0x24), ("OUT", io(PIND), 16), ("OUT", io(PIND), 16), ("NOP",))
    m.run(m.cycle + 2)
    assert m.read(PORTD) == 0x24
    m.run(m.cycle + 1)
    assert m.read(PORTD) == 0x00


def test_input_with_port_bit_set_is_pulled_up_unless_pud():
    """14.2.1: PORTxn = 1 on an input activates the pull-up; MCUCR.PUD disables all of them."""
    m = mcu_with(("NOP",))
    m.write(PORTB, 0x01)
    m.drive_pin(PORT_B, 1, None)
    m.drive_pin(PORT_B, 0, None)
    assert m.pin_register(PORT_B) & 1 == 1
    m.write(MCUCR, 0x10)
    m.drive_pin(PORT_B, 0, None)  # re-evaluate
    assert m.pin_register(PORT_B) & 1 == 0


def test_pin_read_goes_through_the_synchronizer():
    """14.2.4, figure 14-4: a value written to PORTx is seen by `in PINx` only after a NOP."""
    body = [("LDI", 16, 0xFF), ("OUT", io(DDRD), 16), ("OUT", io(PORTD), 16)]
    m = mcu_with(*body, ("IN", 17, io(PIND)), ("NOP",), ("IN", 18, io(PIND)))
    m.run(m.cycle + 5)
    assert m.reg(17) == 0x00  # read right after the OUT: the old level
    m.run(m.cycle + 2)
    assert m.reg(18) == 0xFF  # one NOP later: the new level


def test_externally_driven_input_reads_its_level_and_releases_to_floating():
    sim = Simulation()
    sim.load(_fw(program(("RJMP", 0x40))))
    assert sim.pin_level("D7") == FLOATING
    sim.drive("D7", 1)
    assert sim.pin_level("D7") == HIGH
    assert sim.mcu.pin_register(PORT_D) & 0x80
    sim.drive("D7", 0)
    assert sim.pin_level("D7") == LOW
    sim.drive("D7", None)
    assert sim.pin_level("D7") == FLOATING


def _fw(words):
    from breadboard.firmware import Firmware

    flash = np.full(16384, 0xFFFF, dtype=np.uint16)
    flash[: len(words)] = words
    return Firmware(path="<test>", format="hex", flash=flash, size=2 * len(words), symbols={})


# ---- INT0 / INT1 ------------------------------------------------------------------------

INT0_COUNTER = [("INC", 20), ("RETI",)]


@pytest.mark.parametrize(
    "mode, edges, expected",
    [
        (0b01, [1, 0, 1], 3),  # any change
        (0b10, [1, 0, 1, 0], 2),  # falling
        (0b11, [1, 0, 1, 0], 2),  # rising
    ],
)
def test_int0_edge_modes_set_intf0(mode, edges, expected):
    """13.2.1 table 13-2: ISC01:00 = 01 any change, 10 falling, 11 rising edge."""
    m = mcu_with(
        ("LDI", 16, mode), ("STS", EICRA, 16), ("LDI", 16, 1), ("OUT", io(EIMSK), 16),
        ("BSET", 7), ("RJMP", "$"),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 0)
    m.run(100)
    for level in edges:
        m.drive_pin(PORT_D, 2, level)
        m.run(m.cycle + 200)
    assert m.reg(20) == expected


def test_int0_low_level_requests_again_after_every_reti_while_low():
    """13.2.1: a low level on INT0 keeps requesting; INTF0 stays clear in level mode; one main
    instruction runs between handler calls (7.7.1, RETI)."""
    m = mcu_with(
        ("LDI", 16, 1), ("OUT", io(EIMSK), 16), ("BSET", 7), ("INC", 21), ("RJMP", 0x43),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 1)
    m.run(50)
    assert m.reg(20) == 0
    m.drive_pin(PORT_D, 2, 0)
    before = m.reg(21)
    m.run(m.cycle + 1000)
    calls = m.reg(20)
    assert calls > 10
    assert m.read(EIFR) & 1 == 0
    # one main instruction (INC or RJMP, in turn) runs between handler calls
    assert abs(2 * (m.reg(21) - before) - calls) <= 2
    m.drive_pin(PORT_D, 2, 1)
    m.run(m.cycle + 50)
    settled = m.reg(20)
    m.run(m.cycle + 500)
    assert m.reg(20) == settled


def test_int0_handler_starts_four_cycles_after_the_edge_plus_the_rest_of_the_instruction():
    """7.7.1: the response is 4 cycles once the current instruction completes."""
    m = mcu_with(
        ("LDI", 16, 0b11), ("STS", EICRA, 16), ("LDI", 16, 1), ("OUT", io(EIMSK), 16),
        ("BSET", 7), ("NOP",), ("RJMP", "$"),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 0)
    m.run(30)
    m.take_irq_log()
    edge = m.cycle
    m.drive_pin(PORT_D, 2, 1)
    m.run(m.cycle + 40)
    log = m.take_irq_log()
    assert log[0, 1] == 1 and log[0, 0] == edge + 4


def test_pin_change_interrupt_flags_the_port_of_an_enabled_pin():
    """13.2.5-13.2.8: a change on a pin enabled in PCMSK0 sets PCIF0; others do not."""
    m = mcu_with(
        ("LDI", 16, 0x01), ("STS", PCMSK0, 16), ("STS", PCICR, 16), ("BSET", 7),
        ("RJMP", "$"),
        handlers={3: INT0_COUNTER},
    )  # fmt: skip
    m.run(50)
    m.drive_pin(PORT_B, 1, 1)  # PB1 not enabled
    m.run(m.cycle + 50)
    assert m.reg(20) == 0 and m.read(PCIFR) == 0
    m.drive_pin(PORT_B, 0, 1)  # PB0 = PCINT0
    m.run(m.cycle + 50)
    m.drive_pin(PORT_B, 0, 0)
    m.run(m.cycle + 50)
    assert m.reg(20) == 2


def test_output_pin_triggers_int0_like_a_software_interrupt():
    """13: the external interrupts trigger even if INT0 is configured as an output."""
    m = mcu_with(
        ("LDI", 16, 0b01), ("STS", EICRA, 16), ("LDI", 16, 1), ("OUT", io(EIMSK), 16),
        ("SBI", io(DDRD), 2), ("BSET", 7), ("SBI", io(PORTD), 2), ("NOP",), ("RJMP", "$"),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.run(100)
    assert m.reg(20) == 1


# ---- sleep --------------------------------------------------------------------------------


def test_power_down_is_woken_by_int0_low_level_after_the_oscillator_start_up():
    """10.5 + table 10-1: INT0 (level only) wakes power-down; the crystal start-up (16K CK
    with the Uno's fuses) and 4 more cycles precede the 4-cycle response (7.7.1)."""
    m = mcu_with(
        ("LDI", 16, 1), ("OUT", io(EIMSK), 16), ("LDI", 16, 0b101), ("OUT", io(SMCR), 16),
        ("BSET", 7), ("SLEEP",), ("INC", 21), ("RJMP", 0x46),
        handlers={1: [("INC", 20), ("LDI", 17, 0), ("OUT", io(EIMSK), 17), ("RETI",)]},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 1)
    m.run(1000)
    assert m.sleeping and m.reg(20) == 0
    m.take_irq_log()
    wake = m.cycle
    m.drive_pin(PORT_D, 2, 0)
    m.run(m.cycle + 20000)
    log = m.take_irq_log()
    assert log[0, 1] == 1 and log[0, 0] == wake + 16 * 1024 + 4 + 4
    assert m.reg(20) == 1 and m.reg(21) > 0


def test_power_down_ignores_int0_edges():
    """Table 10-1 note 3: in power-down only the INT0 level wakes; edges need the I/O clock."""
    m = mcu_with(
        ("LDI", 16, 0b11), ("STS", EICRA, 16), ("LDI", 16, 1), ("OUT", io(EIMSK), 16),
        ("LDI", 16, 0b101), ("OUT", io(SMCR), 16), ("BSET", 7), ("SLEEP",), ("RJMP", "$"),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 0)
    m.run(200)
    m.drive_pin(PORT_D, 2, 1)
    m.run(m.cycle + 40000)
    assert m.sleeping and m.reg(20) == 0


def test_idle_sleep_wakes_on_any_interrupt_with_four_extra_cycles():
    m = mcu_with(
        ("LDI", 16, 0b01), ("STS", EICRA, 16), ("LDI", 16, 1), ("OUT", io(EIMSK), 16),
        ("LDI", 16, 0b001), ("OUT", io(SMCR), 16), ("BSET", 7), ("SLEEP",), ("RJMP", "$"),
        handlers={1: INT0_COUNTER},
    )  # fmt: skip
    m.drive_pin(PORT_D, 2, 0)
    m.run(200)
    m.take_irq_log()
    t = m.cycle
    m.drive_pin(PORT_D, 2, 1)
    m.run(m.cycle + 100)
    assert m.take_irq_log()[0, 0] == t + 8


def test_port_and_ddr_of_an_unused_pin_do_not_reach_the_header():
    """PC6 is RESET and PC7 does not exist on the ATmega328P (28-pin)."""
    m = mcu_with(("NOP",))
    m.write(DDRB, 0)
    assert m.port_state(PORT_C)[1] & 0xC0 == 0
