"""``Inspection``: one immutable picture of the chip for the interrupt inspector, taken on the
thread that owns the board (the app's worker) and read by the GUI (no Qt here).

It holds the vector table's statistics and warnings (``irq_stats``), every named register
(``registers.REGISTERS``, read without side effects), the data space and EEPROM bytes, PC, SP,
the listing around PC and the breakpoints and watchpoints. A board that has none of this (a
MicroPython script) gives an ``Inspection`` whose ``unavailable`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..avr.regs import DATA_SIZE, EEPROM_BASE, EEPROM_SIZE, F_CPU
from .board import Board
from .debugger import Line, listing
from .irqstats import IrqStats
from .registers import REGISTERS, read_register


@dataclass(frozen=True)
class Inspection:
    """The chip as of ``cycle``; ``unavailable`` is the reason when the board has no AVR."""

    cycle: int = 0
    f_cpu: int = F_CPU
    unavailable: str | None = None
    stats: IrqStats | None = None
    registers: dict[str, int] = field(default_factory=dict)
    pc: int = 0  # flash byte address
    sp: int = 0
    data: bytes = b""  # data space 0x000-0x8FF (registers, I/O, SRAM)
    eeprom: bytes = b""
    listing: tuple[Line, ...] = ()
    breakpoints: tuple[int, ...] = ()  # flash byte addresses, sorted
    watches: tuple[int, ...] = ()  # data addresses
    variables: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (addr, size)
    symbols: dict[int, str] = field(default_factory=dict)  # flash byte address -> ELF name


NEEDS_AVR = "The inspector needs AVR firmware (.hex, .elf or .ino)"


def inspect(
    board: Board, isr_limit_us: float = 100.0, ioff_limit_us: float = 100.0, rows: int = 32
) -> Inspection:
    """Take an ``Inspection`` of ``board`` (call it on the thread that runs the board)."""
    if board.program_path is None:
        return Inspection(board.cycle, board.f_cpu, unavailable="No firmware loaded")
    try:
        stats = board.irq_stats(isr_limit_us=isr_limit_us, ioff_limit_us=ioff_limit_us)
    except ValueError as e:
        return Inspection(board.cycle, board.f_cpu, unavailable=f"{NEEDS_AVR}: {e}")
    sim = board  # a board with interrupt statistics is a Simulation: it has an Mcu
    mcu = sim.mcu  # type: ignore[attr-defined]
    fw = sim.firmware  # type: ignore[attr-defined]
    registers = {name: read_register(sim, name) for name in REGISTERS}  # type: ignore[arg-type]
    data = bytearray(mcu.data[:DATA_SIZE].tobytes())
    for name, value in registers.items():  # the I/O bytes as the program would read them
        data[REGISTERS[name][0]] = value
    variables = {}
    if fw is not None:
        variables = {n: (a, fw.data_sizes.get(n, 1)) for n, a in fw.data_symbols.items()}
    return Inspection(
        cycle=board.cycle,
        f_cpu=board.f_cpu,
        stats=stats,
        registers=registers,
        pc=mcu.pc * 2,
        sp=mcu.sp,
        data=bytes(data),
        eeprom=mcu.data[EEPROM_BASE : EEPROM_BASE + EEPROM_SIZE].tobytes(),
        listing=tuple(listing(sim, after=rows)),  # type: ignore[arg-type]
        breakpoints=tuple(sorted(w * 2 for w in mcu.breakpoints)),
        watches=tuple(mcu.watches),
        variables=variables,
        symbols=fw.symbols if fw is not None else {},
    )


__all__ = ["Inspection", "inspect", "NEEDS_AVR"]
