"""The watchdog timer (datasheet 11.8, 11.9).

WDTCSR = WDIF (7), WDIE (6), WDP3 (5), WDCE (4), WDE (3), WDP2:0. The watchdog counts cycles
of its own 128 kHz oscillator, taken here at its nominal frequency (the real one varies with
voltage and temperature): a time-out every 2048 * 2^WDP oscillator cycles = 16 ms * 2^WDP,
i.e. 256,000 * 2^WDP CPU cycles at 16 MHz (WDP 0-9; the reserved 10-15 act as 9). The count
starts when the watchdog is switched on (WDE or WDIE set) and restarts at every WDR
(``wdt_kick``, called by the kernel) and at every time-out.

Modes (table 11-1): WDIE = 1, WDE = 0 interrupt: each time-out sets WDIF (vector 6, cleared
on entry). WDE = 1, WDIE = 0 system reset: the time-out requests a watchdog reset
(``S_RESET_REQ``; the dispatcher's chip reset sets MCUSR.WDRF). Both: the first time-out sets
WDIF; executing the vector clears WDIE as well (the kernel clears only WDIF on entry: this
module notices a WDIF it set that was cleared other than by a write of WDTCSR, and then clears
WDIE), so the next time-out resets - as does a time-out while WDIF is still set.

Changes (safety level 1, WDTON unprogrammed, 11.9.2): WDE may be set at any time; clearing WDE
or changing WDP needs the timed sequence: one write with WDCE = 1 and WDE = 1, then within 4
cycles a write with WDCE = 0 and the new WDE/WDP. WDIE may be written at any time. WDE is
forced to 1 while MCUSR.WDRF is set; after a watchdog reset (WDRF set) the watchdog therefore
runs in reset mode with the 16 ms time-out. The watchdog runs in every sleep mode.
"""

from __future__ import annotations

import numpy as np

from .common import NEVER, raise_flags, schedule
from .jit import inner
from .regs import MCUSR, RESET_WATCHDOG, S_RESET_REQ, S_WDT, WDTCSR

# Fields of the watchdog's block in ``st``
W_NEXT = S_WDT + 0  # cycle of the next time-out (NEVER: stopped)
W_BASE = S_WDT + 1  # cycle the count (re)started at
W_CE_UNTIL = S_WDT + 2  # WDE/WDP may be changed until this cycle (WDCE timed sequence)
W_IF_OWN = S_WDT + 3  # 1: WDIF was set by a time-out and not yet cleared by a WDTCSR write

WDIF, WDIE, WDP3, WDCE, WDE = 0x80, 0x40, 0x20, 0x10, 0x08
WDP_MASK = 0x27
WDRF = 0x08
#: CPU cycles per time-out with WDP = 0: 2048 cycles of the 128 kHz oscillator = 16 ms.
BASE_TIMEOUT = 256_000


@inner
def _period(reg):
    wdp = (reg & 7) | ((reg >> 2) & 8)
    return np.int64(BASE_TIMEOUT) << min(wdp, 9)


@inner
def _fix_wdie(data, st):
    """WDIF set by a time-out has gone without a WDTCSR write: the vector was executed; with
    WDE = 1 that clears WDIE too (interrupt and system reset mode)."""
    if st[W_IF_OWN]:
        reg = np.int64(data[WDTCSR])
        if reg & WDIF == 0:
            st[W_IF_OWN] = 0
            if reg & WDE:
                data[WDTCSR] = reg & ~WDIE


@inner
def _reschedule(data, st, cycle, was_running):
    reg = np.int64(data[WDTCSR])
    if reg & (WDE | WDIE) == 0:
        st[W_NEXT] = NEVER
        return
    if not was_running:
        st[W_BASE] = cycle
    nxt = st[W_BASE] + _period(reg)
    st[W_NEXT] = nxt if nxt > cycle else cycle  # a shorter time-out may expire at once


@inner
def wdt_reset(data, st, cycle):
    st[W_CE_UNTIL] = -1
    st[W_IF_OWN] = 0
    if np.int64(data[MCUSR]) & WDRF:
        data[WDTCSR] = WDE  # WDRF forces WDE: reset mode, 16 ms
        st[W_BASE] = cycle
        st[W_NEXT] = cycle + BASE_TIMEOUT
    else:
        data[WDTCSR] = 0
        st[W_NEXT] = NEVER


@inner
def wdt_kick(data, st, cycle):
    """WDR: restart the count."""
    st[W_BASE] = cycle
    if st[W_NEXT] != NEVER:
        st[W_NEXT] = cycle + _period(np.int64(data[WDTCSR]))


@inner
def wdt_read(data, st, addr, cycle):
    _fix_wdie(data, st)
    if cycle > st[W_CE_UNTIL]:
        data[WDTCSR] = np.int64(data[WDTCSR]) & ~WDCE
    return np.int64(data[addr])


@inner
def wdt_write(data, st, addr, value, cycle, pinlog, uartlog):
    _fix_wdie(data, st)
    old = np.int64(data[WDTCSR])
    was_running = old & (WDE | WDIE) != 0
    new = (old & WDIF & ~value) | (value & WDIE)
    if value & WDIF:
        st[W_IF_OWN] = 0
    if value & (WDCE | WDE) == WDCE | WDE:
        # First step of the timed sequence: WDE = 1 (always allowed), the window opens.
        if cycle <= st[W_CE_UNTIL]:
            new |= value & WDP_MASK
        else:
            new |= old & WDP_MASK
        st[W_CE_UNTIL] = cycle + 4
        new |= WDE | WDCE
    elif cycle <= st[W_CE_UNTIL] and value & WDCE == 0:
        new |= value & (WDE | WDP_MASK)  # second step: WDE and WDP as written
        st[W_CE_UNTIL] = -1
    else:
        new |= (old | value) & WDE  # WDE can be set but not cleared; WDP keeps its value
        new |= old & WDP_MASK
    if np.int64(data[MCUSR]) & WDRF:
        new |= WDE
    data[WDTCSR] = new
    _reschedule(data, st, cycle, was_running)
    if new & WDCE:
        schedule(st, cycle + 5)  # clear WDCE when the window closes
    schedule(st, st[W_NEXT])
    return True


@inner
def wdt_update(data, st, cycle, pinlog, uartlog):
    if cycle > st[W_CE_UNTIL] and np.int64(data[WDTCSR]) & WDCE:
        data[WDTCSR] = np.int64(data[WDTCSR]) & ~WDCE
    if cycle < st[W_NEXT]:
        return st[W_NEXT]
    _fix_wdie(data, st)
    while st[W_NEXT] <= cycle:
        t = st[W_NEXT]
        reg = np.int64(data[WDTCSR])
        if reg & WDIE and not (reg & WDE and reg & WDIF):
            raise_flags(data, st, WDTCSR, WDIF, t)
            st[W_IF_OWN] = 1
            st[W_BASE] = t
            st[W_NEXT] = t + _period(reg)
        elif reg & (WDE | WDIE):
            st[S_RESET_REQ] = RESET_WATCHDOG
            st[W_NEXT] = NEVER
        else:
            st[W_NEXT] = NEVER
    return st[W_NEXT]
