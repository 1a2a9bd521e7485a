"""External interrupts INT0/INT1 and pin-change interrupts PCINT0-23 (datasheet 13).

EICRA selects, per INTn: low level (00), any change (01), falling edge (10), rising edge (11).
Edge modes set INTFn in EIFR (cleared on vector entry or by writing one). In low-level mode
INTFn stays clear and the pin itself requests the interrupt while it is low, so the handler
runs again after each RETI (one main instruction in between) until the pin goes high.
Edges need the I/O clock: in sleep modes other than idle only the low level wakes the CPU.
A logic change on a pin enabled in PCMSKn sets PCIFn in PCIFR.
"""

from __future__ import annotations

import numpy as np

from .common import NEVER, raise_flags
from .jit import inner
from .regs import (
    EICRA,
    EIFR,
    PCIFR,
    PCMSK0,
    S_LEVEL_REQ,
    S_LEVELS,
    S_RAISED_AT,
    S_SLEEP_MODE,
    S_SLEEPING,
)

PORT_D = 2
INT_BITS = (2, 3)  # INT0 = PD2, INT1 = PD3
PCMSK_OF_PORT = np.array([PCMSK0, PCMSK0 + 1, PCMSK0 + 2], dtype=np.int64)


@inner
def _update_levels(data, st, cycle):
    """Low-level requests of INT0/INT1 from the present pin levels and EICRA (a request that
    begins at ``cycle`` notes it as the vector's raise cycle)."""
    eicra = np.int64(data[EICRA])
    d = st[S_LEVELS + PORT_D]
    old = st[S_LEVEL_REQ]
    req = old & ~np.int64(0b110)
    for n in range(2):
        if (eicra >> (2 * n)) & 3 == 0:
            data[EIFR] = np.int64(data[EIFR]) & ~(np.int64(1) << n)
            if (d >> INT_BITS[n]) & 1 == 0:
                req |= np.int64(1) << (n + 1)  # vector 1 = INT0, 2 = INT1
                if (old >> (n + 1)) & 1 == 0:
                    st[S_RAISED_AT + n + 1] = cycle
    st[S_LEVEL_REQ] = req


@inner
def extint_reset(data, st, cycle):
    st[S_LEVEL_REQ] = 0


@inner
def extint_read(data, st, addr, cycle):
    return np.int64(data[addr])


@inner
def extint_write(data, st, addr, value, cycle, pinlog, uartlog):
    if addr == EIFR or addr == PCIFR:
        # Flags are cleared by writing a one (datasheet 13.2.3, 13.2.5).
        data[addr] = np.int64(data[addr]) & ~value & 0x07
    else:
        data[addr] = value
    if addr == EICRA:
        _update_levels(data, st, cycle)
    return True


@inner
def extint_pin_change(data, st, port, old, new, cycle):
    """Pins of ``port`` went from levels ``old`` to ``new`` at ``cycle``."""
    changed = old ^ new
    if changed == 0:
        return
    clock_running = st[S_SLEEPING] == 0 or st[S_SLEEP_MODE] == 0
    if port == PORT_D and clock_running:
        eicra = np.int64(data[EICRA])
        for n in range(2):
            bit = INT_BITS[n]
            if (changed >> bit) & 1 == 0:
                continue
            mode = (eicra >> (2 * n)) & 3
            level = (new >> bit) & 1
            if mode == 1 or (mode == 2 and level == 0) or (mode == 3 and level == 1):
                raise_flags(data, st, EIFR, np.int64(1) << n, cycle)
    if port == PORT_D:
        _update_levels(data, st, cycle)
    if changed & np.int64(data[PCMSK_OF_PORT[port]]):
        raise_flags(data, st, PCIFR, np.int64(1) << port, cycle)


@inner
def extint_update(data, st, cycle, pinlog, uartlog):
    return NEVER
