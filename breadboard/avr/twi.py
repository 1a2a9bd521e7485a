"""TWI (I2C) master on an empty bus (datasheet 22): TWBR, TWSR, TWCR, TWDR (TWAR, TWAMR stored).

The SCL period is 16 + 2 * TWBR * 4^TWPS cycles (22.5.2). The TWI acts when TWINT is clear and
TWEN set; the application clears TWINT by writing one to it, together with what to do:
- TWSTA: a START condition (one SCL period); then TWINT is set with status 0x08, or 0x10
  (repeated START) if this master already holds the bus. TWSTA with TWSTO: STOP then START.
- TWSTO: a STOP condition (one SCL period); then TWSTO clears, TWINT stays clear and the
  status is 0xF8. Without the bus (slave mode), TWSTO just clears (error recovery, 22.9.2).
- neither, after a START: TWDR is sent as SLA+R/W, 8 bits and the acknowledge bit = 9 SCL
  periods. No slave is on the bus, so nobody acknowledges: status 0x20 (SLA+W, NACK) or 0x48
  (SLA+R, NACK). A data byte sent after SLA+W gives 0x30 (data, NACK). A byte received (only
  reached if the program ignores a NACK) reads 0xFF (SDA pulled up): 0x50 with TWEA, else 0x58.
TWINT requests the TWI interrupt while it is set (regs.VECTORS kind KEEP). Writing TWDR while
TWINT is clear sets TWWC and is ignored. Clearing TWEN aborts any operation (status 0xF8).
The START/STOP durations are this model's (the datasheet gives no cycle counts for them).

Not modelled: slave mode and other masters (the own address TWAR never matches), arbitration,
SCL stretching, the SDA/SCL pin waveforms (PC4/PC5 keep their port values), sleep and PRR.
"""

from __future__ import annotations

import numpy as np

from .common import NEVER, schedule
from .jit import inner
from .regs import S_TWI, TWAR, TWBR, TWCR, TWDR, TWSR

TWINT, TWEA, TWSTA, TWSTO, TWWC, TWEN, TWIE = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x01
#: Status codes (table 22-3, 22-4)
ST_START, ST_REP_START, ST_SLA_W_NACK, ST_DATA_NACK = 0x08, 0x10, 0x20, 0x30
ST_SLA_R_NACK, ST_DATA_R_ACK, ST_DATA_R_NACK, ST_IDLE = 0x48, 0x50, 0x58, 0xF8
# Pending actions
A_NONE, A_START, A_STOP, A_BYTE_OUT, A_BYTE_IN = 0, 1, 2, 3, 4

W_DUE = S_TWI + 0  # cycle the operation in progress completes; NEVER: none
W_ACTION = S_TWI + 1  # which one (A_*)
W_STATUS = S_TWI + 2  # status code when it completes
W_BUS = S_TWI + 3  # 1 while this master holds the bus (START sent, no STOP yet)


@inner
def _sync(data, st, cycle):
    due = st[W_DUE]
    if due > cycle:
        return due
    act = st[W_ACTION]
    st[W_DUE] = NEVER
    st[W_ACTION] = A_NONE
    ctl = np.int64(data[TWCR]) & ~TWSTO
    if act == A_STOP:
        st[W_BUS] = 0
        data[TWSR] = ST_IDLE | (np.int64(data[TWSR]) & 3)
    else:
        if act == A_START:
            st[W_BUS] = 1
        elif act == A_BYTE_IN:
            data[TWDR] = 0xFF
        data[TWSR] = st[W_STATUS] | (np.int64(data[TWSR]) & 3)
        ctl |= TWINT
    data[TWCR] = ctl
    return NEVER


@inner
def twi_reset(data, st, cycle):
    data[TWSR] = ST_IDLE
    data[TWDR] = 0xFF
    data[TWAR] = 0xFE
    st[W_DUE] = NEVER
    st[W_ACTION] = A_NONE
    st[W_BUS] = 0


@inner
def twi_read(data, st, addr, cycle):
    _sync(data, st, cycle)
    return np.int64(data[addr])


@inner
def _begin(data, st, value, cycle):
    """Start what a TWCR write asks for (TWINT is clear, TWEN set, nothing in progress)."""
    ps = np.int64(data[TWSR]) & 3  # SCL period: 16 + 2 * TWBR * 4^TWPS (22.5.2)
    period = 16 + 2 * np.int64(data[TWBR]) * (np.int64(1) << (2 * ps))
    if value & TWSTA:
        st[W_ACTION] = A_START
        if value & TWSTO and st[W_BUS]:
            st[W_DUE] = cycle + 2 * period
            st[W_STATUS] = ST_START
        else:
            st[W_DUE] = cycle + period
            st[W_STATUS] = ST_REP_START if st[W_BUS] else ST_START
        return
    if value & TWSTO:
        if st[W_BUS]:
            st[W_ACTION] = A_STOP
            st[W_DUE] = cycle + period
        else:
            data[TWCR] = np.int64(data[TWCR]) & ~TWSTO
        return
    if not st[W_BUS] or not value & TWINT:
        return
    status = np.int64(data[TWSR]) & 0xF8
    if status == ST_START or status == ST_REP_START:
        st[W_ACTION] = A_BYTE_OUT
        st[W_STATUS] = ST_SLA_R_NACK if np.int64(data[TWDR]) & 1 else ST_SLA_W_NACK
    elif status == 0x18 or status == ST_SLA_W_NACK or status == 0x28 or status == ST_DATA_NACK:
        st[W_ACTION] = A_BYTE_OUT
        st[W_STATUS] = ST_DATA_NACK
    elif status == 0x40 or status == ST_DATA_R_ACK:
        st[W_ACTION] = A_BYTE_IN
        st[W_STATUS] = ST_DATA_R_ACK if value & TWEA else ST_DATA_R_NACK
    else:
        return
    st[W_DUE] = cycle + 9 * period


@inner
def twi_write(data, st, addr, value, cycle, pinlog, uartlog):
    _sync(data, st, cycle)
    if addr == TWCR:
        old = np.int64(data[TWCR])
        ctl = (value & (TWEA | TWSTA | TWSTO | TWEN | TWIE)) | (old & TWWC)
        if not value & TWINT:
            ctl |= old & TWINT  # TWINT is cleared by writing one to it
        data[TWCR] = ctl
        if not value & TWEN:
            st[W_DUE] = NEVER  # the TWI is switched off: everything stops (22.9.2)
            st[W_ACTION] = A_NONE
            st[W_BUS] = 0
            data[TWSR] = ST_IDLE | (np.int64(data[TWSR]) & 3)
        elif ctl & TWINT == 0 and st[W_DUE] == NEVER:
            _begin(data, st, value, cycle)
    elif addr == TWDR:
        if np.int64(data[TWCR]) & TWINT:
            data[TWDR] = value
            data[TWCR] = np.int64(data[TWCR]) & ~TWWC
        else:
            data[TWCR] = np.int64(data[TWCR]) | TWWC  # write collision (22.9.2)
    elif addr == TWSR:
        data[TWSR] = (np.int64(data[TWSR]) & 0xF8) | (value & 3)
    else:
        data[addr] = value
    schedule(st, cycle)
    return True


@inner
def twi_update(data, st, cycle, pinlog, uartlog):
    if cycle < st[W_DUE]:
        return st[W_DUE]
    return _sync(data, st, cycle)
