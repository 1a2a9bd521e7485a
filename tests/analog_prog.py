"""Small cycle-counted test programs for the peripheral tests (ADC, comparator, EEPROM, WDT).

``build(steps)`` assembles main at word MAIN from steps, then a long run of NOPs, so that every
cycle after the steps is an instruction boundary (for 12288 cycles, then a 3-cycle JMP back):
a flag raised at cycle c is visible after ``run(c)`` and not after ``run(c - 1)``, and an
interrupt raised at c is entered at c + 4 (datasheet 7.7.1). With ``idle=True`` main ends in
an idle SLEEP loop instead, exact for long waits (entry at c + 8 from sleep). Steps:
  (addr, value)       LDI r24,value + STS addr,r24 (3 cycles)
  n (an int)          n NOPs
  ("NAME", ops...)    one instruction of the encoder (no branches)
The reset JMP takes cycles 0-3. ``ends[i]`` is the cycle at which step i completes (without
stalls such as an EEPROM access adds). Every vector jumps to a handler, by default RETI.
"""

from __future__ import annotations

import numpy as np

from breadboard.avr import Mcu, isa

MAIN = 0x40
NOPS = 0x3000


def io(addr: int) -> int:
    """I/O-space address (IN/OUT/SBI/CBI) of a data address."""
    return addr - 0x20


def build(steps, handlers=None, idle=False, log_size: int = 1 << 12) -> tuple[Mcu, list[int]]:
    """``idle``: after the steps, SMCR = idle + SE and a SLEEP loop (the kernel then reaches
    every event at its exact cycle, however long the wait; a wake-up from idle adds 4 cycles to
    the interrupt response). Otherwise NOPs, looping back (JMP) after 12288 cycles."""
    handlers = handlers or {}
    if idle:
        steps = [*steps, (0x53, 0x01), ("SLEEP",)]
    code: list[tuple] = []
    ends: list[int] = []
    cycle = 3
    for step in steps:
        if isinstance(step, int):
            code += [("NOP",)] * step
            cycle += step
        elif isinstance(step[0], str):
            code.append(step)
            cycle += isa.BY_NAME[step[0]].cycles
        else:
            addr, value = step
            code += [("LDI", 24, value), ("STS", addr, 24)]
            cycle += 3
        ends.append(cycle)
    words: list[int] = []
    for ins in code:
        words += isa.encode(*ins, pc=MAIN + len(words))
    image = np.zeros(MAIN + len(words) + NOPS + 0x200, dtype=np.uint16)
    image[MAIN : MAIN + len(words)] = words
    loop = MAIN + len(words)
    if idle:
        image[loop] = isa.encode("RJMP", loop - 1, pc=loop)[0]  # back to the SLEEP
        at = loop + 1
    else:
        image[loop + NOPS : loop + NOPS + 2] = isa.encode("JMP", loop)
        at = loop + NOPS + 2
    image[0:2] = isa.encode("JMP", MAIN)
    for v in range(1, 26):
        image[2 * v : 2 * v + 2] = isa.encode("JMP", at)
        for ins in handlers.get(v, [("RETI",)]):
            enc = isa.encode(*ins, pc=at)
            image[at : at + len(enc)] = enc
            at += len(enc)
    return Mcu(image, log_size=log_size), ends


def entries(m: Mcu, vector: int) -> list[int]:
    """Entry cycles of ``vector`` in the interrupt log since the last call (drains it)."""
    return [int(c) for c, v, kind, _ in m.take_irq_log() if v == vector and kind == 1]


def flag_rises_at(m: Mcu, addr: int, mask: int, cycle: int) -> bool:
    """Run to ``cycle - 1`` (flag clear there) and to ``cycle`` (set there)."""
    m.run(cycle - 1)
    before = m.read(addr) & mask
    m.run(cycle)
    return not before and bool(m.read(addr) & mask)
