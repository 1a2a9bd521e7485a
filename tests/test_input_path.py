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


# ---- other inputs fed by the port's levels (issue 16: "look for the same pattern elsewhere") -----
# Each test changes another pin of the same port on the same cycle as the input's event, one
# or two cycles before or after it, and in both orders of application.
NEIGHBOUR_DELAYS = [-2, -1, 0, 1, 2]
PORT_B = 0


def _apply(mcu, changes):
    """Apply (cycle, port, bit, level) in the listed order, each at its cycle (the kernel runs
    to it first), as Simulation.drive does for inputs given in that order."""
    for cycle, port, bit, level in sorted(changes, key=lambda c: c[0]):
        if cycle > mcu.cycle:
            mcu.run(cycle)
        mcu.drive_pin(port, bit, level, at=cycle)


def _both_orders(event, neighbour):
    return [[event, neighbour], [neighbour, event]]


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
def test_input_capture_is_not_lost_to_a_change_of_another_port_b_pin(delay, first):
    """16.6: a rising edge on ICP1 (D8 = PB0) with ICES1 = 1 copies TCNT1 into ICR1 and sets
    ICF1 on the cycle of the edge, whatever D9 (PB1) does in the same or the next cycles."""
    from test_timers import ICF, capture_mcu, icr1, last

    mcu, w = capture_mcu(0x41)  # ICES1, clk/1
    _apply(mcu, [(0, 0, 0, 0), (0, 0, 1, 0)])
    x = 500
    pair = _both_orders((x, 0, 0, 1), (x + delay, 0, 1, 1))[first]
    _apply(mcu, pair)
    mcu.run(x + 100)
    assert last(mcu, 1, ICF) == x
    assert icr1(mcu) == x - w


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
@pytest.mark.parametrize("timer, pin, other", [(0, 4, 5), (0, 4, 2), (1, 5, 4), (1, 5, 6)])
def test_external_clock_counts_every_edge_whatever_the_neighbour_does(
    timer, pin, other, delay, first
):
    """18.3: with CS = 7 every rising edge on T0 (D4) / T1 (D5) counts once, 3 cycles after
    the edge (synchroniser and edge detector), also when another port D pin changes in the
    same or the neighbouring cycles (T0 and T1 together: each has its own detector)."""
    from test_timers import TCCR0B, TCCR1B, TCNT0, TCNT1L, build, put, read_now

    mcu = build(put((TCCR0B, TCCR1B)[timer], 7))
    _apply(mcu, [(0, 2, pin, 0), (0, 2, other, 0)])
    tcnt = (TCNT0, TCNT1L)[timer]
    level = 0
    for k in range(6):
        x = 200 + 40 * k
        level ^= 1
        pair = _both_orders((x, 2, pin, level), (x + delay, 2, other, level))[first]
        _apply(mcu, pair)
        if level:  # a rising edge of the clock pin: counted 3 cycles later
            mcu.run(x + 2)
            before = read_now(mcu, tcnt)
            mcu.run(x + 3)
            assert read_now(mcu, tcnt) == before + 1, (k, before)
    mcu.run(500)
    assert read_now(mcu, tcnt) == 3


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
def test_miso_sample_sees_its_change_whatever_another_port_b_pin_does(delay, first):
    """19.4: as master (CPHA = 0) MISO (D12 = PB4) is sampled half a bit into each bit; a
    change of D8 (PB0) next to a MISO change made one cycle before the sample does not hide
    it, in either order of application."""
    from test_timers import build, ends, put

    from breadboard.avr.regs import SPCR, SPDR, SPSR

    main = put(SPCR, 0x53) + put(SPDR, 0)  # SPE | MSTR | clk/128: 128 cycles per bit
    mcu = build(main)
    start = ends(main)[-1]
    pattern = 0b10110010
    _apply(mcu, [(0, PORT_B, 4, 0), (0, PORT_B, 0, 0)])
    d8 = 0
    for k in range(8):
        at = start + 128 * k + 64 - 1
        d8 ^= 1
        pair = _both_orders((at, PORT_B, 4, pattern >> (7 - k) & 1), (at + delay, PORT_B, 0, d8))
        _apply(mcu, pair[first])
    mcu.run(start + 1100)
    assert mcu.peek(SPSR) & 0x80
    assert mcu.peek(SPDR) == pattern


@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
def test_usart_receives_every_frame_while_other_port_d_pins_change(delay):
    """20.7: the receiver takes its frames from RXD (D0 = PD0), here fed by the serial input
    queue; changes of D2-D7 at each bit boundary of the frames (and one or two cycles off)
    neither corrupt nor lose a byte."""
    from test_timers import build, ends, put
    from test_usart import usart_read

    from breadboard.avr.regs import UBRR0L, UCSR0A, UCSR0B, UDR0

    main = put(UBRR0L, 3) + put(UCSR0B, 0x10)  # 250 kbaud (64 cycles per bit), RXEN
    mcu = build(main)
    mcu.run(ends(main)[-1] + 10)
    start = 1000
    end = mcu.queue_serial_input(b"\x55", start, bit_cycles=64)
    level = 0
    for k in range(10):
        level ^= 1
        _apply(mcu, [(start + 64 * k + delay, PORT_D, b, level) for b in range(2, 8)])
    mcu.run(end + 10)
    assert mcu.peek(UCSR0A) & 0x80  # RXC0
    assert usart_read(mcu.data, mcu.st, UDR0, mcu.cycle) == 0x55


@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
def test_comparator_flag_is_not_lost_to_port_d_changes(delay):
    """23.3.1: with ACIS = 00 every change of the comparator output ACO sets ACI; AIN0 (D6)
    and AIN1 (D7) are analog inputs, so digital changes of D2-D7 on the same or the
    neighbouring cycles leave the comparison alone."""
    from analog_prog import build

    from breadboard.avr.regs import ACSR

    m, _ = build([10])
    m.set_comparator_input(1, 1.0)
    m.set_comparator_input(0, 0.5)
    m.run(300)
    m.write(ACSR, 0x10)  # clear ACI
    x = 400
    _apply(m, [(x + delay, PORT_D, b, 1) for b in range(2, 8)] if delay < 0 else [])
    m.run(x)
    m.set_comparator_input(0, 2.0, at=x)
    _apply(m, [(x + delay, PORT_D, b, 1) for b in range(2, 8)] if delay >= 0 else [])
    m.run(x + 20)
    assert m.read(ACSR) & 0x30 == 0x30  # ACO and ACI


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("delay", NEIGHBOUR_DELAYS)
def test_int0_flag_triggers_a_conversion_whatever_another_port_d_pin_does(delay, first):
    """24.9.4: ADTS = 010: the rising INTF0 of a rising edge on D2 starts a conversion (its
    ADIF 51 cycles later at clk/2), also with D3 changing in the same or the next cycles."""
    from analog_prog import build, flag_rises_at

    from breadboard.avr.regs import ADCSRA, ADCSRB, ADMUX

    m, ends = build([(EICRA, 3), (ADMUX, 0x40), (ADCSRB, 2), (ADCSRA, 0xA1), 100])
    _apply(m, [(0, PORT_D, 2, 0), (0, PORT_D, 3, 0)])
    m.run(ends[3] + 20)
    t = m.cycle
    _apply(m, _both_orders((t, PORT_D, 2, 1), (t + delay, PORT_D, 3, 1))[first])
    assert flag_rises_at(m, ADCSRA, 0x10, t + 51)
