"""The data EEPROM (datasheet 8.4, 8.6).

The 1024 bytes live in the data array at ``EEPROM_BASE`` (above the chip's address space;
``Mcu.eeprom`` is a view of them), so they survive every reset, power-on included.

Registers: EEARH:EEARL (10-bit address), EEDR, EECR = EEPM1:0 (5:4), EERIE, EEMPE, EEPE, EERE.
- Read: writing EERE = 1 copies the addressed byte to EEDR at once and halts the CPU for 4
  cycles (``S_STALL``); ignored while a write is in progress.
- Write: writing EEMPE = 1 opens a 4-cycle window (hardware clears EEMPE after it); EEPE
  written to one inside a window opened by an earlier write starts programming, halts the CPU
  for 2 cycles, and EEPE stays 1 until it is done. EEPM1:0 pick the operation (table 8-2):
  00 erase and write, 3.4 ms (54,400 cycles at 16 MHz); 01 erase only (the byte becomes 0xFF)
  and 10 write only (the byte is ANDed with EEDR), 1.8 ms (28,800 cycles); 11 is reserved and
  starts nothing. The byte changes when programming ends. While EEPE = 1, writes to EEAR,
  EEDR and EEPM are ignored.
- EE READY (vector 22) requests while EEPE = 0 and EERIE = 1 (a READY kind: the kernel does it).
A reset during programming completes the write at once.
"""

from __future__ import annotations

import numpy as np

from .common import NEVER, schedule
from .jit import inner
from .regs import EEARH, EEARL, EECR, EEDR, EEPROM_BASE, S_EEPROM, S_STALL

# Fields of the EEPROM's block in ``st``
E_END = S_EEPROM + 0  # cycle the programming in progress ends (NEVER: none)
E_MPE_UNTIL = S_EEPROM + 1  # EEPE may be written until this cycle (EEMPE window)
E_ADDR = S_EEPROM + 2  # address, data and mode of the programming in progress
E_DATA = S_EEPROM + 3
E_MODE = S_EEPROM + 4

EERE, EEPE, EEMPE, EERIE = 0x01, 0x02, 0x04, 0x08
READ_STALL = 4
WRITE_STALL = 2
ERASE_WRITE_CYCLES = 54_400  # 3.4 ms at 16 MHz
HALF_CYCLES = 28_800  # 1.8 ms: erase only or write only


@inner
def _address(data):
    return (np.int64(data[EEARL]) | (np.int64(data[EEARH]) << 8)) & 0x3FF


@inner
def _finish(data, st):
    """Programming ends: the byte takes its new value, EEPE clears."""
    a = EEPROM_BASE + st[E_ADDR]
    mode = st[E_MODE]
    if mode == 0:
        data[a] = st[E_DATA]
    elif mode == 1:
        data[a] = 0xFF
    else:
        data[a] = np.int64(data[a]) & st[E_DATA]
    st[E_END] = NEVER
    data[EECR] = np.int64(data[EECR]) & ~EEPE


@inner
def _catch_up(data, st, cycle):
    if st[E_END] <= cycle:
        _finish(data, st)
    if cycle > st[E_MPE_UNTIL]:
        data[EECR] = np.int64(data[EECR]) & ~EEMPE


@inner
def _next(data, st):
    if np.int64(data[EECR]) & EEMPE and st[E_MPE_UNTIL] + 1 < st[E_END]:
        return st[E_MPE_UNTIL] + 1
    return st[E_END]


@inner
def eeprom_reset(data, st, cycle):
    if st[E_END] != NEVER and st[E_END] != 0:
        _finish(data, st)
    st[E_END] = NEVER
    st[E_MPE_UNTIL] = -1


@inner
def eeprom_read(data, st, addr, cycle):
    _catch_up(data, st, cycle)
    return np.int64(data[addr])


@inner
def eeprom_write(data, st, addr, value, cycle, pinlog, uartlog):
    _catch_up(data, st, cycle)
    old = np.int64(data[EECR])
    busy = old & EEPE
    if addr == EEARL or addr == EEDR:
        if busy == 0:
            data[addr] = value
        return False
    if addr == EEARH:
        if busy == 0:
            data[addr] = value & 0x03
        return False
    # EECR
    eepm = old & 0x30 if busy else value & 0x30
    new = eepm | (value & EERIE) | busy
    if value & EEPE and busy == 0 and cycle <= st[E_MPE_UNTIL]:
        st[E_MPE_UNTIL] = -1
        mode = eepm >> 4
        if mode != 3:
            st[E_ADDR] = _address(data)
            st[E_DATA] = np.int64(data[EEDR])
            st[E_MODE] = mode
            st[E_END] = cycle + (ERASE_WRITE_CYCLES if mode == 0 else HALF_CYCLES)
            st[S_STALL] += WRITE_STALL
            new |= EEPE
    elif value & EEMPE:
        st[E_MPE_UNTIL] = cycle + 4
        new |= EEMPE
    elif cycle <= st[E_MPE_UNTIL]:
        new |= EEMPE  # the window stays open until hardware clears EEMPE
    if value & EERE and busy == 0:
        data[EEDR] = data[EEPROM_BASE + _address(data)]
        st[S_STALL] += READ_STALL
    data[EECR] = new
    schedule(st, _next(data, st))
    return True


@inner
def eeprom_update(data, st, cycle, pinlog, uartlog):
    if cycle < st[E_END] and cycle <= st[E_MPE_UNTIL]:
        return _next(data, st)
    _catch_up(data, st, cycle)
    return _next(data, st)
