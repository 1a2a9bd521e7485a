"""I/O register behaviour of the ATmega328P peripherals, called by the kernel.

Every function here is jitted and called only from ``kernel.run_slice``. The kernel calls
``io_read``/``io_write`` for data addresses 0x20-0xFF other than SREG and SP (which it keeps
in local variables) and ``update`` whenever the cycle count reaches ``st[S_PERIPH_NEXT]``.

Peripherals are lazy: each keeps the cycle it was last brought up to date at and computes its
state on access; ``update`` raises whatever flags fell due and returns the next cycle at which
something will happen.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .regs import (
    IRQ_REGISTER,
    MCUCR,
    PINB,
    PIND,
    S_EXT_DRIVEN,
    S_EXT_LEVEL,
    S_PIN_N,
    W1C_MASK,
)

NEVER = np.int64(1) << 62
#: Entries kept free at the end of each log: one instruction appends at most one entry.
LOG_MARGIN = 2

# Bit masks of the pins each port really has (PC6 is RESET, PC7 does not exist).
PORT_MASK = np.array([0xFF, 0x3F, 0xFF], dtype=np.int64)


@njit(cache=True, nogil=True)
def pin_levels(data, st, port):
    """Levels at the pins of port 0=B, 1=C, 2=D as the PINx register shows them."""
    base = PINB + 3 * port
    ddr = np.int64(data[base + 1])
    out = np.int64(data[base + 2])
    level = st[S_EXT_LEVEL + port]
    driven = st[S_EXT_DRIVEN + port]
    pull_up_disabled = (np.int64(data[MCUCR]) >> 4) & 1
    pulled = 0 if pull_up_disabled else out & ~ddr & ~driven
    return ((out & ddr) | (level & driven & ~ddr) | pulled) & PORT_MASK[port]


@njit(cache=True, nogil=True)
def log_pins(data, st, pinlog, port, cycle):
    """Append the port's PORT and DDR to the pin log; True when the log is nearly full."""
    n = st[S_PIN_N]
    base = PINB + 3 * port
    pinlog[n, 0] = cycle
    pinlog[n, 1] = port
    pinlog[n, 2] = data[base + 2]
    pinlog[n, 3] = data[base + 1]
    st[S_PIN_N] = n + 1
    return n + 1 >= pinlog.shape[0] - LOG_MARGIN


@njit(cache=True, nogil=True)
def io_read(data, st, addr, cycle):
    """Value the CPU reads at I/O data address ``addr`` (0x20-0xFF, not SREG/SP)."""
    if addr >= PINB and addr <= PIND + 2:
        rel = addr - PINB
        port = rel // 3
        if rel % 3 == 0:
            return pin_levels(data, st, port)
    return np.int64(data[addr])


@njit(cache=True, nogil=True)
def io_write(data, st, addr, value, cycle, pinlog):
    """Store ``value`` at I/O data address ``addr``; True if interrupts must be re-evaluated."""
    if addr >= PINB and addr <= PIND + 2:
        rel = addr - PINB
        port = rel // 3
        reg = rel % 3
        if reg == 0:
            # Writing a one to PINxn toggles PORTxn (datasheet 14.2.2).
            if value == 0:
                return False
            target = addr + 2
            data[target] = np.int64(data[target]) ^ (value & PORT_MASK[port])
        else:
            if np.int64(data[addr]) == value:
                return False
            data[addr] = value
        return log_pins(data, st, pinlog, port, cycle)
    clear = np.int64(W1C_MASK[addr])
    if clear != 0:
        old = np.int64(data[addr])
        # Flag bits: writing one clears them, writing zero leaves them; other bits are stored.
        value = (value & ~clear) | (old & clear & ~value)
    data[addr] = value
    return IRQ_REGISTER[addr] != 0


@njit(cache=True, nogil=True)
def update(data, st, cycle):
    """Bring the peripherals up to ``cycle``; raise due flags; return the next due cycle."""
    return NEVER

