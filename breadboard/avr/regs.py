"""ATmega328P register map, interrupt vector table and kernel state layout.

Addresses are data-space addresses (I/O address + 0x20), as used by LD/ST and by the kernel.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

F_CPU = 16_000_000
DATA_SIZE = 0x900  # 32 registers, 64 I/O, 160 extended I/O, 2 KiB SRAM
DATA_ALLOC = 0x10000  # the kernel's array spans the whole 16-bit space: no bounds checks needed
RAMEND = 0x8FF
EEPROM_SIZE = 1024
#: The EEPROM's bytes live in the kernel's data array above the chip's address space
#: (data[EEPROM_BASE : EEPROM_BASE + EEPROM_SIZE]; ``Mcu.eeprom`` is a view of that slice).
EEPROM_BASE = 0xE000
#: SPM's temporary page buffer (64 words, low byte first), also above the chip's address space.
SPM_BUFFER = 0xF000
SPM_PAGE_WORDS = 64

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


# --- The peripherals table ---------------------------------------------------------------------
class Peripheral(NamedTuple):
    """One row of ``PERIPHERALS``: a register owner the dispatcher in periph.py routes to.

    ``module`` (breadboard/avr/<module>.py) provides ``<module>_reset``, ``_read``,
    ``_write``, and ``_update`` if ``update``, ``_pin_change`` if ``pin_change`` (the contract
    in periph.py; ``ports`` is the exception: pins.py's ``port_read``/``port_write``).
    ``block`` is the size of its state block (``LAYOUT``; 0: none, the kernel's core fields)."""

    name: str
    module: str
    owner: int
    registers: tuple[int, ...]
    block: int
    update: bool
    pin_change: bool


#: Which peripheral owns which I/O data address (0x20-0xFF); owner id 0 = plain storage.
PERIPHERALS: tuple[Peripheral, ...] = (
    Peripheral("ports", "pins", 1, tuple(range(PINB, PORTD + 1)), 0, False, False),
    Peripheral("extint", "extint", 2,
               (EIFR, EIMSK, PCIFR, PCICR, EICRA, PCMSK0, PCMSK1, PCMSK2), 16, True, True),
    # GTCCR (prescaler resets) is handled with the timers
    Peripheral("timer0", "timers", 3,
               (TCCR0A, TCCR0B, TCNT0, OCR0A, OCR0B, TIFR0, TIMSK0, GTCCR), 32, True, True),
    Peripheral("timer1", "timers", 4,
               (TCCR1A, TCCR1B, TCCR1C, TCNT1L, TCNT1H, ICR1L, ICR1H, OCR1AL, OCR1AH, OCR1BL,
                OCR1BH, TIFR1, TIMSK1), 32, True, True),
    Peripheral("timer2", "timers", 5,
               (TCCR2A, TCCR2B, TCNT2, OCR2A, OCR2B, ASSR, TIFR2, TIMSK2), 32, True, True),
    Peripheral("usart", "usart", 6,
               (UCSR0A, UCSR0B, UCSR0C, UBRR0L, UBRR0H, UDR0), 32, True, False),
    Peripheral("adc", "adc", 7,
               (ADCL, ADCH, ADCSRA, ADCSRB, ADMUX, DIDR0, DIDR1), 32, True, False),
    Peripheral("acomp", "acomp", 8, (ACSR,), 16, True, False),
    Peripheral("eeprom", "eeprom", 9, (EECR, EEDR, EEARL, EEARH), 16, True, False),
    Peripheral("wdt", "wdt", 10, (WDTCSR,), 16, True, False),
    Peripheral("spi", "spi", 11, (SPCR, SPSR, SPDR), 16, True, False),
    Peripheral("twi", "twi", 12, (TWBR, TWSR, TWAR, TWDR, TWCR, TWAMR), 16, True, False),
    Peripheral("sysctl", "sysctl", 13,
               (SMCR, MCUSR, MCUCR, PRR, CLKPR, OSCCAL, SPMCSR), 3, False, False),
)  # fmt: skip
PERIPHERAL = {p.name: p for p in PERIPHERALS}
OWN_NONE = 0
OWN_PORTS, OWN_EXTINT, OWN_TIMER0, OWN_TIMER1, OWN_TIMER2 = (p.owner for p in PERIPHERALS[:5])
OWN_USART, OWN_ADC, OWN_ACOMP, OWN_EEPROM, OWN_WDT, OWN_SPI, OWN_TWI, OWN_SYSCTL = (
    p.owner for p in PERIPHERALS[5:]
)
OWNER = np.zeros(256, dtype=np.uint8)
for _p in PERIPHERALS:
    for _a in _p.registers:
        if OWNER[_a]:
            raise ValueError(f"I/O address {_a:#x} owned twice ({_p.name})")
        OWNER[_a] = _p.owner


# --- Kernel state: named blocks of one int64 array -------------------------------------------
class Layout:
    """Allocates named blocks of the kernel's state array in order: ``block(name, size)``
    returns the block's first index. ``gap`` pads to an index so that later blocks keep their
    place when one grows into its reserve. ``blocks`` maps each name to its ``slice``."""

    def __init__(self) -> None:
        self.blocks: dict[str, slice] = {}
        self.size = 0

    def block(self, name: str, size: int = 1) -> int:
        if name in self.blocks:
            raise ValueError(f"state block {name!r} allocated twice")
        if size < 1:
            raise ValueError(f"state block {name!r}: size {size} < 1")
        first = self.size
        self.blocks[name] = slice(first, first + size)
        self.size += size
        return first

    def gap(self, to: int) -> None:
        """Leave indices up to ``to`` (exclusive) free (the reserve of the block before)."""
        if to < self.size:
            raise ValueError(f"state layout: index {to} already allocated (size {self.size})")
        self.size = to

    def of(self, *names: str) -> np.ndarray:
        """The indices of the named blocks, in order (to save and restore them together)."""
        return np.concatenate([np.arange(b.start, b.stop) for b in map(self.blocks.get, names)])


LAYOUT = Layout()
_b = LAYOUT.block


def _periph(name: str) -> int:
    """A peripheral's state block, of the size its ``PERIPHERALS`` row gives."""
    return LAYOUT.block(name, PERIPHERAL[name].block)


# Core
S_PC = _b("pc")
S_CYCLE = _b("cycle")
S_SLEEPING = _b("sleeping")  # 1 while the CPU sleeps
S_HALT = _b("halt")  # 0 running, else a HALT_* reason
S_HALT_PC = _b("halt_pc")
S_HALT_WORD = _b("halt_word")
S_INHIBIT = _b("inhibit")  # cycle at which one more instruction must run before an interrupt
S_PERIPH_NEXT = _b("periph_next")  # next cycle a peripheral needs attention
S_LEVEL_REQ = _b("level_req")  # bit v set: vector v requested by a level (e.g. INT0 low level)
S_PIN_N = _b("pin_n")  # entries used in the pin log
S_IRQ_N = _b("irq_n")  # entries used in the interrupt log
S_UART_N = _b("uart_n")  # entries used in the USART log
S_IRQ_DEPTH = _b("irq_depth")  # nesting depth of interrupt handlers (for the RETI log entry)
S_SPM_DIRTY = _b("spm_dirty")  # 1 when SPM rewrote flash and the decode must be refreshed
S_EXT_LEVEL = _b("ext_level", 3)  # B, C, D: level driven from outside on each pin
S_EXT_DRIVEN = _b("ext_driven", 3)  # B, C, D: mask of pins driven from outside
S_INSTRUCTIONS = _b("instructions")  # instructions executed (updated at slice exit)
S_SLEEP_SINCE = _b("sleep_since")  # cycle at which the CPU last went to sleep
S_STALL = _b("stall")  # cycles the CPU is halted after the current instruction (EEPROM)
S_RESET_REQ = _b("reset_req")  # nonzero: a reset source fired (value = MCUSR bit to set)
S_RESETS = _b("resets")  # number of resets since power-on (not counting it)
LAYOUT.gap(32)
IRQ_STACK_DEPTH = 32
S_IRQ_STACK = _b("irq_stack", IRQ_STACK_DEPTH)  # vectors of the handlers served, innermost last
# Pins: see pins.py
S_OVR_MASK = _b("ovr_mask", 3)  # bits whose output value a peripheral controls (OC0A, TXD ...)
S_OVR_VAL = _b("ovr_val", 3)  # the values it drives there
S_OVR_DDR = _b("ovr_ddr", 3)  # bits a peripheral forces to output (TXD with TXEN)
S_LEVELS = _b("levels", 3)  # pin levels as last seen by the edge detectors
S_LEVELS_PREV = _b("levels_prev", 3)  # levels before the last change (PINx until synchronised)
S_LEVELS_AT = _b("levels_at", 3)  # cycle of the last change on each port
S_PIN_DIRTY = _b("pin_dirty")  # bit p: port p's levels may have changed, edge detectors look
S_OVR_IN = _b("ovr_in", 3)  # bits a peripheral forces to input (RXD with RXEN, MISO as master)
S_LEVELS_PREV2 = _b("levels_prev2", 3)  # levels before the change at S_LEVELS_PREV_AT
S_LEVELS_PREV_AT = _b("levels_prev_at", 3)  # cycle of the change that produced S_LEVELS_PREV
LAYOUT.gap(96)
# Peripheral blocks: each module names the entries of its own block (see the modules)
S_EXTINT = _periph("extint")
S_TIMER0 = _periph("timer0")
S_TIMER1 = _periph("timer1")
S_TIMER2 = _periph("timer2")
# Offsets inside each timer's block that other modules read (the ADC's auto-trigger):
T_LAST_TOV = 28  # cycle of the last overflow flag
T_LAST_OCFA = 29  # cycle of the last compare match A flag
T_LAST_OCFB = 30  # cycle of the last compare match B flag
T_LAST_ICF = 31  # cycle of the last input capture flag (Timer1)
S_PSR10_BASE = _b("psr10_base")  # cycle the Timer0/1 prescaler was last reset at
S_PSR2_BASE = _b("psr2_base")  # cycle the Timer2 prescaler was last reset at
LAYOUT.gap(224)
S_USART = _periph("usart")
S_SPI = _periph("spi")
S_TWI = _periph("twi")
S_ADC = _periph("adc")
S_ACOMP = _periph("acomp")
S_EEPROM = _periph("eeprom")
S_WDT = _periph("wdt")
S_SYSCTL = _periph("sysctl")
S_SLEEP_MODE = S_SYSCTL + 0  # SMCR.SM of the current sleep
S_VECTOR_BASE = S_SYSCTL + 1  # word address of the vector table (0, or the boot section)
S_IVCE_UNTIL = S_SYSCTL + 2  # IVSEL may be changed until this cycle (IVCE timed sequence)
LAYOUT.gap(384)
# Analog inputs
S_ANALOG = _b("analog", 8)  # pin voltages in microvolts for ADC0-7
S_AREF_UV = _b("aref_uv")
S_AVCC_UV = _b("avcc_uv")
S_TEMP_MC = _b("temp_mc")  # die temperature, milli-degrees Celsius
S_ANALOG_DIRTY = _b("analog_dirty")  # 1: an analog input changed (comparator must look)
S_AIN0_UV = _b("ain0_uv")  # analog comparator input AIN0 (PD6, Uno D6), microvolts
S_AIN1_UV = _b("ain1_uv")  # analog comparator input AIN1 (PD7, Uno D7), microvolts
S_ANALOG_AT = _b("analog_at")  # cycle of the latest analog input change (with S_ANALOG_DIRTY)
LAYOUT.gap(416)
# Serial input queue: (cycle the start bit begins, byte) entries
RX_QUEUE_LEN = 64
S_RX_QUEUE = _b("rx_queue", 2 * RX_QUEUE_LEN)
S_RX_HEAD = _b("rx_head")  # next entry to receive
S_RX_TAIL = _b("rx_tail")  # next free entry
LAYOUT.gap(576)
# Interrupt bookkeeping for the inspector, written only where a flag is raised, an interrupt is
# entered or returns, or SREG's I bit changes (never per instruction):
S_RAISED_AT = _b("raised_at", 26)  # per vector, cycle its request was raised; -1
S_LOST = _b("lost", 26)  # per vector, events lost (its flag set again while still set)
S_LOST_N = _b("lost_n")  # entries waiting in the lost-event ring (moved to the IRQ log)
S_IOFF_SINCE = _b("ioff_since")  # cycle software cleared I outside a handler; -1: none
S_IOFF_LIMIT = _b("ioff_limit")  # a stretch with I = 0 longer than this gets an IRQ_OFF row
S_IOFF_MAX = _b("ioff_max")  # longest stretch with I = 0 so far (cycles)
S_IOFF_MAX_AT = _b("ioff_max_at")  # cycle that stretch began
S_WATCH_LO = _b("watch_lo")  # lowest watched data address (-1 with none: one compare)
S_WATCH_HI = _b("watch_hi")  # highest watched data address (-1 with none)
S_WATCH_HIT = _b("watch_hit")  # the watched address a write hit (EXIT_WATCH)
S_WATCH_OLD = _b("watch_old")  # its value before the write
S_WATCH_NEW = _b("watch_new")  # its value after the write
S_WATCH_PC = _b("watch_pc")  # word address of the instruction that wrote it
LAYOUT.gap(640)
WATCH_SLOTS = 8
S_WATCH = _b("watch", WATCH_SLOTS)  # watched data addresses, -1 = free
LOST_RING = 16
S_LOST_RING = _b("lost_ring", 2 * LOST_RING)  # entries of (cycle, vector)
LAYOUT.gap(704)
STATE_SIZE = LAYOUT.size
del _b, _periph

#: Blocks a power-on reset keeps: what the circuit drives onto the pins (the rest is zeroed;
#: a reset by the reset button or the watchdog clears only what ``chip_reset`` resets).
KEPT_BY_POWER_ON = ("ext_level", "ext_driven")

# Halt reasons
HALT_NONE = 0
HALT_UNDEFINED = 1
HALT_REASONS = {
    HALT_NONE: "running",
    HALT_UNDEFINED: "undefined instruction",
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
