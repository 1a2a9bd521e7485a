"""The ATmega328P instruction table: the one source for decoding, base cycles, the kernel's
handler groups, operand formats, encoding and disassembly.

Each row is (mnemonic, bit pattern, words, cycles, operand format, handler group). The pattern
is written most significant bit first; ``0``/``1`` are fixed bits and letters are operand
fields. The cycle count is the AVRe+ figure from the AVR Instruction Set Manual for a device
with a 16-bit PC (ATmega328P); the kernel adds it before running the instruction
(``dispatch.CYCLES``), and adds only the extra cycle of a taken branch and the 1/2 extra cycles
of a skip itself. The handler group names the kernel's handler that runs the instruction
(``dispatch.GROUP``: instructions of one group share it). Each operand format is one ``Format``
record (``FORMATS``): how the operands are pulled out of the opcode, how the assembler's
operands fill the pattern, and how the instruction is written.

Flash is decoded once into three parallel arrays (``op``, ``a``, ``b``): instruction id and
two pre-extracted operands, with relative branch targets resolved to absolute word addresses
and the second word of two-word instructions folded into ``b``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FLASH_WORDS = 16384
PC_MASK = FLASH_WORDS - 1


@dataclass(frozen=True)
class Instruction:
    id: int
    name: str
    pattern: str
    words: int
    cycles: int
    fmt: str
    group: str


# name, pattern, words, cycles, operand format (``FORMATS`` below), handler group.
_TABLE: list[tuple[str, str, int, int, str, str]] = [
    ("UNDEFINED", "", 1, 1, "none", "HALT"),
    ("NOP", "0000000000000000", 1, 1, "none", "NOP"),
    ("MOVW", "00000001ddddrrrr", 1, 1, "movw", "MOVW"),
    ("MULS", "00000010ddddrrrr", 1, 2, "muls", "MUL"),
    ("MULSU", "000000110ddd0rrr", 1, 2, "mul3", "MUL"),
    ("FMUL", "000000110ddd1rrr", 1, 2, "mul3", "MUL"),
    ("FMULS", "000000111ddd0rrr", 1, 2, "mul3", "MUL"),
    ("FMULSU", "000000111ddd1rrr", 1, 2, "mul3", "MUL"),
    ("CPC", "000001rdddddrrrr", 1, 1, "rd_rr", "SUB"),
    ("SBC", "000010rdddddrrrr", 1, 1, "rd_rr", "SUB"),
    ("ADD", "000011rdddddrrrr", 1, 1, "rd_rr", "ADD"),
    ("CPSE", "000100rdddddrrrr", 1, 1, "rd_rr", "SKIP"),
    ("CP", "000101rdddddrrrr", 1, 1, "rd_rr", "SUB"),
    ("SUB", "000110rdddddrrrr", 1, 1, "rd_rr", "SUB"),
    ("ADC", "000111rdddddrrrr", 1, 1, "rd_rr", "ADD"),
    ("AND", "001000rdddddrrrr", 1, 1, "rd_rr", "LOGIC"),
    ("EOR", "001001rdddddrrrr", 1, 1, "rd_rr", "LOGIC"),
    ("OR", "001010rdddddrrrr", 1, 1, "rd_rr", "LOGIC"),
    ("MOV", "001011rdddddrrrr", 1, 1, "rd_rr", "MOV"),
    ("CPI", "0011KKKKddddKKKK", 1, 1, "rd16_k", "SUB"),
    ("SBCI", "0100KKKKddddKKKK", 1, 1, "rd16_k", "SUB"),
    ("SUBI", "0101KKKKddddKKKK", 1, 1, "rd16_k", "SUB"),
    ("ORI", "0110KKKKddddKKKK", 1, 1, "rd16_k", "LOGIC"),
    ("ANDI", "0111KKKKddddKKKK", 1, 1, "rd16_k", "LOGIC"),
    ("LDD_Z", "10q0qq0ddddd0qqq", 1, 2, "ldd", "LDST"),
    ("LDD_Y", "10q0qq0ddddd1qqq", 1, 2, "ldd", "LDST"),
    ("STD_Z", "10q0qq1rrrrr0qqq", 1, 2, "ldd", "LDST"),
    ("STD_Y", "10q0qq1rrrrr1qqq", 1, 2, "ldd", "LDST"),
    ("LDS", "1001000ddddd0000kkkkkkkkkkkkkkkk", 2, 2, "abs16", "LDST"),
    ("LD_ZP", "1001000ddddd0001", 1, 2, "rd", "LDST"),
    ("LD_MZ", "1001000ddddd0010", 1, 2, "rd", "LDST"),
    ("LPM_Z", "1001000ddddd0100", 1, 3, "rd", "LPM"),
    ("LPM_ZP", "1001000ddddd0101", 1, 3, "rd", "LPM"),
    ("LD_YP", "1001000ddddd1001", 1, 2, "rd", "LDST"),
    ("LD_MY", "1001000ddddd1010", 1, 2, "rd", "LDST"),
    ("LD_X", "1001000ddddd1100", 1, 2, "rd", "LDST"),
    ("LD_XP", "1001000ddddd1101", 1, 2, "rd", "LDST"),
    ("LD_MX", "1001000ddddd1110", 1, 2, "rd", "LDST"),
    ("POP", "1001000ddddd1111", 1, 2, "rd", "POP"),
    ("STS", "1001001rrrrr0000kkkkkkkkkkkkkkkk", 2, 2, "abs16", "LDST"),
    ("ST_ZP", "1001001rrrrr0001", 1, 2, "rd", "LDST"),
    ("ST_MZ", "1001001rrrrr0010", 1, 2, "rd", "LDST"),
    ("ST_YP", "1001001rrrrr1001", 1, 2, "rd", "LDST"),
    ("ST_MY", "1001001rrrrr1010", 1, 2, "rd", "LDST"),
    ("ST_X", "1001001rrrrr1100", 1, 2, "rd", "LDST"),
    ("ST_XP", "1001001rrrrr1101", 1, 2, "rd", "LDST"),
    ("ST_MX", "1001001rrrrr1110", 1, 2, "rd", "LDST"),
    ("PUSH", "1001001ddddd1111", 1, 2, "rd", "PUSH"),
    ("COM", "1001010ddddd0000", 1, 1, "rd", "COM"),
    ("NEG", "1001010ddddd0001", 1, 1, "rd", "COM"),
    ("SWAP", "1001010ddddd0010", 1, 1, "rd", "SWAP"),
    ("INC", "1001010ddddd0011", 1, 1, "rd", "INC"),
    ("ASR", "1001010ddddd0101", 1, 1, "rd", "SHIFT"),
    ("LSR", "1001010ddddd0110", 1, 1, "rd", "SHIFT"),
    ("ROR", "1001010ddddd0111", 1, 1, "rd", "SHIFT"),
    ("DEC", "1001010ddddd1010", 1, 1, "rd", "INC"),
    ("JMP", "1001010kkkkk110kkkkkkkkkkkkkkkkk", 2, 3, "abs22", "JMP"),
    ("CALL", "1001010kkkkk111kkkkkkkkkkkkkkkkk", 2, 4, "abs22", "CALL"),
    ("BSET", "100101000sss1000", 1, 1, "sreg_bit", "BSET"),
    ("BCLR", "100101001sss1000", 1, 1, "sreg_bit", "BSET"),
    ("RET", "1001010100001000", 1, 4, "none", "RET"),
    ("RETI", "1001010100011000", 1, 4, "none", "RET"),
    ("SLEEP", "1001010110001000", 1, 1, "none", "SLEEP"),
    ("BREAK", "1001010110011000", 1, 1, "none", "NOP"),
    ("WDR", "1001010110101000", 1, 1, "none", "WDR"),
    ("LPM", "1001010111001000", 1, 3, "none", "LPM"),
    ("SPM", "1001010111101000", 1, 1, "none", "SPM"),
    ("IJMP", "1001010000001001", 1, 2, "none", "IJMP"),
    ("ICALL", "1001010100001001", 1, 3, "none", "CALL"),
    ("ADIW", "10010110KKddKKKK", 1, 2, "pair_k", "ADIW"),
    ("SBIW", "10010111KKddKKKK", 1, 2, "pair_k", "ADIW"),
    ("CBI", "10011000AAAAAbbb", 1, 2, "io_bit", "SBI"),
    ("SBIC", "10011001AAAAAbbb", 1, 1, "io_bit", "SKIP"),
    ("SBI", "10011010AAAAAbbb", 1, 2, "io_bit", "SBI"),
    ("SBIS", "10011011AAAAAbbb", 1, 1, "io_bit", "SKIP"),
    ("MUL", "100111rdddddrrrr", 1, 2, "rd_rr", "MUL"),
    ("IN", "10110AAdddddAAAA", 1, 1, "in_out", "IN"),
    ("OUT", "10111AArrrrrAAAA", 1, 1, "in_out", "OUT"),
    ("RJMP", "1100kkkkkkkkkkkk", 1, 2, "rel12", "RJMP"),
    ("RCALL", "1101kkkkkkkkkkkk", 1, 3, "rel12", "CALL"),
    ("LDI", "1110KKKKddddKKKK", 1, 1, "rd16_k", "LDI"),
    ("BRBS", "111100kkkkkkksss", 1, 1, "branch", "BRBS"),
    ("BRBC", "111101kkkkkkksss", 1, 1, "branch", "BRBC"),
    ("BLD", "1111100ddddd0bbb", 1, 1, "rd_bit", "BLD"),
    ("BST", "1111101ddddd0bbb", 1, 1, "rd_bit", "BST"),
    ("SBRC", "1111110rrrrr0bbb", 1, 1, "rd_bit", "SKIP"),
    ("SBRS", "1111111rrrrr0bbb", 1, 1, "rd_bit", "SKIP"),
]

INSTRUCTIONS: tuple[Instruction, ...] = tuple(
    Instruction(i, name, pat, words, cycles, fmt, group)
    for i, (name, pat, words, cycles, fmt, group) in enumerate(_TABLE)
)
BY_NAME: dict[str, Instruction] = {ins.name: ins for ins in INSTRUCTIONS}
N_INSTRUCTIONS = len(INSTRUCTIONS)

#: Handler groups in order of first appearance; a group's id is its index ("HALT", the
#: undefined opcode's, is 0).
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(ins.group for ins in INSTRUCTIONS))
GROUP_ID: dict[str, int] = {name: i for i, name in enumerate(GROUPS)}

# Per instruction id: words (the kernel's skips over two-word instructions), base cycles and
# handler group id.
WORDS = np.array([ins.words for ins in INSTRUCTIONS], dtype=np.int64)
CYCLES = np.array([ins.cycles for ins in INSTRUCTIONS], dtype=np.int64)
GROUP = np.array([GROUP_ID[ins.group] for ins in INSTRUCTIONS], dtype=np.int64)


def _first_word(pattern: str) -> tuple[int, int]:
    """Mask and value of the fixed bits of a pattern's first 16 bits."""
    mask = value = 0
    for ch in pattern[:16]:
        mask <<= 1
        value <<= 1
        if ch in "01":
            mask |= 1
            value |= int(ch)
    return mask, value


def _build_lut() -> np.ndarray:
    lut = np.zeros(65536, dtype=np.uint8)
    words = np.arange(65536, dtype=np.uint32)
    for ins in INSTRUCTIONS[1:]:
        mask, value = _first_word(ins.pattern)
        hit = (words & mask) == value
        if np.any(lut[hit] != 0):  # pragma: no cover - guarded by a test
            raise AssertionError(f"instruction patterns overlap at {ins.name}")
        lut[hit] = ins.id
    return lut


#: Instruction id for every possible 16-bit opcode word (0 = undefined on the ATmega328P).
OPCODE_LUT = _build_lut()


# ---------------------------------------------------------------------------------------------
# Operand formats: one record each
# ---------------------------------------------------------------------------------------------

SREG_BRANCH_SET = ("BRCS", "BREQ", "BRMI", "BRVS", "BRLT", "BRHS", "BRTS", "BRIE")
SREG_BRANCH_CLEAR = ("BRCC", "BRNE", "BRPL", "BRVC", "BRGE", "BRHC", "BRTC", "BRID")
SREG_SET = ("SEC", "SEZ", "SEN", "SEV", "SES", "SEH", "SET", "SEI")
SREG_CLEAR = ("CLC", "CLZ", "CLN", "CLV", "CLS", "CLH", "CLT", "CLI")

#: Written forms of the pointer loads and stores (format ``rd``), ``{}`` the register number.
_POINTER_FORMS = {
    "LD_ZP": "ld r{}, Z+", "LD_MZ": "ld r{}, -Z", "LD_YP": "ld r{}, Y+", "LD_MY": "ld r{}, -Y",
    "LD_X": "ld r{}, X", "LD_XP": "ld r{}, X+", "LD_MX": "ld r{}, -X", "LPM_Z": "lpm r{}, Z",
    "LPM_ZP": "lpm r{}, Z+", "ST_ZP": "st Z+, r{}", "ST_MZ": "st -Z, r{}",
    "ST_YP": "st Y+, r{}", "ST_MY": "st -Y, r{}", "ST_X": "st X, r{}", "ST_XP": "st X+, r{}",
    "ST_MX": "st -X, r{}",
}  # fmt: skip
#: Instructions the assembler writes memory or I/O first: ``std Y+q, r``, ``sts k, r``,
#: ``out A, r``.
_DESTINATION_FIRST = frozenset(("STD_Y", "STD_Z", "STS", "OUT"))


def _sign(value: np.ndarray, bits: int) -> np.ndarray:
    value = value.astype(np.int64)
    return np.where(value >= (1 << (bits - 1)), value - (1 << bits), value)


def _regs(n: str, a: int, b: int) -> str:
    return f"{n.lower()} r{a}, r{b}"


def _target(n: str, a: int, b: int) -> str:
    return f"{n.lower()} 0x{a * 2:04x}"


@dataclass(frozen=True)
class Format:
    """One operand format.

    ``decode(w, nxt, pc)``: the kernel's operands (a, b) of opcode words ``w`` (numpy arrays;
    ``nxt`` the following words, ``pc`` their word addresses). ``fields(ops, pc)``: the
    pattern's letters filled from the assembler's operands ``ops`` given in the kernel's
    order (a, b). ``text(name, a, b)``: the instruction as the assembler writes it. ``arity``:
    how many operands the assembler writes.
    """

    decode: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple]
    fields: Callable[[tuple[int, ...], int], dict[str, int]]
    text: Callable[[str, int, int], str]
    arity: int


def _ldd_text(n: str, a: int, b: int) -> str:
    return f"ldd r{a}, {n[-1]}+{b}" if n.startswith("LDD") else f"std {n[-1]}+{b}, r{a}"


def _branch_text(n: str, a: int, b: int) -> str:
    alias = (SREG_BRANCH_SET if n == "BRBS" else SREG_BRANCH_CLEAR)[b]
    return f"{alias.lower()} 0x{a * 2:04x}"


def _rel12_fields(ops: tuple[int, ...], pc: int) -> dict[str, int]:
    return {"k": (ops[0] - pc - 1) & 0xFFF}


def _branch_fields(ops: tuple[int, ...], pc: int) -> dict[str, int]:
    target, s = ops
    k = (target - pc - 1 + FLASH_WORDS // 2) % FLASH_WORDS - FLASH_WORDS // 2  # the PC wraps
    if not -64 <= k <= 63:
        raise ValueError(f"branch to word 0x{target:x} is out of range from 0x{pc:x}")
    return {"k": k & 0x7F, "s": s}


def _rd16_fields(ops: tuple[int, ...], pc: int) -> dict[str, int]:
    d, k = ops
    if not (16 <= d <= 31 and 0 <= k <= 255):
        raise ValueError(f"r{d}, {k}: needs r16-r31 and 0-255")
    return {"d": d - 16, "K": k}


# fmt: off
FORMATS: dict[str, Format] = {
    # no operands
    "none": Format(lambda w, n, pc: (0, 0), lambda o, pc: {}, lambda n, a, b: n.lower(), 0),
    # Rd (0-31) in a, Rr (0-31) in b
    "rd_rr": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, (w & 0xF) | ((w >> 5) & 0x10)),
        lambda o, pc: {"d": o[0], "r": o[1]}, _regs, 2),
    # Rd (0-31) in a: one register, written by some as a pointer form (``_POINTER_FORMS``)
    "rd": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, 0),
        lambda o, pc: {"d": o[0], "r": o[0]},
        lambda n, a, b: _POINTER_FORMS.get(n, n.lower() + " r{}").format(a), 1),
    # Rd (16-31) in a, K (0-255) in b
    "rd16_k": Format(
        lambda w, n, pc: (16 + ((w >> 4) & 0xF), (w & 0xF) | ((w >> 4) & 0xF0)),
        _rd16_fields, lambda n, a, b: f"{n.lower()} r{a}, 0x{b:02x}", 2),
    # Rd, Rr even (register pairs) in a, b
    "movw": Format(
        lambda w, n, pc: (((w >> 4) & 0xF) * 2, (w & 0xF) * 2),
        lambda o, pc: {"d": o[0] // 2, "r": o[1] // 2},
        lambda n, a, b: f"movw r{a + 1}:r{a}, r{b + 1}:r{b}", 2),
    # Rd, Rr (16-31)
    "muls": Format(
        lambda w, n, pc: (16 + ((w >> 4) & 0xF), 16 + (w & 0xF)),
        lambda o, pc: {"d": o[0] - 16, "r": o[1] - 16}, _regs, 2),
    # Rd, Rr (16-23)
    "mul3": Format(
        lambda w, n, pc: (16 + ((w >> 4) & 7), 16 + (w & 7)),
        lambda o, pc: {"d": o[0] - 16, "r": o[1] - 16}, _regs, 2),
    # Rd in {24, 26, 28, 30} in a, K (0-63) in b
    "pair_k": Format(
        lambda w, n, pc: (24 + ((w >> 4) & 3) * 2, (w & 0xF) | ((w >> 2) & 0x30)),
        lambda o, pc: {"d": (o[0] - 24) // 2, "K": o[1]},
        lambda n, a, b: f"{n.lower()} r{a + 1}:r{a}, {b}", 2),
    # Rd/Rr in a, displacement q (0-63) in b (the pointer, Y or Z, is in the name)
    "ldd": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, (w & 7) | ((w >> 7) & 0x18) | ((w >> 8) & 0x20)),
        lambda o, pc: {"d": o[0], "r": o[0], "q": o[1]},
        _ldd_text, 2),
    # Rd/Rr in a, data address (the second word) in b
    "abs16": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, n),
        lambda o, pc: {"d": o[0], "r": o[0], "k": o[1]},
        lambda n, a, b: f"lds r{a}, 0x{b:04x}" if n == "LDS" else f"sts 0x{b:04x}, r{a}", 2),
    # I/O address (0-31) in a, bit in b
    "io_bit": Format(
        lambda w, n, pc: ((w >> 3) & 0x1F, w & 7),
        lambda o, pc: {"A": o[0], "b": o[1]}, lambda n, a, b: f"{n.lower()} 0x{a:02x}, {b}", 2),
    # Rd/Rr in a, I/O address (0-63) in b
    "in_out": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, (w & 0xF) | ((w >> 5) & 0x30)),
        lambda o, pc: {"d": o[0], "r": o[0], "A": o[1]},
        lambda n, a, b: f"in r{a}, 0x{b:02x}" if n == "IN" else f"out 0x{b:02x}, r{a}", 2),
    # absolute target word in a (the relative k resolved)
    "rel12": Format(
        lambda w, n, pc: ((pc + 1 + _sign(w & 0xFFF, 12)) & PC_MASK, 0),
        _rel12_fields, _target, 1),
    # absolute target word in a, SREG bit in b
    "branch": Format(
        lambda w, n, pc: ((pc + 1 + _sign((w >> 3) & 0x7F, 7)) & PC_MASK, w & 7),
        _branch_fields, _branch_text, 2),
    # Rd in a, bit in b
    "rd_bit": Format(
        lambda w, n, pc: ((w >> 4) & 0x1F, w & 7),
        lambda o, pc: {"d": o[0], "r": o[0], "b": o[1]},
        lambda n, a, b: f"{n.lower()} r{a}, {b}", 2),
    # SREG bit in a
    "sreg_bit": Format(
        lambda w, n, pc: ((w >> 4) & 7, 0), lambda o, pc: {"s": o[0]},
        lambda n, a, b: (SREG_SET if n == "BSET" else SREG_CLEAR)[a].lower(), 1),
    # absolute target word in a (22 bits: the second word folded in)
    "abs22": Format(
        lambda w, n, pc: (((((w >> 3) & 0x3E) | (w & 1)) << 16) | n, 0),
        lambda o, pc: {"k": o[0]}, _target, 1),
}
# fmt: on


def decode(flash: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode a whole flash image into (op, a, b) arrays, one entry per word address.

    Every word is decoded as if an instruction started there (the second word of a two-word
    instruction is decoded too, harmlessly), so any jump target finds its entry ready.
    """
    flash = np.asarray(flash, dtype=np.uint16)
    n = flash.shape[0]
    op = OPCODE_LUT[flash].astype(np.int32)
    a = np.zeros(n, dtype=np.int32)
    b = np.zeros(n, dtype=np.int32)
    pcs = np.arange(n, dtype=np.int64)
    nxt = np.empty(n, dtype=np.uint16)
    nxt[:-1] = flash[1:]
    nxt[-1] = flash[0] if n == FLASH_WORDS else 0xFFFF  # the PC wraps: 0x3FFF, then 0
    for ins in INSTRUCTIONS[1:]:
        sel = np.nonzero(op == ins.id)[0]
        if sel.size == 0:
            continue
        w = flash[sel].astype(np.int64)
        va, vb = FORMATS[ins.fmt].decode(w, nxt[sel].astype(np.int64), pcs[sel])
        a[sel] = va
        b[sel] = vb
    return op, a, b


# ---------------------------------------------------------------------------------------------
# Encoding (used by tests and by anyone assembling snippets) and disassembly
# ---------------------------------------------------------------------------------------------


def _fill(pattern: str, fields: dict[str, int]) -> list[int]:
    bits = []
    remaining = {k: pattern.count(k) for k in fields}
    for ch in pattern:
        if ch in "01":
            bits.append(int(ch))
        else:
            remaining[ch] -= 1
            bits.append((fields[ch] >> remaining[ch]) & 1)
    words = []
    for i in range(0, len(bits), 16):
        v = 0
        for bit in bits[i : i + 16]:
            v = (v << 1) | bit
        words.append(v)
    return words


def encode(name: str, *ops: int, pc: int = 0) -> list[int]:
    """Encode one instruction into its flash words.

    Operands are given as a programmer writes them: registers as numbers (``encode("ADD",
    1, 2)``), immediates as values, I/O addresses in I/O space (0-63), bits as bit numbers,
    ``JMP``/``CALL``/``RJMP``/``RCALL``/branches as absolute word targets (``pc`` is the word
    address the instruction will sit at, for the relative forms; a branch is (SREG bit,
    target)), ``LDD_Y``/``LDD_Z`` as (register, q) and ``STD_Y``/``STD_Z``/``STS``/``OUT`` as
    (destination, register) like the assembler.
    """
    ins = BY_NAME[name]
    fmt = FORMATS[ins.fmt]
    if len(ops) != fmt.arity:
        raise ValueError(f"{name} takes {fmt.arity} operand(s), got {len(ops)}")
    if name in _DESTINATION_FIRST or ins.fmt == "branch":
        ops = ops[::-1]  # the kernel's order: register (or target) first
    return _fill(ins.pattern, fmt.fields(tuple(ops), pc))


def operands(name: str, a: int, b: int) -> tuple[int, ...]:
    """The assembler's operands (as ``encode`` takes them) of a decoded (a, b)."""
    ins = BY_NAME[name]
    ops = (a, b)[: FORMATS[ins.fmt].arity]
    return ops[::-1] if name in _DESTINATION_FIRST or ins.fmt == "branch" else ops


def disassemble(flash: np.ndarray, pc: int) -> tuple[str, int]:
    """Text of the instruction at word address ``pc`` and its length in words."""
    w = int(flash[pc])
    if pc + 1 < len(flash):
        nxt = int(flash[pc + 1])
    else:
        nxt = int(flash[0]) if len(flash) == FLASH_WORDS else 0xFFFF
    ins = INSTRUCTIONS[int(OPCODE_LUT[w])]
    if ins.id == 0:
        return f".word 0x{w:04x}  ; undefined", 1
    fmt = FORMATS[ins.fmt]
    one = (np.array([v], dtype=np.int64) for v in (w, nxt, pc))
    a, b = (int(np.asarray(v).reshape(-1)[0]) for v in fmt.decode(*one))
    return fmt.text(ins.name, a, b), ins.words
