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
#: The EEPROM's bytes live in the kernel's data array above the chip's address space
#: (data[EEPROM_BASE : EEPROM_BASE + EEPROM_SIZE]; ``Mcu.eeprom`` is a view of that slice).
EEPROM_BASE = 0xE000

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

# The vectors grouped by enable register (they are contiguous in the table): the interrupt
# controller looks at a group's flags only when one of its enable bits is set.
_groups: list[list[int]] = []
for _i, _v in enumerate(VECTORS):
    if _groups and VECTORS[_groups[-1][1]][4] == _v[4]:
        _groups[-1][2] += 1
        _groups[-1][3] |= 1 << _v[5]
    else:
        _groups.append([_v[4], _i, 1, 1 << _v[5]])
VEC_GROUPS = np.array(_groups, dtype=np.int64)  # rows: enable address, first index, count, mask

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

# Bits where writing a one is an action, not a value (W1C flags, and PINx where a one toggles
# PORTx). SBI/CBI act only on their own bit there (datasheet 8.5 "I/O Memory"): SBI writes a
# one to that bit alone, CBI writes no one at all.
W1_ACTION = W1C_MASK.copy()
W1_ACTION[PINB] = W1_ACTION[PINC] = W1_ACTION[PIND] = 0xFF

# --- Other I/O registers (data addresses) -----------------------------------------------------
GPIOR0, GPIOR1, GPIOR2 = 0x3E, 0x4A, 0x4B
EEDR, EEARL, EEARH = 0x40, 0x41, 0x42
GTCCR = 0x43
TCCR0A, TCCR0B, TCNT0, OCR0A, OCR0B = 0x44, 0x45, 0x46, 0x47, 0x48
SPDR = 0x4E
CLKPR, PRR, OSCCAL = 0x61, 0x64, 0x66
EICRA = 0x69
PCMSK0, PCMSK1, PCMSK2 = 0x6B, 0x6C, 0x6D
ADCL, ADCH, ADCSRB, ADMUX, DIDR0, DIDR1 = 0x78, 0x79, 0x7B, 0x7C, 0x7E, 0x7F
TCCR1A, TCCR1B, TCCR1C = 0x80, 0x81, 0x82
TCNT1L, TCNT1H, ICR1L, ICR1H = 0x84, 0x85, 0x86, 0x87
OCR1AL, OCR1AH, OCR1BL, OCR1BH = 0x88, 0x89, 0x8A, 0x8B
TCCR2A, TCCR2B, TCNT2, OCR2A, OCR2B, ASSR = 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB6
TWBR, TWSR, TWAR, TWDR, TWAMR = 0xB8, 0xB9, 0xBA, 0xBB, 0xBD
UCSR0C, UBRR0L, UBRR0H, UDR0 = 0xC2, 0xC4, 0xC5, 0xC6

# Which peripheral module owns each I/O data address (0x20-0xFF): the dispatcher in
# periph.py routes reads and writes by this table. 0 = plain storage.
OWN_NONE, OWN_PORTS, OWN_EXTINT, OWN_TIMER0, OWN_TIMER1, OWN_TIMER2 = 0, 1, 2, 3, 4, 5
OWN_USART, OWN_ADC, OWN_ACOMP, OWN_EEPROM, OWN_WDT, OWN_SPI, OWN_TWI, OWN_SYSCTL = range(6, 14)
OWNER = np.zeros(256, dtype=np.uint8)
for _a in range(PINB, PORTD + 1):
    OWNER[_a] = OWN_PORTS
for _a in (EIFR, EIMSK, PCIFR, PCICR, EICRA, PCMSK0, PCMSK1, PCMSK2):
    OWNER[_a] = OWN_EXTINT
for _a in (TCCR0A, TCCR0B, TCNT0, OCR0A, OCR0B, TIFR0, TIMSK0, GTCCR):
    OWNER[_a] = OWN_TIMER0  # GTCCR (prescaler resets) is handled with the timers
for _a in (TCCR1A, TCCR1B, TCCR1C, TCNT1L, TCNT1H, ICR1L, ICR1H, OCR1AL, OCR1AH, OCR1BL,
           OCR1BH, TIFR1, TIMSK1):  # fmt: skip
    OWNER[_a] = OWN_TIMER1
for _a in (TCCR2A, TCCR2B, TCNT2, OCR2A, OCR2B, ASSR, TIFR2, TIMSK2):
    OWNER[_a] = OWN_TIMER2
for _a in (UCSR0A, UCSR0B, UCSR0C, UBRR0L, UBRR0H, UDR0):
    OWNER[_a] = OWN_USART
for _a in (ADCL, ADCH, ADCSRA, ADCSRB, ADMUX, DIDR0, DIDR1):
    OWNER[_a] = OWN_ADC
OWNER[ACSR] = OWN_ACOMP
for _a in (EECR, EEDR, EEARL, EEARH):
    OWNER[_a] = OWN_EEPROM
OWNER[WDTCSR] = OWN_WDT
for _a in (SPCR, SPSR, SPDR):
    OWNER[_a] = OWN_SPI
for _a in (TWBR, TWSR, TWAR, TWDR, TWCR, TWAMR):
    OWNER[_a] = OWN_TWI
for _a in (SMCR, MCUSR, MCUCR, PRR, CLKPR, OSCCAL, SPMCSR):
    OWNER[_a] = OWN_SYSCTL

# --- Kernel state: named indices into one int64 array -----------------------------------------
# Core (0-63)
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
S_STALL = 22  # cycles the CPU is halted after the current instruction (EEPROM read/write)
S_RESET_REQ = 23  # nonzero: a reset source fired (value = MCUSR bit to set)
S_RESETS = 24  # number of resets since power-on (not counting it)
S_IRQ_STACK = 32  # 32 entries: vectors of the handlers being served, innermost last
IRQ_STACK_DEPTH = 32
# Pins (64-95): see pins.py
S_OVR_MASK = 64  # 3: bits whose output value a peripheral controls (OC0A, TXD ...)
S_OVR_VAL = 67  # 3: the values it drives there
S_OVR_DDR = 70  # 3: bits a peripheral forces to output (TXD with TXEN)
S_LEVELS = 73  # 3: pin levels as last seen by the edge detectors
S_LEVELS_PREV = 76  # 3: levels before the last change (what PINx reads until synchronised)
S_LEVELS_AT = 79  # 3: cycle of the last change on each port
S_PIN_DIRTY = 82  # bit p: port p's levels may have changed, edge detectors must look
S_OVR_IN = 83  # 3: bits a peripheral forces to input (RXD with RXEN, MISO as SPI master)
# External interrupts (96-111): see extint.py
S_EXTINT = 96
# Timers (112-207): 32 entries each for Timer0, Timer1, Timer2; shared prescaler bases
S_TIMER0 = 112
S_TIMER1 = 144
S_TIMER2 = 176
# Offsets inside each timer's block that other modules read (the ADC's auto-trigger):
T_LAST_TOV = 28  # cycle of the last overflow flag
T_LAST_OCFA = 29  # cycle of the last compare match A flag
T_LAST_OCFB = 30  # cycle of the last compare match B flag
T_LAST_ICF = 31  # cycle of the last input capture flag (Timer1)
S_PSR10_BASE = 208  # cycle the Timer0/1 prescaler was last reset at
S_PSR2_BASE = 209  # cycle the Timer2 prescaler was last reset at
# USART (224-255), SPI (256-271), TWI (272-287), ADC (288-319), analog comparator (320-335),
# EEPROM (336-351), watchdog (352-367), system control / sleep (368-383)
S_USART = 224
S_SPI = 256
S_TWI = 272
S_ADC = 288
S_ACOMP = 320
S_EEPROM = 336
S_WDT = 352
S_SYSCTL = 368
S_SLEEP_MODE = 368  # SMCR.SM of the current sleep
S_VECTOR_BASE = 369  # word address of the vector table (0, or the boot section with IVSEL)
S_IVCE_UNTIL = 370  # IVSEL may be changed until this cycle (IVCE timed sequence)
# Analog inputs (384-415): pin voltages in microvolts for ADC0-7, then AREF, AVCC
S_ANALOG = 384
S_AREF_UV = 392
S_AVCC_UV = 393
S_TEMP_MC = 394  # die temperature, milli-degrees Celsius
S_ANALOG_DIRTY = 395  # 1: an analog input changed (comparator must look)
S_AIN0_UV = 396  # analog comparator input AIN0 (PD6, Uno D6), microvolts
S_AIN1_UV = 397  # analog comparator input AIN1 (PD7, Uno D7), microvolts
S_ANALOG_AT = 398  # cycle of the latest analog input change (with S_ANALOG_DIRTY)
# Serial input queue (416-543): 64 entries of (cycle the start bit begins, byte)
S_RX_QUEUE = 416
RX_QUEUE_LEN = 64
S_RX_HEAD = 544  # next entry to receive
S_RX_TAIL = 545  # next free entry
# Interrupt bookkeeping for the inspector (576-703), written only where a flag is raised, an
# interrupt is entered or returns, or SREG's I bit changes (never per instruction):
S_RAISED_AT = 576  # 26: per vector, cycle its request was raised (flag set / level began); -1
S_LOST = 602  # 26: per vector, events lost (its flag set again while still set)
S_LOST_N = 628  # entries waiting in the lost-event ring (the kernel moves them to the IRQ log)
S_IOFF_SINCE = 629  # cycle software cleared I (CLI, OUT/ST SREG) outside a handler; -1: none
S_IOFF_LIMIT = 630  # a stretch with I = 0 longer than this (cycles) gets an IRQ_OFF log row
S_IOFF_MAX = 631  # longest stretch with I = 0 so far (cycles)
S_IOFF_MAX_AT = 632  # cycle that stretch began
S_WATCH_LO = 633  # lowest watched data address (-1 with none: the store path's one compare)
S_WATCH_HI = 634  # highest watched data address (-1 with none)
S_WATCH_HIT = 635  # the watched address a write hit (EXIT_WATCH)
S_WATCH_OLD = 636  # its value before the write
S_WATCH_NEW = 637  # its value after the write
S_WATCH_PC = 638  # word address of the instruction that wrote it
S_WATCH = 640  # WATCH_SLOTS entries: watched data addresses, -1 = free
WATCH_SLOTS = 8
S_LOST_RING = 648  # LOST_RING entries of (cycle, vector)
LOST_RING = 16
STATE_SIZE = 704

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
EXIT_BREAK = 4  # PC reached a breakpoint (the instruction there has not run)
EXIT_WATCH = 5  # an instruction wrote a watched address (S_WATCH_HIT/OLD/NEW/PC say which)

# Reset sources: the MCUSR bit a reset sets
RESET_POWER_ON, RESET_EXTERNAL, RESET_BROWN_OUT, RESET_WATCHDOG = 0x01, 0x02, 0x04, 0x08

# Output log layouts
PIN_LOG_COLS = 5  # cycle, port (0=B, 1=C, 2=D), output values, output mask, pull-up mask
#: IRQ log rows: cycle, vector, kind (IRQ_*), and a cycle that depends on the kind:
#:   IRQ_ENTER  cycle the request was raised (flag set, level began; -1 unknown): latency
#:   IRQ_RETURN -1 (unused)
#:   IRQ_LOST   the cycle of the flag's earlier setting that is still pending (vector's flag
#:              set again while set: one event vanished; ``cycle`` is the lost event's)
#:   IRQ_OFF    the cycle software cleared I (vector 0): a stretch with interrupts disabled
#:              longer than S_IOFF_LIMIT ended at ``cycle``
IRQ_LOG_COLS = 4
UART_LOG_COLS = 2  # cycle, byte
IRQ_ENTER, IRQ_RETURN, IRQ_LOST, IRQ_OFF = 1, 0, 2, 3

# (flag register, bit) -> vector whose flag it is, for raise_flags (CLEAR vectors lose an event
# when their flag is set again while set; KEEP flags are levels, READY flags request when clear).
FLAG_VECTOR = np.zeros(256 * 8, dtype=np.int64)
FLAG_LOSES = np.zeros(N_VECTORS, dtype=np.int64)
for _v in VECTORS:
    FLAG_VECTOR[_v[2] * 8 + _v[3]] = _v[0]
    FLAG_LOSES[_v[0]] = 1 if _v[6] == CLEAR else 0
