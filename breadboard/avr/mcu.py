"""``Mcu``: the one Python class that owns the chip's arrays and calls the kernel."""

from __future__ import annotations

import numpy as np

from . import isa, pins
from .common import FALSE, NEVER, TRUE
from .dispatch import DECODED_SIZE, OP_BREAK1, OP_BREAK2, OP_WRAP, WORDS
from .kernel import run_slice
from .periph import chip_reset
from .regs import (
    DATA_ALLOC,
    DATA_SIZE,
    EEPROM_BASE,
    EEPROM_SIZE,
    EXIT_BREAK,
    EXIT_HALT,
    EXIT_SPM,
    EXIT_TARGET,
    HALT_NONE,
    HALT_REASONS,
    HALT_UNDEFINED,
    ICR1L,
    IRQ_LOG_COLS,
    IRQ_REGISTER,
    KEPT_BY_POWER_ON,
    LAYOUT,
    N_VECTORS,
    OWN_TIMER0,
    OWN_TIMER1,
    OWN_TIMER2,
    OWNER,
    PIN_LOG_COLS,
    PINB,
    RESET_EXTERNAL,
    RESET_POWER_ON,
    RX_QUEUE_LEN,
    S_AIN0_UV,
    S_ANALOG,
    S_ANALOG_AT,
    S_ANALOG_DIRTY,
    S_AREF_UV,
    S_AVCC_UV,
    S_CYCLE,
    S_EXT_DRIVEN,
    S_EXT_LEVEL,
    S_HALT,
    S_HALT_PC,
    S_HALT_WORD,
    S_INHIBIT,
    S_INSTRUCTIONS,
    S_IOFF_LIMIT,
    S_IOFF_MAX,
    S_IOFF_MAX_AT,
    S_IOFF_SINCE,
    S_IRQ_DEPTH,
    S_IRQ_N,
    S_LEVELS_AT,
    S_LOST,
    S_PC,
    S_PERIPH_NEXT,
    S_PIN_DIRTY,
    S_PIN_N,
    S_RAISED_AT,
    S_RX_HEAD,
    S_RX_QUEUE,
    S_RX_TAIL,
    S_SLEEP_SINCE,
    S_SLEEPING,
    S_SPM_DIRTY,
    S_TEMP_MC,
    S_TIMER1,
    S_UART_N,
    S_WATCH,
    S_WATCH_HI,
    S_WATCH_HIT,
    S_WATCH_LO,
    S_WATCH_NEW,
    S_WATCH_OLD,
    S_WATCH_PC,
    SPH,
    SPL,
    SREG,
    STATE_SIZE,
    TCNT1L,
    UART_LOG_COLS,
    WATCH_SLOTS,
    WDTCSR,
)
from .slowpath import io_access, pending_vector
from .timers import F_TEMP
from .usart import U_PY_MARK, serial_format
from .warm import ensure_loaded
from .wdt import W_NEXT, WDE

FLASH_WORDS = isa.FLASH_WORDS
_PEEK_OWNERS = (OWN_TIMER0, OWN_TIMER1, OWN_TIMER2)  # registers whose read value is computed
_TCNT1H, _ICR1H = TCNT1L + 1, ICR1L + 1


class Mcu:
    """An ATmega328P: flash, data space, EEPROM and the kernel state, run in slices.

    All times are cycle counts. ``run(until)`` executes whole instructions until the cycle
    count reaches ``until`` (it may pass it by the last instruction's remaining cycles), a
    halt, or a full output log; drain the logs with ``take_pin_log`` and friends.
    """

    def __init__(self, flash: np.ndarray | None = None, log_size: int = 1 << 16) -> None:
        ensure_loaded()  # the first Mcu of a process loads the kernel (compiles a cold cache)
        self.flash = np.full(FLASH_WORDS, 0xFFFF, dtype=np.uint16)
        self.data = np.zeros(DATA_ALLOC, dtype=np.uint8)
        # The EEPROM lives in the kernel's data array (above the chip's address space), erased.
        self.eeprom = self.data[EEPROM_BASE : EEPROM_BASE + EEPROM_SIZE]
        self.eeprom[:] = 0xFF
        self.st = np.zeros(STATE_SIZE, dtype=np.int64)
        self.pin_log = np.zeros((log_size, PIN_LOG_COLS), dtype=np.int64)
        self.irq_log = np.zeros((log_size, IRQ_LOG_COLS), dtype=np.int64)
        self.uart_log = np.zeros((log_size, UART_LOG_COLS), dtype=np.int64)
        self._op = np.full(DECODED_SIZE, OP_WRAP, dtype=np.int32)
        self._decoded = self._op.copy()  # the ids as decoded, without breakpoints
        self._breakpoints: set[int] = set()
        self._watches: list[int] = []
        self._ioff_limit = 1600
        self._a = np.zeros(DECODED_SIZE, dtype=np.int32)
        self._b = np.zeros(DECODED_SIZE, dtype=np.int32)
        if flash is not None:
            self.load_flash(flash)
        self.reset(power_on=True)

    # ---- program and reset -------------------------------------------------------------
    def load_flash(self, words: np.ndarray) -> None:
        """Replace the flash contents (uint16 words, at most 16384) and decode them."""
        words = np.asarray(words, dtype=np.uint16)
        if words.shape[0] > FLASH_WORDS:
            raise ValueError(f"{words.shape[0]} words do not fit the 16384-word flash")
        self.flash[:] = 0xFFFF
        self.flash[: words.shape[0]] = words
        self._decode()

    def _decode(self) -> None:
        op, a, b = isa.decode(self.flash)
        self._op[:FLASH_WORDS] = op
        self._decoded[:] = self._op
        self._a[:FLASH_WORDS] = a
        self._b[:FLASH_WORDS] = b
        for word in self._breakpoints:
            self._arm(word)

    # ---- breakpoints and watchpoints -------------------------------------------------------
    def _arm(self, word: int) -> None:
        two = WORDS[self._decoded[word]] == 2
        self._op[word] = OP_BREAK2 if two else OP_BREAK1

    @property
    def breakpoints(self) -> frozenset[int]:
        """Word addresses where ``run`` stops (EXIT_BREAK) before executing the instruction."""
        return frozenset(self._breakpoints)

    def set_breakpoint(self, word: int) -> None:
        """Stop before the instruction at word address ``word`` runs. The decoded id there is
        replaced by a breakpoint id, so running costs nothing extra, with or without them."""
        if not 0 <= word < FLASH_WORDS:
            raise ValueError(f"breakpoint at word 0x{word:x} is outside the flash")
        self._breakpoints.add(int(word))
        self._arm(int(word))

    def clear_breakpoint(self, word: int | None = None) -> None:
        """Remove the breakpoint at ``word`` (all of them with None)."""
        words = list(self._breakpoints) if word is None else [int(word)]
        for w in words:
            self._breakpoints.discard(w)
            self._op[w] = self._decoded[w]

    @property
    def watches(self) -> tuple[int, ...]:
        """Watched data addresses: a program write there stops ``run`` (EXIT_WATCH)."""
        return tuple(self._watches)

    def set_watch(self, addr: int) -> None:
        """Stop after an instruction writes data address ``addr`` (ST/STD/STS to SRAM or an
        I/O register, OUT, SBI/CBI; not the stack pushes of CALL/PUSH). Up to 8 addresses."""
        if not 0 <= addr < DATA_SIZE:
            raise ValueError(f"watch address 0x{addr:x} is outside the data space (0-0x8ff)")
        if addr not in self._watches:
            if len(self._watches) >= WATCH_SLOTS:
                raise ValueError(f"at most {WATCH_SLOTS} watchpoints")
            self._watches.append(int(addr))
        self._apply_watches()

    def clear_watch(self, addr: int | None = None) -> None:
        """Remove the watchpoint at ``addr`` (all of them with None)."""
        self._watches = [] if addr is None else [a for a in self._watches if a != addr]
        self._apply_watches()

    def _apply_watches(self) -> None:
        self.st[S_WATCH : S_WATCH + WATCH_SLOTS] = -1
        for i, a in enumerate(self._watches):
            self.st[S_WATCH + i] = a
        self.st[S_WATCH_LO] = min(self._watches, default=-1)
        self.st[S_WATCH_HI] = max(self._watches, default=-1)

    def watch_hit(self) -> tuple[int, int, int, int]:
        """The last watchpoint stop: (data address, old value, new value, word address of
        the instruction that wrote)."""
        return (
            int(self.st[S_WATCH_HIT]),
            int(self.st[S_WATCH_OLD]),
            int(self.st[S_WATCH_NEW]),
            int(self.st[S_WATCH_PC]),
        )

    # ---- interrupt bookkeeping -------------------------------------------------------------
    @property
    def ioff_limit(self) -> int:
        """Interrupts disabled by software for more than this many cycles log an IRQ_OFF row."""
        return self._ioff_limit

    @ioff_limit.setter
    def ioff_limit(self, cycles: int) -> None:
        self._ioff_limit = int(cycles)
        self.st[S_IOFF_LIMIT] = self._ioff_limit

    def lost_events(self) -> np.ndarray:
        """Per vector (index = vector number), events lost since power-on: the flag was set
        again while still set."""
        return self.st[S_LOST : S_LOST + N_VECTORS].copy()

    def raised_at(self) -> np.ndarray:
        """Per vector, the cycle its request was last raised (-1: not since power-on)."""
        return self.st[S_RAISED_AT : S_RAISED_AT + N_VECTORS].copy()

    def interrupts_off(self) -> tuple[int, int, int]:
        """(cycle software last disabled interrupts and has not enabled them again, or -1;
        longest stretch so far in cycles; the cycle it began)."""
        return int(self.st[S_IOFF_SINCE]), int(self.st[S_IOFF_MAX]), int(self.st[S_IOFF_MAX_AT])

    # ---- I/O registers from outside ---------------------------------------------------------
    def peek(self, addr: int) -> int:
        """The byte the program would read at data address ``addr`` now, without any side
        effect (TCNTn counted up to now, TIFRn with flags due, PINx the pin levels; nothing
        changes: no flag cleared, no byte latched, no FIFO popped)."""
        if PINB <= addr < PINB + 9 and (addr - PINB) % 3 == 0:
            return self.pin_register((addr - PINB) // 3)
        if 0x20 <= addr < 0x100 and OWNER[addr] in _PEEK_OWNERS:
            copy = self.st.copy()
            high = addr in (_TCNT1H, _ICR1H)
            value = io_access(
                self.data, copy, np.int64(addr - 1 if high else addr), np.int64(0),
                np.int64(self.cycle), self.pin_log, self.uart_log, FALSE,
            )  # fmt: skip
            return int(copy[S_TIMER1 + F_TEMP]) if high else int(value)
        return int(self.data[addr])

    def poke(self, addr: int, value: int) -> int:
        """Write an I/O register as the program would, with its side effects (a timer's OCR
        or TCCR takes effect, TCNT restarts counting there, a flag written 1 clears, PORTx
        drives the pin); a register or SRAM byte is simply stored. Returns the stored value."""
        value &= 0xFF
        if 0x20 <= addr < 0x100 and addr != SREG:
            stored = io_access(
                self.data, self.st, np.int64(addr), np.int64(value), np.int64(self.cycle),
                self.pin_log, self.uart_log, TRUE,
            )  # fmt: skip
            return int(stored)
        self.write(addr, value)
        return value

    def reset(self, power_on: bool = False) -> None:
        """Reset the chip: I/O registers to their reset values, PC = 0, SP = RAMEND.

        A power-on reset starts the cycle count at 0 again and clears the data space (not the
        EEPROM, which is non-volatile); any other reset (the reset button) keeps time running
        and SRAM as it was.
        """
        cycle = 0 if power_on else int(self.st[S_CYCLE])
        if power_on:
            self.data[:EEPROM_BASE] = 0  # the EEPROM is non-volatile: it keeps its bytes
            self.data[EEPROM_BASE + EEPROM_SIZE :] = 0
            keep = LAYOUT.of(*KEPT_BY_POWER_ON)
            kept = self.st[keep]
            self.st[:] = 0
            self.st[keep] = kept
            self.st[S_AVCC_UV] = 5_000_000
            self.st[S_AREF_UV] = 5_000_000
            self.st[S_TEMP_MC] = 25_000
        self.st[S_CYCLE] = cycle
        self.st[S_PC] = 0
        self.st[S_HALT] = HALT_NONE
        self.st[S_INHIBIT] = -1
        self.st[S_IRQ_DEPTH] = 0
        self.st[S_IOFF_SINCE] = -1
        self.st[S_IOFF_LIMIT] = self._ioff_limit
        if power_on:
            self.st[S_RAISED_AT : S_RAISED_AT + N_VECTORS] = -1
        self._apply_watches()
        self.st[S_SLEEPING] = 0
        chip_reset(
            self.data, self.st, np.int64(cycle), self.pin_log,
            np.int64(RESET_POWER_ON if power_on else RESET_EXTERNAL),
        )  # fmt: skip
        self.data[SREG] = 0

    # ---- running -----------------------------------------------------------------------
    def run(self, until: int) -> int:
        """Run to cycle ``until``; returns an EXIT_* code (EXIT_SPM is handled here).

        EXIT_BREAK: PC is at a breakpoint, its instruction not run; the next ``run`` starts
        with it. EXIT_WATCH: an instruction wrote a watched address (``watch_hit``)."""
        if self._breakpoints and self.pc in self._breakpoints and self.cycle < until:
            code = self._run_over_breakpoint(until)
            if code != EXIT_TARGET:
                return code
        while True:
            # Serial input waiting for room in the kernel's queue: stop where it starts, refill.
            waiting = self._feed_serial()
            target = until if waiting is None else min(until, max(waiting, self.cycle + 1))
            code = run_slice(
                self.data,
                self.flash,
                self._op,
                self._a,
                self._b,
                self.st,
                self.pin_log,
                self.irq_log,
                self.uart_log,
                np.int64(target),
            )
            if code == EXIT_SPM:
                self.st[S_SPM_DIRTY] = 0
                self._decode()
                continue
            if code == EXIT_TARGET and target < until:
                continue
            return int(code)

    def _run_over_breakpoint(self, until: int) -> int:
        """Run the instruction under the breakpoint at PC (or enter a due interrupt)."""
        pc = self.pc
        self._op[pc] = self._decoded[pc]
        try:
            code = run_slice(
                self.data, self.flash, self._op, self._a, self._b, self.st, self.pin_log,
                self.irq_log, self.uart_log, np.int64(min(self.cycle + 1, until)),
            )  # fmt: skip
        finally:
            if pc in self._breakpoints:
                self._arm(pc)
        if code == EXIT_SPM:
            self.st[S_SPM_DIRTY] = 0
            self._decode()
            return EXIT_TARGET
        if code == EXIT_BREAK and self.pc == pc:
            return EXIT_TARGET  # cannot happen: the original instruction ran
        return int(code)

    def step(self) -> int:
        """Execute one instruction (entering a pending interrupt first, if one is due)."""
        if self.halted:
            return EXIT_HALT
        return self.run(self.cycle + 1)

    # ---- state ---------------------------------------------------------------------------
    @property
    def cycle(self) -> int:
        return int(self.st[S_CYCLE])

    @property
    def pc(self) -> int:
        """Program counter as a word address."""
        return int(self.st[S_PC])

    @pc.setter
    def pc(self, value: int) -> None:
        self.st[S_PC] = value

    @property
    def sp(self) -> int:
        return int(self.data[SPL]) | (int(self.data[SPH]) << 8)

    @sp.setter
    def sp(self, value: int) -> None:
        self.data[SPL] = value & 0xFF
        self.data[SPH] = (value >> 8) & 0xFF

    @property
    def sreg(self) -> int:
        return int(self.data[SREG])

    @sreg.setter
    def sreg(self, value: int) -> None:
        self.data[SREG] = value

    @property
    def instructions(self) -> int:
        """Instructions executed since power-on."""
        return int(self.st[S_INSTRUCTIONS])

    @property
    def sleeping(self) -> bool:
        return bool(self.st[S_SLEEPING])

    @property
    def sleep_since(self) -> int:
        """Cycle at which the CPU last executed SLEEP (with SE set)."""
        return int(self.st[S_SLEEP_SINCE])

    @property
    def interrupts_enabled(self) -> bool:
        return bool(self.data[SREG] & 0x80)

    @property
    def watchdog_will_reset(self) -> bool:
        """True while the watchdog counts towards a system reset (WDE set: system reset mode,
        or interrupt and system reset mode, where a time-out with WDIF still set resets;
        datasheet 11.9.2). The Uno leaves WDTON unprogrammed, so WDE is the only way."""
        return bool(self.data[WDTCSR] & WDE) and int(self.st[W_NEXT]) != NEVER

    @property
    def halted(self) -> bool:
        return int(self.st[S_HALT]) != HALT_NONE

    @property
    def halt_reason(self) -> str | None:
        """A one-line report of why the CPU halted, naming the PC and the word; else None."""
        code = int(self.st[S_HALT])
        if code == HALT_NONE:
            return None
        pc = int(self.st[S_HALT_PC])
        word = int(self.st[S_HALT_WORD])
        if code == HALT_UNDEFINED:
            return (
                f"{HALT_REASONS[code]} 0x{word:04x} at PC 0x{pc * 2:04x} (word address 0x{pc:04x})"
            )
        return HALT_REASONS.get(code, f"halt code {code}")

    def reg(self, n: int) -> int:
        return int(self.data[n])

    def read(self, addr: int) -> int:
        """A byte of data space as stored (no side effects; PINx reads the pin levels)."""
        if PINB <= addr < PINB + 9 and (addr - PINB) % 3 == 0:
            return self.pin_register((addr - PINB) // 3)
        return int(self.data[addr])

    def write(self, addr: int, value: int) -> None:
        """Poke a byte of data space from outside (no side effects but interrupt re-check)."""
        self.data[addr] = value & 0xFF
        if addr < 0x100 and IRQ_REGISTER[addr]:
            self.st[S_PERIPH_NEXT] = 0

    def pending_vector(self) -> int:
        """The vector that would be served now if I were set (0: none)."""
        return int(pending_vector(self.data, self.st))

    # ---- pins ----------------------------------------------------------------------------
    def drive_pin(self, port: int, bit: int, level: int | None, at: int | None = None) -> None:
        """Drive a pin from outside (0 or 1) or release it (None). Port 0=B, 1=C, 2=D.

        ``at`` is the cycle the level changes at (default: now); it may lie a few cycles
        before now, when the caller stopped at the first instruction boundary after it.
        """
        mask = 1 << bit
        if level is None:
            self.st[S_EXT_DRIVEN + port] &= ~mask
        else:
            self.st[S_EXT_DRIVEN + port] |= mask
            if level:
                self.st[S_EXT_LEVEL + port] |= mask
            else:
                self.st[S_EXT_LEVEL + port] &= ~mask
        cycle = self.cycle if at is None else min(int(at), self.cycle)
        if (int(self.st[S_PIN_DIRTY]) >> port) & 1 and int(self.st[S_LEVELS_AT + port]) != cycle:
            # A change at another cycle is still on its way to the edge detectors (INT0/1,
            # PCINT, ICP1, T0/T1): let them see it first, or its edge would be lost.
            self.run(self.cycle)
        pins.refresh(self.data, self.st, self.pin_log, port, np.int64(cycle))
        self.st[S_PERIPH_NEXT] = 0

    def pin_register(self, port: int) -> int:
        """The present levels at a port's pins, as PINx shows them once synchronised."""
        return int(pins.levels(self.data, self.st, port))

    def port_state(self, port: int) -> tuple[int, int, int]:
        """(output values, output mask, pull-up mask) of port 0=B, 1=C, 2=D, as the pins see
        them: PORTx/DDRx with any peripheral's override (OC0A, TXD ...)."""
        out, ddr, pulled = pins.outputs(self.data, self.st, port)
        return int(out), int(ddr), int(pulled)

    def external_drive(self, port: int) -> tuple[int, int]:
        """(levels, driven mask) applied from outside to port 0=B, 1=C, 2=D."""
        return int(self.st[S_EXT_LEVEL + port]), int(self.st[S_EXT_DRIVEN + port])

    # ---- analog inputs ---------------------------------------------------------------------
    def set_analog(self, channel: int, volts: float, at: int | None = None) -> None:
        """The voltage at ADC input ``channel`` (0-5 = A0-A5; 6, 7 = ADC6/7), from cycle ``at``
        (default: now; as in ``drive_pin`` it may lie a few cycles before now)."""
        if not 0 <= channel <= 7:
            raise ValueError(f"ADC channel {channel} does not exist: use 0-7 (A0-A5 = 0-5)")
        self._set_analog(S_ANALOG + channel, round(volts * 1e6), at)

    def set_comparator_input(self, n: int, volts: float, at: int | None = None) -> None:
        """The voltage at the analog comparator's AIN0 (``n`` = 0, PD6 = D6) or AIN1 (1, D7)."""
        if n not in (0, 1):
            raise ValueError(f"the comparator has inputs AIN0 and AIN1 (0, 1), not {n!r}")
        self._set_analog(S_AIN0_UV + n, round(volts * 1e6), at)

    def set_aref(self, volts: float, at: int | None = None) -> None:
        """The voltage at the AREF pin (the ADC reference with REFS1:0 = 00)."""
        self._set_analog(S_AREF_UV, round(volts * 1e6), at)

    def set_vcc(self, volts: float, at: int | None = None) -> None:
        """The supply voltage AVcc (the ADC reference with REFS1:0 = 01; 5 V on the Uno)."""
        self._set_analog(S_AVCC_UV, round(volts * 1e6), at)

    def set_temperature(self, celsius: float, at: int | None = None) -> None:
        """The die temperature the ADC's temperature sensor (MUX = 1000) measures."""
        self._set_analog(S_TEMP_MC, round(celsius * 1000), at)

    def _set_analog(self, index: int, value: int, at: int | None) -> None:
        self.st[index] = value
        self.st[S_ANALOG_AT] = self.cycle if at is None else min(int(at), self.cycle)
        self.st[S_ANALOG_DIRTY] = 1
        self.st[S_PERIPH_NEXT] = 0

    # ---- serial (USART0) ---------------------------------------------------------------
    def queue_serial_input(
        self,
        data: bytes,
        start_cycle: int,
        bit_cycles: int | None = None,
        frame_bits: int | None = None,
    ) -> int:
        """Send bytes to RXD (PD0, D0): frames back to back from ``start_cycle`` (the cycle the
        first start bit begins), one frame apart; returns the cycle after the last frame.

        The frame is ``frame_bits`` bits (start + data + parity + stop) of ``bit_cycles``
        cycles, by default as the chip's UBRR0, U2X0 and UCSR0B/C are set now (so send after
        the firmware has configured its serial port, or give both). The line carries one
        frame at a time: a frame never starts before the previous queued one ended. Values
        are bytes, or ints with ``usart.RX_NINTH`` (9th data bit), ``usart.RX_FRAME_ERROR``,
        ``usart.RX_PARITY_ERROR``. Bytes complete while the receiver is off are lost, as on
        the chip. The kernel's queue holds ``RX_QUEUE_LEN - 1`` frames; the rest wait here
        and ``run`` feeds them in as it consumes entries.
        """
        pending = self._serial_pending()
        fmt = serial_format(self.data)
        per_bit = fmt["bit_cycles"] if bit_cycles is None else int(bit_cycles)
        bits = fmt["frame_bits"] if frame_bits is None else int(frame_bits)
        if per_bit <= 0 or bits <= 0:
            raise ValueError("a serial frame needs a positive bit time and bit count")
        t = max(int(start_cycle), self._serial_line_free)
        for value in data:
            value = int(value)
            if not 0 <= value < 0x800:
                raise ValueError(f"serial input value {value!r} out of range")
            pending.append((t, value))
            t += per_bit * bits
        self._serial_line_free = t
        self._feed_serial()
        return t

    def serial_config(self) -> dict:
        """USART0 as configured now: baud (float), ubrr, u2x, data_bits, parity ("none",
        "even", "odd"), stop_bits, tx_enabled, rx_enabled, bit_cycles, frame_bits,
        frame_cycles."""
        return serial_format(self.data)

    def _serial_pending(self) -> list:
        """Serial input not yet in the kernel's queue (starts over after a power-on reset,
        which zeroes the state array and with it the mark)."""
        if self.st[U_PY_MARK] == 0 or not hasattr(self, "_serial_queue"):
            self._serial_queue: list[tuple[int, int]] = []
            self._serial_next = 0
            self._serial_line_free = 0
            self.st[U_PY_MARK] = 1
        return self._serial_queue

    def _feed_serial(self) -> int | None:
        """Move waiting serial input into the kernel's ring; return the start cycle of the
        first frame still waiting (None: all in)."""
        pending = self._serial_pending()
        i = self._serial_next
        if i >= len(pending):
            return None
        head = int(self.st[S_RX_HEAD])
        tail = int(self.st[S_RX_TAIL])
        moved = False
        while i < len(pending) and (tail + 1) % RX_QUEUE_LEN != head:
            self.st[S_RX_QUEUE + 2 * tail] = pending[i][0]
            self.st[S_RX_QUEUE + 2 * tail + 1] = pending[i][1]
            tail = (tail + 1) % RX_QUEUE_LEN
            i += 1
            moved = True
        if moved:
            self.st[S_RX_TAIL] = tail
            self.st[S_PERIPH_NEXT] = 0
        if i >= len(pending):
            pending.clear()
            i = 0
        self._serial_next = i
        return pending[i][0] if pending else None

    # ---- logs ----------------------------------------------------------------------------
    def take_pin_log(self) -> np.ndarray:
        """Rows (cycle, port, output values, output mask, pull-up mask) since the last call."""
        return self._take(self.pin_log, S_PIN_N)

    def take_irq_log(self) -> np.ndarray:
        """Rows (cycle, vector, kind, extra) appended since the last call: kind IRQ_ENTER (1,
        extra = cycle the request was raised, -1 unknown), IRQ_RETURN (0), IRQ_LOST (2: the
        vector's flag set while set, extra = when the pending one was raised), IRQ_OFF (3:
        vector 0, interrupts were disabled from extra to cycle, longer than ``ioff_limit``)."""
        return self._take(self.irq_log, S_IRQ_N)

    def take_uart_log(self) -> np.ndarray:
        """Rows (cycle, byte) transmitted since the last call."""
        return self._take(self.uart_log, S_UART_N)

    def _take(self, log: np.ndarray, index: int) -> np.ndarray:
        n = int(self.st[index])
        rows = log[:n].copy()
        self.st[index] = 0
        return rows


__all__ = ["Mcu", "NEVER"]
