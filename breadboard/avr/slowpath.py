"""The kernel's rare paths, beside ``run_slice``: which interrupt is pending, SPM, the lost-event
and interrupts-off log rows, watchpoint hits, and ``io_access`` (one I/O register read or
written from outside the loop: the debugger's door). numba compiles each once; ``run_slice``
calls them only off its per-instruction path.
"""

from __future__ import annotations

import numpy as np

from .dispatch import (
    FLASH_WORDS,
)
from .jit import entry, inner
from .periph import (
    io_read,
    io_write,
)
from .regs import (
    IRQ_LOST,
    IRQ_OFF,
    READY,
    S_IOFF_LIMIT,
    S_IOFF_MAX,
    S_IOFF_MAX_AT,
    S_IOFF_SINCE,
    S_IRQ_N,
    S_LEVEL_REQ,
    S_LOST_N,
    S_LOST_RING,
    S_PERIPH_NEXT,
    S_RAISED_AT,
    S_WATCH,
    S_WATCH_HIT,
    S_WATCH_NEW,
    S_WATCH_OLD,
    S_WATCH_PC,
    SPH,
    SPL,
    SPM_BUFFER,
    SPM_PAGE_WORDS,
    SPMCSR,
    SREG,
    VEC_EN_ADDR,
    VEC_EN_BIT,
    VEC_FLAG_ADDR,
    VEC_FLAG_BIT,
    VEC_GROUPS,
    VEC_KIND,
    WATCH_SLOTS,
)


@entry
def pending_vector(data, st):
    """Highest-priority (lowest-numbered) interrupt vector requesting service, or 0."""
    level = st[S_LEVEL_REQ]
    for g in range(VEC_GROUPS.shape[0]):
        if np.int64(data[VEC_GROUPS[g, 0]]) & VEC_GROUPS[g, 3] == 0:
            continue  # no enable bit set in this register
        first = VEC_GROUPS[g, 1]
        for i in range(first, first + VEC_GROUPS[g, 2]):
            if (np.int64(data[VEC_EN_ADDR[i]]) >> VEC_EN_BIT[i]) & 1 == 0:
                continue
            flag = (np.int64(data[VEC_FLAG_ADDR[i]]) >> VEC_FLAG_BIT[i]) & 1
            if VEC_KIND[i] == READY:
                flag ^= 1
            if flag or (level >> (i + 1)) & 1:
                return i + 1
    return 0


@inner
def spm(data, flash, st, z, r0, r1):
    """Self-programming (datasheet 26.8): buffer fill, page erase, page write."""
    ctl = np.int64(data[SPMCSR])
    data[SPMCSR] = ctl & ~0x3F  # SPMEN and the command bits clear when the operation ends
    if ctl & 1 == 0:
        return False
    page = (z >> 1) & ~(SPM_PAGE_WORDS - 1) & (FLASH_WORDS - 1)
    cmd = ctl & 0x3E
    if cmd == 0:
        i = (z >> 1) & (SPM_PAGE_WORDS - 1)
        data[SPM_BUFFER + 2 * i] = r0
        data[SPM_BUFFER + 2 * i + 1] = r1
        return False
    if cmd == 0x02:
        for i in range(SPM_PAGE_WORDS):
            flash[page + i] = 0xFFFF
        return True
    if cmd == 0x04:
        for i in range(SPM_PAGE_WORDS):
            lo = np.int64(data[SPM_BUFFER + 2 * i])
            hi = np.int64(data[SPM_BUFFER + 2 * i + 1])
            flash[page + i] = np.int64(flash[page + i]) & (lo | (hi << 8))
            data[SPM_BUFFER + 2 * i] = 0xFF
            data[SPM_BUFFER + 2 * i + 1] = 0xFF
        return True
    return False


@inner
def flush_lost(st, irqlog):
    """Move the lost events ``raise_flags`` noted into the IRQ log."""
    n = st[S_IRQ_N]
    for j in range(st[S_LOST_N]):
        if n >= irqlog.shape[0]:
            break
        c = st[S_LOST_RING + 2 * j]
        v = st[S_LOST_RING + 2 * j + 1]
        irqlog[n, 0] = c
        irqlog[n, 1] = v
        irqlog[n, 2] = IRQ_LOST
        irqlog[n, 3] = st[S_RAISED_AT + v]
        n += 1
    st[S_IRQ_N] = n
    st[S_LOST_N] = 0


@inner
def ioff_end(st, irqlog, cycle):
    """Interrupts enabled again at ``cycle`` after software disabled them: keep the longest
    stretch, and log one longer than S_IOFF_LIMIT (IRQ_OFF row)."""
    since = st[S_IOFF_SINCE]
    st[S_IOFF_SINCE] = -1
    length = cycle - since
    if length > st[S_IOFF_MAX]:
        st[S_IOFF_MAX] = length
        st[S_IOFF_MAX_AT] = since
    if length > st[S_IOFF_LIMIT]:
        n = st[S_IRQ_N]
        if n < irqlog.shape[0]:
            irqlog[n, 0] = cycle
            irqlog[n, 1] = 0
            irqlog[n, 2] = IRQ_OFF
            irqlog[n, 3] = since
            st[S_IRQ_N] = n + 1


@inner
def watch_hit(st, addr, old, new, pc):
    """True if ``addr`` is watched; then note the hit (address, old/new value, writer's PC)."""
    for j in range(WATCH_SLOTS):
        if st[S_WATCH + j] == addr:
            st[S_WATCH_HIT] = addr
            st[S_WATCH_OLD] = old
            st[S_WATCH_NEW] = new & 0xFF
            st[S_WATCH_PC] = pc
            return True
    return False


@entry
def io_access(data, st, addr, value, cycle, pinlog, uartlog, write):
    """An I/O register access from outside the program (a debugger, while paused).

    ``write``: the CPU's write of ``value`` with all its side effects (OCR2A, TCCRn ... take
    effect as if the program wrote them); returns the value stored. Else the value the CPU
    would read at ``cycle`` (TCNTn counted up to now, TIFRn with flags due by now); pass a
    copy of the state to leave the chip undisturbed (a read may latch a byte into it)."""
    sreg = np.int64(data[SREG])
    sp = np.int64(data[SPL]) | (np.int64(data[SPH]) << 8)
    if write:
        sreg, sp, check = io_write(data, st, addr, value, cycle, sreg, sp, pinlog, uartlog)
        data[SREG] = sreg
        data[SPL] = sp & 0xFF
        data[SPH] = (sp >> 8) & 0xFF
        st[S_PERIPH_NEXT] = 0
        return np.int64(data[addr])
    return io_read(data, st, addr, cycle, sreg, sp)


__all__ = ["pending_vector", "spm", "flush_lost", "ioff_end", "watch_hit", "io_access"]
