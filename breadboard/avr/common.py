"""Small jitted helpers shared by the peripheral modules."""

from __future__ import annotations

import numpy as np

from .jit import inner
from .regs import (
    FLAG_LOSES,
    FLAG_VECTOR,
    LOST_RING,
    S_LOST,
    S_LOST_N,
    S_LOST_RING,
    S_PERIPH_NEXT,
    S_RAISED_AT,
    VEC_EN_ADDR,
    VEC_EN_BIT,
    W1C_MASK,
)

#: A cycle count that never comes: "no event scheduled".
NEVER = np.int64(1) << 62

#: Booleans to pass to a kernel function. A Python ``True``/``False`` argument is a literal to
#: numba, which then compiles the callee once per value; a numpy bool is a plain ``bool``.
TRUE = np.bool_(True)
FALSE = np.bool_(False)


@inner
def schedule(st, when):
    """Make sure the kernel calls the peripherals' update no later than cycle ``when``."""
    if when < st[S_PERIPH_NEXT]:
        st[S_PERIPH_NEXT] = when


@inner
def w1c(data, addr, value):
    """The register value after the CPU writes ``value`` where some bits are flags cleared by
    writing a one (W1C_MASK): those bits clear where ``value`` has a one and keep their state
    where it has a zero; the other bits take ``value``."""
    clear = np.int64(W1C_MASK[addr])
    old = np.int64(data[addr])
    return (value & ~clear) | (old & clear & ~value)


@inner
def raise_flags(data, st, addr, mask, cycle):
    """Set the interrupt flag bits ``mask`` of register ``addr`` at ``cycle``: every module
    raises its flags here. For each flag that belongs to a vector this notes the cycle its
    request was raised (S_RAISED_AT: the interrupt latency counts from it), or, when the flag
    was already set, is one hardware clears on entry and its interrupt is enabled, one lost
    event (S_LOST, and a row for
    the IRQ log in the lost-event ring, which the kernel moves there)."""
    old = np.int64(data[addr])
    data[addr] = old | mask
    for bit in range(8):
        if (mask >> bit) & 1 == 0:
            continue
        v = FLAG_VECTOR[addr * 8 + bit]
        if v == 0:
            continue
        if (old >> bit) & 1 == 0:
            st[S_RAISED_AT + v] = cycle
        elif FLAG_LOSES[v] and (np.int64(data[VEC_EN_ADDR[v - 1]]) >> VEC_EN_BIT[v - 1]) & 1:
            st[S_LOST + v] += 1
            n = st[S_LOST_N]
            if n < LOST_RING:
                st[S_LOST_RING + 2 * n] = cycle
                st[S_LOST_RING + 2 * n + 1] = v
                st[S_LOST_N] = n + 1
                schedule(st, cycle)  # the kernel's slow path moves the row to the IRQ log
