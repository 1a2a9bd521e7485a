"""Load ATmega328P firmware images from Intel HEX or AVR ELF files.

Every problem with the input (missing file, not a firmware file, malformed
record, wrong architecture, program too large, ...) is reported as a single
:class:`FirmwareError` whose message names the file, the place in it (HEX line,
ELF section or segment) and the reason, on one line.

This module stands alone: it imports nothing from the rest of ``breadboard``.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from intelhex import IntelHex

__all__ = [
    "FLASH_BYTES",
    "FLASH_WORDS",
    "Firmware",
    "FirmwareError",
    "firmware_from_bytes",
    "load_elf",
    "load_firmware",
    "load_hex",
]

FLASH_WORDS = 16384
"""ATmega328P program memory size in 16-bit words (32 KiB)."""

FLASH_BYTES = FLASH_WORDS * 2
"""ATmega328P program memory size in bytes."""

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest firmware file read: a full 32 KiB flash is ~90 KB of Intel HEX, and an ELF with
debug information a few MB; anything bigger (or an endless stream such as /dev/zero) is
refused after reading this much."""

ELF_MAGIC = b"\x7fELF"
EM_AVR = 83

# AVR ELF files place the non-flash memories at these fake addresses.
_DATA_SPACE = 0x800000
_AVR_REGIONS = (
    (0x840000, "signature", ".signature"),
    (0x830000, "lock bits", ".lock"),
    (0x820000, "fuse", ".fuse"),
    (0x810000, "EEPROM", ".eeprom"),
    (0x800000, "data memory (SRAM)", ".data"),
)


class FirmwareError(Exception):
    """One error type for every bad firmware input.

    ``str(err)`` is a single line: ``"{path}: {location}: {reason}"``, or
    ``"{path}: {reason}"`` when there is no location.
    """

    def __init__(self, path: str | os.PathLike, reason: str, location: str | None = None):
        self.path: str = os.fspath(path) if not isinstance(path, str) else path
        self.reason: str = _one_line(reason)
        self.location: str | None = _one_line(location) if location else None
        super().__init__(self._message())

    def _message(self) -> str:
        if self.location:
            return f"{self.path}: {self.location}: {self.reason}"
        return f"{self.path}: {self.reason}"

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self):
        return (type(self), (self.path, self.reason, self.location))


def _one_line(text: str) -> str:
    """Collapse any whitespace runs (including newlines) to single spaces."""
    return " ".join(str(text).split())


@dataclass(frozen=True)
class _FunctionSpan:
    start: int  # byte address
    size: int  # bytes; 0 when unknown
    name: str


@dataclass(frozen=True)
class Firmware:
    """A program image for the ATmega328P flash.

    Attributes:
        path: Where the image came from (file path, or a name for in-memory data).
        format: ``"hex"`` or ``"elf"``.
        flash: ``uint16[FLASH_WORDS]`` read-only array of little-endian program
            words; erased (unprogrammed) cells are ``0xFFFF``.
        size: Bytes of flash used: highest programmed byte address + 1.
        symbols: ELF only (empty for HEX): flash *byte* address -> symbol name.
        data_symbols: ELF only (empty for HEX): global and static variables (``STT_OBJECT``
            symbols in data memory: .data, .bss, .noinit) -> data-space address.
        data_sizes: ELF only: variable name -> size in bytes (as in ``data_symbols``).
        lines: ELF only: flash *byte* address -> (source file name, line) where a row of the
            DWARF line table (``.debug_line``) starts; empty when the ELF has none (HEX, or
            built without ``-g``, or with LTO). At most ``MAX_LINE_ROWS`` addresses.
    """

    path: str
    format: str
    flash: np.ndarray
    size: int
    symbols: dict[int, str] = field(default_factory=dict)
    _functions: tuple[_FunctionSpan, ...] = field(default=(), repr=False, compare=False)
    data_symbols: dict[str, int] = field(default_factory=dict)
    data_sizes: dict[str, int] = field(default_factory=dict)
    lines: dict[int, tuple[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        flash = np.asarray(self.flash)
        if flash.shape != (FLASH_WORDS,):
            raise ValueError(f"flash must have shape ({FLASH_WORDS},), got {flash.shape}")
        if flash.dtype != np.uint16 or flash.flags.writeable:
            flash = flash.astype(np.uint16, copy=True)
            flash.flags.writeable = False
        object.__setattr__(self, "flash", flash)
        object.__setattr__(self, "symbols", dict(self.symbols))
        object.__setattr__(self, "data_symbols", dict(self.data_symbols))
        object.__setattr__(self, "data_sizes", dict(self.data_sizes))
        object.__setattr__(self, "lines", dict(self.lines))
        functions = self._functions
        if not functions and self.symbols:
            functions = tuple(_FunctionSpan(a, 0, n) for a, n in sorted(self.symbols.items()))
        object.__setattr__(self, "_functions", tuple(sorted(functions, key=lambda f: f.start)))
        object.__setattr__(self, "_starts", [f.start for f in self._functions])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Firmware):
            return NotImplemented
        return (
            self.path == other.path
            and self.format == other.format
            and self.size == other.size
            and self.symbols == other.symbols
            and np.array_equal(self.flash, other.flash)
        )

    def __hash__(self) -> int:
        return hash((self.path, self.format, self.size, self.flash.tobytes()))

    def symbol_at(self, word_address: int) -> str | None:
        """Name of the symbol exactly at program word ``word_address``, if any."""
        return self.symbols.get(word_address * 2)

    def variable_at(self, data_address: int) -> tuple[str, int] | None:
        """The variable (``data_symbols``) holding data address ``data_address`` and the
        byte's offset in it, or None (the smallest variable wins where they overlap)."""
        best: tuple[int, str, int] | None = None
        for name, start in self.data_symbols.items():
            size = max(1, self.data_sizes.get(name, 1))
            if start <= data_address < start + size and (best is None or size < best[0]):
                best = (size, name, data_address - start)
        return None if best is None else (best[1], best[2])

    def function_containing(self, word_address: int) -> str | None:
        """Name of the function that contains program word ``word_address``.

        Uses the nearest function (or code label) at or below the address.  Returns
        ``None`` when that function's size is known and the address lies past its
        end, when there is no symbol at or below the address, or when the address
        is outside the programmed part of the flash.
        """
        byte_address = word_address * 2
        if not 0 <= byte_address < self.size:
            return None
        index = bisect.bisect_right(self._starts, byte_address) - 1  # type: ignore[attr-defined]
        if index < 0:
            return None
        span = self._functions[index]
        if span.size and byte_address >= span.start + span.size:
            return None
        return span.name


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def load_firmware(path: str | os.PathLike) -> Firmware:
    """Load a HEX or ELF file, detected by content (``\\x7fELF`` magic -> ELF)."""
    data = _read_file(path)
    return firmware_from_bytes(data, os.fspath(path))


def load_hex(path: str | os.PathLike) -> Firmware:
    """Load an Intel HEX file."""
    return _parse_hex(_read_file(path), os.fspath(path))


def load_elf(path: str | os.PathLike) -> Firmware:
    """Load an AVR ELF file (as produced by ``avr-gcc``)."""
    return _parse_elf(_read_file(path), os.fspath(path))


def firmware_from_bytes(data: bytes, name: str = "<memory>") -> Firmware:
    """Load firmware from bytes in memory, detecting HEX or ELF by content.

    ``name`` is used as the path in the result and in error messages.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"firmware data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if data.startswith(ELF_MAGIC):
        return _parse_elf(data, name)
    try:
        return _parse_hex(data, name)
    except FirmwareError:
        if not data.strip() or not name.lower().endswith(".elf"):
            raise
    # named .elf, and neither: say what an ELF file starts with, not why it is not HEX
    raise FirmwareError(
        name,
        "not an ELF file: it does not start with the ELF magic 7F 45 4C 46 "
        f"(starts with {data[:4].hex(' ').upper()}), nor an Intel HEX file",
    )


def _read_file(path: str | os.PathLike) -> bytes:
    try:
        p = Path(path)
    except TypeError:
        raise TypeError(f"path must be str or os.PathLike, not {type(path).__name__}") from None
    try:
        if p.is_dir():
            raise FirmwareError(path, "is a directory, not a firmware file")
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise FirmwareError(
                path,
                f"too large for a firmware file (over {MAX_FILE_BYTES // 2**20} MiB; a full "
                "32 KiB flash is under 100 KB of Intel HEX)",
            )
        return data
    except FirmwareError:
        raise
    except FileNotFoundError:
        raise FirmwareError(path, "file not found") from None
    except IsADirectoryError:
        raise FirmwareError(path, "is a directory, not a firmware file") from None
    except PermissionError:
        raise FirmwareError(path, "permission denied: the file is not readable") from None
    except OSError as exc:
        raise FirmwareError(path, f"cannot read file: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the path
        raise FirmwareError(path, f"cannot read file: {exc}") from None


def _region_hint(address: int) -> str:
    for base, what, section in _AVR_REGIONS:
        if address >= base:
            return f" (looks like {what} data; leave it out with avr-objcopy -R {section})"
    return ""


def _beyond_flash(address: int) -> str:
    return (
        f"data at address 0x{address:04X} is beyond the 32 KiB flash "
        f"(0x0000-0x{FLASH_BYTES - 1:04X}){_region_hint(address)}"
    )


# --------------------------------------------------------------------------- #
# Intel HEX
# --------------------------------------------------------------------------- #

_ALLOWED_TEXT = frozenset(range(0x20, 0x7F)) | {0x09}
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_RECORD_NAMES = {
    0: "data",
    1: "end-of-file",
    2: "extended segment address",
    3: "start segment address",
    4: "extended linear address",
    5: "start linear address",
}
_RECORD_DATA_LENGTH = {1: 0, 2: 2, 3: 4, 4: 2, 5: 4}


def _not_ascii(data: bytes, line: bytes, byte: int, column: int) -> str:
    """Why a line with a byte outside plain ASCII is refused: UTF-8 text (a README, a sketch)
    is named as text, with the character; anything else is binary data."""
    binary = f"not an Intel HEX file (binary data: byte 0x{byte:02X} at column {column})"
    try:
        data.decode("utf-8")
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return binary
    at = len(line[: column - 1].decode("utf-8"))
    char = text[at]
    if not char.isprintable():
        return binary
    return f"not an Intel HEX file (UTF-8 text: {char!r} (U+{ord(char):04X}) at column {at + 1})"


def _check_is_text(data: bytes, name: str) -> list[bytes]:
    """Split into lines, refusing data that is not plain ASCII text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FirmwareError(
            name, "not an Intel HEX file (UTF-16 text; save it as plain ASCII)", "line 1"
        )
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8 byte order mark: harmless
        data = data[3:]
    if not data.strip():
        raise FirmwareError(name, "empty file")
    lines = data.splitlines()  # bytes.splitlines: only \n, \r and \r\n
    for number, line in enumerate(lines, 1):
        for column, byte in enumerate(line, 1):
            if byte not in _ALLOWED_TEXT:
                raise FirmwareError(name, _not_ascii(data, line, byte, column), f"line {number}")
    return lines


def _decode_record(text: str, name: str, where: str) -> tuple[int, int, int, bytes]:
    """Decode one record line; return (type, offset, length, data)."""
    if not text.startswith(":"):
        raise FirmwareError(name, "malformed record: does not start with ':'", where)
    digits = text[1:]
    for column, char in enumerate(digits, 2):
        if ord(char) not in _HEX_DIGITS:
            raise FirmwareError(
                name, f"malformed record: non-hex character {char!r} at column {column}", where
            )
    if len(digits) % 2:
        raise FirmwareError(
            name, f"malformed record: odd number of hex digits ({len(digits)})", where
        )
    raw = bytes.fromhex(digits)
    if len(raw) < 5:
        raise FirmwareError(
            name, f"malformed record: too short ({len(raw)} bytes, need at least 5)", where
        )
    length, offset, rtype = raw[0], (raw[1] << 8) | raw[2], raw[3]
    if len(raw) != length + 5:
        raise FirmwareError(
            name,
            f"malformed record: length byte says {length} data bytes "
            f"but the record has {len(raw) - 5}",
            where,
        )
    expected = (-sum(raw[:-1])) & 0xFF
    if raw[-1] != expected:
        raise FirmwareError(
            name, f"bad checksum (expected 0x{expected:02X}, found 0x{raw[-1]:02X})", where
        )
    if rtype not in _RECORD_NAMES:
        raise FirmwareError(name, f"malformed record: unknown record type 0x{rtype:02X}", where)
    want = _RECORD_DATA_LENGTH.get(rtype)
    if want is not None and length != want:
        raise FirmwareError(
            name,
            f"malformed record: {_RECORD_NAMES[rtype]} record must have {want} data bytes, "
            f"not {length}",
            where,
        )
    return rtype, offset, length, raw[4:-1]


def _parse_hex(data: bytes, name: str) -> Firmware:
    if data.startswith(ELF_MAGIC):
        raise FirmwareError(name, "not an Intel HEX file (this is an ELF file)", "line 1")
    lines = _check_is_text(data, name)
    if not any(line.strip().startswith(b":") for line in lines):
        first = next(n for n, line in enumerate(lines, 1) if line.strip())
        raise FirmwareError(
            name, "not an Intel HEX file (no line starts with ':')", f"line {first}"
        )

    store = IntelHex()
    owner = np.zeros(FLASH_BYTES, dtype=np.int32)  # line number that wrote each byte
    segment_base: int | None = None  # set by record type 02
    linear_base = 0  # set by record type 04
    saw_data = False
    last_line = 0
    for number, raw_line in enumerate(lines, 1):
        text = raw_line.decode("ascii").strip()
        if not text:
            continue
        last_line = number
        where = f"line {number}"
        rtype, offset, length, payload = _decode_record(text, name, where)
        if rtype == 1:
            rest = [
                n
                for n, line in enumerate(lines[number:], number + 1)
                if line.strip().startswith(b":")
            ]
            if rest:
                raise FirmwareError(
                    name,
                    f"end-of-file record on line {number} but more records follow (from line "
                    f"{rest[0]}): two files joined, or a truncated edit?",
                    f"line {number}",
                )
            break
        if rtype == 2:
            segment_base = ((payload[0] << 8) | payload[1]) << 4
            continue
        if rtype == 4:
            linear_base = ((payload[0] << 8) | payload[1]) << 16
            segment_base = None
            continue
        if rtype in (3, 5):  # start addresses: meaningless for an AVR, ignored
            continue
        # Data record: split into pieces when segment addressing wraps at 64 KiB.
        saw_data = True
        if segment_base is not None:
            first = min(length, 0x10000 - offset)
            pieces = [(segment_base + offset, payload[:first])]
            if first < length:
                pieces.append((segment_base, payload[first:]))
        else:
            pieces = [(linear_base + offset, payload)]
        for start, chunk in pieces:
            if not chunk:
                continue
            end = start + len(chunk)
            if end > FLASH_BYTES:
                raise FirmwareError(name, _beyond_flash(max(start, FLASH_BYTES)), where)
            used = owner[start:end]
            if used.any():
                clash = int(np.flatnonzero(used)[0])
                raise FirmwareError(
                    name,
                    f"data at address 0x{start + clash:04X} overlaps data already given "
                    f"on line {int(used[clash])}",
                    where,
                )
            owner[start:end] = number
            store.puts(start, chunk)
    else:
        raise FirmwareError(
            name, "missing end-of-file record ':00000001FF' (file truncated?)", f"line {last_line}"
        )

    if not saw_data or not owner.any():
        raise FirmwareError(name, "no data records: the file contains no program")
    size = int(np.flatnonzero(owner)[-1]) + 1
    store.padding = 0xFF  # erased flash
    image = np.frombuffer(bytes(store.tobinarray(start=0, size=FLASH_BYTES)), dtype="<u2")
    return Firmware(path=name, format="hex", flash=image.astype(np.uint16), size=size)


# --------------------------------------------------------------------------- #
# ELF
# --------------------------------------------------------------------------- #

_MACHINE_NAMES = {
    0: "no machine",
    2: "SPARC",
    3: "x86 (i386)",
    8: "MIPS",
    20: "PowerPC",
    21: "PowerPC 64",
    40: "ARM",
    43: "SPARC V9",
    62: "x86-64",
    83: "AVR",
    94: "Xtensa (ESP32/ESP8266)",
    105: "MSP430",
    183: "AArch64 (ARM64)",
    243: "RISC-V",
}

_MARKER_NAME = re.compile(r"^_+\w*_(start|end)$|^_(etext|edata|end)$")
_TYPE_RANK = {"STT_FUNC": 0, "STT_NOTYPE": 1, "STT_OBJECT": 2}
_BIND_RANK = {"STB_GLOBAL": 0, "STB_WEAK": 1, "STB_LOCAL": 2}


def _machine_name(machine: int) -> str:
    if machine in _MACHINE_NAMES:
        return _MACHINE_NAMES[machine]
    from elftools.elf.descriptions import describe_e_machine
    from elftools.elf.enums import ENUM_E_MACHINE

    key = next((k for k, v in ENUM_E_MACHINE.items() if v == machine), None)
    text = describe_e_machine(key) if key else ""
    if text and text != "<unknown>":
        return text
    return f"unknown machine {machine}"


def _check_elf_header(data: bytes, name: str) -> tuple[int, int, int, int]:
    """Check ident/machine by hand, before pyelftools; return (phoff, phnum, shoff, shnum)."""
    if not data.startswith(ELF_MAGIC):
        hint = " (looks like Intel HEX)" if data.lstrip().startswith(b":") else ""
        raise FirmwareError(name, f"not an ELF file: no \\x7fELF magic{hint}")
    if len(data) < 20:
        raise FirmwareError(name, f"truncated ELF file: only {len(data)} bytes", "ELF header")
    ei_class, ei_data = data[4], data[5]
    if ei_data not in (1, 2):
        raise FirmwareError(name, f"corrupt ELF file: bad byte order {ei_data}", "ELF header")
    endian = "<" if ei_data == 1 else ">"
    machine = struct.unpack_from(endian + "H", data, 18)[0]
    if machine != EM_AVR:
        raise FirmwareError(
            name, f"ELF for {_machine_name(machine)}, not AVR (e_machine {machine})"
        )
    if ei_class != 1 or ei_data != 1:
        raise FirmwareError(
            name, "corrupt AVR ELF file: expected 32-bit little-endian", "ELF header"
        )
    if len(data) < 52:
        raise FirmwareError(
            name, f"truncated ELF file: header needs 52 bytes, file has {len(data)}", "ELF header"
        )
    (phoff, shoff) = struct.unpack_from("<II", data, 28)
    (phentsize, phnum, shentsize, shnum) = struct.unpack_from("<HHHH", data, 42)
    for what, offset, entsize, count in (
        ("program header table", phoff, phentsize, phnum),
        ("section header table", shoff, shentsize, shnum),
    ):
        if count and offset + entsize * count > len(data):
            raise FirmwareError(
                name,
                f"truncated ELF file: {what} ends at byte {offset + entsize * count}, "
                f"file has {len(data)} bytes",
                what,
            )
    return phoff, phnum, shoff, shnum


#: e_flags & EF_AVR_ARCH_MASK: avr-gcc's core families; the ATmega328P is avr5.
EF_AVR_ARCH_MASK = 0x7F
AVR5 = 5
_AVR_ARCH_EXAMPLES = {
    1: "avr1 (AT90S1200, ATtiny11)",
    2: "avr2 (AT90S2313)",
    25: "avr25 (ATtiny85, ATtiny84, ATtiny2313)",
    3: "avr3 (ATmega103)",
    31: "avr31 (ATmega103)",
    35: "avr35 (ATmega16U2, ATtiny167)",
    4: "avr4 (ATmega8, ATmega88)",
    51: "avr51 (ATmega1284P, ATmega128)",
    6: "avr6 (ATmega2560)",
    100: "avrtiny (ATtiny10)",
    102: "avrxmega2",
    103: "avrxmega3 (ATmega4809, ATtiny1614)",
    104: "avrxmega4",
    105: "avrxmega5",
    106: "avrxmega6",
    107: "avrxmega7",
}
#: Devices built for avr5 that run ATmega328P firmware as-is (same core, same vectors).
_COMPATIBLE_DEVICES = {"atmega328p", "atmega328", "atmega328pb"}


def _device_note(elf) -> str | None:
    """The device name in avr-libc's .note.gnu.avr.deviceinfo section, if present."""
    section = elf.get_section_by_name(".note.gnu.avr.deviceinfo")
    if section is None:
        return None
    raw = section.data()
    if len(raw) < 12:
        return None
    namesz, descsz = struct.unpack_from("<II", raw, 0)
    desc = raw[12 + ((namesz + 3) & ~3) :][:descsz]
    # desc: flash start/size, SRAM start/size, EEPROM start/size, string table length, names
    if len(desc) < 32:
        return None
    names = [n for n in desc[32:].split(b"\0") if n]
    return names[0].decode("ascii", "replace") if names else None


def _check_mcu(elf, name: str) -> None:
    device = _device_note(elf)
    if device and device.lower() not in _COMPATIBLE_DEVICES:
        raise FirmwareError(
            name,
            f"built for the {device}, not the ATmega328P (rebuild with -mmcu=atmega328p)",
            "section .note.gnu.avr.deviceinfo",
        )
    arch = elf["e_flags"] & EF_AVR_ARCH_MASK
    if arch and arch != AVR5:
        family = _AVR_ARCH_EXAMPLES.get(arch, f"AVR architecture {arch}")
        raise FirmwareError(
            name,
            f"built for {family}, not the ATmega328P's avr5 (rebuild with -mmcu=atmega328p)",
            "ELF header (e_flags)",
        )


def _parse_elf(data: bytes, name: str) -> Firmware:
    _check_elf_header(data, name)
    from elftools.elf.elffile import ELFFile

    where = "ELF header"
    try:
        elf = ELFFile(io.BytesIO(data))
        if elf["e_type"] == "ET_REL":
            raise FirmwareError(
                name, "relocatable object file (.o), not a linked program", "ELF header"
            )
        where = "section header table"
        _check_mcu(elf, name)
        where = "ELF header"
        flash = np.full(FLASH_BYTES, 0xFF, dtype=np.uint8)
        size = 0
        for index, segment in enumerate(elf.iter_segments()):
            where = f"segment {index}"
            if segment["p_type"] != "PT_LOAD":
                continue
            paddr, filesz, offset = segment["p_paddr"], segment["p_filesz"], segment["p_offset"]
            if filesz == 0 or paddr >= _DATA_SPACE:
                continue
            if paddr + filesz > FLASH_BYTES:
                place = _overflowing_section(elf, segment) or where
                raise FirmwareError(
                    name,
                    f"program too large: flash contents end at 0x{paddr + filesz - 1:04X}, "
                    f"{_beyond_flash(max(paddr, FLASH_BYTES))}",
                    place,
                )
            if offset + filesz > len(data):
                raise FirmwareError(
                    name,
                    f"truncated ELF file: segment data ends at byte {offset + filesz}, "
                    f"file has {len(data)} bytes",
                    where,
                )
            flash[paddr : paddr + filesz] = np.frombuffer(data, np.uint8, filesz, offset)
            size = max(size, paddr + filesz)
        if size == 0:
            raise FirmwareError(
                name, "no program code: the ELF file has nothing to load into flash"
            )
        where = "section header table"
        table = elf.get_section_by_name(".symtab")
        where = "section .symtab"
        symbols, functions = _elf_symbols(elf, table)
        data_symbols, data_sizes = _elf_data_symbols(elf, table)
        lines = _elf_lines(elf, size)
    except FirmwareError:
        raise
    except Exception as exc:  # untrusted input: any parser failure means a corrupt file
        raise FirmwareError(
            name, f"corrupt ELF file: cannot parse it ({type(exc).__name__}: {exc})", where
        ) from exc

    words = flash.view("<u2").astype(np.uint16)
    return Firmware(
        path=name, format="elf", flash=words, size=size, symbols=symbols,
        data_symbols=data_symbols, data_sizes=data_sizes, _functions=functions, lines=lines,
    )  # fmt: skip


#: Bound on ``Firmware.lines`` (a 32 KB flash holds 16 K instructions; rows past this are
#: dropped so a huge or hostile .debug_line cannot make loading slow).
MAX_LINE_ROWS = 32768


def _elf_lines(elf, size: int) -> dict[int, tuple[str, int]]:
    """Flash byte address -> (file name, line) from the ELF's DWARF line table; {} when it
    has none or it cannot be read (source lines are optional: never a reason to refuse a
    program). Where several rows start at one address the last wins (the statement's own
    line rather than the function's opening brace)."""
    if elf.get_section_by_name(".debug_line") is None:
        return {}
    lines: dict[int, tuple[str, int]] = {}
    try:
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
        for cu in dwarf.iter_CUs():
            program = dwarf.line_program_for_CU(cu)
            if program is None:
                continue
            files = program["file_entry"]
            base = 0 if program["version"] >= 5 else 1  # DWARF 5 numbers files from 0
            for entry in program.get_entries():
                state = entry.state
                if state is None or state.end_sequence or not 0 <= state.address < size:
                    continue
                index = state.file - base
                if not 0 <= index < len(files):
                    continue
                name = files[index].name
                name = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
                lines[state.address] = (os.path.basename(name), int(state.line))
                if len(lines) >= MAX_LINE_ROWS:
                    return lines
    except Exception:  # noqa: BLE001 -- a corrupt line table only costs the source lines
        return lines
    return lines


def _overflowing_section(elf, segment) -> str | None:
    """Name the section of ``segment`` whose load address runs past the flash end."""
    try:
        for section in elf.iter_sections():
            if section["sh_type"] == "SHT_NOBITS" or not section["sh_size"]:
                continue
            if not segment.section_in_segment(section):
                continue
            lma = segment["p_paddr"] + section["sh_offset"] - segment["p_offset"]
            if lma + section["sh_size"] > FLASH_BYTES:
                return f"section {section.name}"
    except Exception:  # noqa: BLE001 -- corrupt input; only used to improve a message
        return None
    return None


def _elf_symbols(elf, table) -> tuple[dict[int, str], tuple[_FunctionSpan, ...]]:
    """Collect flash symbols from ``table``: address -> best name, and function spans."""
    from elftools.elf.sections import SymbolTableSection

    if not isinstance(table, SymbolTableSection):
        return {}, ()
    num_sections = elf.num_sections()
    candidates: dict[int, list[tuple[tuple, str, int, str]]] = {}
    for symbol in table.iter_symbols():
        sym_name = symbol.name
        sym_type = symbol["st_info"]["type"]
        shndx = symbol["st_shndx"]
        value = symbol["st_value"]
        if not sym_name or sym_type not in _TYPE_RANK:
            continue
        if not isinstance(shndx, int) or not 0 < shndx < num_sections:
            continue  # undefined, absolute (linker constants) or common symbols
        if value >= _DATA_SPACE:
            continue
        if not elf.get_section(shndx)["sh_flags"] & 0x2:  # SHF_ALLOC
            continue
        rank = (
            _TYPE_RANK[sym_type],
            bool(_MARKER_NAME.match(sym_name)),
            _BIND_RANK.get(symbol["st_info"]["bind"], 3),
            sym_name,
        )
        candidates.setdefault(value, []).append((rank, sym_name, symbol["st_size"], sym_type))

    symbols: dict[int, str] = {}
    functions: list[_FunctionSpan] = []
    for address in sorted(candidates):
        entries = sorted(candidates[address])
        symbols[address] = entries[0][1]
        code = [e for e in entries if e[3] != "STT_OBJECT"]
        if code:
            size = max(e[2] for e in code if e[3] == code[0][3])
            functions.append(_FunctionSpan(address, size, code[0][1]))
    return symbols, tuple(functions)


#: Where data memory ends in an AVR ELF's address space (EEPROM starts at 0x810000).
_DATA_SPACE_END = 0x810000


def _elf_data_symbols(elf, table) -> tuple[dict[str, int], dict[str, int]]:
    """Variables in data memory from ``table``: name -> data address, name -> size."""
    from elftools.elf.sections import SymbolTableSection

    if not isinstance(table, SymbolTableSection):
        return {}, {}
    num_sections = elf.num_sections()
    found: list[tuple[int, str, int]] = []
    for symbol in table.iter_symbols():
        shndx = symbol["st_shndx"]
        value = symbol["st_value"]
        if not symbol.name or symbol["st_info"]["type"] != "STT_OBJECT":
            continue
        if not isinstance(shndx, int) or not 0 < shndx < num_sections:
            continue
        if not _DATA_SPACE <= value < _DATA_SPACE_END:
            continue
        found.append((value - _DATA_SPACE, symbol.name, int(symbol["st_size"])))
    found.sort()
    return {n: a for a, n, _ in found}, {n: s for _, n, s in found}
