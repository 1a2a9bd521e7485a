"""USART0 (ATmega328P datasheet DS40002061B section 20), asynchronous mode, to the cycle.

Register-level rules are checked through the module's contract functions (``usart_write`` /
``usart_read`` / ``usart_update`` at chosen cycles, as the kernel calls them); the interrupt
rules through small programs on the CPU; the whole through the committed firmware
(serial_hello, serial_echo, attach_falling) and ``breadboard run --serial/--serial-in``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from breadboard.avr import Mcu, isa
from breadboard.avr import usart as u
from breadboard.avr.jit import door
from breadboard.avr.regs import (
    DDRD,
    PORTD,
    RX_QUEUE_LEN,
    UBRR0H,
    UBRR0L,
    UCSR0A,
    UCSR0B,
    UCSR0C,
    UDR0,
    VECTOR_BY_NAME,
)
from breadboard.cli import main, parse_escapes
from breadboard.sim import Simulation

usart_read, usart_write, usart_update = (
    door(u.usart_read),
    door(u.usart_write),
    door(u.usart_update),
)
TXEN, RXEN, UCSZ2, TXB8, RXB8 = u.TXEN, u.RXEN, u.UCSZ2, u.TXB8, u.RXB8
RXC, TXC, UDRE, FE, DOR, UPE, U2X = u.RXC, u.TXC, u.UDRE, u.FE, u.DOR, u.UPE, u.U2X
PORT_D = 2


class Usart:
    """USART0 of a fresh chip, driven through the module's contract functions."""

    def __init__(self) -> None:
        self.m = Mcu()
        self.m.take_pin_log()

    def write(self, addr: int, value: int, cycle: int) -> None:
        self.update(cycle)
        m = self.m
        usart_write(m.data, m.st, addr, value, cycle, m.pin_log, m.uart_log)

    def read(self, addr: int, cycle: int) -> int:
        self.update(cycle)
        return int(usart_read(self.m.data, self.m.st, addr, cycle))

    def update(self, cycle: int) -> int:
        m = self.m
        return int(usart_update(m.data, m.st, cycle, m.pin_log, m.uart_log))

    def flags(self, cycle: int) -> int:
        """UCSR0A as the kernel holds it after processing everything due by ``cycle``."""
        self.update(cycle)
        return int(self.m.data[UCSR0A])

    def txd(self, cycle: int | None = None) -> list[tuple[int, int]]:
        """(cycle, level) of every change of PD1 as driven (output), up to ``cycle``."""
        if cycle is not None:
            self.update(cycle)
        rows = self.m.take_pin_log()
        out, level = [], None
        for cycle, port, value, ddr, _ in rows:
            if port != PORT_D or not (ddr >> 1) & 1:
                continue
            lv = (int(value) >> 1) & 1
            if lv != level:
                out.append((int(cycle), lv))
                level = lv
        return out

    def sent(self) -> list[tuple[int, int]]:
        return [(int(c), int(b)) for c, b in self.m.take_uart_log()]

    def setup(self, ubrr=3, u2x=False, ucsr0c=0x06, ucsr0b=TXEN | RXEN, at=0):
        self.write(UBRR0H, ubrr >> 8, at)
        self.write(UBRR0L, ubrr & 0xFF, at)
        self.write(UCSR0A, U2X if u2x else 0, at)
        self.write(UCSR0C, ucsr0c, at)
        self.write(UCSR0B, ucsr0b, at)
        return self


def frame_levels(value: int, data_bits: int, parity: str | None, stop_bits: int) -> list[int]:
    """The line levels of one frame, bit by bit (datasheet 20.4, figure 20-4)."""
    bits = [0] + [(value >> i) & 1 for i in range(data_bits)]
    if parity is not None:
        p = sum(bits[1:]) & 1
        bits.append(p if parity == "even" else p ^ 1)
    return bits + [1] * stop_bits


def changes(levels: list[int], start: int, bit: int) -> list[tuple[int, int]]:
    out, prev = [], 1
    for i, lv in enumerate(levels):
        if lv != prev:
            out.append((start + i * bit, lv))
            prev = lv
    return out


# ---- 20.3 clock generation, 20.4 frame formats, 20.6 transmitter ----------------------------


@pytest.mark.parametrize(
    "ubrr, u2x, bit",
    [(3, False, 64), (3, True, 32), (0, True, 8), (207, True, 1664), (0x123, False, 16 * 0x124)],
)
def test_bit_time_is_16_times_ubrr_plus_1_or_8_times_with_u2x(ubrr, u2x, bit):
    """20.3.1 table 20-1: fbaud = fosc / (16 (UBRR0 + 1)), / (8 (UBRR0 + 1)) with U2X0 (12-bit
    UBRR0 = UBRR0H:UBRR0L). An 8N1 frame of 0x00 holds TXD low for 9 bits; TXC0 is set at its
    end, 10 bit times after the write."""
    s = Usart().setup(ubrr=ubrr, u2x=u2x, at=100)
    s.txd()
    s.write(UDR0, 0x00, 1000)
    assert s.txd(1000) == [(1000, 0)]
    assert s.flags(1000 + 10 * bit - 1) & TXC == 0
    assert s.flags(1000 + 10 * bit) & TXC
    assert s.txd() == [(1000 + 9 * bit, 1)]
    assert s.sent() == [(1000, 0x00)]
    assert s.m.serial_config()["bit_cycles"] == bit


FORMATS = [
    # UCSR0C, UCSZ02, value, data bits, parity, stop bits
    (0x06, 0, 0x55, 8, None, 1),  # 8N1
    (0x00, 0, 0x13, 5, None, 1),  # 5N1: only 5 bits go out
    (0x02, 0, 0x2A, 6, None, 1),  # 6N1
    (0x24 | 0x08, 0, 0x41, 7, "even", 2),  # 7E2
    (0x36, 0, 0x07, 8, "odd", 1),  # 8O1
    (0x26, 0, 0xFF, 8, "even", 1),  # 8E1
    (0x06 | 0x08, 1, 0x1A5, 9, None, 2),  # 9N2: the 9th bit from TXB80
]


@pytest.mark.parametrize("ucsr0c, ucsz2, value, nd, parity, stop", FORMATS)
def test_frame_is_start_data_lsb_first_parity_stop_on_txd(ucsr0c, ucsz2, value, nd, parity, stop):
    """20.4 (figure 20-4): start bit low, 5-9 data bits LSB first (UCSZ02:0), even/odd parity
    (UPM01:0), 1 or 2 stop bits (USBS0), each one bit time on TXD; TXC0 after the last stop
    bit. 20.6.2: the 9th bit is TXB80 in UCSR0B, written before UDR0."""
    s = Usart().setup(ucsr0c=ucsr0c, ucsr0b=TXEN | (UCSZ2 if ucsz2 else 0) | (value >> 8), at=10)
    s.txd()
    s.write(UDR0, value & 0xFF, 500)
    levels = frame_levels(value, nd, parity, stop)
    end = 500 + 64 * len(levels)
    s.update(end - 1)
    assert s.txd() == changes(levels, 500, 64)
    assert s.flags(end - 1) & TXC == 0 and s.flags(end) & TXC
    assert s.sent() == [(500, value & ((1 << nd) - 1))]
    cfg = s.m.serial_config()
    assert (cfg["data_bits"], cfg["parity"], cfg["stop_bits"]) == (nd, parity or "none", stop)
    assert cfg["frame_cycles"] == 64 * len(levels)


def test_byte_written_to_idle_transmitter_starts_at_once_and_udre_stays_set():
    """20.6.3 / 20.11.2: the transmit buffer moves into the empty shift register, so UDRE0 is
    still 1 after the write and the start bit begins at the writing instruction's cycle."""
    s = Usart().setup(at=0)
    s.write(UDR0, 0x41, 200)
    assert s.sent() == [(200, 0x41)]
    assert s.read(UCSR0A, 200) & UDRE


def test_second_byte_waits_in_the_buffer_and_follows_back_to_back():
    """20.6.3 double buffering: a byte written while a frame is sent waits in UDR0 (UDRE0 = 0)
    and starts the cycle the previous stop bit ends; then UDRE0 is 1 again. A write while the
    buffer is full is ignored (20.11.2: UDRE0 must be one when UDR0 is written)."""
    s = Usart().setup(at=0)
    s.write(UDR0, 0x31, 100)
    s.write(UDR0, 0x32, 150)
    assert s.flags(150) & UDRE == 0
    s.write(UDR0, 0x33, 160)  # buffer full: ignored
    assert s.flags(100 + 640 - 1) & UDRE == 0
    assert s.flags(100 + 640) & UDRE
    assert s.flags(100 + 1280 - 1) & TXC == 0  # TXC0 only when nothing waits
    assert s.flags(100 + 1280) & TXC
    assert s.sent() == [(100, 0x31), (740, 0x32)]


def test_status_read_sees_a_frame_end_before_the_update_runs():
    """A read completing at cycle c sees flags due by c even if the kernel has not called the
    update since (20.11.2: UDRE0/TXC0 are set when the frame ends)."""
    s = Usart().setup(at=0)
    s.write(UDR0, 0x31, 100)
    s.write(UDR0, 0x32, 110)
    assert int(usart_read(s.m.data, s.m.st, UCSR0A, 739)) & UDRE == 0
    assert int(usart_read(s.m.data, s.m.st, UCSR0A, 740)) & UDRE
    assert int(usart_read(s.m.data, s.m.st, UCSR0A, 1379)) & TXC == 0
    s.update(1379)
    assert int(usart_read(s.m.data, s.m.st, UCSR0A, 1380)) & TXC


def test_txc_is_cleared_by_writing_one_and_read_only_bits_keep_their_state():
    """20.11.2: TXC0 is cleared by writing a one to it; RXC0, UDRE0, FE0, DOR0, UPE0 are
    read-only; U2X0 and MPCM0 are written."""
    s = Usart().setup(at=0)
    s.write(UDR0, 0x00, 0)
    assert s.flags(640) & TXC
    s.write(UCSR0A, 0x00, 700)  # writing zero leaves TXC0 alone
    assert s.flags(700) & TXC
    s.write(UCSR0A, TXC | U2X, 701)
    assert s.flags(701) == UDRE | U2X


def test_txen_takes_txd_as_output_idle_high_and_gives_it_back_after_the_last_frame():
    """20.6 / table 14-9: with TXEN0 the transmitter overrides PD1 as an output, idle high.
    20.6.5: clearing TXEN0 takes effect only when the shift register and buffer are empty;
    then PD1 is a general I/O pin again (here an input with DDRD1 = 0: no longer driven)."""
    s = Usart().setup(ucsr0b=0, at=0)
    m = s.m
    assert m.port_state(PORT_D)[1] & 2 == 0
    s.write(UCSR0B, TXEN, 10)
    out, ddr, _ = m.port_state(PORT_D)
    assert ddr & 2 and out & 2
    s.write(UDR0, 0x00, 20)
    s.write(UDR0, 0xFF, 30)
    s.write(UCSR0B, 0, 40)  # disable while two frames are pending
    s.update(20 + 1280 - 1)
    assert m.port_state(PORT_D)[1] & 2  # still driving
    s.update(20 + 1280)
    assert m.port_state(PORT_D)[1] & 2 == 0
    assert s.sent() == [(20, 0x00), (660, 0xFF)]
    s.write(UDR0, 0x55, 2000)  # TXEN0 clear: ignored
    assert s.sent() == [] and s.flags(2000) & UDRE


def test_txd_override_keeps_ddrd1_output_back_to_portd1_when_released():
    s = Usart().setup(ucsr0b=0, at=0)
    s.write(UCSR0B, TXEN, 5)
    s.m.data[DDRD] = 0x02  # DDRD1 = 1, PORTD1 = 0
    s.write(UCSR0B, 0, 10)
    out, ddr, _ = s.m.port_state(PORT_D)
    assert ddr & 2 and not out & 2


# ---- 20.7 receiver ---------------------------------------------------------------------------


def test_received_frame_completes_one_receiver_frame_after_its_start_bit():
    """20.7.1: a frame is received after its stop bit; RXC0 is set then and UDR0 returns it.
    The receiver checks one stop bit, so 8N2 still takes 10 bit times to receive."""
    s = Usart().setup(ucsr0c=0x0E, at=0)  # 8N2
    s.m.queue_serial_input(b"Z", 1000, bit_cycles=64, frame_bits=11)
    assert s.flags(1000 + 640 - 1) & RXC == 0
    assert s.flags(1000 + 640) & RXC
    assert s.read(UDR0, 1700) == ord("Z")
    assert s.flags(1700) & RXC == 0


def test_receive_buffer_holds_two_frames_plus_the_shift_register_then_overruns():
    """20.7.4 / 20.11.2: the receive buffer is a two-level FIFO plus the shift register; a
    frame arriving when all three hold unread data is lost and sets DOR0, which stays until
    UDR0 is read. Reading UDR0 returns the frames in order; RXC0 clears when none is left."""
    s = Usart().setup(at=0)
    end = s.m.queue_serial_input(b"abcd", 100)
    assert end == 100 + 4 * 640
    s.update(100 + 3 * 640)
    assert s.flags(100 + 3 * 640) & (RXC | DOR) == RXC
    assert s.flags(end) & DOR
    assert [s.read(UDR0, end + 1) for _ in range(3)] == [ord("a"), ord("b"), ord("c")]
    assert s.flags(end + 1) & (RXC | DOR) == 0


def test_frame_is_lost_when_the_receiver_is_off_or_enabled_after_its_start_bit():
    """20.7: only an enabled receiver detects a start bit; 20.7.5: disabling the receiver
    flushes its buffer (RXC0 clears, unread frames are gone)."""
    s = Usart().setup(ucsr0b=TXEN, at=0)
    s.m.queue_serial_input(b"x", 100)
    s.write(UCSR0B, TXEN | RXEN, 200)  # enabled in the middle of the frame
    assert s.flags(2000) & RXC == 0
    s.m.queue_serial_input(b"yz", 3000)
    assert s.flags(3000 + 1280) & RXC
    s.write(UCSR0B, TXEN, 5000)
    assert s.flags(5000) & RXC == 0
    s.write(UCSR0B, TXEN | RXEN, 5001)
    assert s.flags(6000) & RXC == 0


def test_frame_error_parity_error_and_ninth_bit_go_with_the_frame_they_belong_to():
    """20.7.2 / 20.7.3: FE0, UPE0 and RXB80 describe the frame at the top of the receive
    buffer (read them before UDR0). UPE0 only with parity checking on (UPM01 = 1)."""
    s = Usart().setup(ucsr0c=0x26, ucsr0b=RXEN | UCSZ2, at=0)  # 9E1
    s.m.queue_serial_input([0x141, 0x42 | u.RX_FRAME_ERROR, 0x43 | u.RX_PARITY_ERROR], 100, 64, 12)
    s.update(100 + 3 * 768)
    assert s.flags(2500) & (RXC | FE | UPE) == RXC and s.m.data[UCSR0B] & RXB8
    assert s.read(UDR0, 2500) == 0x41
    assert s.flags(2500) & (FE | UPE) == FE and not s.m.data[UCSR0B] & RXB8
    assert s.read(UDR0, 2501) == 0x42
    assert s.flags(2501) & (FE | UPE) == UPE
    assert s.read(UDR0, 2502) == 0x43
    assert s.flags(2502) & (RXC | FE | UPE) == 0


def test_rxen_makes_rxd_an_input_and_portd0_keeps_the_pull_up():
    """Table 14-9 (PD0/RXD): with RXEN0 the pin is an input whatever DDRD0 says; PORTD0
    still turns the pull-up on (PUOV = PORTD0 and not PUD)."""
    s = Usart().setup(ucsr0b=0, at=0)
    s.m.data[DDRD] = 0x01
    s.m.data[PORTD] = 0x01
    s.write(UCSR0B, RXEN, 10)
    out, ddr, pulled = s.m.port_state(PORT_D)
    assert ddr & 1 == 0 and pulled & 1
    s.write(UCSR0B, 0, 20)
    assert s.m.port_state(PORT_D)[1] & 1


def test_queued_input_never_overlaps_and_more_than_the_ring_is_fed_in_time():
    """The serial line carries one frame at a time: a later send starts no earlier than the
    previous one ended. More frames than the kernel's ring holds are fed in as it consumes
    them: every byte arrives at its own cycle (no overrun), through the RX interrupt."""
    main_lines = [
        ("LDI", 16, 3), ("STS", UBRR0L, 16),
        ("LDI", 16, u.RXCIE | RXEN), ("STS", UCSR0B, 16),
        ("LDI", 26, 0x00), ("LDI", 27, 0x02),  # X = 0x200: where the handler stores bytes
        ("BSET", 7),
    ]  # fmt: skip
    handler = [("LDS", 20, UDR0), ("ST_XP", 20), ("RETI",)]
    m = program(main_lines, {VECTOR_BY_NAME["USART_RX"]: handler})
    m.run(100)
    data = bytes(range(150))
    end = m.queue_serial_input(data, 200)
    assert end == 200 + 150 * 640
    assert m.queue_serial_input(b"\xff", 0) == end + 640  # waits for the line to be free
    m.run(end + 700)
    assert bytes(m.data[0x200 : 0x200 + 151]) == data + b"\xff"
    entries = [
        int(c) for c, v, e, _ in m.take_irq_log() if v == VECTOR_BY_NAME["USART_RX"] and e == 1
    ]
    # entered 4 cycles after each frame (5 when it ends inside the 2-cycle RJMP of the loop)
    assert len(entries) == 151
    assert {c - (200 + 640 * (k + 1)) for k, c in enumerate(entries)} <= {4, 5}
    assert not m.data[UCSR0A] & DOR
    assert len(data) > RX_QUEUE_LEN


# ---- interrupts (20.11, 12) -------------------------------------------------------------------


def program(main_lines, handlers=None) -> Mcu:
    """JMP 0x300 at reset; every vector v jumps to 0x100 + 0x10 v (default: RETI); main at
    0x300, then NOPs to the end of flash, where RJMP 0x400 closes the loop."""
    handlers = handlers or {}
    image = np.zeros(0x4000, dtype=np.uint16)

    def place(at, lines):
        words = []
        for name, *ops in lines:
            words += isa.encode(name, *ops, pc=at + len(words))
        image[at : at + len(words)] = words
        return at + len(words)

    place(0, [("JMP", 0x300)])
    for v in range(1, 26):
        place(2 * v, [("JMP", 0x100 + 0x10 * v)])
        place(0x100 + 0x10 * v, handlers.get(v, [("RETI",)]))
    assert place(0x300, main_lines) <= 0x400
    place(0x3FFF, [("RJMP", 0x400)])
    return Mcu(image, log_size=1 << 14)


SETUP_TX = [("LDI", 16, 3), ("STS", UBRR0L, 16)]


def test_rx_complete_interrupt_enters_four_cycles_after_the_frame_and_repeats_while_unread():
    """20.11 / 12: RXC0 requests the USART RX interrupt while unread data is present (it is not
    cleared by entering the vector). The handler here does not read UDR0, so it is entered
    again after each RETI plus one main instruction."""
    setup = SETUP_TX + [("LDI", 16, u.RXCIE | RXEN), ("STS", UCSR0B, 16), ("BSET", 7)]
    m = program(setup)
    m.run(50)
    m.queue_serial_input(b"!", 100)
    m.run(100 + 640 + 30)
    rx = [int(c) for c, v, e, _ in m.take_irq_log() if e == 1 and v == VECTOR_BY_NAME["USART_RX"]]
    # NOP slide: every cycle is an instruction boundary; 4 cycles of response (7.7.1);
    # handler JMP 3 + RETI 4, one NOP, 4 cycles response again
    assert rx[:3] == [744, 756, 768]


def test_udre_interrupt_keeps_requesting_while_the_buffer_is_empty():
    """20.11.2 / 20.6.3: UDRE0 requests the data register empty interrupt as long as it is set
    and UDRIE0 is on; writing UDR0 in the handler fills the buffer and stops it until the
    shift register takes the byte."""
    setup = SETUP_TX + [("LDI", 16, u.UDRIE | TXEN), ("STS", UCSR0B, 16), ("BSET", 7)]
    handler = [("INC", 21), ("STS", UDR0, 21), ("RETI",)]
    m = program(setup, {VECTOR_BY_NAME["USART_UDRE"]: handler})
    m.run(2000)
    tx = m.take_uart_log()
    assert [int(b) for b in tx[:3, 1]] == [1, 2, 3]
    assert np.all(np.diff(tx[1:3, 0]) == 640)  # back to back after the first
    udre = [
        int(c) for c, v, e, _ in m.take_irq_log() if e == 1 and v == VECTOR_BY_NAME["USART_UDRE"]
    ]
    # first two entries fill shifter and buffer; the next waits for the shift register
    assert udre[2] - udre[1] > 600


def test_tx_complete_flag_is_cleared_when_its_vector_is_entered():
    """20.11.2: TXC0 is cleared by hardware when the TX complete interrupt is executed."""
    setup = SETUP_TX + [
        ("LDI", 16, u.TXCIE | TXEN), ("STS", UCSR0B, 16), ("LDI", 17, 0x7E),
        ("STS", UDR0, 17), ("BSET", 7),
    ]  # fmt: skip
    m = program(setup, {VECTOR_BY_NAME["USART_TX"]: [("INC", 22), ("RETI",)]})
    m.run(2000)
    start = int(m.take_uart_log()[0, 0])
    txc = [int(c) for c, v, e, _ in m.take_irq_log() if e == 1 and v == VECTOR_BY_NAME["USART_TX"]]
    assert txc == [start + 640 + 4]
    assert m.reg(22) == 1 and not m.data[UCSR0A] & TXC


# ---- firmware ------------------------------------------------------------------------------


def test_serial_hello_prints_its_lines_one_frame_per_byte(firmware):
    """tests/firmware/serial_hello: Serial.begin(9600) with U2X0 -> UBRR0 = 207, 8 * 208 =
    1664 cycles per bit, 16640 per 10-bit frame; the bytes of one print follow back to back."""
    sim = Simulation.open(firmware("serial_hello"))
    sim.run_until(16_000_000 * 230 // 1000)  # 230 ms: two lines
    cfg = sim.serial_config()
    assert (cfg["ubrr"], cfg["u2x"], cfg["bit_cycles"]) == (207, True, 1664)
    assert cfg["baud"] == pytest.approx(9615.38, abs=0.01)
    assert sim.serial_bytes() == b"Hello, breadboard! 0\r\nHello, breadboard! 1\r\n"
    rows = sim.serial_tx.rows
    assert np.all(np.diff(rows[:22, 0]) == 16640)
    assert np.all(np.diff(rows[22:44, 0]) == 16640)
    assert 1_600_000 < rows[0, 0] < 1_615_000  # millis() reaches 100 at ~100.4 ms
    # the first frame on D1: 'H' = 0x48, start bit, LSB first, stop bit
    d1 = sim.pin_trace("D1")
    t0 = int(rows[0, 0])
    got = [(int(c) - t0, int(v)) for c, v in d1.rows if t0 <= c < t0 + 16640]
    assert got == [(k * 1664, lv) for k, lv in [(0, 0), (4, 1), (5, 0), (7, 1), (8, 0), (9, 1)]]


def test_serial_echo_returns_the_text_uppercased(firmware):
    """tests/firmware/serial_echo: each byte received (RX interrupt, Serial.read) goes back
    uppercased; the echo of a byte starts after that byte's frame has been received."""
    sim = Simulation.open(firmware("serial_echo"))
    sim.run_until(16_000)
    end = sim.send_serial("hello, World 1!\n", at=20_000)
    assert end == 20_000 + 16 * 16640
    sim.run_until(end + 50_000)
    assert sim.serial_bytes() == b"HELLO, WORLD 1!\n"
    starts = sim.serial_tx.rows[:, 0]
    received = 20_000 + 16640 * np.arange(1, 17)
    assert np.all(starts > received) and np.all(starts < received + 16640)


def test_attach_falling_prints_ready_at_115200(firmware):
    """tests/firmware/attach_falling: 115200 baud -> UBRR0 = 16 with U2X0: 8 * 17 = 136 cycles
    per bit, 1360 per frame."""
    sim = Simulation.open(firmware("attach_falling"))
    sim.run_until(80_000)
    assert sim.serial_bytes() == b"attach_falling: ready\r\n"
    assert np.all(np.diff(sim.serial_tx.rows[:, 0]) == 1360)
    assert sim.serial_config()["baud"] == pytest.approx(117647.06, abs=0.01)


# ---- headless CLI ---------------------------------------------------------------------------


def test_cli_serial_in_sends_text_with_escapes_and_serial_prints_the_reply(firmware, capsys):
    argv = ["run", str(firmware("serial_echo")), "--time", "60ms", "--serial"]
    assert main(argv + ["--serial-in", r"abc\x21\n"]) == 0
    assert capsys.readouterr().out == "ABC!\n"


def test_cli_serial_in_at_and_json(firmware, capsys):
    argv = ["run", str(firmware("serial_echo")), "--time", "40ms", "--serial", "--json"]
    assert main(argv + ["--serial-in", "ok", "--serial-in-at", "20ms"]) == 0
    assert json.loads(capsys.readouterr().out)["serial"] == "OK"
    # sent too late to come back within the run
    assert main(argv + ["--serial-in", "ok", "--serial-in-at", "39ms"]) == 0
    assert json.loads(capsys.readouterr().out)["serial"] == ""


def test_cli_bad_serial_in_is_a_usage_error(firmware, capsys):
    assert main(["run", str(firmware("serial_echo")), "--serial-in", r"\x4"]) == 2
    assert "hex digits" in capsys.readouterr().err


def test_escapes():
    assert parse_escapes(r"a\r\n\t\0\\\"\xfF é") == b'a\r\n\t\x00\\"\xff \xc3\xa9'
