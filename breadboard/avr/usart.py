"""USART0 in asynchronous mode (datasheet 20), exact to the cycle.

Timing: one bit lasts 16 * (UBRR0 + 1) cycles, 8 * (UBRR0 + 1) with U2X0 (20.3.1, table 20-1);
a frame is 1 start bit, 5-9 data bits (UCSZ02:0), an optional parity bit (UPM01:0, even or
odd) and 1 or 2 stop bits (USBS0), 20.4. Only asynchronous mode is modelled: UMSEL0 = 01
(synchronous) and 11 (master SPI) run as asynchronous; XCK0 and UCPOL0 are ignored, and so is
multi-processor mode (MPCM0). The USART keeps running in every sleep mode and ignores PRR.

Transmitter (20.6): double-buffered. A write to UDR0 while TXEN0 is set moves the byte into the
idle shift register at once (its start bit begins at the writing instruction's cycle; UDRE0
stays 1), or leaves it in the buffer (UDRE0 = 0) until the frame being sent ends; a write
while the buffer is full, or with TXEN0 clear, is ignored. TXB80 is taken with the write. When
a frame ends with nothing waiting, TXC0 is set. Each frame's (start cycle, data bits) is one
row of the USART log. With TXEN0 the transmitter owns TXD (PD1, D1): forced to output, idle
high, and the frame's bit levels appear there at their exact cycles (start low, data LSB
first, parity, stop high); one event per level change. Clearing TXEN0 takes effect when the
shift register and the buffer are empty; then PD1 goes back to DDRD/PORTD.

Receiver (20.7): bytes arrive through the serial input queue of the state array
(``regs.S_RX_QUEUE``: a ring of (start-bit cycle, value) entries filled by ``Mcu``). A frame
is received one receiver frame time after its start (1 start, data, parity, 1 stop bit: the
receiver checks only the first stop bit, 20.7.1). It is lost if RXEN0 is off then or was
turned on after its start bit. The receive buffer holds two frames plus one in the shift
register (20.7.4): RXC0 is set while any is unread; a frame completing while all three are
full is lost and sets DOR0 (cleared when UDR0 is read). FE0, UPE0 and RXB80 belong to the
frame UDR0 will return; reading UDR0 pops it. A queue value may carry, besides the data bits,
``RX_NINTH`` (9th data bit), ``RX_FRAME_ERROR`` (stop bit read as 0 -> FE0) and
``RX_PARITY_ERROR`` (-> UPE0 when parity checking is on). Clearing RXEN0 flushes the buffer.
With RXEN0 the receiver forces RXD (PD0, D0) to be an input (PORTD0 keeps the pull-up).

Interrupts (regs.VECTORS): RX complete requests while RXC0 is set, data register empty while
UDRE0 is set (both KEEP); TX complete is cleared on vector entry or by writing one to TXC0.
"""

from __future__ import annotations

import numpy as np

from . import pins
from .common import NEVER, raise_flags, schedule
from .jit import inner
from .regs import (
    F_CPU,
    RX_QUEUE_LEN,
    S_OVR_IN,
    S_OVR_MASK,
    S_PIN_N,
    S_RAISED_AT,
    S_RX_HEAD,
    S_RX_QUEUE,
    S_RX_TAIL,
    S_UART_N,
    S_USART,
    UBRR0H,
    UBRR0L,
    UCSR0A,
    UCSR0B,
    UCSR0C,
    UDR0,
)

# UCSR0A / UCSR0B / UCSR0C bits
RXC, TXC, UDRE, FE, DOR, UPE, U2X, MPCM = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01
RXCIE, TXCIE, UDRIE, RXEN, TXEN, UCSZ2, RXB8, TXB8 = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01
USBS = 0x08
# Flags a serial input queue value may carry above its data bits
RX_NINTH, RX_FRAME_ERROR, RX_PARITY_ERROR = 0x100, 0x200, 0x400
#: Data bits per UCSZ02:0 (100-110 are reserved; they act as 8 here)
DATA_BITS = np.array([5, 6, 7, 8, 8, 8, 8, 9], dtype=np.int64)
PORT_D, TXD_BIT, RXD_BIT = 2, 1, 0
#: Frames the receiver holds: the two-level FIFO and the shift register (20.7.4)
RX_HOLD = 3

# State block (st indices)
U_TX_DUE = S_USART + 0  # next transmitter event (TXD level change or frame end)
U_TX_END = S_USART + 1  # cycle the frame in the shift register ends; NEVER: idle
U_TX_START = S_USART + 2  # cycle its start bit began
U_TX_PAT = S_USART + 3  # its bit levels: bit i of the frame is (PAT >> i) & 1
U_TX_NBITS = S_USART + 4  # its length in bits
U_TX_BITC = S_USART + 5  # its bit time in cycles
U_TX_EDGE = S_USART + 6  # cycle of its next TXD level change; NEVER: none left
U_TX_EDGE_I = S_USART + 7  # bit index of that change
U_TX_BUF_FULL = S_USART + 8  # 1: a byte waits in the transmit buffer
U_TX_BUF = S_USART + 9  # that byte (bit 8 = TXB80 at the write)
U_TX_OWN = S_USART + 10  # 1 while the transmitter drives PD1
U_RX_N = S_USART + 11  # unread received frames (0-3)
U_RX_FIFO = S_USART + 12  # 3 entries, oldest first: data | RX_NINTH | error flags
U_RX_SINCE = S_USART + 15  # cycle RXEN0 was last set; NEVER while it is clear
U_PY_MARK = S_USART + 31  # reserved for Mcu's Python side; the kernel never touches it


@inner
def frame_format(data):
    """(cycles per bit, data bits, parity bits, stop bits) from UBRR0, U2X0, UCSR0B/C.

    A bit lasts 16 * (UBRR0 + 1) cycles, 8 * (UBRR0 + 1) with U2X0 (table 20-1)."""
    ubrr = ((np.int64(data[UBRR0H]) & 0x0F) << 8) | np.int64(data[UBRR0L])
    bitc = (8 if np.int64(data[UCSR0A]) & U2X else 16) * (ubrr + 1)
    c = np.int64(data[UCSR0C])
    nd = DATA_BITS[((np.int64(data[UCSR0B]) & UCSZ2) | ((c >> 1) & 3)) & 7]
    return bitc, nd, (c >> 5) & 1, 2 if c & USBS else 1


@inner
def _rx_flags(data, st):
    """RXC0, FE0, UPE0 and RXB80 from the oldest unread frame."""
    a = np.int64(data[UCSR0A]) & ~(RXC | FE | UPE)
    b = np.int64(data[UCSR0B])
    if st[U_RX_N] > 0:
        top = st[U_RX_FIFO]
        a |= RXC
        if top & RX_FRAME_ERROR:
            a |= FE
        if top & RX_PARITY_ERROR:
            a |= UPE
        b = (b | RXB8) if top & RX_NINTH else (b & ~RXB8)
    data[UCSR0A] = a
    data[UCSR0B] = b


VECTOR_RX = 18  # USART_RX


@inner
def _rx_sync(data, st, cycle):
    """Receive every queued frame complete at ``cycle``; return the next completion."""
    head = st[S_RX_HEAD]
    tail = st[S_RX_TAIL]
    if head == tail:
        return NEVER
    bitc, nd, parity, _ = frame_format(data)
    frame = (2 + nd + parity) * bitc  # the receiver checks one stop bit (20.7.1)
    keep = ((np.int64(1) << nd) - 1) | RX_FRAME_ERROR  # with 9 bits, bit 8 is RX_NINTH
    if parity:
        keep |= RX_PARITY_ERROR
    enabled = np.int64(data[UCSR0B]) & RXEN
    nxt = NEVER
    while head != tail:
        k = S_RX_QUEUE + 2 * head
        done = st[k] + frame
        if done > cycle:
            nxt = done
            break
        head = (head + 1) % RX_QUEUE_LEN
        if enabled and st[k] >= st[U_RX_SINCE]:
            n = st[U_RX_N]
            if n < RX_HOLD:
                st[U_RX_FIFO + n] = st[k + 1] & keep
                st[U_RX_N] = n + 1
                if n == 0:
                    _rx_flags(data, st)
                    st[S_RAISED_AT + VECTOR_RX] = done  # RXC0 rises as the frame completes
            else:
                data[UCSR0A] = np.int64(data[UCSR0A]) | DOR  # data overrun: the frame is lost
    st[S_RX_HEAD] = head
    return nxt


@inner
def _own_txd(data, st, pinlog, own, cycle):
    """The transmitter takes PD1 (forced output, idle high) or gives it back; in the order
    that makes no zero-width glitch on the pin."""
    port = np.int64(PORT_D)
    bit = np.int64(TXD_BIT)
    if own:
        pins.set_override(data, st, pinlog, port, bit, own, np.int64(1), cycle)
    pins.force_output(data, st, pinlog, port, bit, own, cycle)
    if not own:
        pins.set_override(data, st, pinlog, port, bit, own, np.int64(0), cycle)
    st[U_TX_OWN] = 1 if own else 0


@inner
def _tx_start(data, st, value, cycle, uartlog):
    """The shift register takes ``value``; its start bit begins at ``cycle``."""
    bitc, nd, parity, stop = frame_format(data)
    value &= (np.int64(1) << nd) - 1
    pat = value << 1
    n = 1 + nd
    if parity:  # UPM0 = 10 even, 11 odd (20.4.1)
        p = (np.int64(data[UCSR0C]) >> 4) & 1
        v = value
        while v:
            p ^= v & 1
            v >>= 1
        pat |= p << n
        n += 1
    pat |= ((np.int64(1) << stop) - 1) << n
    n += stop
    st[U_TX_START] = cycle
    st[U_TX_PAT] = pat
    st[U_TX_NBITS] = n
    st[U_TX_BITC] = bitc
    st[U_TX_END] = cycle + n * bitc
    st[U_TX_EDGE] = cycle  # the start bit pulls TXD low
    st[U_TX_EDGE_I] = 0
    k = st[S_UART_N]
    uartlog[k, 0] = cycle
    uartlog[k, 1] = value
    st[S_UART_N] = k + 1


@inner
def _tx_sync(data, st, cycle, pinlog, uartlog, room):
    """Process transmitter events due at or before ``cycle`` in time order; return the next
    (the first unprocessed one if a log has fewer than ``room`` free rows)."""
    while True:
        edge = st[U_TX_EDGE]
        end = st[U_TX_END]
        t = edge if edge < end else end
        if t > cycle:
            break
        if st[S_PIN_N] >= pinlog.shape[0] - room or st[S_UART_N] >= uartlog.shape[0] - room:
            st[U_TX_DUE] = t
            return t
        if edge < end:
            i = st[U_TX_EDGE_I]
            pat = st[U_TX_PAT]
            level = (pat >> i) & 1
            if st[U_TX_OWN]:
                pins.set_override(
                    data,
                    st,
                    pinlog,
                    np.int64(PORT_D),
                    np.int64(TXD_BIT),
                    st[U_TX_OWN] == 1,
                    level,
                    t,
                )
            n = st[U_TX_NBITS]
            j = i + 1
            while j < n and (pat >> j) & 1 == level:
                j += 1
            if j < n:
                st[U_TX_EDGE] = st[U_TX_START] + j * st[U_TX_BITC]
                st[U_TX_EDGE_I] = j
            else:
                st[U_TX_EDGE] = NEVER  # the line stays high to the frame's end
        elif st[U_TX_BUF_FULL]:
            st[U_TX_BUF_FULL] = 0
            data[UCSR0A] = np.int64(data[UCSR0A]) | UDRE
            _tx_start(data, st, st[U_TX_BUF], t, uartlog)
        else:
            st[U_TX_END] = NEVER
            st[U_TX_EDGE] = NEVER
            raise_flags(data, st, UCSR0A, TXC, t)
            if st[U_TX_OWN] and np.int64(data[UCSR0B]) & TXEN == 0:
                _own_txd(data, st, pinlog, st[U_TX_OWN] == 0, t)
    edge = st[U_TX_EDGE]
    end = st[U_TX_END]
    t = edge if edge < end else end
    st[U_TX_DUE] = t
    return t


@inner
def usart_reset(data, st, cycle):
    """Reset values (UDRE0 set, 8N1) and an idle transmitter and receiver."""
    data[UCSR0A] = UDRE
    data[UCSR0C] = 0x06
    st[U_TX_DUE] = NEVER
    st[U_TX_END] = NEVER
    st[U_TX_EDGE] = NEVER
    st[U_TX_BUF_FULL] = 0
    st[U_TX_OWN] = 0
    st[U_RX_N] = 0
    st[U_RX_SINCE] = NEVER
    # give PD1/PD0 back (the dispatcher refreshes the pins after the resets)
    st[S_OVR_MASK + PORT_D] &= ~(np.int64(1) << TXD_BIT)
    st[S_OVR_IN + PORT_D] &= ~(np.int64(1) << RXD_BIT)


@inner
def usart_read(data, st, addr, cycle):
    """UDR0 pops the oldest received frame; UCSR0A shows flags due at ``cycle``."""
    _rx_sync(data, st, cycle)
    if addr == UDR0:
        n = st[U_RX_N]
        if n > 0:
            data[UDR0] = st[U_RX_FIFO] & 0xFF
            st[U_RX_FIFO] = st[U_RX_FIFO + 1]
            st[U_RX_FIFO + 1] = st[U_RX_FIFO + 2]
            st[U_RX_N] = n - 1
            data[UCSR0A] = np.int64(data[UCSR0A]) & ~DOR
            _rx_flags(data, st)
        return np.int64(data[UDR0])
    v = np.int64(data[addr])
    if addr == UCSR0A and st[U_TX_END] <= cycle:
        # a frame ended since the last update (the update will process it): show its flag
        v |= UDRE if st[U_TX_BUF_FULL] else TXC
    return v


@inner
def usart_write(data, st, addr, value, cycle, pinlog, uartlog):
    _rx_sync(data, st, cycle)
    _tx_sync(data, st, cycle, pinlog, uartlog, np.int64(2))
    if addr == UDR0:
        ctl = np.int64(data[UCSR0B])
        if ctl & TXEN:
            if ctl & TXB8:
                value |= 0x100
            if st[U_TX_END] == NEVER:
                _tx_start(data, st, value, cycle, uartlog)
            elif st[U_TX_BUF_FULL] == 0:
                st[U_TX_BUF] = value
                st[U_TX_BUF_FULL] = 1
                data[UCSR0A] = np.int64(data[UCSR0A]) & ~UDRE
    elif addr == UCSR0A:
        # TXC0 is cleared by writing one; U2X0 and MPCM0 are written; the rest is read-only
        old = np.int64(data[UCSR0A])
        data[UCSR0A] = (old & 0xFC & ~(value & TXC)) | (value & (U2X | MPCM))
    elif addr == UCSR0B:
        old = np.int64(data[UCSR0B])
        new = (value & ~RXB8) | (old & RXB8)
        data[UCSR0B] = new
        if new & RXEN and not old & RXEN:
            st[U_RX_SINCE] = cycle
        elif old & RXEN and not new & RXEN:
            st[U_RX_SINCE] = NEVER
            st[U_RX_N] = 0  # disabling the receiver flushes its buffer (20.7.5)
            data[UCSR0A] = np.int64(data[UCSR0A]) & ~(RXC | FE | DOR | UPE)
        if (new ^ old) & RXEN:
            on = (new & RXEN) != 0
            pins.force_input(data, st, pinlog, np.int64(PORT_D), np.int64(RXD_BIT), on, cycle)
        if new & TXEN:
            if not st[U_TX_OWN]:
                _own_txd(data, st, pinlog, st[U_TX_OWN] == 0, cycle)
        elif st[U_TX_OWN] and st[U_TX_END] == NEVER:
            _own_txd(data, st, pinlog, st[U_TX_OWN] == 0, cycle)
    elif addr == UBRR0H:
        data[addr] = value & 0x0F
    else:
        data[addr] = value
    edge = st[U_TX_EDGE]
    end = st[U_TX_END]
    st[U_TX_DUE] = edge if edge < end else end
    schedule(st, cycle)
    return True


@inner
def usart_update(data, st, cycle, pinlog, uartlog):
    due = st[U_TX_DUE]
    if cycle >= due:
        due = _tx_sync(data, st, cycle, pinlog, uartlog, np.int64(pins.LOG_MARGIN))
    if st[S_RX_HEAD] != st[S_RX_TAIL]:
        rx = _rx_sync(data, st, cycle)
        if rx < due:
            due = rx
    return due


# ---- Python side (not jitted): the serial format for Mcu and the app --------------------------
def serial_format(data: np.ndarray) -> dict:
    """The USART0 configuration in the registers of ``data`` (a data-space array)."""
    a, b, c = int(data[UCSR0A]), int(data[UCSR0B]), int(data[UCSR0C])
    ubrr = ((int(data[UBRR0H]) & 0x0F) << 8) | int(data[UBRR0L])
    per_bit = (8 if a & U2X else 16) * (ubrr + 1)
    nd = int(DATA_BITS[(b & UCSZ2) | ((c >> 1) & 3)])
    upm = (c >> 4) & 3
    parity = {2: "even", 3: "odd"}.get(upm, "none")
    stop = 2 if c & USBS else 1
    frame_bits = 1 + nd + (1 if upm >= 2 else 0) + stop
    return {
        "baud": F_CPU / per_bit,
        "ubrr": ubrr,
        "u2x": bool(a & U2X),
        "data_bits": nd,
        "parity": parity,
        "stop_bits": stop,
        "tx_enabled": bool(b & TXEN),
        "rx_enabled": bool(b & RXEN),
        "bit_cycles": per_bit,
        "frame_bits": frame_bits,
        "frame_cycles": frame_bits * per_bit,
    }
