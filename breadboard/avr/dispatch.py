"""The kernel's per-instruction tables, derived from the instruction table (``isa.py``).

``run_slice`` dispatches on the handler group of each decoded id and reads the instruction's
base cycles from the same load (``DISPATCH``); the small tables below tell apart the
instructions that share a handler. numba freezes these module-level arrays into the compiled
kernel as constants.
"""

from __future__ import annotations

import numpy as np

from . import isa

FLASH_WORDS = isa.FLASH_WORDS
PC_MASK = isa.PC_MASK
#: The PC has 14 bits (datasheet 7): the word after 0x3FFF is 0x0000. The decoded arrays carry
#: three sentinel entries past the end of flash with this id (the furthest a PC can step: a
#: skip at 0x3FFF over a two-word instruction at 0x0000 lands on 0x4002); fetching one wraps
#: the PC to the start of flash and fetches again, so running over the end costs no check per
#: instruction. Jumps and returns keep the low 14 bits of their target.
OP_WRAP = isa.N_INSTRUCTIONS
#: A breakpoint replaces the decoded id at its address (``Mcu`` keeps the original): the loop
#: stops there with EXIT_BREAK before the instruction runs, at no cost per instruction. Two
#: ids, so a skip over a breakpointed two-word instruction still skips two words.
OP_BREAK1 = isa.N_INSTRUCTIONS + 1
OP_BREAK2 = isa.N_INSTRUCTIONS + 2
N_IDS = isa.N_INSTRUCTIONS + 3
DECODED_SIZE = FLASH_WORDS + 3

# Instruction ids the handlers tell apart within their group.
_I = {ins.name: ins.id for ins in isa.INSTRUCTIONS}
ADIW, CPSE, SBRC, SBRS, SBIS, SBI, RCALL, CALL, RETI = (
    _I[n] for n in ("ADIW", "CPSE", "SBRC", "SBRS", "SBIS", "SBI", "RCALL", "CALL", "RETI")
)
INC, COM, LSR, ROR, LPM, LPM_ZP, BSET = (
    _I[n] for n in ("INC", "COM", "LSR", "ROR", "LPM", "LPM_ZP", "BSET")
)


def _per_id(values: np.ndarray, wrap: int, break1: int, break2: int) -> np.ndarray:
    """A per-instruction column of the table, extended to the kernel's three extra ids."""
    t = np.zeros(N_IDS, dtype=np.int64)
    t[: isa.N_INSTRUCTIONS] = values
    t[OP_WRAP], t[OP_BREAK1], t[OP_BREAK2] = wrap, break1, break2
    return t


WORDS = _per_id(isa.WORDS, 1, 1, 2)
#: Base cycles, added at the fetch (before the handler runs, so side effects are stamped with
#: the cycle the instruction completes at). An undefined opcode, the wrap sentinel and a
#: breakpoint cost nothing: they stop or re-fetch before anything executes.
CYCLES = _per_id(isa.CYCLES, 0, 0, 0)
CYCLES[0] = 0

# The loop dispatches on the handler group, GROUP[id], a column of the instruction table: the
# instructions of one group share a handler and differ by the small tables below (fewer
# branches for numba to compile than testing the instruction ids one by one, and no slower to
# run). The kernel's three extra ids are in group HALT, with UNDEFINED.
GROUP = _per_id(isa.GROUP, 0, 0, 0)
#: What the fetch needs per id in one number (one load per instruction instead of two):
#: GROUP | CYCLES << 8.
DISPATCH = GROUP | (CYCLES << 8)
#: The handler groups run_slice has a handler for, in its order (a test checks they are the
#: table's groups, each with its ``elif g == G_...`` branch).
HANDLER_GROUPS = (
    "HALT", "LDI", "MOV", "BRBC", "BRBS", "ADD", "SUB", "LOGIC", "RJMP", "LDST", "MOVW",
    "ADIW", "SKIP", "IN", "OUT", "SBI", "CALL", "RET", "PUSH", "POP", "INC", "COM", "SHIFT",
    "SWAP", "MUL", "JMP", "IJMP", "LPM", "BSET", "BST", "BLD", "NOP", "WDR", "SLEEP", "SPM",
)  # fmt: skip
(
    G_HALT, G_LDI, G_MOV, G_BRBC, G_BRBS, G_ADD, G_SUB, G_LOGIC, G_RJMP, G_LDST, G_MOVW,
    G_ADIW, G_SKIP, G_IN, G_OUT, G_SBI, G_CALL, G_RET, G_PUSH, G_POP, G_INC, G_COM, G_SHIFT,
    G_SWAP, G_MUL, G_JMP, G_IJMP, G_LPM, G_BSET, G_BST, G_BLD, G_NOP, G_WDR, G_SLEEP, G_SPM,
) = (isa.GROUP_ID[name] for name in HANDLER_GROUPS)  # fmt: skip


def _table(values: dict[str, int]) -> np.ndarray:
    t = np.zeros(N_IDS, dtype=np.int64)
    for name, value in values.items():
        t[_I[name]] = value
    return t


#: The second operand is the immediate ``b`` rather than register ``b``.
IMM = _table(dict.fromkeys(("SUBI", "CPI", "SBCI", "ANDI", "ORI"), 1))
#: The carry flag takes part (ADC, SBC, SBCI, CPC).
CARRY = _table(dict.fromkeys(("ADC", "SBC", "SBCI", "CPC"), 1))
#: A compare: flags only, the result is not stored.
COMPARE = _table(dict.fromkeys(("CP", "CPI", "CPC"), 1))
#: AND/ANDI 0, OR/ORI 1, EOR 2.
LOGIC = _table({"OR": 1, "ORI": 1, "EOR": 2})
#: Loads and stores: the pointer register pair (X 26, Y 28, Z 30; 0 for LDS/STS) and the
#: addressing mode (PLAIN, POST_INC, PRE_DEC, DISPLACED, DIRECT).
PLAIN, POST_INC, PRE_DEC, DISPLACED, DIRECT = range(5)
_PTR, _MODE = {}, {}
for _kind in ("LD", "ST"):
    for _suffix, _ptr, _mode in (
        ("_X", 26, PLAIN), ("_XP", 26, POST_INC), ("_MX", 26, PRE_DEC), ("_YP", 28, POST_INC),
        ("_MY", 28, PRE_DEC), ("_ZP", 30, POST_INC), ("_MZ", 30, PRE_DEC), ("D_Y", 28, DISPLACED),
        ("D_Z", 30, DISPLACED), ("S", 0, DIRECT),
    ):  # fmt: skip
        _PTR[_kind + _suffix] = _ptr
        _MODE[_kind + _suffix] = _mode
PTR = _table(_PTR)
PTR_MODE = _table(_MODE)
#: A store (ST/STD/STS), not a load.
STORE = _table(dict.fromkeys((n for n in _PTR if n.startswith("ST")), 1))
#: Multiplies: Rd signed, Rr signed, fractional (result shifted left one bit).
SIGNED_D = _table(dict.fromkeys(("MULS", "MULSU", "FMULS", "FMULSU"), 1))
SIGNED_R = _table(dict.fromkeys(("MULS", "FMULS"), 1))
FRACT = _table(dict.fromkeys(("FMUL", "FMULS", "FMULSU"), 1))

# SREG bit masks
C_ = 0x01
Z_ = 0x02
N_ = 0x04
V_ = 0x08
S_ = 0x10
H_ = 0x20
T_ = 0x40
I_ = 0x80
