"""Interrupt statistics and teaching warnings, computed from a ``Simulation``'s traces.

Everything is derived from the kernel's interrupt log (cycle, vector, kind, extra), tallied
as it is produced (``IrqTally``, so the numbers cover the whole run whatever trace history is
kept), and the chip's registers; no Qt here. The inspector's vector table and
the CLI's ``--irq-stats`` show these numbers.

- Latency: cycles from the cycle the vector's request was raised (its flag set; for a low
  level INT0/INT1 the cycle the level request began, or the previous RETI while it stays low)
  to the vector's first instruction (datasheet 7.7.1: 4 cycles of response plus the rest of
  the instruction in progress, plus anything that kept the interrupt waiting: I = 0, a
  handler running, a higher priority request).
- Time inside: from the vector's first instruction to the end of its RETI (nested handlers
  included).
- Lost event: the vector's flag was set again while still set: one event vanished.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..avr.regs import (
    S_IRQ_DEPTH,
    S_IRQ_STACK,
    S_VECTOR_BASE,
    SREG,
    VECTOR_NAMES,
    VECTORS,
)

if TYPE_CHECKING:
    from .simulation import Simulation

ENTER, RETURN, LOST, OFF = 1, 0, 2, 3
TIMER0_OVF = 16

#: Warning kinds.
LONG_ISR = "long-isr"
INTERRUPTS_OFF = "interrupts-off"
LOST_EVENT = "lost-event"
DELAY_IN_ISR = "timer0-lost-in-isr"


@dataclass(frozen=True)
class IrqWarning:
    """A teaching warning: what happened, at which cycle, for which vector (0: none)."""

    cycle: int
    kind: str  # LONG_ISR, INTERRUPTS_OFF, LOST_EVENT, DELAY_IN_ISR
    vector: int
    text: str


@dataclass(frozen=True)
class VectorStats:
    """One row of the vector table. Times are cycles; latencies None before any entry."""

    number: int
    name: str
    address: int  # flash byte address of the vector (IVSEL honoured)
    priority: int  # 1 = highest (RESET is 0)
    enabled: bool  # its enable bit is set (``armed``: and I is set)
    armed: bool
    pending: bool  # its flag is set (or, for a level interrupt, the level requests)
    entries: int
    last_latency: int | None
    mean_latency: float | None
    worst_latency: int | None
    cycles_inside: int
    cpu_percent: float
    longest_isr: int
    lost: int
    symbol: str | None  # the handler's ELF symbol (``__vector_N`` or the name it jumps to)
    handler: int | None  # flash byte address the vector jumps to
    executing: bool  # its handler is running now (innermost or interrupted)


@dataclass(frozen=True)
class IrqStats:
    """``Simulation.irq_stats()``: the vector table's numbers as of ``cycle``."""

    cycle: int
    f_cpu: int
    vectors: list[VectorStats]
    nesting: int  # handlers running now (0: main program)
    executing: int  # vector of the innermost running handler, 0 in the main program
    interrupts_enabled: bool
    longest_interrupts_off: int  # cycles, the longest stretch software kept I = 0
    warnings: list[IrqWarning] = field(default_factory=list)

    def vector(self, v: int | str) -> VectorStats:
        """The row of vector ``v`` (number or avr-libc name such as "TIMER0_OVF")."""
        n = VECTOR_NAMES.index(v) if isinstance(v, str) else int(v)
        return self.vectors[n]

    def active(self) -> list[VectorStats]:
        """Vectors that are enabled or were entered (RESET left out)."""
        return [r for r in self.vectors[1:] if r.enabled or r.entries or r.lost]

    def to_dict(self) -> dict:
        return asdict(self)


def handler_address(flash, base_word: int, vector: int) -> int | None:
    """Flash byte address the vector slot jumps to (JMP or RJMP), or None."""
    w = base_word + 2 * vector
    op = int(flash[w])
    if op & 0xFE0E == 0x940C:
        return (((op & 0x01F0) << 13) | ((op & 1) << 16) | int(flash[w + 1])) * 2
    if op & 0xF000 == 0xC000:
        k = op & 0x0FFF
        if k & 0x800:
            k -= 0x1000
        return ((w + 1 + k) & 0x3FFF) * 2
    return None


#: Completed handlers at least this long (µs) are remembered for ``LONG_ISR`` warnings, so
#: ``irq_stats(isr_limit_us=...)`` can ask for any threshold from here up.
ISR_FLOOR_US = 10.0
#: Warning-worthy events kept (the most recent): memory stays bounded on runs of any length.
EVENTS_KEPT = 1000


class IrqTally:
    """Running interrupt statistics over the whole run, fed with the interrupt log's rows as
    the kernel produces them (``Simulation`` does this, whatever trace history it keeps), so
    the vector table covers hours in constant memory."""

    def __init__(self, f_cpu: int) -> None:
        self.f_cpu = f_cpu
        self.floor = round(ISR_FLOOR_US * f_cpu / 1e6)
        n = len(VECTOR_NAMES)
        self.entries = [0] * n
        self.lat_last: list[int | None] = [None] * n
        self.lat_sum = [0] * n
        self.lat_n = [0] * n
        self.lat_worst: list[int | None] = [None] * n
        self.inside = [0] * n
        self.longest = [0] * n
        #: handlers running now: (cycle entered, vector), innermost last
        self.stack: list[tuple[int, int]] = []
        #: (cycle, kind, vector, cycles, other): long handlers, lost events, I = 0 stretches
        self.events: deque[tuple[int, int, int, int, int]] = deque(maxlen=EVENTS_KEPT)

    def feed(self, rows: np.ndarray) -> None:
        """Take the interrupt log's rows (cycle, vector, kind, extra), in cycle order."""
        stack = self.stack
        for cycle, vec, kind, extra in rows.tolist():
            if kind == ENTER:
                if vec == 0:
                    stack.clear()  # a reset
                    continue
                self.entries[vec] += 1
                if extra >= 0:
                    lat = cycle - extra
                    self.lat_last[vec] = lat
                    self.lat_sum[vec] += lat
                    self.lat_n[vec] += 1
                    worst = self.lat_worst[vec]
                    if worst is None or lat > worst:
                        self.lat_worst[vec] = lat
                stack.append((cycle, vec))
            elif kind == RETURN:
                if not stack:
                    continue
                start, v = stack.pop()
                length = cycle - start
                self.inside[v] += length
                if length > self.longest[v]:
                    self.longest[v] = length
                if length >= self.floor:
                    self.events.append((cycle, RETURN, v, length, 0))
            elif kind == LOST:
                others = [v for _, v in stack if v != vec]
                self.events.append((cycle, LOST, vec, 0, others[-1] if others else 0))
            elif kind == OFF:
                self.events.append((cycle, OFF, 0, cycle - extra, 0))

    def warnings(self, isr_limit_us: float, ioff_limit_us: float) -> list[IrqWarning]:
        """The teaching warnings among the remembered events, for these thresholds."""
        f = self.f_cpu
        isr_limit = round(isr_limit_us * f / 1e6)
        ioff_limit = round(ioff_limit_us * f / 1e6)
        out: list[IrqWarning] = []
        for cycle, kind, vec, length, other in self.events:
            if kind == RETURN and length > isr_limit:
                text = (
                    f"{VECTOR_NAMES[vec]} handler ran {length / f * 1e6:.0f} us "
                    f"(over {isr_limit_us:g} us): keep ISRs short"
                )
                out.append(IrqWarning(cycle, LONG_ISR, vec, text))
            elif kind == LOST and vec == TIMER0_OVF and other:
                text = (
                    f"TIMER0_OVF lost while inside {VECTOR_NAMES[other]}: delay() or "
                    "busy-waiting in an ISR; millis() falls behind"
                )
                out.append(IrqWarning(cycle, DELAY_IN_ISR, vec, text))
            elif kind == LOST:
                text = f"{VECTOR_NAMES[vec]} event lost: its flag was set again while still pending"
                out.append(IrqWarning(cycle, LOST_EVENT, vec, text))
            elif kind == OFF and length > ioff_limit:
                text = (
                    f"interrupts disabled for {length / f * 1e6:.0f} us (over {ioff_limit_us:g} us)"
                )
                out.append(IrqWarning(cycle, INTERRUPTS_OFF, 0, text))
        return out


def irq_stats(
    sim: Simulation, isr_limit_us: float = 100.0, ioff_limit_us: float = 100.0
) -> IrqStats:
    """The statistics of every vector and the warnings, from ``sim``'s interrupt tally.

    ``isr_limit_us`` below ``ISR_FLOOR_US`` sees only handlers from the floor up."""
    mcu = sim.mcu
    tally = sim.irq_tally
    n = len(VECTOR_NAMES)
    entries, lat_last, lat_worst = tally.entries, tally.lat_last, tally.lat_worst
    inside, longest = list(tally.inside), list(tally.longest)
    warnings = tally.warnings(isr_limit_us, ioff_limit_us)
    now = sim.cycle
    for start, v in tally.stack:  # handlers still running count up to now
        inside[v] += now - start
        longest[v] = max(longest[v], now - start)
    lost = mcu.lost_events()
    base = int(mcu.st[S_VECTOR_BASE])
    i_set = bool(mcu.data[SREG] & 0x80)
    level = int(mcu.st[8])  # S_LEVEL_REQ
    depth = int(mcu.st[S_IRQ_DEPTH])
    running = {int(mcu.st[S_IRQ_STACK + i]) for i in range(min(depth, 32))}
    symbols = sim.firmware.symbols if sim.firmware is not None else {}
    rows = []
    for v in range(n):
        enabled = pending = False
        if v:
            _, _, fa, fb, ea, eb, k = VECTORS[v - 1]
            enabled = bool((mcu.data[ea] >> eb) & 1)
            flag = bool((mcu.peek(fa) >> fb) & 1)
            pending = (not flag if k == 2 else flag) or bool((level >> v) & 1)
        target = handler_address(mcu.flash, base, v)
        sym = symbols.get(target) if target is not None else None
        rows.append(
            VectorStats(
                number=v,
                name=VECTOR_NAMES[v],
                address=(base + 2 * v) * 2,
                priority=v,
                enabled=enabled,
                armed=enabled and i_set,
                pending=pending,
                entries=entries[v],
                last_latency=lat_last[v],
                mean_latency=tally.lat_sum[v] / tally.lat_n[v] if tally.lat_n[v] else None,
                worst_latency=lat_worst[v],
                cycles_inside=inside[v],
                cpu_percent=100.0 * inside[v] / now if now else 0.0,
                longest_isr=longest[v],
                lost=int(lost[v]),
                symbol=sym,
                handler=target,
                executing=v in running,
            )
        )
    return IrqStats(
        cycle=now,
        f_cpu=sim.f_cpu,
        vectors=rows,
        nesting=depth,
        executing=int(mcu.st[S_IRQ_STACK + depth - 1]) if 0 < depth <= 32 else 0,
        interrupts_enabled=i_set,
        longest_interrupts_off=mcu.interrupts_off()[1],
        warnings=sorted(warnings, key=lambda w: w.cycle),
    )


def format_table(stats: IrqStats) -> str:
    """The active vectors as a text table (``breadboard run --irq-stats``)."""
    f = stats.f_cpu
    head = (
        f"{'vec':>3} {'name':<13} {'addr':>6} {'en':>2} {'pend':>4} {'entries':>8} "
        f"{'lat last':>8} {'mean':>7} {'worst':>6} {'CPU %':>6} {'longest us':>10} "
        f"{'lost':>5}  handler"
    )
    lines = [head]
    for r in stats.active():

        def c(x: float | None, fmt: str = "d") -> str:
            return "-" if x is None else format(x, fmt)

        lines.append(
            f"{r.number:>3} {r.name:<13} 0x{r.address:04x} {'y' if r.enabled else 'n':>2} "
            f"{'y' if r.pending else 'n':>4} {r.entries:>8} {c(r.last_latency):>8} "
            f"{c(r.mean_latency, '.1f'):>7} {c(r.worst_latency):>6} {r.cpu_percent:>6.2f} "
            f"{r.longest_isr / f * 1e6:>10.1f} {r.lost:>5}  {r.symbol or ''}"
        )
    lines.append(
        f"latencies in cycles; longest interrupts-off stretch "
        f"{stats.longest_interrupts_off / f * 1e6:.1f} us"
    )
    for w in stats.warnings[:20]:
        lines.append(f"warning at {w.cycle / f:.6f} s: {w.text}")
    if len(stats.warnings) > 20:
        lines.append(f"... {len(stats.warnings) - 20} more warnings")
    return "\n".join(lines)


__all__ = ["IrqStats", "VectorStats", "IrqWarning", "irq_stats", "format_table", "handler_address"]
