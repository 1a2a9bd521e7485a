"""``Simulation``: one ATmega328P on an Uno, its inputs and its recorded outputs.

The CLI, the app's worker thread and the tests all stand on this class. It owns one ``Mcu``,
applies external pin levels at exact cycles, runs the kernel in slices and turns the kernel's
logs into traces: per-pin level changes, interrupt entries/returns and serial bytes, every row
stamped with its cycle. It has no threads and no Qt.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..avr import F_CPU, VECTOR_NAMES, Mcu, warm_up
from ..avr.regs import EXIT_BREAK, EXIT_HALT, EXIT_WATCH, S_VECTOR_BASE, VECTOR_BY_NAME
from ..build import is_sketch_path
from ..circuit import UNO_PINS, UnoPin, uno_pin
from ..firmware import Firmware, FirmwareError, load_firmware
from .board import Board, TraceNews
from .irqstats import IrqStats, IrqTally, handler_address, irq_stats
from .measure import Measurements, measure
from .trace import FLOATING, HIGH, LOW, PinTrace, Trace
from .units import parse_time

if TYPE_CHECKING:
    from ..build import BuildResult

#: Status values of a simulation.
RUNNING = "running"
SLEEPING = "sleeping"
HALTED = "halted"
#: SLEEP with interrupts disabled and no watchdog reset to come: nothing but the reset button
#: can wake the CPU (with the watchdog in reset mode the status stays SLEEPING and the run
#: goes on: the watchdog resets the chip at every time-out, datasheet 11.8).
STOPPED = "stopped"
BREAK = "break"  # run_until stopped at a breakpoint or watchpoint: see ``stop_reason``


@dataclass(frozen=True)
class StopReason:
    """Why ``run_until`` stopped early: ``kind`` "breakpoint" (PC at ``pc``, the instruction
    not yet run) or "watchpoint" (the instruction at ``pc`` wrote ``address``: ``old`` ->
    ``new``); ``text`` says it in one line."""

    kind: str
    cycle: int
    pc: int  # byte address
    text: str
    address: int | None = None
    old: int | None = None
    new: int | None = None


#: Analog inputs ``set_voltage`` accepts: name -> (kind, ADC channel / comparator input).
ANALOG_INPUTS: dict[str, tuple[str, int]] = {f"A{i}": ("adc", i) for i in range(6)}
ANALOG_INPUTS.update({"D6": ("ain", 0), "D7": ("ain", 1), "AREF": ("aref", 0)})


class SketchBuildError(FirmwareError):
    """A sketch that did not build: ``path``/``location``/``reason`` are its first error's
    (``sketch.ino: line 7, column 3: expected ';' ...``); ``result`` holds the whole compiler
    output and every message (None when there was no build: no toolchain, not a sketch)."""

    def __init__(
        self,
        path: str | os.PathLike,
        reason: str,
        location: str | None = None,
        result: BuildResult | None = None,
    ) -> None:
        super().__init__(path, reason, location)
        self.result = result

    def __reduce__(self):
        return (type(self), (self.path, self.reason, self.location))


def load_sketch_or_firmware(path: str | os.PathLike) -> Firmware:
    """A .hex or .elf file, or a sketch (a .ino or a sketch folder) built with the local
    toolchain first (``breadboard.build.build_sketch``; the ELF is loaded, with its symbols).

    Raises ``FirmwareError`` for a bad firmware file, ``SketchBuildError`` (a ``FirmwareError``)
    for a sketch that does not build or when there is no toolchain.
    """
    if not is_sketch_path(path):
        return load_firmware(path)
    from ..build import NoToolchainError, SketchError, build_sketch

    try:
        result = build_sketch(path)
    except SketchError as e:
        raise SketchBuildError(path, str(e)) from None
    except NoToolchainError as e:
        raise SketchBuildError(path, f"cannot build the sketch: {e}") from None
    if not result.ok:
        if result.errors:
            d = result.errors[0]
            col = f", column {d.column}" if d.column is not None else ""
            raise SketchBuildError(d.file, d.message, f"line {d.line}{col}", result)
        lines = [ln for ln in result.output.splitlines() if "rror" in ln] or ["the build failed"]
        raise SketchBuildError(path, lines[0], None, result)
    return load_firmware(result.elf or result.hex)


@dataclass(order=True)
class _Input:
    cycle: int
    seq: int
    pin: UnoPin | None = field(compare=False)
    level: int | float | None = field(compare=False)
    analog: str | None = field(default=None, compare=False)  # set_voltage: the input's name


class Simulation(Board):
    """An Uno running one firmware, with recorded pin, interrupt and serial traces.

    Time is the cycle count; ``seconds`` converts at ``f_cpu``. Levels are ``LOW``, ``HIGH``
    or ``FLOATING``; a pin driven from outside takes ``0``/``1``, or ``None`` to release it.

    Memory: by default the traces hold the whole run (tests, short runs). ``history`` (cycles)
    makes every trace a sliding window of about that many cycles, so a run of any length holds
    bounded memory; ``history=0`` keeps only the current levels. Whatever must see every row
    (a VCD file being written, a serial console) registers with ``add_listener`` and is handed
    the new rows as they are recorded, before any window drops them.
    """

    def __init__(
        self, firmware: Firmware | None = None, f_cpu: int = F_CPU, history: int | None = None
    ) -> None:
        self.f_cpu = f_cpu
        self.firmware: Firmware | None = None
        self.mcu = Mcu()
        self.stop_reason: StopReason | None = None
        self._init_history(history)
        self._inputs: list[_Input] = []
        self._seq = 0
        self._clear_traces()
        if firmware is not None:
            self.load(firmware)

    @classmethod
    def open(
        cls, path: str | os.PathLike, f_cpu: int = F_CPU, history: int | None = None
    ) -> Simulation:
        """Load a .hex or .elf file, or build a sketch (.ino or sketch folder) and load it
        (raises ``FirmwareError`` for a bad file, ``SketchBuildError`` for a sketch that does
        not build)."""
        return cls(load_sketch_or_firmware(path), f_cpu=f_cpu, history=history)

    def prepare(self) -> None:
        """Compile the kernel (from the on-disk cache after the first time)."""
        warm_up()

    def to_cycles(self, time: int | str) -> int:
        """A cycle count from a cycle count or a time text like "10ms", "2s", "100us"."""
        return parse_time(time, self.f_cpu) if isinstance(time, str) else int(time)

    # ---- program, reset ------------------------------------------------------------------
    def load(self, firmware: Firmware) -> None:
        """Put ``firmware`` in flash and power the chip on (traces start again at cycle 0)."""
        self.firmware = firmware
        self.mcu.load_flash(firmware.flash)
        self.reset(power_on=True)

    def reset(self, power_on: bool = False) -> None:
        """Press reset (time goes on) or power-cycle (time, traces and inputs start over)."""
        if power_on:
            self._inputs.clear()
            for port in range(3):
                for bit in range(8):
                    self.mcu.drive_pin(port, bit, None)
        self.mcu.reset(power_on=power_on)
        if power_on:
            self._clear_traces()
            self.mcu.take_pin_log()
        else:
            self._drain()

    def _clear_traces(self) -> None:
        keep = self.history
        self.pins: dict[str, PinTrace] = {p.name: PinTrace(FLOATING, keep) for p in UNO_PINS}
        #: cycle, vector, kind (1 enter, 0 return, 2 lost event, 3 interrupts were off), extra
        #: (enter: cycle the request was raised; lost: when the pending one was; off: start)
        self.interrupts = Trace(4, keep=keep)
        self.serial_tx = Trace(2, keep=keep)  # cycle, byte
        #: The whole run's interrupt statistics (kept whatever ``history`` is): ``irq_stats``
        self.irq_tally = IrqTally(self.f_cpu)
        #: Voltages applied to analog inputs: pin name -> rows (cycle, microvolts)
        self.analog: dict[str, Trace] = {}

    # ---- time and state --------------------------------------------------------------------
    @property
    def cycle(self) -> int:
        return self.mcu.cycle

    @property
    def seconds(self) -> float:
        return self.mcu.cycle / self.f_cpu

    @property
    def instructions(self) -> int:
        return self.mcu.instructions

    @property
    def status(self) -> str:
        if self.mcu.halted:
            return HALTED
        if self.mcu.sleeping:
            mcu = self.mcu
            return SLEEPING if mcu.interrupts_enabled or mcu.watchdog_will_reset else STOPPED
        return RUNNING

    @property
    def active_cycles(self) -> int:
        """Cycles up to now, or up to the SLEEP that stopped the CPU for good."""
        return self.mcu.sleep_since if self.status == STOPPED else self.cycle

    @property
    def halt_reason(self) -> str | None:
        """Why the CPU halted, naming the PC and the instruction word; None while it runs."""
        return self.mcu.halt_reason

    @property
    def program_path(self) -> str | None:
        return self.firmware.path if self.firmware else None

    def interrupt_name(self, vector: int) -> str:
        return VECTOR_NAMES[vector] if 0 <= vector < len(VECTOR_NAMES) else f"vector {vector}"

    def pin_level(self, pin: str | int | UnoPin) -> int:
        """The level at a pin now: LOW, HIGH or FLOATING."""
        p = pin if isinstance(pin, UnoPin) else uno_pin(pin)
        return self._levels(p.port)[p.bit]

    def pin_mode(self, pin: str | int | UnoPin) -> str:
        """How the firmware set a pin up: "output" (its DDR bit set, or a peripheral's
        output), "input pull-up" (an input with its pull-up on) or "input"."""
        p = pin if isinstance(pin, UnoPin) else uno_pin(pin)
        _, ddr, pulled = self.mcu.port_state(p.port)
        if (ddr >> p.bit) & 1:
            return "output"
        if (pulled >> p.bit) & 1:
            return "input pull-up"
        return "input"

    def pin_trace(self, pin: str | int | UnoPin) -> PinTrace:
        p = pin if isinstance(pin, UnoPin) else uno_pin(pin)
        return self.pins[p.name]

    def serial_bytes(self) -> bytes:
        return bytes(self.serial_tx.rows[:, 1].astype(np.uint8).tobytes())

    def serial_text(self) -> str:
        """What the firmware transmitted so far, decoded as UTF-8 (bad bytes replaced)."""
        return self.serial_bytes().decode("utf-8", errors="replace")

    def measure(
        self,
        pin: str | int | UnoPin,
        start: int | str | None = None,
        end: int | str | None = None,
    ) -> Measurements:
        """A pin's automatic measurements (frequency, period, +/-width, duty, each as
        ``Stats`` with mean, min, max, jitter) over the edges between ``start`` and ``end``
        (cycles or times like "100ms"; default: the whole run). See ``sim.measure``."""
        s = None if start is None else self.to_cycles(start)
        e = None if end is None else self.to_cycles(end)
        return measure(self.pin_trace(pin), self.f_cpu, start=s, end=e)

    def send_serial(
        self,
        data: bytes | str,
        at: int | None = None,
        bit_cycles: int | None = None,
        frame_bits: int | None = None,
    ) -> int:
        """Send bytes to the firmware's serial port (USART0 RXD, D0), frames back to back from
        cycle ``at`` (default: now); returns the cycle the last frame ends.

        The baud rate and frame format are the firmware's as configured now (run past its
        ``Serial.begin`` first), unless ``bit_cycles``/``frame_bits`` are given. Frames that
        arrive while the receiver is off are lost, as on the chip. A str is sent as UTF-8.
        """
        if isinstance(data, str):
            data = data.encode("utf-8")
        start = self.cycle if at is None else int(at)
        return self.mcu.queue_serial_input(data, start, bit_cycles, frame_bits)

    def serial_config(self) -> dict:
        """The firmware's serial port settings now: baud, data_bits, parity, stop_bits,
        tx_enabled, rx_enabled ... (see ``Mcu.serial_config``)."""
        return self.mcu.serial_config()

    def interrupt_entries(self, vector: int | str | None = None) -> np.ndarray:
        """Cycles at which interrupt handlers were entered (optionally one vector's)."""
        rows = self.interrupts.rows
        sel = rows[:, 2] == 1
        if vector is not None:
            v = VECTOR_NAMES.index(vector) if isinstance(vector, str) else vector
            sel &= rows[:, 1] == v
        return rows[sel, 0]

    def irq_stats(self, isr_limit_us: float = 100.0, ioff_limit_us: float = 100.0) -> IrqStats:
        """Per-vector interrupt statistics and teaching warnings over the whole run (see
        ``sim.irqstats``; kept whatever ``history`` is)."""
        return irq_stats(self, isr_limit_us=isr_limit_us, ioff_limit_us=ioff_limit_us)

    # ---- inputs ------------------------------------------------------------------------------
    def drive(
        self, pin: str | int | UnoPin, level: int | None, at: int | str | None = None
    ) -> None:
        """Drive a pin from outside with 0/1 (None releases it) now or at ``at`` (a cycle, or
        a time like "10ms")."""
        p = pin if isinstance(pin, UnoPin) else uno_pin(pin)
        if level not in (0, 1, None):
            raise ValueError(f"a pin is driven with 0, 1 or None (released), not {level!r}")
        cycle = self.cycle if at is None else self.to_cycles(at)
        if cycle <= self.cycle:
            self._apply(p, level, self.cycle)
        else:
            self._seq += 1
            heapq.heappush(self._inputs, _Input(cycle, self._seq, p, level))

    def set_voltage(self, pin: str, volts: float, at: int | str | None = None) -> None:
        """Apply ``volts`` to an analog input now or from ``at`` (a cycle, or a time like
        "10ms"): A0-A5 (ADC0-5), D6 and
        D7 (the analog comparator's AIN0 and AIN1), or AREF. The digital level the pin reads
        is not changed (use ``drive`` for that)."""
        name = str(pin).strip().upper()
        if name != "AREF":
            name = uno_pin(pin).name  # "PC0", "14" ... -> "A0"
        if name not in ANALOG_INPUTS:
            raise ValueError(
                f"{pin!r} has no analog input: use A0-A5, D6 (AIN0), D7 (AIN1) or AREF"
            )
        volts = float(volts)
        cycle = self.cycle if at is None else self.to_cycles(at)
        if cycle <= self.cycle:
            self._apply_voltage(name, volts, self.cycle)
        else:
            self._seq += 1
            heapq.heappush(self._inputs, _Input(cycle, self._seq, None, volts, name))

    def _apply_voltage(self, name: str, volts: float, cycle: int) -> None:
        trace = self.analog.setdefault(name, Trace(2, keep=self.history))
        rows = trace.rows
        if len(rows) == 0 or rows[-1, 1] != round(volts * 1e6):
            trace.extend(np.array([[cycle, round(volts * 1e6)]], dtype=np.int64))
        kind, n = ANALOG_INPUTS[name]
        if kind == "adc":
            self.mcu.set_analog(n, volts, at=cycle)
        elif kind == "ain":
            self.mcu.set_comparator_input(n, volts, at=cycle)
        else:
            self.mcu.set_aref(volts, at=cycle)

    def _apply(self, pin: UnoPin, level: int | None, cycle: int) -> None:
        self.mcu.drive_pin(pin.port, pin.bit, level, at=cycle)
        self._drain()

    # ---- running -----------------------------------------------------------------------------
    def run_until(self, cycle: int | str) -> str:
        """Run to ``cycle`` (or a time like "1.5s"; or until the CPU halts or stops for good);
        return the status, or BREAK when a breakpoint or watchpoint stopped it
        (``stop_reason`` says which)."""
        self.stop_reason = None
        cycle = self.to_cycles(cycle)
        while self.cycle < cycle and not self.mcu.halted:
            stop = cycle
            if self._inputs and self._inputs[0].cycle < stop:
                stop = self._inputs[0].cycle
            code = self.mcu.run(stop)
            self._drain()
            while self._inputs and self._inputs[0].cycle <= self.cycle:
                item = heapq.heappop(self._inputs)
                if item.analog is not None:
                    self._apply_voltage(item.analog, item.level, item.cycle)
                else:
                    self._apply(item.pin, item.level, item.cycle)
            if code == EXIT_HALT:
                break
            if code in (EXIT_BREAK, EXIT_WATCH):
                self._stopped(code)
                return BREAK
            if self.status == STOPPED:
                break
        return self.status

    # ---- breakpoints and watchpoints --------------------------------------------------------
    def resolve_code_address(self, where: str | int) -> int:
        """Flash byte address of ``where``: an int or "0x1a4" (byte address), an ELF symbol
        ("loop", "__vector_7"), or a vector name ("TIMER2_COMPA": its handler's first
        instruction, where the vector jumps to)."""
        if isinstance(where, int):
            return where
        text = where.strip()
        name = text.upper()
        if name in VECTOR_BY_NAME:
            v = VECTOR_BY_NAME[name]
            base = int(self.mcu.st[S_VECTOR_BASE])
            target = handler_address(self.mcu.flash, base, v)
            return (base + 2 * v) * 2 if target is None else target
        symbols = self.firmware.symbols if self.firmware is not None else {}
        for addr, sym in symbols.items():
            if sym == text:
                return addr
        try:
            return int(text, 0)
        except ValueError:
            raise ValueError(
                f"{where!r} is neither an address, a vector name nor a symbol of the firmware"
            ) from None

    def add_breakpoint(self, where: str | int) -> int:
        """Stop ``run_until`` before the instruction at ``where`` (see
        ``resolve_code_address``) runs; returns its flash byte address."""
        addr = self.resolve_code_address(where)
        if addr % 2:
            raise ValueError(f"breakpoint address 0x{addr:x} is odd: flash holds 16-bit words")
        self.mcu.set_breakpoint(addr // 2)
        return addr

    def remove_breakpoint(self, where: str | int | None = None) -> None:
        """Remove one breakpoint (all with None)."""
        self.mcu.clear_breakpoint(None if where is None else self.resolve_code_address(where) // 2)

    def add_watch(self, where: str | int) -> int:
        """Stop ``run_until`` after an instruction writes ``where``: a data address (int or
        "0x100"), an I/O register name ("OCR2A"), or an ELF data symbol (a global variable);
        returns the data address."""
        from .registers import resolve_data_address

        addr = resolve_data_address(self, where)
        self.mcu.set_watch(addr)
        return addr

    def remove_watch(self, where: str | int | None = None) -> None:
        from .registers import resolve_data_address

        self.mcu.clear_watch(None if where is None else resolve_data_address(self, where))

    def _stopped(self, code: int) -> None:
        pc = self.mcu.pc * 2
        if code == EXIT_BREAK:
            self.stop_reason = StopReason(
                "breakpoint", self.cycle, pc, f"breakpoint at 0x{pc:04x}{self._where(pc)}"
            )
            return
        addr, old, new, wpc = self.mcu.watch_hit()
        self.stop_reason = StopReason(
            "watchpoint", self.cycle, wpc * 2,
            f"watchpoint: 0x{addr:03x} written 0x{old:02x} -> 0x{new:02x} by the instruction "
            f"at 0x{wpc * 2:04x}{self._where(wpc * 2)}",
            addr, old, new,
        )  # fmt: skip

    def _where(self, byte_addr: int) -> str:
        symbols = self.firmware.symbols if self.firmware is not None else {}
        best = None
        for addr, sym in symbols.items():
            if addr <= byte_addr and (best is None or addr > best[0]):
                best = (addr, sym)
        if best is None:
            return ""
        off = byte_addr - best[0]
        return f" ({best[1]}+0x{off:x})" if off else f" ({best[1]})"

    def run_for(self, cycles: int | str) -> str:
        """Run for a number of cycles or a time like "500ms"; return the status."""
        return self.run_until(self.cycle + self.to_cycles(cycles))

    def step(self) -> str:
        """Execute one instruction."""
        self.mcu.step()
        self._drain()
        return self.status

    # ---- turning kernel logs into traces ----------------------------------------------------
    def _drain(self) -> None:
        rows = self.mcu.take_pin_log()
        pins = self._ingest_pins(rows) if rows.shape[0] else {}
        irq = self.mcu.take_irq_log()
        if irq.shape[0]:
            self.interrupts.extend(irq)
            self.irq_tally.feed(irq)
        tx = self.mcu.take_uart_log()
        if tx.shape[0]:
            self.serial_tx.extend(tx)
        self._publish(pins, irq, tx)

    def _pin_codes(self, out, ddr, pulled, port: int):
        """Per-bit level arrays from a port's outputs (scalars or arrays of the pin log)."""
        ext_level, ext_driven = self.mcu.external_drive(port)
        codes = []
        for bit in range(8):
            if (ext_driven >> bit) & 1:
                undriven = (ext_level >> bit) & 1
            else:
                undriven = np.where((pulled >> bit) & 1, HIGH, FLOATING)
            codes.append(np.where((ddr >> bit) & 1, (out >> bit) & 1, undriven))
        return codes

    def _levels(self, port: int) -> list[int]:
        out, ddr, pulled = self.mcu.port_state(port)
        return [int(x) for x in self._pin_codes(out, ddr, pulled, port)]

    def _ingest_pins(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        changed: dict[str, np.ndarray] = {}
        for port in range(3):
            sel = rows[:, 1] == port
            if not np.any(sel):
                continue
            cycles = rows[sel, 0]
            codes = self._pin_codes(rows[sel, 2], rows[sel, 3], rows[sel, 4], port)
            for pin in UNO_PINS:
                if pin.port == port:
                    trace = self.pins[pin.name]
                    new = trace.append_changes(cycles, codes[pin.bit].astype(np.int64))
                    if new is not None:
                        changed[pin.name] = new
        return changed


__all__ = [
    "Simulation",
    "StopReason",
    "BREAK",
    "TraceNews",
    "SketchBuildError",
    "load_sketch_or_firmware",
    "RUNNING",
    "SLEEPING",
    "HALTED",
    "STOPPED",
    "LOW",
    "HIGH",
    "FLOATING",
]
