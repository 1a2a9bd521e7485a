"""The input path per pin (issue 16): pin level -> synchroniser -> PINx, INT0/INT1 edge
detection (datasheet 13.1, 13.2.1) and pin-change flags (13.2.4-13.2.8), exact whatever else
changes on the same port in the same or the next cycles and in whatever order the changes
are applied."""

from __future__ import annotations

import numpy as np
import pytest

from breadboard.avr import isa
from breadboard.avr.regs import EICRA, EIMSK, PCICR, PCMSK0, PIND, PORTB, PORTD
from breadboard.firmware import Firmware
from breadboard.sim import Simulation

PORT_D = 2


def _program(main, handlers):
    words = [0] * 0x40
    body = []
    at = 0x40
    for ins in main:
        pc = at + len(body)
        body.extend(isa.encode(ins[0], *[pc if o == "$" else o for o in ins[1:]], pc=pc))
    end = at + len(body)
    for vec in range(26):
        target = at
        if vec in handlers:
            target = end
            for ins in handlers[vec]:
                w = isa.encode(*ins, pc=end)
                body.extend(w)
                end += len(w)
        words[2 * vec : 2 * vec + 2] = isa.encode("JMP", target)
    flash = np.full(16384, 0xFFFF, dtype=np.uint16)
    prog = words + body
    flash[: len(prog)] = prog
    return Firmware(path="<test>", format="hex", flash=flash, size=2 * len(prog), symbols={})


def _io(addr):
    return addr - 0x20


COUNT = {1: [("INC", 20), ("RETI",)], 2: [("INC", 21), ("RETI",)]}


def _extint_sim(eicra, pullups=0x0C, eimsk=3):
    """INT0 and INT1 enabled with ``eicra``; handlers count in r20 (INT0) and r21 (INT1)."""
    main = [
        ("LDI", 16, pullups), ("OUT", _io(PORTD), 16),
        ("LDI", 16, eicra), ("STS", EICRA, 16), ("LDI", 16, eimsk), ("OUT", _io(EIMSK), 16),
        ("BSET", 7), ("RJMP", "$"),
    ]  # fmt: skip
    sim = Simulation()
    sim.load(_program(main, COUNT))
    sim.run_until(100)
    return sim


def _trains(sim, schedule, start=1000, period=400):
    """Drive each (pin, delay, levels) train: the k-th level at start + k * period + delay,
    in the listed order (the order CLI inputs are given in)."""
    for pin, delay, levels in schedule:
        for k, lv in enumerate(levels):
            sim.drive(pin, lv, at=start + k * period + delay)
    sim.run_until(start + period * 20)
    return sim.mcu.reg(20), sim.mcu.reg(21)


FALL7 = [1, 0] * 7  # from the pulled-up high: 7 falling, 6 rising edges (13 changes)
RISE7 = [0, 1] * 7


@pytest.mark.parametrize(
    "first, delay",
    [("D2", 0), ("D3", 0), ("D2", 1), ("D2", 2), ("D3", 1), ("D3", 2), ("D2", 100)],
)
def test_int0_and_int1_each_have_their_own_edge_detector(first, delay):
    """13.1/13.2.1: INT0 (falling, D2) and INT1 (rising, D3) each flag their own edges, also
    when both pins switch at the same instant or one and two cycles apart, in either order of
    application (issue 16: INT0 0, 1 or 3 instead of 7)."""
    sim = _extint_sim(0b1110)  # ISC1 = 11 rising, ISC0 = 10 falling
    trains = {"D2": FALL7, "D3": RISE7}
    second = "D3" if first == "D2" else "D2"
    schedule = [(first, 0, trains[first]), (second, delay, trains[second])]
    assert _trains(sim, schedule) == (7, 7)


@pytest.mark.parametrize("order", ["D2 first", "D5 first"])
@pytest.mark.parametrize("delay", [0, 1, 2])
def test_int0_edges_survive_a_change_of_another_pin_of_port_d(order, delay):
    """13.2.1: a change on D5 (no interrupt) at the same time as, or 1-2 cycles after, INT0's
    edge does not erase it (issue 16: INT0 1 instead of 7)."""
    sim = _extint_sim(0b10, pullups=0x04)
    d2 = ("D2", 0, FALL7)
    d5 = ("D5", delay, RISE7)
    schedule = [d2, d5] if order == "D2 first" else [d5, d2]
    assert _trains(sim, schedule)[0] == 7


@pytest.mark.parametrize("mode, expected", [(0b01, 13), (0b10, 7), (0b11, 6)])
@pytest.mark.parametrize("n", [0, 1])
def test_every_edge_mode_counts_each_edge_with_the_neighbour_switching_too(n, mode, expected):
    """13.2.1 table 13-1/13-2: any change (01), falling (10), rising (11) edges of INT0/INT1
    are all flagged while the other INT pin switches at the same instant."""
    sim = _extint_sim(mode << (2 * n), eimsk=1 << n)
    me, other = ("D2", "D3") if n == 0 else ("D3", "D2")
    counts = _trains(sim, [(me, 0, FALL7), (other, 0, RISE7)])
    assert counts[n] == expected


@pytest.mark.parametrize("n", [0, 1])
def test_low_level_mode_requests_while_low_with_the_neighbour_switching(n):
    """13.2.1: ISC = 00, the low level requests the interrupt whatever the other pin does."""
    sim = _extint_sim(0)
    me, other = ("D2", "D3") if n == 0 else ("D3", "D2")
    sim.drive(other, 0, at=900)
    sim.drive(me, 0, at=900)
    sim.drive(other, 1, at=901)
    sim.run_until(2000)
    assert sim.mcu.reg(20 + n) > 5


@pytest.mark.parametrize("port, pins", [(0, ("D8", "D9")), (1, ("A0", "A1")), (2, ("D4", "D7"))])
@pytest.mark.parametrize("delay", [0, 1, 2])
def test_pin_change_flag_follows_each_enabled_pin(port, pins, delay):
    """13.2.4-13.2.8: a change on a pin enabled in PCMSKn sets PCIFn even when another pin of
    the port (not enabled) changes in the same or the next cycles."""
    vec = 3 + port
    main = [
        ("LDI", 16, 0xFF), ("OUT", _io(PORTB + 3 * port), 16),
        ("LDI", 16, 0x01 << ({0: 0, 1: 0, 2: 4}[port])), ("STS", PCMSK0 + port, 16),
        ("LDI", 16, 1 << port), ("STS", PCICR, 16), ("BSET", 7), ("RJMP", "$"),
    ]  # fmt: skip
    sim = Simulation()
    sim.load(_program(main, {vec: [("INC", 20), ("RETI",)]}))
    sim.run_until(100)
    assert _trains(sim, [(pins[0], 0, FALL7), (pins[1], delay, RISE7)])[0] == 13


def test_pind_reads_each_change_two_cycles_after_it():
    """14.2.4: PINx shows a change to an instruction completing two or more cycles after it,
    also with a second change on the port one cycle later."""
    main = [("IN", 17, _io(PIND))] * 8 + [("RJMP", "$")]
    sim = Simulation()
    sim.load(_program(main, {}))
    sim.run_until(3)
    mcu = sim.mcu
    seen = []
    c0 = mcu.cycle
    mcu.drive_pin(PORT_D, 2, 0, at=c0)
    mcu.drive_pin(PORT_D, 3, 0, at=c0)
    for _ in range(6):
        mcu.run(mcu.cycle + 1)
        if mcu.cycle == c0 + 1:
            mcu.drive_pin(PORT_D, 2, 1, at=c0 + 1)
        if mcu.cycle == c0 + 2:
            mcu.drive_pin(PORT_D, 3, 1, at=c0 + 2)
        seen.append((mcu.cycle, mcu.reg(17) & 0x0C))
    # read completing at c: the levels as of c - 2
    want = {c0 + 1: 0, c0 + 2: 0, c0 + 3: 0x04, c0 + 4: 0x0C, c0 + 5: 0x0C, c0 + 6: 0x0C}
    assert dict(seen) == want
