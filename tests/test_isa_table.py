"""The instruction table (breadboard/avr/isa.py) as the one source of decoding, base cycles,
handler groups, operand formats, encoding and disassembly.

References: AVR Instruction Set Manual (DS40002198): each instruction's opcode, operands and
cycle count (AVRe column, 16-bit PC: the ATmega328P); GNU binutils' avr-objdump as an
independent disassembler (Debian binutils-avr).
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess

import numpy as np
import pytest

from breadboard.avr import Mcu, dispatch, isa, kernel

enc = isa.encode
FLASH_WORDS = isa.FLASH_WORDS
PC0 = 0x0100
RAMEND = 0x08FF
GPIOR0, IO_GPIOR0 = 0x3E, 0x1E
SRAM = 0x0200

# The 328P lacks these AVR instructions (manual, "Device Core Overview"); avr-objdump -m avr5
# decodes them anyway.
NOT_ON_THE_328P = {"elpm", "eijmp", "eicall", "xch", "las", "lac", "lat", "des", "spm"}


def _ops(ins: isa.Instruction, pc: int) -> tuple[int, ...]:
    """Operands for one instance of ``ins`` at ``pc`` whose base path is taken (see
    ``_base_state``): registers r16/r17 (r24 for word ops), SRAM addresses, GPIOR0."""
    f = ins.fmt
    if f in ("rd_rr", "muls", "mul3"):
        return (16, 17)
    if f == "movw":
        return (16, 18)
    if f == "rd":
        return (16,)
    if f == "rd16_k":
        return (16, 5)
    if f == "pair_k":
        return (24, 1)
    if f == "ldd":
        return (1, 16) if ins.name.startswith("STD") else (16, 1)
    if f == "abs16":
        return (SRAM, 16) if ins.name == "STS" else (16, SRAM)
    if f == "io_bit":
        return (IO_GPIOR0, 0)
    if f == "in_out":
        return (IO_GPIOR0, 16) if ins.name == "OUT" else (16, IO_GPIOR0)
    if f in ("rel12", "abs22"):
        return (pc + 8,)
    if f == "branch":
        return (0, pc + 8)  # SREG bit C
    if f == "rd_bit":
        return (16, 0)
    if f == "sreg_bit":
        return (0,)
    return ()


def _base_state(mcu: Mcu, ins: isa.Instruction) -> None:
    """State in which ``ins`` takes its base path: branches not taken, skips not skipping,
    pointers into SRAM, a return address on the stack, SLEEP without SE, SPM without SPMEN."""
    mcu.data[16], mcu.data[17] = 0x01, 0x02  # CPSE: different; SBRC: bit 0 set
    if ins.name == "SBRS":
        mcu.data[16] = 0x00
    mcu.data[GPIOR0] = 0x00 if ins.name == "SBIS" else 0x01
    for p in (26, 28, 30):
        mcu.data[p], mcu.data[p + 1] = SRAM & 0xFF, SRAM >> 8
    mcu.sreg = 0x01 if ins.name == "BRBC" else 0x00  # BRBS on C: C clear; BRBC: C set
    mcu.sp = RAMEND - 2
    mcu.data[RAMEND - 1], mcu.data[RAMEND] = 0x02, 0x00  # RET/RETI return to 0x0200


def _measured_cycles(ins: isa.Instruction) -> int:
    code = enc(ins.name, *_ops(ins, PC0), pc=PC0)
    flash = np.zeros(FLASH_WORDS, dtype=np.uint16)  # NOPs elsewhere
    flash[PC0 : PC0 + len(code)] = code
    mcu = Mcu(flash)
    _base_state(mcu, ins)
    mcu.pc = PC0
    start = mcu.cycle
    mcu.step()
    assert not mcu.halted, ins.name
    return mcu.cycle - start


@pytest.mark.parametrize("ins", isa.INSTRUCTIONS[1:], ids=lambda ins: ins.name)
def test_table_cycles_are_the_cycles_the_kernel_takes(ins):
    """AVR Instruction Set Manual, each instruction's "Cycles" (AVRe): executing one instance
    on the kernel takes exactly the table's count (branch not taken, no skip)."""
    assert _measured_cycles(ins) == ins.cycles


_TAKEN = [
    ("BRBS", {"sreg": 0x01}, 1),
    ("BRBC", {"sreg": 0x00}, 1),
    ("CPSE", {16: 0x07, 17: 0x07}, 1),
    ("SBRC", {16: 0x00}, 1),
    ("SBRS", {16: 0x01}, 1),
    ("SBIC", {GPIOR0: 0x00}, 1),
    ("SBIS", {GPIOR0: 0x01}, 1),
]
_TAKEN += [(name, setup, 2) for name, setup, _ in _TAKEN if name[:2] != "BR"]


@pytest.mark.parametrize("name, setup, skipped_words", _TAKEN)
def test_taken_branch_and_skip_add_to_the_table_cycles(name, setup, skipped_words):
    """Manual, BRBS/BRBC: 2 cycles when taken (table 1 + 1); CPSE/SBRC/SBRS/SBIC/SBIS: 2 when
    skipping a one-word instruction, 3 over a two-word one (table 1 + words skipped)."""
    ins = isa.BY_NAME[name]
    code = enc(name, *_ops(ins, PC0), pc=PC0)
    code += enc("LDS", 0, SRAM) if skipped_words == 2 else enc("NOP")
    flash = np.zeros(FLASH_WORDS, dtype=np.uint16)
    flash[PC0 : PC0 + len(code)] = code
    mcu = Mcu(flash)
    _base_state(mcu, ins)
    for key, value in setup.items():
        if key == "sreg":
            mcu.sreg = value
        else:
            mcu.data[key] = value
    mcu.pc = PC0
    mcu.step()
    assert mcu.cycle == ins.cycles + skipped_words
    assert mcu.pc == (PC0 + 8 if ins.fmt == "branch" else PC0 + 1 + skipped_words)


def test_every_table_group_has_its_handler_in_the_kernel():
    """The kernel's handler groups are the table's, each with its branch in run_slice, and the
    kernel's GROUP/CYCLES/WORDS columns are the table's."""
    assert set(dispatch.HANDLER_GROUPS) == set(isa.GROUPS)
    source = inspect.getsource(kernel.run_slice.py_func)
    for name in isa.GROUPS:
        if name != "HALT":  # undefined opcodes fall to the final else
            assert re.search(rf"\bg == G_{name}\b", source), name
    n = isa.N_INSTRUCTIONS
    assert np.array_equal(dispatch.GROUP[:n], isa.GROUP)
    assert np.array_equal(dispatch.CYCLES[1:n], isa.CYCLES[1:])
    assert np.array_equal(dispatch.WORDS[:n], isa.WORDS)
    assert np.array_equal(dispatch.DISPATCH, dispatch.GROUP | (dispatch.CYCLES << 8))
    assert dispatch.GROUP.max() < 256  # DISPATCH keeps the group in the low byte
    for extra in (dispatch.OP_WRAP, dispatch.OP_BREAK1, dispatch.OP_BREAK2, 0):
        assert dispatch.CYCLES[extra] == 0 and dispatch.GROUP[extra] == 0


def test_every_format_in_the_table_has_one_record():
    """One ``Format`` record per operand format, each used by some instruction."""
    assert {ins.fmt for ins in isa.INSTRUCTIONS} == set(isa.FORMATS)


def _decoded_all_opcodes() -> list[tuple[int, int, int, int, int, int]]:
    """(word, next word, pc, id, a, b) for every defined opcode word, decoded in place: eight
    flash images, each with 8192 opcodes at the even addresses and a random word after each
    (the second word of the two-word instructions)."""
    rng = np.random.default_rng(7)
    rows = []
    half = FLASH_WORDS // 2
    for base in range(0, 65536, half):
        image = np.empty(FLASH_WORDS, dtype=np.uint16)
        image[0::2] = np.arange(base, base + half)
        image[1::2] = rng.integers(0, 65536, half)
        op, a, b = isa.decode(image)
        for pc in np.nonzero(op[0::2])[0] * 2:
            pc = int(pc)
            rows.append(
                (int(image[pc]), int(image[pc + 1]), pc, int(op[pc]), int(a[pc]), int(b[pc]))
            )
    return rows


def test_encode_and_decode_round_trip_for_every_opcode():
    """Every one of the 65536 words that decodes to an instruction encodes back to itself
    from its decoded operands (and a two-word instruction to both its words)."""
    rows = _decoded_all_opcodes()
    assert len(rows) == int(np.count_nonzero(isa.OPCODE_LUT))
    wrong = []
    for w, nxt, pc, i, a, b in rows:
        ins = isa.INSTRUCTIONS[i]
        words = enc(ins.name, *isa.operands(ins.name, a, b), pc=pc)
        want = [w, nxt] if ins.words == 2 else [w]
        if words != want:
            wrong.append((f"{w:04x}", ins.name, words))
    assert not wrong[:10]


@pytest.mark.skipif(shutil.which("avr-objdump") is None, reason="binutils-avr not installed")
def test_disassembly_agrees_with_avr_objdump_for_every_opcode(tmp_path):
    """For each of the 65536 words: undefined exactly where avr-objdump (avr5) knows no
    instruction or one the 328P lacks; otherwise the same mnemonic and the same registers."""
    image = np.zeros(2 * 65536, dtype="<u2")
    image[0::2] = np.arange(65536)  # each opcode followed by a NOP (or its second word)
    path = tmp_path / "all.bin"
    image.tofile(path)
    out = subprocess.run(
        ["avr-objdump", "-D", "-b", "binary", "-m", "avr5", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    theirs = {}
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$", line)
        if m and int(m.group(1), 16) % 4 == 0:
            theirs[int(m.group(1), 16) // 4] = m.group(2).split(";")[0].strip()
    assert len(theirs) == 65536
    wrong = []
    for w in range(65536):
        text, _ = isa.disassemble(np.array([w, 0], dtype=np.uint16), 0)
        other = theirs[w]
        mine_undefined = text.startswith(".word")
        their_mnemonic = other.split()[0]
        if mine_undefined or other.startswith(".word"):
            if mine_undefined != (other.startswith(".word") or their_mnemonic in NOT_ON_THE_328P):
                wrong.append((f"{w:04x}", text, other))
            continue
        mnemonic = text.split()[0]
        if mnemonic in ("ldd", "std") and re.search(r"[YZ]\+0\b", text):
            mnemonic = mnemonic[:2]  # q = 0: avr-objdump writes ld/st
        registers = re.findall(r"\br(\d+)", re.sub(r"r\d+:(r\d+)", r"\1", text))
        if mnemonic != their_mnemonic or registers != re.findall(r"\br(\d+)", other):
            wrong.append((f"{w:04x}", text, other))
    assert not wrong[:10]
