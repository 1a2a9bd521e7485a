"""ATmega328P register map, interrupt vector table and kernel state layout.

Addresses are data-space addresses (I/O address + 0x20), as used by LD/ST and by the kernel.
"""

from __future__ import annotations

import numpy as np

F_CPU = 16_000_000
DATA_SIZE = 0x900  # 32 registers, 64 I/O, 160 extended I/O, 2 KiB SRAM
DATA_ALLOC = 0x10000  # the kernel's array spans the whole 16-bit space: no bounds checks needed
RAMEND = 0x8FF
EEPROM_SIZE = 1024

# --- Core registers -------------------------------------------------------------------------
SREG = 0x5F
SPH = 0x5E
SPL = 0x5D
SMCR = 0x53
MCUSR = 0x54
MCUCR = 0x55
SPMCSR = 0x57

SREG_C, SREG_Z, SREG_N, SREG_V, SREG_S, SREG_H, SREG_T, SREG_I = range(8)

# --- Ports: PINx, DDRx, PORTx for B, C, D ------------------------------------------------------
PINB, DDRB, PORTB = 0x23, 0x24, 0x25
PINC, DDRC, PORTC = 0x26, 0x27, 0x28
PIND, DDRD, PORTD = 0x29, 0x2A, 0x2B
PORT_NAMES = ("B", "C", "D")
PORT_BASE = (PINB, PINC, PIND)  # PINx; DDRx = +1, PORTx = +2

# --- Interrupt flag and mask registers ---------------------------------------------------------
TIFR0, TIFR1, TIFR2 = 0x35, 0x36, 0x37
PCIFR, EIFR, EIMSK = 0x3B, 0x3C, 0x3D
EECR = 0x3F
SPCR, SPSR = 0x4C, 0x4D
ACSR = 0x50
WDTCSR = 0x60
PCICR = 0x68
TIMSK0, TIMSK1, TIMSK2 = 0x6E, 0x6F, 0x70
ADCSRA = 0x7A
TWCR = 0xBC
UCSR0A, UCSR0B = 0xC0, 0xC1

# Vector table. Columns: number, avr-libc name, flag register, flag bit, enable register,
# enable bit, how the request behaves:
#   CLEAR  a flag that hardware clears when the vector is entered (TOV, OCF, INTF ...)
#   KEEP   a flag that stays set until software acts (UDRE, RXC, TWINT)
#   READY  requests while the flag bit is *clear* (EE READY: EEPE = 0; SPM READY: SPMEN = 0)
CLEAR, KEEP, READY = 0, 1, 2
VECTORS: tuple[tuple[int, str, int, int, int, int, int], ...] = (
    (1, "INT0", EIFR, 0, EIMSK, 0, CLEAR),
    (2, "INT1", EIFR, 1, EIMSK, 1, CLEAR),
    (3, "PCINT0", PCIFR, 0, PCICR, 0, CLEAR),
    (4, "PCINT1", PCIFR, 1, PCICR, 1, CLEAR),
    (5, "PCINT2", PCIFR, 2, PCICR, 2, CLEAR),
    (6, "WDT", WDTCSR, 7, WDTCSR, 6, CLEAR),
    (7, "TIMER2_COMPA", TIFR2, 1, TIMSK2, 1, CLEAR),
    (8, "TIMER2_COMPB", TIFR2, 2, TIMSK2, 2, CLEAR),
    (9, "TIMER2_OVF", TIFR2, 0, TIMSK2, 0, CLEAR),
    (10, "TIMER1_CAPT", TIFR1, 5, TIMSK1, 5, CLEAR),
    (11, "TIMER1_COMPA", TIFR1, 1, TIMSK1, 1, CLEAR),
    (12, "TIMER1_COMPB", TIFR1, 2, TIMSK1, 2, CLEAR),
    (13, "TIMER1_OVF", TIFR1, 0, TIMSK1, 0, CLEAR),
    (14, "TIMER0_COMPA", TIFR0, 1, TIMSK0, 1, CLEAR),
    (15, "TIMER0_COMPB", TIFR0, 2, TIMSK0, 2, CLEAR),
    (16, "TIMER0_OVF", TIFR0, 0, TIMSK0, 0, CLEAR),
    (17, "SPI_STC", SPSR, 7, SPCR, 7, CLEAR),
    (18, "USART_RX", UCSR0A, 7, UCSR0B, 7, KEEP),
    (19, "USART_UDRE", UCSR0A, 5, UCSR0B, 5, KEEP),
    (20, "USART_TX", UCSR0A, 6, UCSR0B, 6, CLEAR),
    (21, "ADC", ADCSRA, 4, ADCSRA, 3, CLEAR),
    (22, "EE_READY", EECR, 1, EECR, 3, READY),
    (23, "ANALOG_COMP", ACSR, 4, ACSR, 3, CLEAR),
    (24, "TWI", TWCR, 7, TWCR, 0, KEEP),
    (25, "SPM_READY", SPMCSR, 0, SPMCSR, 7, READY),
)
N_VECTORS = 26  # including RESET (0)
VECTOR_NAMES: tuple[str, ...] = ("RESET",) + tuple(v[1] for v in VECTORS)
VECTOR_BY_NAME: dict[str, int] = {name: i for i, name in enumerate(VECTOR_NAMES)}

# The same table as arrays for the kernel (row i = vector i + 1).
VEC_FLAG_ADDR = np.array([v[2] for v in VECTORS], dtype=np.int64)
VEC_FLAG_BIT = np.array([v[3] for v in VECTORS], dtype=np.int64)
VEC_EN_ADDR = np.array([v[4] for v in VECTORS], dtype=np.int64)
VEC_EN_BIT = np.array([v[5] for v in VECTORS], dtype=np.int64)
VEC_KIND = np.array([v[6] for v in VECTORS], dtype=np.int64)

# Registers whose write can change whether an interrupt is requested: a write to one of them
# makes the kernel re-evaluate the interrupt lines before the next instruction.
IRQ_REGISTER = np.zeros(256, dtype=np.uint8)
for _v in VECTORS:
    IRQ_REGISTER[_v[2]] = 1
    IRQ_REGISTER[_v[4]] = 1

# Flag registers where writing a 1 clears the bit (datasheet: "cleared by writing a logical one").
W1C_MASK = np.zeros(256, dtype=np.uint8)
W1C_MASK[TIFR0] = 0x07
W1C_MASK[TIFR1] = 0x27
W1C_MASK[TIFR2] = 0x07
W1C_MASK[EIFR] = 0x03
W1C_MASK[PCIFR] = 0x07
W1C_MASK[ADCSRA] = 0x10
W1C_MASK[ACSR] = 0x10
W1C_MASK[WDTCSR] = 0x80
W1C_MASK[UCSR0A] = 0x40
W1C_MASK[TWCR] = 0x80

# --- Kernel state: named indices into one int64 array -----------------------------------------
S_PC = 0
S_CYCLE = 1
S_SLEEPING = 2  # 1 while the CPU sleeps
S_HALT = 3  # 0 running, else a HALT_* reason
S_HALT_PC = 4
S_HALT_WORD = 5
S_INHIBIT = 6  # cycle at which one more instruction must run before an interrupt (SEI/RETI)
S_PERIPH_NEXT = 7  # next cycle a peripheral needs attention
S_LEVEL_REQ = 8  # bit v set: vector v requested by a level (e.g. INT0 low level)
S_PIN_N = 9  # entries used in the pin log
S_IRQ_N = 10  # entries used in the interrupt log
S_UART_N = 11  # entries used in the USART log
S_IRQ_DEPTH = 12  # nesting depth of interrupt handlers (for the RETI log entry)
S_SPM_DIRTY = 13  # 1 when SPM rewrote flash and the decode must be refreshed
S_EXT_LEVEL = 14  # 3 entries (B, C, D): level driven from outside on each pin
S_EXT_DRIVEN = 17  # 3 entries: mask of pins driven from outside
S_INSTRUCTIONS = 20  # instructions executed (updated at slice exit)
S_SLEEP_SINCE = 21  # cycle at which the CPU last went to sleep
S_IRQ_STACK = 32  # 32 entries: vectors of the handlers being served, innermost last
STATE_SIZE = 64
IRQ_STACK_DEPTH = 32

# Halt reasons
HALT_NONE = 0
HALT_UNDEFINED = 1
HALT_PC_OUTSIDE = 2
HALT_REASONS = {
    HALT_NONE: "running",
    HALT_UNDEFINED: "undefined instruction",
    HALT_PC_OUTSIDE: "program counter outside flash",
}

# Why run_slice returned
EXIT_TARGET = 0  # reached the requested cycle
EXIT_HALT = 1  # the CPU halted (see S_HALT)
EXIT_LOG_FULL = 2  # an output log is full: drain it and call again
EXIT_SPM = 3  # flash was rewritten by SPM: redecode and call again

# Output log layouts
PIN_LOG_COLS = 4  # cycle, port (0=B, 1=C, 2=D), PORT value, DDR value
IRQ_LOG_COLS = 3  # cycle, vector, 1 = enter / 0 = return
UART_LOG_COLS = 2  # cycle, byte
IRQ_ENTER, IRQ_RETURN = 1, 0
