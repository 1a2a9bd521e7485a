"""Small jitted helpers shared by the peripheral modules."""

from __future__ import annotations

import numpy as np

from .jit import inner
from .regs import S_PERIPH_NEXT, W1C_MASK

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
