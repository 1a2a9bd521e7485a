"""Tests for breadboard.firmware: loading Intel HEX / AVR ELF and refusing bad input."""

from __future__ import annotations

import os
import pickle
import random
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import firmware_path

from breadboard.firmware import (
    FLASH_WORDS,
    Firmware,
    FirmwareError,
    firmware_from_bytes,
    load_elf,
    load_firmware,
    load_hex,
)

DATA = Path(__file__).parent / "data" / "loader"
TINY_ELF = DATA / "tiny.elf"
TINY_HEX = DATA / "tiny.hex"

# Recorded from `avr-nm -nS tests/data/loader/tiny.elf` (tests must not need the toolchain).
VECTOR_1_BYTE, VECTOR_1_SIZE = 0x96, 0x22
MAIN_BYTE, MAIN_SIZE = 0xB8, 0x18
BAD_INTERRUPT_BYTE = 0x92  # shared with the weak __vector_2 .. __vector_25
INIT_BYTE = 0x68  # shared with __ctors_start/__ctors_end/... markers
DATA_LOAD_START = 0xD4  # __data_load_start: .data initialisers ("edges" = 3) in flash
TINY_SIZE = 0xD6  # _etext (0xD4) + 2 bytes of .data


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #


def record(rtype: int, offset: int, payload: bytes = b"") -> str:
    """One well-formed Intel HEX record (upper-case, correct checksum)."""
    raw = bytes([len(payload), offset >> 8, offset & 0xFF, rtype]) + payload
    return ":" + (raw + bytes([(-sum(raw)) & 0xFF])).hex().upper()


EOF_RECORD = ":00000001FF"


def hex_file(tmp_path: Path, *lines: str, name: str = "prog.hex") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def refused(path_or_bytes, loader=load_firmware) -> FirmwareError:
    """Load and return the FirmwareError raised (fail if anything else happens)."""
    with pytest.raises(FirmwareError) as info:
        if isinstance(path_or_bytes, bytes):
            firmware_from_bytes(path_or_bytes, "mem.bin")
        else:
            loader(path_or_bytes)
    err = info.value
    assert "\n" not in str(err)
    return err


def avr_elf(segments: list[tuple[int, bytes]], machine: int = 83, e_type: int = 2) -> bytes:
    """A minimal ELF32 little-endian executable with one PT_LOAD per (paddr, data)."""
    phoff = 52
    data_offset = phoff + 32 * len(segments)
    header = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    header += struct.pack(
        "<HHIIIIIHHHHHH", e_type, machine, 1, 0, phoff, 0, 0, 52, 32, len(segments), 40, 0, 0
    )
    phdrs = b""
    blob = b""
    for paddr, payload in segments:
        offset = data_offset + len(blob)
        phdrs += struct.pack("<8I", 1, offset, paddr, paddr, len(payload), len(payload), 5, 1)
        blob += payload
    return header + phdrs + blob


def elf64_header(machine: int) -> bytes:
    """A minimal valid ELF64 little-endian header (no segments, no sections)."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)


def elf32_header(machine: int) -> bytes:
    return avr_elf([], machine=machine)


# --------------------------------------------------------------------------- #
# good files
# --------------------------------------------------------------------------- #


def test_elf_and_hex_of_the_same_program_load_to_identical_flash():
    elf, hexf = load_firmware(TINY_ELF), load_firmware(TINY_HEX)
    assert (elf.format, hexf.format) == ("elf", "hex")
    assert np.array_equal(elf.flash, hexf.flash)
    assert elf.size == hexf.size


def test_format_is_detected_by_content_not_by_file_extension(tmp_path):
    elf_named_hex = tmp_path / "really_an_elf.hex"
    elf_named_hex.write_bytes(TINY_ELF.read_bytes())
    hex_named_elf = tmp_path / "really_a_hex.elf"
    hex_named_elf.write_bytes(TINY_HEX.read_bytes())
    assert load_firmware(elf_named_hex).format == "elf"
    assert load_firmware(hex_named_elf).format == "hex"


def test_size_is_highest_programmed_byte_address_plus_one():
    assert load_elf(TINY_ELF).size == TINY_SIZE
    assert load_hex(TINY_HEX).size == TINY_SIZE


def test_erased_cells_read_0xffff():
    fw = load_firmware(TINY_HEX)
    assert np.all(fw.flash[(TINY_SIZE + 1) // 2 :] == 0xFFFF)


def test_flash_is_a_read_only_uint16_array_of_the_whole_32k():
    fw = load_firmware(TINY_ELF)
    assert FLASH_WORDS == 16384
    assert fw.flash.dtype == np.uint16 and fw.flash.shape == (FLASH_WORDS,)
    assert not fw.flash.flags.writeable
    with pytest.raises(ValueError):
        fw.flash[0] = 0


def test_flash_words_are_little_endian():
    fw = load_firmware(TINY_HEX)
    assert fw.flash[0] == 0x940C  # bytes 0C 94: "jmp" to __init
    assert fw.flash[1] == 0x0034  # jmp target: word address of __init
    assert fw.flash[1] * 2 == INIT_BYTE


def test_data_initialisers_are_loaded_at_their_flash_load_address():
    fw = load_elf(TINY_ELF)
    # .data lives at 0x800100 in data space but its initial values (edges = 3) sit in flash.
    assert fw.flash[DATA_LOAD_START // 2] == 0x0003


def test_elf_symbols_include_main_and_vector_1_at_avr_nm_addresses():
    fw = load_elf(TINY_ELF)
    assert fw.symbols[MAIN_BYTE] == "main"
    assert fw.symbols[VECTOR_1_BYTE] == "__vector_1"
    assert fw.symbol_at(MAIN_BYTE // 2) == "main"
    assert fw.symbol_at(VECTOR_1_BYTE // 2) == "__vector_1"


def test_symbols_only_cover_flash_not_data_memory_or_linker_constants():
    fw = load_elf(TINY_ELF)
    names = set(fw.symbols.values())
    assert all(address < 0x800000 for address in fw.symbols)
    assert "edges" not in names  # .data variable at 0x800100
    assert "__TEXT_REGION_LENGTH__" not in names  # absolute linker symbol
    assert "__SREG__" not in names
    assert all(name for name in names)


def test_shared_address_prefers_the_real_routine_over_weak_aliases_and_markers():
    fw = load_elf(TINY_ELF)
    assert fw.symbols[BAD_INTERRUPT_BYTE] == "__bad_interrupt"  # not a weak __vector_N
    assert fw.symbols[INIT_BYTE] == "__init"  # not __ctors_start & co.


def test_hex_files_have_no_symbols():
    fw = load_hex(TINY_HEX)
    assert fw.symbols == {}
    assert fw.symbol_at(0) is None
    assert fw.function_containing(0) is None


def test_symbol_at_needs_an_exact_address():
    fw = load_elf(TINY_ELF)
    assert fw.symbol_at(MAIN_BYTE // 2 + 1) is None


def test_function_containing_finds_the_enclosing_function():
    fw = load_elf(TINY_ELF)
    for byte in range(MAIN_BYTE, MAIN_BYTE + MAIN_SIZE, 2):
        assert fw.function_containing(byte // 2) == "main"
    for byte in range(VECTOR_1_BYTE, VECTOR_1_BYTE + VECTOR_1_SIZE, 2):
        assert fw.function_containing(byte // 2) == "__vector_1"
    assert fw.function_containing((INIT_BYTE + 4) // 2) == "__init"  # unsized label


def test_function_containing_returns_none_outside_the_program():
    fw = load_elf(TINY_ELF)
    assert fw.function_containing(TINY_SIZE // 2 + 1) is None
    assert fw.function_containing(FLASH_WORDS - 1) is None
    assert fw.function_containing(-1) is None


def test_function_containing_uses_the_symbol_size():
    flash = np.full(FLASH_WORDS, 0xFFFF, dtype=np.uint16)
    fw = Firmware("x", "elf", flash, 0x40, {0x10: "f"}, _functions=())
    assert fw.function_containing(0x30 // 2) == "f"  # no size known: nearest below
    from breadboard.firmware.loader import _FunctionSpan

    sized = Firmware("x", "elf", flash, 0x40, {0x10: "f"}, (_FunctionSpan(0x10, 4, "f"),))
    assert sized.function_containing(0x12 // 2) == "f"
    assert sized.function_containing(0x14 // 2) is None  # past the end of f


def test_firmware_made_by_hand_gets_a_private_read_only_flash_copy():
    flash = np.full(FLASH_WORDS, 0xFFFF, dtype=np.uint16)
    fw = Firmware("x", "hex", flash, 0)
    flash[0] = 0
    assert fw.flash[0] == 0xFFFF and not fw.flash.flags.writeable


def test_hex_accepts_crlf_lowercase_and_trailing_blank_lines(tmp_path):
    text = TINY_HEX.read_text().lower().replace("\n", "\r\n") + "\r\n\r\n  \n"
    path = tmp_path / "crlf.hex"
    path.write_bytes(text.encode())
    assert np.array_equal(load_hex(path).flash, load_hex(TINY_HEX).flash)


def test_hex_extended_segment_and_linear_address_records_are_applied(tmp_path):
    path = hex_file(
        tmp_path,
        record(2, 0, b"\x01\x00"),  # segment 0x0100 -> base 0x1000
        record(0, 0x0010, b"\x11\x22"),  # -> 0x1010
        record(4, 0, b"\x00\x00"),  # linear base 0
        record(0, 0x7FFE, b"\x33\x44"),  # -> 0x7FFE, last word of flash
        EOF_RECORD,
    )
    fw = load_hex(path)
    assert fw.flash[0x1010 // 2] == 0x2211
    assert fw.flash[0x7FFE // 2] == 0x4433
    assert fw.size == 0x8000


def test_hex_start_address_records_are_accepted_and_ignored(tmp_path):
    path = hex_file(
        tmp_path,
        record(0, 0, b"\x0c\x94"),
        record(3, 0, b"\x00\x00\x00\x00"),
        record(5, 0, b"\x00\x00\x00\x00"),
        EOF_RECORD,
    )
    fw = load_hex(path)
    assert fw.flash[0] == 0x940C and fw.size == 2


def test_lines_after_the_eof_record_are_ignored(tmp_path):
    path = hex_file(tmp_path, record(0, 0, b"\x01\x02"), EOF_RECORD, "anything at all")
    assert load_hex(path).size == 2


def test_firmware_from_bytes_detects_format_and_uses_the_name_as_path():
    fw = firmware_from_bytes(TINY_ELF.read_bytes(), "dropped.elf")
    assert fw.format == "elf" and fw.path == "dropped.elf"
    assert firmware_from_bytes(TINY_HEX.read_bytes()).path == "<memory>"


def test_path_is_reported_as_a_string():
    assert load_firmware(TINY_HEX).path == str(TINY_HEX)
    assert load_firmware(str(TINY_HEX)).path == str(TINY_HEX)


def test_avr_elf_filling_exactly_32k_is_accepted():
    fw = firmware_from_bytes(avr_elf([(0, bytes(range(256)) * 128)]))
    assert fw.size == 0x8000
    assert fw.flash[-1] == 0xFFFE


def test_avr_elf_eeprom_and_fuse_segments_are_ignored():
    fw = firmware_from_bytes(
        avr_elf([(0, b"\x0c\x94"), (0x810000, b"\xaa" * 8), (0x820000, b"\xff\xd9\xfd")])
    )
    assert fw.size == 2 and fw.flash[0] == 0x940C and fw.flash[1] == 0xFFFF


# --------------------------------------------------------------------------- #
# error messages
# --------------------------------------------------------------------------- #


def test_error_message_is_one_line_path_location_reason():
    err = FirmwareError(Path("a/b.hex"), "bad checksum", "line 3")
    assert (err.path, err.reason, err.location) == (
        os.fspath(Path("a/b.hex")),
        "bad checksum",
        "line 3",
    )
    assert str(err) == f"{os.fspath(Path('a/b.hex'))}: line 3: bad checksum"
    assert str(FirmwareError("x.hex", "empty file")) == "x.hex: empty file"
    assert str(FirmwareError("x.elf", "two\nlines")) == "x.elf: two lines"


def test_firmware_error_survives_pickling():
    err = pickle.loads(pickle.dumps(FirmwareError("x.hex", "empty file", "line 1")))
    assert (err.path, err.reason, err.location) == ("x.hex", "empty file", "line 1")


# --------------------------------------------------------------------------- #
# unreadable input
# --------------------------------------------------------------------------- #


def test_missing_file_is_refused_saying_not_found(tmp_path):
    missing = tmp_path / "nope.hex"
    err = refused(missing)
    assert "not found" in err.reason
    assert err.path == str(missing) and str(err).startswith(str(missing))


def test_directory_is_refused_saying_it_is_a_directory(tmp_path):
    err = refused(tmp_path)
    assert "directory" in err.reason


def test_unreadable_file_is_refused_saying_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "secret.hex"
    path.write_text(TINY_HEX.read_text())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # e.g. running as root: simulate the OS refusing

            def deny(self, *args, **kwargs):
                raise PermissionError(13, "Permission denied", str(self))

            monkeypatch.setattr(Path, "open", deny)
        err = refused(path)
    finally:
        path.chmod(0o644)
    assert "permission denied" in err.reason


@pytest.mark.parametrize("loader", [load_firmware, load_hex, load_elf])
def test_every_entry_point_refuses_missing_files_with_firmware_error(tmp_path, loader):
    assert "not found" in refused(tmp_path / "x", loader).reason


# --------------------------------------------------------------------------- #
# not a HEX file at all
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t \n"], ids=["zero-bytes", "whitespace"])
def test_empty_file_is_refused_as_empty(tmp_path, content):
    path = tmp_path / "empty.hex"
    path.write_bytes(content)
    err = refused(path)
    assert err.reason == "empty file" and err.location is None


@pytest.mark.parametrize(
    "content",
    [
        bytes(random.Random(1).getrandbits(8) for _ in range(512)),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ":00000001FF\n".encode("utf-16"),
        ":00000001FF\n".encode("utf-16-le"),
    ],
    ids=["random-bytes", "png", "utf16-with-bom", "utf16-without-bom"],
)
def test_binary_data_is_refused_as_not_intel_hex_on_line_1(tmp_path, content):
    path = tmp_path / "binary.hex"
    path.write_bytes(content)
    err = refused(path)
    assert err.reason.startswith("not an Intel HEX file")
    assert err.location == "line 1"


def test_binary_data_is_reported_at_the_line_where_text_stops(tmp_path):
    path = tmp_path / "mixed.hex"
    good = "\n".join(TINY_HEX.read_text().splitlines()[:3]).encode()
    path.write_bytes(good + b"\n\x00\x01\x02binary")
    err = refused(path)
    assert err.reason.startswith("not an Intel HEX file")
    assert err.location == "line 4"


def test_text_without_any_record_is_refused_as_not_intel_hex(tmp_path):
    path = tmp_path / "sketch.ino"
    path.write_text("\nvoid setup() {}\nvoid loop() {}\n")
    err = refused(path)
    assert err.reason.startswith("not an Intel HEX file")
    assert err.location == "line 2"


def test_a_file_named_elf_that_is_neither_elf_nor_hex_is_refused_as_not_elf(tmp_path):
    path = tmp_path / "broken.elf"
    path.write_bytes(b"\x16\x03\x01garbage" * 10)
    err = refused(path)
    assert err.reason.startswith("not an ELF file: it does not start with the ELF magic")
    assert "starts with 16 03 01 67" in err.reason and err.location is None
    assert str(err).startswith(str(path) + ": not an ELF file")
    # a HEX file named .elf is loaded by its content
    renamed = tmp_path / "blink.elf"
    renamed.write_bytes(TINY_HEX.read_bytes())
    assert np.array_equal(load_firmware(renamed).flash, load_firmware(TINY_HEX).flash)


def test_load_hex_on_an_elf_file_is_refused():
    err = refused(TINY_ELF, load_hex)
    assert "not an Intel HEX file" in err.reason and "ELF" in err.reason


def test_load_elf_on_a_hex_file_is_refused():
    err = refused(TINY_HEX, load_elf)
    assert "not an ELF file" in err.reason


# --------------------------------------------------------------------------- #
# malformed HEX records
# --------------------------------------------------------------------------- #

GOOD = record(0, 0, b"\x0c\x94\x34\x00")


def test_record_missing_colon_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, GOOD, GOOD[1:], EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and "':'" in err.reason
    assert err.location == "line 2"
    assert str(err) == f"{path}: line 2: {err.reason}"


def test_odd_number_of_hex_digits_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, GOOD, record(0, 4, b"\x01\x02"), record(0, 6, b"\x03") + "0")
    err = refused(path)
    assert err.reason.startswith("malformed record") and "odd number" in err.reason
    assert err.location == "line 3"


def test_non_hex_character_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, GOOD[:5] + "G" + GOOD[6:], EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and "'G'" in err.reason
    assert err.location == "line 1"


def test_length_byte_not_matching_the_record_is_malformed_naming_the_line(tmp_path):
    raw = bytes([0x05, 0, 0, 0, 1, 2, 3, 4])  # says 5 data bytes, has 4
    bad = ":" + (raw + bytes([(-sum(raw)) & 0xFF])).hex()
    path = hex_file(tmp_path, GOOD, bad, EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and "length" in err.reason
    assert err.location == "line 2"


def test_too_short_record_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, ":0000", EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and err.location == "line 1"


def test_unknown_record_type_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, GOOD, record(6, 0, b"\x00"), EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and "type 0x06" in err.reason
    assert err.location == "line 2"


def test_address_record_with_wrong_length_is_malformed_naming_the_line(tmp_path):
    path = hex_file(tmp_path, record(4, 0, b"\x00"), GOOD, EOF_RECORD)
    err = refused(path)
    assert err.reason.startswith("malformed record") and "extended linear" in err.reason
    assert err.location == "line 1"


def test_bad_checksum_is_refused_naming_the_line(tmp_path):
    lines = TINY_HEX.read_text().splitlines()
    lines[2] = lines[2][:-2] + "00"  # real checksum of that line is 0x2C
    path = hex_file(tmp_path, *lines)
    err = refused(path)
    assert err.reason == "bad checksum (expected 0x2C, found 0x00)"
    assert err.location == "line 3"
    assert str(err) == f"{path}: line 3: bad checksum (expected 0x2C, found 0x00)"


@pytest.mark.parametrize(
    "lines, address",
    [
        ([record(0, 0x8000, b"\x01\x02")], "0x8000"),
        ([record(0, 0x7FFE, b"\x01\x02\x03\x04")], "0x8000"),  # straddles the end
        ([record(2, 0, b"\x08\x00"), record(0, 0, b"\x01\x02")], "0x8000"),  # segment
        ([record(4, 0, b"\x00\x01"), record(0, 0x0010, b"\x01")], "0x10010"),  # linear
        ([record(4, 0, b"\x00\x81"), record(0, 0, b"\x01")], "0x810000"),  # EEPROM
    ],
    ids=["plain", "straddling", "extended-segment", "extended-linear", "eeprom"],
)
def test_data_beyond_32k_flash_is_refused_naming_the_address(tmp_path, lines, address):
    path = hex_file(tmp_path, GOOD, *lines, EOF_RECORD)
    err = refused(path)
    assert address in err.reason and "32 KiB" in err.reason
    assert err.location == f"line {len(lines) + 1}"


def test_eeprom_data_in_a_hex_gets_a_hint_to_strip_it(tmp_path):
    path = hex_file(tmp_path, record(4, 0, b"\x00\x81"), record(0, 0, b"\x01"), EOF_RECORD)
    assert "-R .eeprom" in refused(path).reason


def test_overlapping_data_records_are_refused_naming_both_lines(tmp_path):
    path = hex_file(tmp_path, GOOD, record(0, 2, b"\x01\x02"), EOF_RECORD)
    err = refused(path)
    assert "overlaps" in err.reason and "line 1" in err.reason and "0x0002" in err.reason
    assert err.location == "line 2"


def test_hex_with_only_an_eof_record_is_refused_as_having_no_data(tmp_path):
    err = refused(hex_file(tmp_path, EOF_RECORD))
    assert "no data records" in err.reason


def test_hex_without_eof_record_is_refused_as_truncated(tmp_path):
    lines = TINY_HEX.read_text().splitlines()[:-1]
    err = refused(hex_file(tmp_path, *lines))
    assert "end-of-file record" in err.reason
    assert err.location == f"line {len(lines)}"


# --------------------------------------------------------------------------- #
# bad ELF files
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "header, machine",
    [
        (elf64_header(62), "x86-64"),
        (elf32_header(40), "ARM"),
        (elf64_header(183), "AArch64"),
        (elf32_header(3), "x86"),
    ],
    ids=["x86-64", "arm", "aarch64", "i386"],
)
def test_elf_for_another_architecture_names_that_machine(tmp_path, header, machine):
    path = tmp_path / "other.elf"
    path.write_bytes(header)
    err = refused(path)
    assert err.reason.startswith(f"ELF for {machine}") and "not AVR" in err.reason


def test_elf_for_an_unknown_machine_number_is_refused_naming_the_number():
    err = refused(elf32_header(0x7ABC))
    assert "not AVR" in err.reason and str(0x7ABC) in err.reason


@pytest.mark.parametrize("length", [4, 19, 40, 60, 100, 200, 340])
def test_truncated_elf_is_refused(tmp_path, length):
    path = tmp_path / "cut.elf"
    path.write_bytes(TINY_ELF.read_bytes()[:length])
    err = refused(path)
    assert "truncated" in err.reason or "corrupt" in err.reason


def test_truncated_elf_reports_the_cut_program_headers(tmp_path):
    path = tmp_path / "cut.elf"
    path.write_bytes(TINY_ELF.read_bytes()[:100])
    err = refused(path)
    assert err.location == "program header table" and "truncated" in err.reason


def test_elf_cut_inside_segment_data_is_refused_naming_the_segment():
    data = avr_elf([(0, b"\x0c\x94" * 64)])
    err = refused(data[:-10])
    assert "truncated" in err.reason and err.location == "segment 0"


def test_elf_with_a_corrupt_section_table_is_refused():
    data = bytearray(TINY_ELF.read_bytes())
    shoff = struct.unpack_from("<I", data, 32)[0]
    data[shoff:] = bytes([0xEE]) * (len(data) - shoff)  # garbage section headers
    err = refused(bytes(data))
    assert "corrupt" in err.reason and err.location == "section header table"


def test_avr_elf_whose_flash_contents_exceed_32k_is_refused():
    err = refused(avr_elf([(0, bytes(0x8000)), (0x8000, b"\x01\x02")]))
    assert "0x8000" in err.reason and "32 KiB" in err.reason
    assert err.location == "segment 1"


def test_avr_elf_too_large_names_the_overflowing_section():
    data = bytearray(TINY_ELF.read_bytes())
    phoff = struct.unpack_from("<I", data, 28)[0]
    struct.pack_into("<I", data, phoff + 12, 0x7F80)  # p_paddr of segment 0 (.text)
    err = refused(bytes(data))
    assert err.reason.startswith("program too large") and "0x8000" in err.reason
    assert err.location == "section .text"


def test_relocatable_object_file_is_refused():
    err = refused(avr_elf([], e_type=1))
    assert "object file" in err.reason


def test_avr_elf_with_nothing_for_flash_is_refused():
    err = refused(avr_elf([(0x810000, b"\x01")]))
    assert "no program" in err.reason


def test_64_bit_avr_elf_is_refused_as_corrupt():
    err = refused(elf64_header(83))
    assert "32-bit" in err.reason


# --------------------------------------------------------------------------- #
# robustness and packaging
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("source", [TINY_ELF, TINY_HEX], ids=["elf", "hex"])
def test_mangled_files_only_ever_raise_firmware_error(source):
    original = source.read_bytes()
    rng = random.Random(328)
    for _ in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.getrandbits(8)
        if rng.random() < 0.3:
            del data[rng.randrange(len(data)) :]
        try:
            fw = firmware_from_bytes(bytes(data), "fuzz")
        except FirmwareError as err:
            assert "\n" not in str(err) and str(err).startswith("fuzz: ")
        else:
            assert fw.flash.shape == (FLASH_WORDS,)


def test_firmware_package_stands_alone():
    code = (
        "import sys, breadboard.firmware\n"
        "mods = [m for m in sys.modules if m.startswith('breadboard')]\n"
        "extra = [m for m in mods if m not in "
        "('breadboard', 'breadboard.firmware', 'breadboard.firmware.loader')]\n"
        "heavy = [m for m in ('numba', 'PySide6', 'pyqtgraph') if m in sys.modules]\n"
        "print(extra, heavy)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[] []"


def test_utf8_text_is_named_as_text_not_binary_data(tmp_path):
    """A README or a sketch with a non-ASCII character is text: the refusal says so and names
    the character and its column (in characters), not "binary data" (issue 12)."""
    path = tmp_path / "README.md"
    path.write_text("# breadboard\n\nPython \u2265 3.10\n", encoding="utf-8")
    err = refused(path)
    assert "binary" not in err.reason
    assert err.reason == "not an Intel HEX file (UTF-8 text: '\u2265' (U+2265) at column 8)"
    assert err.location == "line 3"


def test_elf_data_symbols_name_the_variables_at_their_avr_nm_data_addresses():
    """avr-nm: ``0080012e 00000002 b presses``: data symbols are the data-space address
    (0x800000 subtracted) of each STT_OBJECT in .data/.bss; flash symbols leave them out."""
    fw = load_elf(firmware_path("delay_in_isr", "elf"))
    assert fw.data_symbols["presses"] == 0x12E
    assert fw.data_sizes["presses"] == 2
    assert fw.data_symbols["timer0_millis"] == 0x131
    assert fw.variable_at(0x12F) == ("presses", 1)
    assert fw.variable_at(0x133) == ("timer0_millis", 2)
    assert fw.variable_at(0x8FF) is None
    assert "presses" not in fw.symbols.values()


def test_hex_files_have_no_data_symbols():
    fw = load_hex(TINY_HEX)
    assert fw.data_symbols == {} and fw.variable_at(0x100) is None


def test_elf_line_table_maps_addresses_to_source_lines_as_avr_objdump_decodes_them():
    # avr-objdump --dwarf=decodedline src_lines.elf: 0x80 line 7 then 8 (the last row at an
    # address wins: the statement, not the opening brace), 0x86 line 13, 0x8a line 15
    fw = load_firmware(firmware_path("src_lines", "elf"))
    assert fw.lines == {0x80: ("src_lines.c", 8), 0x86: ("src_lines.c", 13),
                        0x8A: ("src_lines.c", 15)}  # fmt: skip
    assert load_firmware(firmware_path("src_lines", "hex")).lines == {}


def test_a_corrupt_line_table_costs_only_the_source_lines(tmp_path):
    data = bytearray(Path(firmware_path("src_lines", "elf")).read_bytes())
    from elftools.elf.elffile import ELFFile

    with open(firmware_path("src_lines", "elf"), "rb") as f:
        section = ELFFile(f).get_section_by_name(".debug_line")
        offset, size = section["sh_offset"], section["sh_size"]
    data[offset : offset + size] = b"\xff" * size
    bad = tmp_path / "bad_lines.elf"
    bad.write_bytes(bytes(data))
    fw = load_firmware(bad)
    assert "toggle" in fw.symbols.values() and isinstance(fw.lines, dict)
    assert fw.lines == {}
