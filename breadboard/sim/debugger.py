"""Source-less debugging on a ``Simulation``: a listing around PC, step over a call, run to the
next interrupt entry or to one vector's, built on the kernel's breakpoints (no Qt).

``Debugger`` sets *temporary* breakpoints for these (the instruction after a CALL, the
handlers' first instructions) next to the user's own and removes them at the next stop, so a
run with no breakpoint set costs nothing extra (the kernel's breakpoints live in its decoded
opcode table: nothing is checked per instruction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..avr.isa import INSTRUCTIONS, OPCODE_LUT, disassemble
from ..avr.regs import S_IRQ_DEPTH, S_IRQ_STACK, S_VECTOR_BASE, VECTOR_BY_NAME, VECTOR_NAMES
from .irqstats import handler_address

if TYPE_CHECKING:
    from .simulation import Simulation

#: Instructions that push a return address (the ATmega328P has no EICALL).
CALLS = frozenset({"CALL", "RCALL", "ICALL"})


@dataclass(frozen=True)
class Line:
    """One disassembled instruction: flash byte ``address``, its words, its text, the ELF
    symbol exactly there (``label``), whether a breakpoint is set on it and PC is on it, and
    the source line starting there (``source``, "file.c:42", from the ELF's DWARF line
    table; None when the line table has no row at this address or the ELF has none)."""

    address: int
    words: tuple[int, ...]
    text: str
    label: str | None
    breakpoint: bool
    current: bool
    source: str | None = None


def instruction_name(flash: np.ndarray, word: int) -> str:
    """The instruction table's name of the instruction at word ``word`` ("CALL", "LDI" ...)."""
    return INSTRUCTIONS[int(OPCODE_LUT[int(flash[word])])].name


def after_call(sim: Simulation) -> int | None:
    """Byte address of the instruction after the CALL/RCALL/ICALL at PC (where the call
    returns to), or None when the instruction at PC is not a call."""
    pc = sim.mcu.pc
    flash = sim.mcu.flash
    if instruction_name(flash, pc) not in CALLS:
        return None
    _, words = disassemble(flash, pc)
    return (pc + words) * 2


def handler_addresses(sim: Simulation) -> dict[int, int]:
    """Vector number (1-25) -> flash byte address of its handler's first instruction (where
    its vector slot jumps to; the slot itself when it holds no jump)."""
    base = int(sim.mcu.st[S_VECTOR_BASE])
    out = {}
    for v in range(1, len(VECTOR_NAMES)):
        target = handler_address(sim.mcu.flash, base, v)
        out[v] = (base + 2 * v) * 2 if target is None else target
    return out


def listing(sim: Simulation, before: int = 8, after: int = 24) -> list[Line]:
    """The instructions around PC: up to ``before`` ahead of it and ``after`` from it on.

    AVR code cannot be decoded backwards (two-word instructions), so the listing starts at
    the function holding PC when it is close (ELF), else ``before`` words up, and it is
    re-aligned so PC always starts a line."""
    mcu = sim.mcu
    flash = mcu.flash
    pc = mcu.pc
    fw = sim.firmware
    start = max(0, pc - 2 * before)
    if fw is not None and fw.symbols:
        func = max((a // 2 for a in fw.symbols if a // 2 <= pc), default=None)
        if func is not None and pc - func <= 4 * before:
            start = func
    symbols = fw.symbols if fw is not None else {}
    lines = fw.lines if fw is not None else {}
    breaks = mcu.breakpoints
    rows: list[tuple[int, int, str]] = []  # (word, words, text)
    w = start
    while w < pc:
        text, n = _decoded(flash, w)
        if w + n > pc:  # we were misaligned: PC starts an instruction by definition
            break
        rows.append((w, n, text))
        w += n
    rows = rows[-before:] if before else []
    w = pc
    while len(rows) < before + after and w < len(flash) - 1:
        text, n = _decoded(flash, w)
        rows.append((w, n, text))
        w += n
    return [
        Line(
            address=w * 2,
            words=tuple(int(x) for x in flash[w : w + n]),
            text=_name_target(text, symbols),
            label=symbols.get(w * 2),
            breakpoint=w in breaks,
            current=w == pc,
            source=_source(lines.get(w * 2)),
        )
        for w, n, text in rows
    ]


def _source(row: tuple[str, int] | None) -> str | None:
    return None if row is None else f"{row[0]}:{row[1]}"


def _decoded(flash: np.ndarray, word: int) -> tuple[str, int]:
    """``disassemble`` of the instruction at ``word``, remembered (the text depends only on
    the address and the two words there)."""
    nxt = int(flash[word + 1]) if word + 1 < len(flash) else 0xFFFF
    key = (word, int(flash[word]), nxt)
    hit = _DECODED.get(key)
    if hit is None:
        if len(_DECODED) > 65536:
            _DECODED.clear()
        hit = _DECODED[key] = disassemble(flash, word)
    return hit


_DECODED: dict[tuple[int, int, int], tuple[str, int]] = {}


def _name_target(text: str, symbols: dict[int, str]) -> str:
    """``call 0x04a6`` -> ``call 0x04a6 <loop>`` when the ELF names the target."""
    head, _, tail = text.rpartition(" ")
    if head.split(" ")[0] in ("call", "rcall", "jmp", "rjmp") and tail.startswith("0x"):
        name = symbols.get(int(tail, 16))
        if name:
            return f"{text} <{name}>"
    return text


def where(sim: Simulation, byte_address: int) -> str:
    """`` (loop+0x6)``: the ELF function holding a flash byte address, or ""."""
    fw = sim.firmware
    name = fw.function_containing(byte_address // 2) if fw is not None else None
    if name is None:
        return ""
    start = next((a for a, n in fw.symbols.items() if n == name and a <= byte_address), None)
    off = byte_address - start if start is not None else 0
    return f" ({name}+0x{off:x})" if off else f" ({name})"


class Debugger:
    """Step over, run to an interrupt: temporary breakpoints removed at the next stop."""

    def __init__(self) -> None:
        self._temp: set[int] = set()  # word addresses we set (not the user's)
        self._goal: tuple[str, int] | None = None  # ("over", return byte address) / ("irq", v)

    @property
    def active(self) -> bool:
        """A step over or run-to is under way (the next breakpoint stop ends it)."""
        return self._goal is not None

    def _arm(self, sim: Simulation, byte_addresses) -> None:
        self.cancel(sim)
        user = sim.mcu.breakpoints
        for addr in set(byte_addresses):
            word = addr // 2
            if word not in user:
                sim.mcu.set_breakpoint(word)
                self._temp.add(word)

    def step_over(self, sim: Simulation) -> bool:
        """At a call: set a temporary breakpoint where it returns and return True (then run
        until the stop). Anywhere else: execute one instruction and return False."""
        back = after_call(sim)
        if back is None:
            self.cancel(sim)
            sim.step()
            return False
        self._arm(sim, [back])
        self._goal = ("over", back)
        return True

    def run_to_interrupt(self, sim: Simulation, vector: int | str | None = None) -> None:
        """Arm breakpoints on the handler of ``vector`` (number or name), or of every vector
        (None: the next interrupt entry, whichever it is); then run until the stop."""
        handlers = handler_addresses(sim)
        if vector is None:
            self._arm(sim, handlers.values())
            self._goal = ("irq", 0)
            return
        v = VECTOR_BY_NAME[vector.upper()] if isinstance(vector, str) else int(vector)
        if not 1 <= v < len(VECTOR_NAMES):
            raise ValueError(f"no interrupt vector {vector!r} (1-25 or a name like TIMER0_OVF)")
        self._arm(sim, [handlers[v]])
        self._goal = ("irq", v)

    def stopped(self, sim: Simulation) -> str | None:
        """After a breakpoint or watchpoint stop: remove the temporary breakpoints and say
        what was reached in one line (None: a plain stop, ``sim.stop_reason`` says it)."""
        goal = self._goal
        self.cancel(sim)
        reason = sim.stop_reason
        if goal is None or reason is None or reason.kind != "breakpoint":
            return None
        pc = sim.mcu.pc * 2
        if goal[0] == "over" and pc == goal[1]:
            return f"stepped over the call: at 0x{pc:04x}{where(sim, pc)}"
        if goal[0] == "irq":
            depth = int(sim.mcu.st[S_IRQ_DEPTH])
            v = int(sim.mcu.st[S_IRQ_STACK + depth - 1]) if 0 < depth <= 32 else 0
            if v and v in {k for k, a in handler_addresses(sim).items() if a == pc}:
                return f"entered {VECTOR_NAMES[v]}: handler at 0x{pc:04x}{where(sim, pc)}"
        return None

    def cancel(self, sim: Simulation) -> None:
        """Forget the step over / run-to under way and remove its breakpoints."""
        for word in self._temp:
            sim.mcu.clear_breakpoint(word)
        self._temp.clear()
        self._goal = None


__all__ = ["Line", "Debugger", "CALLS", "after_call", "handler_addresses", "listing", "where"]
