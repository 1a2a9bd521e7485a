"""Pins of ports B, C, D: output values, overrides by peripherals, levels, the pin log.

A pin's level is decided in this order (datasheet 14.2, 14.3 "Alternate Port Functions"):
1. an output: a peripheral's override value (OC0A, TXD ...) where it has one, else PORTx;
   the direction is DDRx, or forced to output by a peripheral (TXD with TXEN);
2. an input driven from outside (the circuit, ``--input``);
3. an input with PORTx = 1 and PUD = 0: pulled up (high);
4. otherwise floating (reads 0 here).

Reads of PINx go through the input synchronizer: a change becomes visible to an instruction
that starts at least one cycle after it (datasheet 14.2.4: one ``nop`` is needed between
``out PORTx`` and ``in PINx``).
"""

from __future__ import annotations

import numpy as np

from .jit import entry, inner
from .regs import (
    MCUCR,
    PINB,
    S_EXT_DRIVEN,
    S_EXT_LEVEL,
    S_LEVELS,
    S_LEVELS_AT,
    S_LEVELS_PREV,
    S_LEVELS_PREV2,
    S_LEVELS_PREV_AT,
    S_OVR_DDR,
    S_OVR_IN,
    S_OVR_MASK,
    S_OVR_VAL,
    S_PERIPH_NEXT,
    S_PIN_DIRTY,
    S_PIN_N,
)

#: Entries kept free at the end of each log: one instruction appends at most one entry.
LOG_MARGIN = 8
# Bit masks of the pins each port really has (PC6 is RESET, PC7 does not exist).
PORT_MASK = np.array([0xFF, 0x3F, 0xFF], dtype=np.int64)


@entry
def outputs(data, st, port):
    """(output values, output mask, pull-up mask) of port 0=B, 1=C, 2=D."""
    base = PINB + 3 * port
    ovr = st[S_OVR_MASK + port]
    ddr = (np.int64(data[base + 1]) | st[S_OVR_DDR + port]) & ~st[S_OVR_IN + port]
    out = (np.int64(data[base + 2]) & ~ovr) | (st[S_OVR_VAL + port] & ovr)
    pud = (np.int64(data[MCUCR]) >> 4) & 1
    pulled = 0 if pud else np.int64(data[base + 2]) & ~ddr
    m = PORT_MASK[port]
    return out & ddr & m, ddr & m, pulled & m


@entry
def levels(data, st, port):
    """Present levels at the pins of a port (floating inputs read 0)."""
    out, ddr, pulled = outputs(data, st, port)
    driven = st[S_EXT_DRIVEN + port] & ~ddr
    return (out | (st[S_EXT_LEVEL + port] & driven) | (pulled & ~driven)) & PORT_MASK[port]


@inner
def pin_register(data, st, port, cycle):
    """What PINx reads for an instruction completing at ``cycle`` (one-cycle reads): the
    levels as of changes made at ``cycle - 2`` or earlier (two-stage synchroniser, 14.2.4).
    Changes are stamped in non-decreasing cycles, so two changes back are enough."""
    if cycle >= st[S_LEVELS_AT + port] + 2:
        return st[S_LEVELS + port]
    if cycle >= st[S_LEVELS_PREV_AT + port] + 2:
        return st[S_LEVELS_PREV + port]
    return st[S_LEVELS_PREV2 + port]


@entry
def refresh(data, st, pinlog, port, cycle):
    """Log the port's outputs and note level changes for the edge detectors.

    Call after anything that may change a port's pins (PORT/DDR/PIN writes, overrides,
    external drive). Returns True: the caller should re-run the peripheral update so edge
    detectors (INT0/1, PCINT, ICP1, T0/T1) see the change at this cycle.
    """
    out, ddr, pulled = outputs(data, st, port)
    n = st[S_PIN_N]
    pinlog[n, 0] = cycle
    pinlog[n, 1] = port
    pinlog[n, 2] = out
    pinlog[n, 3] = ddr
    pinlog[n, 4] = pulled
    st[S_PIN_N] = n + 1
    new = levels(data, st, port)
    if new != st[S_LEVELS + port]:
        bit = np.int64(1) << port
        at = st[S_LEVELS_AT + port]
        if cycle < at:
            cycle = at  # changes are kept in time order
        if cycle != at or st[S_PIN_DIRTY] & bit == 0:
            # A new change: the pending one (if any) must have reached the edge detectors
            # (Mcu.drive_pin and the kernel run them before a change at another cycle).
            st[S_LEVELS_PREV2 + port] = st[S_LEVELS_PREV + port]
            st[S_LEVELS_PREV_AT + port] = at
            st[S_LEVELS_PREV + port] = st[S_LEVELS + port]
        # else: another pin of the port changes at the same cycle as the pending change:
        # the edge detectors see both changes from the same levels before (13.2, 14.2.4).
        st[S_LEVELS + port] = new
        st[S_LEVELS_AT + port] = cycle
        st[S_PIN_DIRTY] |= bit
        if st[S_PERIPH_NEXT] > cycle:
            st[S_PERIPH_NEXT] = cycle
    return True


@inner
def set_override(data, st, pinlog, port, bit, enabled, value, cycle):
    """A peripheral takes (enabled) or releases a pin's output value; logs any change."""
    m = np.int64(1) << bit
    old_mask = st[S_OVR_MASK + port]
    old_val = st[S_OVR_VAL + port]
    if enabled:
        st[S_OVR_MASK + port] = old_mask | m
        if value:
            st[S_OVR_VAL + port] = old_val | m
        else:
            st[S_OVR_VAL + port] = old_val & ~m
    else:
        st[S_OVR_MASK + port] = old_mask & ~m
    if st[S_OVR_MASK + port] != old_mask or st[S_OVR_VAL + port] != old_val:
        refresh(data, st, pinlog, port, cycle)


@inner
def force_output(data, st, pinlog, port, bit, enabled, cycle):
    """A peripheral forces a pin to be an output (TXD with TXEN) or gives it back to DDRx."""
    m = np.int64(1) << bit
    old = st[S_OVR_DDR + port]
    st[S_OVR_DDR + port] = (old | m) if enabled else (old & ~m)
    if st[S_OVR_DDR + port] != old:
        refresh(data, st, pinlog, port, cycle)


@inner
def force_input(data, st, pinlog, port, bit, enabled, cycle):
    """A peripheral forces a pin to be an input (RXD with RXEN) or gives it back to DDRx;
    PORTx still selects the pull-up (datasheet 14.3, PUOV = PORTxn and not PUD)."""
    m = np.int64(1) << bit
    old = st[S_OVR_IN + port]
    st[S_OVR_IN + port] = (old | m) if enabled else (old & ~m)
    if st[S_OVR_IN + port] != old:
        refresh(data, st, pinlog, port, cycle)


@inner
def port_write(data, st, pinlog, addr, value, cycle):
    """A CPU write to PINx, DDRx or PORTx."""
    rel = addr - PINB
    port = rel // 3
    if rel % 3 == 0:
        # Writing a one to PINxn toggles PORTxn (datasheet 14.2.2).
        value &= PORT_MASK[port]
        if value == 0:
            return False
        data[addr + 2] = np.int64(data[addr + 2]) ^ value
    else:
        if np.int64(data[addr]) == value:
            return False
        data[addr] = value
    return refresh(data, st, pinlog, port, cycle)


@inner
def port_read(data, st, addr, cycle):
    rel = addr - PINB
    if rel % 3 == 0:
        return pin_register(data, st, rel // 3, cycle)
    return np.int64(data[addr])
