"""SPI master (datasheet 19): SPCR, SPSR, SPDR.

Writing SPDR with SPE and MSTR set starts a transfer of 8 bits at the SCK period
fosc/4, 16, 64, 128 (SPR1:0), halved by SPI2X (table 19-5). SPIF is set 8 SCK periods after
the write; SPDR then reads the received byte. Writing SPDR during a transfer sets WCOL and the
byte is ignored. SPIF (and WCOL) clear when SPSR is read with SPIF set and SPDR is then
accessed, or (SPIF) when the SPI vector is entered.

Received bits are MISO's level (PB4, D12) at each sampling edge: SCK period k of the transfer
(k = 0..7) spans [write + k*P, write + (k+1)*P), its leading edge half a period in, its
trailing edge at its end; CPHA = 0 samples on the leading edge, CPHA = 1 on the trailing
edge (19.4, figures 19-3/19-4; the datasheet gives no finer phase). DORD picks the bit order.
As master the SPI forces MISO to be an input (table 19-1; PORTB4 keeps the pull-up).

Not modelled: slave mode (MSTR = 0: SPDR writes only store nothing and start nothing), the SS
pin switching a master to slave (MODF), the SCK and MOSI waveforms (those pins keep their
PORTB values), sleep modes stopping the clock, and PRR.
"""

from __future__ import annotations

import numpy as np

from . import pins
from .common import NEVER, raise_flags, schedule
from .jit import inner
from .regs import S_LEVELS, S_LEVELS_AT, S_LEVELS_PREV, S_OVR_IN, S_SPI, SPCR, SPDR, SPSR

SPIE, SPE, DORD, MSTR, CPOL, CPHA = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04
SPIF, WCOL, SPI2X = 0x80, 0x40, 0x01
PORT_B, MISO_BIT = 0, 4
#: SCK period in cycles for SPR1:0 (with SPI2X: half)
SCK_DIV = np.array([4, 16, 64, 128], dtype=np.int64)

P_END = S_SPI + 0  # cycle the transfer completes (SPIF); NEVER: idle
P_SAMPLE = S_SPI + 1  # cycle of the next MISO sample; NEVER: none
P_PERIOD = S_SPI + 2  # SCK period of the transfer
P_BITS = S_SPI + 3  # bits sampled so far
P_SHIFT = S_SPI + 4  # bits received so far
P_LSB_FIRST = S_SPI + 5  # DORD at the start of the transfer
P_SPIF_READ = S_SPI + 6  # 1: SPSR was read with SPIF set (an SPDR access then clears SPIF)


@inner
def _sync(data, st, cycle):
    while st[P_SAMPLE] <= cycle:
        t = st[P_SAMPLE]
        lv = st[S_LEVELS + PORT_B] if t >= st[S_LEVELS_AT + PORT_B] else st[S_LEVELS_PREV + PORT_B]
        bit = (lv >> MISO_BIT) & 1  # MISO's level at t (at most one change back)
        k = st[P_BITS]
        if st[P_LSB_FIRST]:
            st[P_SHIFT] |= bit << k
        else:
            st[P_SHIFT] = (st[P_SHIFT] << 1) | bit
        st[P_BITS] = k + 1
        st[P_SAMPLE] = t + st[P_PERIOD] if k < 7 else NEVER
    if st[P_END] <= cycle:
        end = st[P_END]
        st[P_END] = NEVER
        data[SPDR] = st[P_SHIFT] & 0xFF
        raise_flags(data, st, SPSR, SPIF, end)
        st[P_SPIF_READ] = 0
    s = st[P_SAMPLE]
    e = st[P_END]
    return s if s < e else e


@inner
def spi_reset(data, st, cycle):
    st[P_END] = NEVER
    st[P_SAMPLE] = NEVER
    st[P_SPIF_READ] = 0
    st[S_OVR_IN + PORT_B] &= ~(np.int64(1) << MISO_BIT)


@inner
def spi_read(data, st, addr, cycle):
    _sync(data, st, cycle)
    v = np.int64(data[addr])
    if addr == SPSR:
        if v & SPIF:
            st[P_SPIF_READ] = 1
    elif addr == SPDR and st[P_SPIF_READ]:
        st[P_SPIF_READ] = 0  # SPSR read with SPIF set, then SPDR accessed: SPIF, WCOL clear
        data[SPSR] = np.int64(data[SPSR]) & ~(SPIF | WCOL)
    return v


@inner
def spi_write(data, st, addr, value, cycle, pinlog, uartlog):
    _sync(data, st, cycle)
    if addr == SPDR:
        if st[P_SPIF_READ]:
            st[P_SPIF_READ] = 0
            data[SPSR] = np.int64(data[SPSR]) & ~(SPIF | WCOL)
        ctl = np.int64(data[SPCR])
        if st[P_END] != NEVER:
            data[SPSR] = np.int64(data[SPSR]) | WCOL  # written during a transfer (19.5.2)
        elif ctl & SPE and ctl & MSTR:
            period = SCK_DIV[ctl & 3]
            if np.int64(data[SPSR]) & SPI2X:
                period >>= 1
            st[P_PERIOD] = period
            st[P_BITS] = 0
            st[P_SHIFT] = 0
            st[P_LSB_FIRST] = 1 if ctl & DORD else 0
            st[P_SAMPLE] = cycle + (period if ctl & CPHA else period >> 1)
            st[P_END] = cycle + 8 * period
    elif addr == SPSR:
        data[SPSR] = (np.int64(data[SPSR]) & (SPIF | WCOL)) | (value & SPI2X)
    else:
        data[SPCR] = value
        master = (value & SPE) != 0 and (value & MSTR) != 0
        pins.force_input(data, st, pinlog, np.int64(PORT_B), np.int64(MISO_BIT), master, cycle)
        if not value & SPE:
            st[P_END] = NEVER  # disabling the SPI aborts a transfer
            st[P_SAMPLE] = NEVER
    schedule(st, cycle)
    return True


@inner
def spi_update(data, st, cycle, pinlog, uartlog):
    s = st[P_SAMPLE]
    e = st[P_END]
    due = s if s < e else e
    if cycle < due:
        return due
    return _sync(data, st, cycle)
