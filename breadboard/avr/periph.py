"""The peripherals' dispatcher: the kernel's only door to the I/O registers and devices.

The kernel calls ``io_read``/``io_write`` for data addresses below 0x100 other than the
common cases it handles itself (SRAM, ``in``/``out`` on SREG), passing SREG and SP, which it
keeps in local variables; and ``update`` whenever the cycle count reaches
``st[S_PERIPH_NEXT]``. Each register belongs to one module (``regs.OWNER``); each module has
``*_reset``, ``*_read``, ``*_write`` and ``*_update`` (see timers.py for the contract).

Peripherals are lazy: a module keeps the cycle its state was last brought up to date at,
computes its registers on access, raises flags at the exact cycles they fall due in
``*_update``, and returns the next cycle at which something will happen. A write that changes
a module's timing pulls ``st[S_PERIPH_NEXT]`` earlier (``schedule``).
"""

from __future__ import annotations

import numpy as np

from . import pins
from .acomp import acomp_read, acomp_reset, acomp_update, acomp_write
from .adc import adc_read, adc_reset, adc_sleep, adc_update, adc_write
from .common import FALSE, TRUE, w1c
from .eeprom import eeprom_read, eeprom_reset, eeprom_update, eeprom_write
from .extint import extint_pin_change, extint_read, extint_reset, extint_update, extint_write
from .jit import entry, inner
from .regs import (
    IRQ_REGISTER,
    MCUSR,
    OWN_ACOMP,
    OWN_ADC,
    OWN_EEPROM,
    OWN_EXTINT,
    OWN_NONE,
    OWN_PORTS,
    OWN_SPI,
    OWN_TIMER0,
    OWN_TIMER1,
    OWN_TIMER2,
    OWN_TWI,
    OWN_USART,
    OWN_WDT,
    OWNER,
    S_LEVELS,
    S_LEVELS_AT,
    S_LEVELS_PREV,
    S_OVR_DDR,
    S_PERIPH_NEXT,
    S_PIN_DIRTY,
    S_SLEEP_MODE,
    S_SLEEPING,
    SPH,
    SPL,
    SPM_BUFFER,
    SPM_PAGE_WORDS,
    SREG,
    UCSR0A,
    UCSR0C,
)
from .spi import spi_read, spi_reset, spi_update, spi_write
from .sysctl import io_clock_stops, sleep_mode, sysctl_read, sysctl_reset, sysctl_write
from .timers import (
    timers_clock,
    timers_pin_change,
    timers_read,
    timers_reset,
    timers_update,
    timers_write,
)
from .twi import twi_read, twi_reset, twi_update, twi_write
from .usart import usart_read, usart_reset, usart_update, usart_write
from .wdt import wdt_read, wdt_reset, wdt_update, wdt_write

LOG_MARGIN = pins.LOG_MARGIN
SREG_I = 0x80  # SREG's global interrupt enable


@inner
def io_read(data, st, addr, cycle, sreg, sp):
    """The value the CPU reads at data address ``addr`` below 0x100: a register, SREG and SP
    (which the kernel keeps in locals and passes in), or an I/O register."""
    if addr < 0x20 or addr >= 0x100:
        return np.int64(data[addr])
    if addr == SREG:
        return sreg
    if addr == SPL:
        return sp & 0xFF
    if addr == SPH:
        return (sp >> 8) & 0xFF
    owner = OWNER[addr]
    if owner == OWN_NONE:
        return np.int64(data[addr])
    if owner == OWN_PORTS:
        return pins.port_read(data, st, addr, cycle)
    if owner == OWN_TIMER0 or owner == OWN_TIMER1 or owner == OWN_TIMER2:
        return timers_read(data, st, addr, cycle)
    if owner == OWN_EXTINT:
        return extint_read(data, st, addr, cycle)
    if owner == OWN_USART:
        return usart_read(data, st, addr, cycle)
    if owner == OWN_ADC:
        return adc_read(data, st, addr, cycle)
    if owner == OWN_ACOMP:
        return acomp_read(data, st, addr, cycle)
    if owner == OWN_EEPROM:
        return eeprom_read(data, st, addr, cycle)
    if owner == OWN_WDT:
        return wdt_read(data, st, addr, cycle)
    if owner == OWN_SPI:
        return spi_read(data, st, addr, cycle)
    if owner == OWN_TWI:
        return twi_read(data, st, addr, cycle)
    return sysctl_read(data, st, addr, cycle)


@inner
def io_write(data, st, addr, value, cycle, sreg, sp, pinlog, uartlog):
    """The CPU stores ``value`` at data address ``addr`` below 0x100 (a register, SREG, SP or
    an I/O register). Returns (SREG, SP, re-check): re-check is True if the kernel must look
    again at interrupts and peripherals before the next instruction."""
    if addr < 0x20 or addr >= 0x100:
        data[addr] = value
        return sreg, sp, False
    if addr == SREG:
        return value, sp, (value & SREG_I) != 0 and (sreg & SREG_I) == 0
    if addr == SPL:
        return sreg, (sp & 0xFF00) | value, False
    if addr == SPH:
        return sreg, (sp & 0x00FF) | (value << 8), False
    owner = OWNER[addr]
    if owner == OWN_NONE:
        data[addr] = w1c(data, addr, value)
        check = IRQ_REGISTER[addr] != 0
    elif owner == OWN_PORTS:
        check = pins.port_write(data, st, pinlog, addr, value, cycle)
    elif owner == OWN_TIMER0 or owner == OWN_TIMER1 or owner == OWN_TIMER2:
        check = timers_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_EXTINT:
        check = extint_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_USART:
        check = usart_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_ADC:
        check = adc_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_ACOMP:
        check = acomp_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_EEPROM:
        check = eeprom_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_WDT:
        check = wdt_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_SPI:
        check = spi_write(data, st, addr, value, cycle, pinlog, uartlog)
    elif owner == OWN_TWI:
        check = twi_write(data, st, addr, value, cycle, pinlog, uartlog)
    else:
        check = True
        if sysctl_write(data, st, addr, value, cycle, pinlog, uartlog):
            for port in range(3):  # PUD changed: every pull-up may have changed
                pins.refresh(data, st, pinlog, port, cycle)
    return sreg, sp, check


@inner
def update(data, st, cycle, pinlog, uartlog):
    """Bring every peripheral up to ``cycle``; return the next cycle one needs attention."""
    dirty = st[S_PIN_DIRTY]
    if dirty:
        st[S_PIN_DIRTY] = 0
        for port in range(3):
            if (dirty >> port) & 1:
                old = st[S_LEVELS_PREV + port]
                new = st[S_LEVELS + port]
                at = st[S_LEVELS_AT + port]
                extint_pin_change(data, st, port, old, new, at)
                timers_pin_change(data, st, port, old, new, at)
    nxt = timers_update(data, st, cycle, pinlog, uartlog)
    n = usart_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = spi_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = twi_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = adc_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = acomp_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = eeprom_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = wdt_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    n = extint_update(data, st, cycle, pinlog, uartlog)
    if n < nxt:
        nxt = n
    if st[S_PIN_DIRTY]:
        nxt = cycle  # an update changed pins: let the edge detectors look right away
    return nxt


@entry
def chip_reset(data, st, cycle, pinlog, source):
    """Reset every I/O register and peripheral (datasheet 11: the reset values).

    ``source`` is the MCUSR bit of the reset's cause (power-on, external, watchdog); the
    other MCUSR bits keep their values except on power-on. SRAM and registers keep their
    contents (a power-on reset clears them in Mcu before calling this).
    """
    mcusr = np.int64(data[MCUSR])
    for addr in range(0x20, 0x100):
        data[addr] = 0
    data[MCUSR] = source if source == 1 else (mcusr | source)
    data[SPL] = 0xFF
    data[SPH] = 0x08
    data[UCSR0A] = 0x20  # UDRE0: the transmit buffer is empty
    data[UCSR0C] = 0x06  # 8 data bits
    for i in range(2 * SPM_PAGE_WORDS):
        data[SPM_BUFFER + i] = 0xFF  # a system reset erases SPM's page buffer (datasheet 27)
    for port in range(3):
        st[S_OVR_DDR + port] = 0
    st[S_SLEEPING] = 0
    st[S_SLEEP_MODE] = 0
    sysctl_reset(data, st, cycle)
    extint_reset(data, st, cycle)
    timers_reset(data, st, cycle)
    usart_reset(data, st, cycle)
    spi_reset(data, st, cycle)
    twi_reset(data, st, cycle)
    adc_reset(data, st, cycle)
    acomp_reset(data, st, cycle)
    eeprom_reset(data, st, cycle)
    wdt_reset(data, st, cycle)
    for port in range(3):
        pins.refresh(data, st, pinlog, port, cycle)
    st[S_PERIPH_NEXT] = cycle


@inner
def sleep_enter(data, st, cycle):
    """SLEEP with SE set: note the mode and stop the I/O clock where the mode does."""
    mode = sleep_mode(data)
    st[S_SLEEP_MODE] = mode
    if mode == 1:
        adc_sleep(data, st, cycle)  # ADC noise reduction: a conversion starts (24.6)
    if io_clock_stops(mode):
        timers_clock(data, st, cycle, FALSE)


@inner
def wake(data, st, cycle):
    """The CPU wakes; its clock runs again from ``cycle`` (after the oscillator start-up)."""
    if io_clock_stops(st[S_SLEEP_MODE]):
        timers_clock(data, st, cycle, TRUE)
