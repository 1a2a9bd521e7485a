"""System control: sleep modes (datasheet 10), MCUCR (PUD, IVSEL/IVCE), MCUSR, PRR.

Sleep modes (SMCR.SM): 0 idle, 1 ADC noise reduction, 2 power-down, 3 power-save, 6 standby,
7 extended standby. Only idle keeps the I/O clock running; in the others the timers, USART,
SPI and TWI stop and INT0/INT1 wake the CPU only by their low level (table 10-1).
Waking from power-down or power-save waits for the crystal oscillator to start: with the
Uno's fuses (CKSEL = 1111, SUT = 11) that is 16K clock cycles; standby keeps the oscillator
running and wakes in 6 cycles. Then the CPU is halted 4 more cycles before the interrupt
response (datasheet 7.7.1).
"""

from __future__ import annotations

import numpy as np

from .jit import inner
from .regs import (
    MCUCR,
    MCUSR,
    S_IVCE_UNTIL,
    S_SLEEP_MODE,
    S_VECTOR_BASE,
    SMCR,
)

IDLE, ADC_NOISE_REDUCTION, POWER_DOWN, POWER_SAVE, STANDBY, EXTENDED_STANDBY = 0, 1, 2, 3, 6, 7
#: Word address of the boot loader section with the Uno's fuses: high fuse 0xDE has BOOTSZ1:0
#: = 11, a 256-word boot section at words 0x3F00-0x3FFF (datasheet 27, table "Boot Size
#: Configuration, ATmega328P"). SPM works only from there (``kernel.run_slice``). The Uno also
#: programs BOOTRST, so a real Uno resets into its boot loader at 0x3F00, which then jumps to
#: 0; the simulated chip has no boot loader in flash and resets to 0 directly (as if the boot
#: loader had just handed over), with the vectors at 0 unless the program sets IVSEL.
BOOT_START = 0x3F00
CRYSTAL_STARTUP = 16 * 1024


@inner
def sysctl_reset(data, st, cycle):
    st[S_SLEEP_MODE] = 0
    st[S_VECTOR_BASE] = 0
    st[S_IVCE_UNTIL] = -1


@inner
def sysctl_read(data, st, addr, cycle):
    return np.int64(data[addr])


@inner
def sysctl_write(data, st, addr, value, cycle, pinlog, uartlog):
    """Returns True when PUD changed (every pin's pull-up must be re-evaluated)."""
    if addr == MCUCR:
        old = np.int64(data[MCUCR])
        ivce = value & 1
        if ivce:
            # IVCE opens a four-cycle window for IVSEL (datasheet 12.5.1).
            st[S_IVCE_UNTIL] = cycle + 4
            value = (value & ~0x02) | (old & 0x02)
        elif cycle <= st[S_IVCE_UNTIL]:
            st[S_VECTOR_BASE] = BOOT_START if value & 0x02 else 0
            st[S_IVCE_UNTIL] = -1
        else:
            value = (value & ~0x02) | (old & 0x02)
        data[MCUCR] = value & ~1
        return ((old ^ value) & 0x10) != 0
    if addr == MCUSR:
        data[MCUSR] = value & 0x0F
        return False
    data[addr] = value
    return False


@inner
def sleep_mode(data):
    return (np.int64(data[SMCR]) >> 1) & 7


@inner
def io_clock_stops(mode):
    return mode != IDLE


@inner
def wakes(mode, vector):
    """Can interrupt ``vector`` wake the CPU from sleep ``mode`` (table 10-1)?"""
    if mode == IDLE:
        return True
    if vector == 1 or vector == 2 or (3 <= vector <= 5) or vector == 6 or vector == 24:
        return True  # INT0/INT1 (level), PCINT, WDT, TWI address match
    if mode == ADC_NOISE_REDUCTION:
        return vector == 21 or vector == 22 or vector == 25 or 7 <= vector <= 9
    if mode == POWER_SAVE or mode == EXTENDED_STANDBY:
        return 7 <= vector <= 9  # Timer2
    return False


@inner
def wake_delay(mode):
    """Cycles from the wake-up event until the CPU runs again (before the +4 of the response)."""
    if mode == POWER_DOWN or mode == POWER_SAVE:
        return CRYSTAL_STARTUP
    if mode == STANDBY or mode == EXTENDED_STANDBY:
        return 6
    return 0
