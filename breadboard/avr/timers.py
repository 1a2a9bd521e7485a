"""Timer/Counter0, Timer/Counter1 and Timer/Counter2 (datasheet 15-18)."""

from __future__ import annotations

import numpy as np
from numba import njit

from .common import NEVER, schedule, w1c  # noqa: F401


@njit(cache=True, nogil=True)
def timers_reset(data, st, cycle):
    """Reset values of the registers and of this module's state block at ``cycle``."""
    return


@njit(cache=True, nogil=True)
def timers_read(data, st, addr, cycle):
    """Value read by the CPU at I/O data address ``addr`` (an instruction completing at ``cycle``)."""
    return np.int64(data[addr])


@njit(cache=True, nogil=True)
def timers_write(data, st, addr, value, cycle, pinlog, uartlog):
    """CPU write; True if interrupt requests or the schedule may have changed."""
    data[addr] = w1c(data, addr, value)
    return True


@njit(cache=True, nogil=True)
def timers_update(data, st, cycle, pinlog, uartlog):
    """Process everything due at or before ``cycle``; return the next due cycle (or NEVER)."""
    return NEVER


@njit(cache=True, nogil=True)
def timers_pin_change(data, st, port, old, new, cycle):
    """Pins changed: ICP1 (PB0) input capture, T0 (PD4) / T1 (PD5) external clocks."""
    return


@njit(cache=True, nogil=True)
def timers_clock(data, st, cycle, running):
    """The I/O clock stops (sleep other than idle) or starts again at ``cycle``."""
    return
