"""The ATmega328P instruction table: the single source for decoding, disassembly and encoding.

Each row is (mnemonic, bit pattern, words, cycles, operand format). The pattern is written
most significant bit first; ``0``/``1`` are fixed bits and letters are operand fields. The
cycle count is the AVRe+ figure from the AVR Instruction Set Manual for a device with a
16-bit PC (ATmega328P); the extra cycle of a taken branch and the 2/3 cycles of a skip are
added by the kernel.

Flash is decoded once into three parallel arrays (``op``, ``a``, ``b``): instruction id and
two pre-extracted operands, with relative branch targets resolved to absolute word addresses
and the second word of two-word instructions folded into ``b``.
"""

from __future__ import annotations

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


# name, pattern, words, cycles, format.  Formats:
#   none      no operands
#   rd_rr     Rd (0-31) in a, Rr (0-31) in b
#   rd        Rd (0-31) in a
#   rd16_k    Rd (16-31) in a, K (0-255) in b
#   movw      Rd (even) in a, Rr (even) in b
#   muls      Rd, Rr (16-31)
#   mul3      Rd, Rr (16-23)
#   pair_k    Rd in {24,26,28,30} in a, K (0-63) in b
#   ldd       Rd/Rr in a, displacement q (0-63) in b
#   abs16     Rd/Rr in a, data address (second word) in b
#   io_bit    I/O address (0-31) in a, bit in b
#   in_out    Rd/Rr in a, I/O address (0-63) in b
#   rel12     absolute target word in a
#   branch    absolute target word in a, SREG bit in b
#   rd_bit    Rd in a, bit in b
#   sreg_bit  SREG bit in a
#   abs22     absolute target word in a (second word folded in)
_TABLE: list[tuple[str, str, int, int, str]] = [
    ("UNDEFINED", "", 1, 1, "none"),
    ("NOP", "0000000000000000", 1, 1, "none"),
    ("MOVW", "00000001ddddrrrr", 1, 1, "movw"),
    ("MULS", "00000010ddddrrrr", 1, 2, "muls"),
    ("MULSU", "000000110ddd0rrr", 1, 2, "mul3"),
    ("FMUL", "000000110ddd1rrr", 1, 2, "mul3"),
    ("FMULS", "000000111ddd0rrr", 1, 2, "mul3"),
    ("FMULSU", "000000111ddd1rrr", 1, 2, "mul3"),
    ("CPC", "000001rdddddrrrr", 1, 1, "rd_rr"),
    ("SBC", "000010rdddddrrrr", 1, 1, "rd_rr"),
    ("ADD", "000011rdddddrrrr", 1, 1, "rd_rr"),
    ("CPSE", "000100rdddddrrrr", 1, 1, "rd_rr"),
    ("CP", "000101rdddddrrrr", 1, 1, "rd_rr"),
    ("SUB", "000110rdddddrrrr", 1, 1, "rd_rr"),
    ("ADC", "000111rdddddrrrr", 1, 1, "rd_rr"),
    ("AND", "001000rdddddrrrr", 1, 1, "rd_rr"),
    ("EOR", "001001rdddddrrrr", 1, 1, "rd_rr"),
    ("OR", "001010rdddddrrrr", 1, 1, "rd_rr"),
    ("MOV", "001011rdddddrrrr", 1, 1, "rd_rr"),
    ("CPI", "0011KKKKddddKKKK", 1, 1, "rd16_k"),
    ("SBCI", "0100KKKKddddKKKK", 1, 1, "rd16_k"),
    ("SUBI", "0101KKKKddddKKKK", 1, 1, "rd16_k"),
    ("ORI", "0110KKKKddddKKKK", 1, 1, "rd16_k"),
    ("ANDI", "0111KKKKddddKKKK", 1, 1, "rd16_k"),
    ("LDD_Z", "10q0qq0ddddd0qqq", 1, 2, "ldd"),
    ("LDD_Y", "10q0qq0ddddd1qqq", 1, 2, "ldd"),
    ("STD_Z", "10q0qq1rrrrr0qqq", 1, 2, "ldd"),
    ("STD_Y", "10q0qq1rrrrr1qqq", 1, 2, "ldd"),
    ("LDS", "1001000ddddd0000kkkkkkkkkkkkkkkk", 2, 2, "abs16"),
    ("LD_ZP", "1001000ddddd0001", 1, 2, "rd"),
    ("LD_MZ", "1001000ddddd0010", 1, 2, "rd"),
    ("LPM_Z", "1001000ddddd0100", 1, 3, "rd"),
    ("LPM_ZP", "1001000ddddd0101", 1, 3, "rd"),
    ("LD_YP", "1001000ddddd1001", 1, 2, "rd"),
    ("LD_MY", "1001000ddddd1010", 1, 2, "rd"),
    ("LD_X", "1001000ddddd1100", 1, 2, "rd"),
    ("LD_XP", "1001000ddddd1101", 1, 2, "rd"),
    ("LD_MX", "1001000ddddd1110", 1, 2, "rd"),
    ("POP", "1001000ddddd1111", 1, 2, "rd"),
    ("STS", "1001001rrrrr0000kkkkkkkkkkkkkkkk", 2, 2, "abs16"),
    ("ST_ZP", "1001001rrrrr0001", 1, 2, "rd"),
    ("ST_MZ", "1001001rrrrr0010", 1, 2, "rd"),
    ("ST_YP", "1001001rrrrr1001", 1, 2, "rd"),
    ("ST_MY", "1001001rrrrr1010", 1, 2, "rd"),
    ("ST_X", "1001001rrrrr1100", 1, 2, "rd"),
    ("ST_XP", "1001001rrrrr1101", 1, 2, "rd"),
    ("ST_MX", "1001001rrrrr1110", 1, 2, "rd"),
    ("PUSH", "1001001ddddd1111", 1, 2, "rd"),
    ("COM", "1001010ddddd0000", 1, 1, "rd"),
    ("NEG", "1001010ddddd0001", 1, 1, "rd"),
    ("SWAP", "1001010ddddd0010", 1, 1, "rd"),
    ("INC", "1001010ddddd0011", 1, 1, "rd"),
    ("ASR", "1001010ddddd0101", 1, 1, "rd"),
    ("LSR", "1001010ddddd0110", 1, 1, "rd"),
    ("ROR", "1001010ddddd0111", 1, 1, "rd"),
    ("DEC", "1001010ddddd1010", 1, 1, "rd"),
    ("JMP", "1001010kkkkk110kkkkkkkkkkkkkkkkk", 2, 3, "abs22"),
    ("CALL", "1001010kkkkk111kkkkkkkkkkkkkkkkk", 2, 4, "abs22"),
    ("BSET", "100101000sss1000", 1, 1, "sreg_bit"),
    ("BCLR", "100101001sss1000", 1, 1, "sreg_bit"),
    ("RET", "1001010100001000", 1, 4, "none"),
    ("RETI", "1001010100011000", 1, 4, "none"),
    ("SLEEP", "1001010110001000", 1, 1, "none"),
    ("BREAK", "1001010110011000", 1, 1, "none"),
    ("WDR", "1001010110101000", 1, 1, "none"),
    ("LPM", "1001010111001000", 1, 3, "none"),
    ("SPM", "1001010111101000", 1, 1, "none"),
    ("IJMP", "1001010000001001", 1, 2, "none"),
    ("ICALL", "1001010100001001", 1, 3, "none"),
    ("ADIW", "10010110KKddKKKK", 1, 2, "pair_k"),
    ("SBIW", "10010111KKddKKKK", 1, 2, "pair_k"),
    ("CBI", "10011000AAAAAbbb", 1, 2, "io_bit"),
    ("SBIC", "10011001AAAAAbbb", 1, 1, "io_bit"),
    ("SBI", "10011010AAAAAbbb", 1, 2, "io_bit"),
    ("SBIS", "10011011AAAAAbbb", 1, 1, "io_bit"),
    ("MUL", "100111rdddddrrrr", 1, 2, "rd_rr"),
    ("IN", "10110AAdddddAAAA", 1, 1, "in_out"),
    ("OUT", "10111AArrrrrAAAA", 1, 1, "in_out"),
    ("RJMP", "1100kkkkkkkkkkkk", 1, 2, "rel12"),
    ("RCALL", "1101kkkkkkkkkkkk", 1, 3, "rel12"),
    ("LDI", "1110KKKKddddKKKK", 1, 1, "rd16_k"),
    ("BRBS", "111100kkkkkkksss", 1, 1, "branch"),
    ("BRBC", "111101kkkkkkksss", 1, 1, "branch"),
    ("BLD", "1111100ddddd0bbb", 1, 1, "rd_bit"),
    ("BST", "1111101ddddd0bbb", 1, 1, "rd_bit"),
    ("SBRC", "1111110rrrrr0bbb", 1, 1, "rd_bit"),
    ("SBRS", "1111111rrrrr0bbb", 1, 1, "rd_bit"),
]

INSTRUCTIONS: tuple[Instruction, ...] = tuple(
    Instruction(i, name, pat, words, cycles, fmt)
    for i, (name, pat, words, cycles, fmt) in enumerate(_TABLE)
)
BY_NAME: dict[str, Instruction] = {ins.name: ins for ins in INSTRUCTIONS}
N_INSTRUCTIONS = len(INSTRUCTIONS)

# Word count per instruction id, used by the kernel for skips over two-word instructions.
WORDS = np.array([ins.words for ins in INSTRUCTIONS], dtype=np.int64)
CYCLES = np.array([ins.cycles for ins in INSTRUCTIONS], dtype=np.int64)


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


def _sign(value: np.ndarray, bits: int) -> np.ndarray:
    value = value.astype(np.int64)
    return np.where(value >= (1 << (bits - 1)), value - (1 << bits), value)


def _operands(fmt: str, w: np.ndarray, nxt: np.ndarray, pc: np.ndarray):
    w = w.astype(np.int64)
    nxt = nxt.astype(np.int64)
    if fmt == "none":
        return 0, 0
    if fmt == "rd_rr":
        return (w >> 4) & 0x1F, (w & 0xF) | ((w >> 5) & 0x10)
    if fmt == "rd":
        return (w >> 4) & 0x1F, 0
    if fmt == "rd16_k":
        return 16 + ((w >> 4) & 0xF), (w & 0xF) | ((w >> 4) & 0xF0)
    if fmt == "movw":
        return ((w >> 4) & 0xF) * 2, (w & 0xF) * 2
    if fmt == "muls":
        return 16 + ((w >> 4) & 0xF), 16 + (w & 0xF)
    if fmt == "mul3":
        return 16 + ((w >> 4) & 7), 16 + (w & 7)
    if fmt == "pair_k":
        return 24 + ((w >> 4) & 3) * 2, (w & 0xF) | ((w >> 2) & 0x30)
    if fmt == "ldd":
        return (w >> 4) & 0x1F, (w & 7) | ((w >> 7) & 0x18) | ((w >> 8) & 0x20)
    if fmt == "abs16":
        return (w >> 4) & 0x1F, nxt
    if fmt == "io_bit":
        return (w >> 3) & 0x1F, w & 7
    if fmt == "in_out":
        return (w >> 4) & 0x1F, (w & 0xF) | ((w >> 5) & 0x30)
    if fmt == "rel12":
        return (pc + 1 + _sign(w & 0xFFF, 12)) & PC_MASK, 0
    if fmt == "branch":
        return (pc + 1 + _sign((w >> 3) & 0x7F, 7)) & PC_MASK, w & 7
    if fmt == "rd_bit":
        return (w >> 4) & 0x1F, w & 7
    if fmt == "sreg_bit":
        return (w >> 4) & 7, 0
    if fmt == "abs22":
        return ((((w >> 3) & 0x3E) | (w & 1)) << 16) | nxt, 0
    raise ValueError(fmt)  # pragma: no cover


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
        va, vb = _operands(ins.fmt, flash[sel], nxt[sel], pcs[sel])
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
    address the instruction will sit at, for the relative forms), ``LDD_Y``/``LDD_Z`` as
    (register, q) and ``STD_Y``/``STD_Z`` as (q, register) like the assembler.
    """
    ins = BY_NAME[name]
    f = ins.fmt
    p = ins.pattern
    if f == "none":
        return _fill(p, {})
    if f == "rd_rr":
        d, r = ops
        return _fill(p, {"d": d, "r": r})
    if f == "rd":
        (d,) = ops
        key = "r" if "r" in p else "d"
        return _fill(p, {key: d})
    if f == "rd16_k":
        d, k = ops
        assert 16 <= d <= 31 and 0 <= k <= 255
        return _fill(p, {"d": d - 16, "K": k})
    if f == "movw":
        d, r = ops
        return _fill(p, {"d": d // 2, "r": r // 2})
    if f == "muls":
        d, r = ops
        return _fill(p, {"d": d - 16, "r": r - 16})
    if f == "mul3":
        d, r = ops
        return _fill(p, {"d": d - 16, "r": r - 16})
    if f == "pair_k":
        d, k = ops
        return _fill(p, {"d": (d - 24) // 2, "K": k})
    if f == "ldd":
        if name.startswith("STD"):
            q, r = ops
            return _fill(p, {"r": r, "q": q})
        d, q = ops
        return _fill(p, {"d": d, "q": q})
    if f == "abs16":
        if name == "STS":
            k, r = ops
            return _fill(p, {"r": r, "k": k})
        d, k = ops
        return _fill(p, {"d": d, "k": k})
    if f == "io_bit":
        a, bit = ops
        return _fill(p, {"A": a, "b": bit})
    if f == "in_out":
        if name == "OUT":
            a, r = ops
            return _fill(p, {"A": a, "r": r})
        d, a = ops
        return _fill(p, {"A": a, "d": d})
    if f == "rel12":
        (target,) = ops
        k = (target - pc - 1) & 0xFFF
        return _fill(p, {"k": k})
    if f == "branch":
        s, target = ops
        k = target - pc - 1
        assert -64 <= k <= 63, "branch out of range"
        return _fill(p, {"k": k & 0x7F, "s": s})
    if f == "rd_bit":
        d, bit = ops
        key = "r" if "r" in p else "d"
        return _fill(p, {key: d, "b": bit})
    if f == "sreg_bit":
        (s,) = ops
        return _fill(p, {"s": s})
    if f == "abs22":
        (target,) = ops
        return _fill(p, {"k": target})
    raise ValueError(f)  # pragma: no cover


SREG_BRANCH_SET = ("BRCS", "BREQ", "BRMI", "BRVS", "BRLT", "BRHS", "BRTS", "BRIE")
SREG_BRANCH_CLEAR = ("BRCC", "BRNE", "BRPL", "BRVC", "BRGE", "BRHC", "BRTC", "BRID")
SREG_SET = ("SEC", "SEZ", "SEN", "SEV", "SES", "SEH", "SET", "SEI")
SREG_CLEAR = ("CLC", "CLZ", "CLN", "CLV", "CLS", "CLH", "CLT", "CLI")


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
    one = np.array([w], dtype=np.uint16)
    a, b = _operands(ins.fmt, one, np.array([nxt], dtype=np.uint16), np.array([pc]))
    a = int(np.asarray(a).reshape(-1)[0]) if np.ndim(a) else int(a)
    b = int(np.asarray(b).reshape(-1)[0]) if np.ndim(b) else int(b)
    n, f = ins.name, ins.fmt
    if f == "none":
        text = n.lower()
    elif f in ("rd_rr", "muls", "mul3"):
        text = f"{n.lower()} r{a}, r{b}"
    elif f == "movw":
        text = f"movw r{a + 1}:r{a}, r{b + 1}:r{b}"
    elif f == "rd":
        forms = {
            "LD_ZP": "ld r{}, Z+", "LD_MZ": "ld r{}, -Z", "LD_YP": "ld r{}, Y+",
            "LD_MY": "ld r{}, -Y", "LD_X": "ld r{}, X", "LD_XP": "ld r{}, X+",
            "LD_MX": "ld r{}, -X", "LPM_Z": "lpm r{}, Z", "LPM_ZP": "lpm r{}, Z+",
            "ST_ZP": "st Z+, r{}", "ST_MZ": "st -Z, r{}", "ST_YP": "st Y+, r{}",
            "ST_MY": "st -Y, r{}", "ST_X": "st X, r{}", "ST_XP": "st X+, r{}",
            "ST_MX": "st -X, r{}",
        }  # fmt: skip
        text = forms.get(n, n.lower() + " r{}").format(a)
    elif f == "rd16_k":
        text = f"{n.lower()} r{a}, 0x{b:02x}"
    elif f == "pair_k":
        text = f"{n.lower()} r{a + 1}:r{a}, {b}"
    elif f == "ldd":
        ptr = n[-1]
        text = f"ldd r{a}, {ptr}+{b}" if n.startswith("LDD") else f"std {ptr}+{b}, r{a}"
    elif f == "abs16":
        text = f"lds r{a}, 0x{b:04x}" if n == "LDS" else f"sts 0x{b:04x}, r{a}"
    elif f == "io_bit":
        text = f"{n.lower()} 0x{a:02x}, {b}"
    elif f == "in_out":
        text = f"in r{a}, 0x{b:02x}" if n == "IN" else f"out 0x{b:02x}, r{a}"
    elif f in ("rel12", "abs22"):
        text = f"{n.lower()} 0x{a * 2:04x}"
    elif f == "branch":
        alias = (SREG_BRANCH_SET if n == "BRBS" else SREG_BRANCH_CLEAR)[b]
        text = f"{alias.lower()} 0x{a * 2:04x}"
    elif f == "rd_bit":
        text = f"{n.lower()} r{a}, {b}"
    elif f == "sreg_bit":
        text = (SREG_SET if n == "BSET" else SREG_CLEAR)[a].lower()
    else:  # pragma: no cover
        text = n.lower()
    return text, ins.words
