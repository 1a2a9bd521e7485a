"""TODO(issue 3): usart."""

from __future__ import annotations

import numpy as np
from numba import njit

from .common import NEVER, schedule, w1c  # noqa: F401


@njit(cache=True, nogil=True)
def usart_reset(data, st, cycle):
    """Reset values of the registers and of this module's state block at ``cycle``."""
    return


@njit(cache=True, nogil=True)
def usart_read(data, st, addr, cycle):
    """Value read by the CPU at I/O data address ``addr`` (an instruction completing at ``cycle``)."""
    return np.int64(data[addr])


@njit(cache=True, nogil=True)
def usart_write(data, st, addr, value, cycle, pinlog, uartlog):
    """CPU write; True if interrupt requests or the schedule may have changed."""
    data[addr] = w1c(data, addr, value)
    return True


@njit(cache=True, nogil=True)
def usart_update(data, st, cycle, pinlog, uartlog):
    """Process everything due at or before ``cycle``; return the next due cycle (or NEVER)."""
    return NEVER
