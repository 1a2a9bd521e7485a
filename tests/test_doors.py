"""Every door bounded, and the silent cases made loud (issue 15): firmware size caps, text
that is not firmware, a mid-file EOF record, an ELF for another AVR, run lengths the kernel
can count, exponent notation, inputs after the run's end, analog values out of range."""

from __future__ import annotations

from pathlib import Path

import pytest

from breadboard.cli import EXIT_BAD_FIRMWARE, EXIT_OK, EXIT_USAGE, main
from breadboard.firmware import FirmwareError, load_firmware
from breadboard.sim import parse_time

ROOT = Path(__file__).resolve().parents[1]
MCU = ROOT / "tests" / "data" / "mcu"


def test_an_endless_stream_is_refused_after_the_size_cap(capsys):
    assert main(["run", "/dev/zero"]) == EXIT_BAD_FIRMWARE
    assert "/dev/zero: too large for a firmware file" in capsys.readouterr().err


def test_utf8_text_is_called_text_not_binary_data():
    with pytest.raises(FirmwareError) as info:
        load_firmware(ROOT / "README.md")
    assert "UTF-8 text" in str(info.value) and "binary" not in str(info.value)


def test_an_end_of_file_record_in_the_middle_is_refused_naming_its_line(firmware, tmp_path):
    lines = Path(firmware("blink")).read_text().splitlines()
    bad = tmp_path / "mid_eof.hex"
    bad.write_text("\n".join(lines[:3] + [":00000001FF"] + lines[3:]) + "\n")
    with pytest.raises(FirmwareError) as info:
        load_firmware(bad)
    assert info.value.location == "line 4" and "more records follow" in str(info.value)


@pytest.mark.parametrize("mcu", ["atmega2560", "attiny85"])
def test_an_elf_built_for_another_avr_is_refused_naming_it(mcu):
    with pytest.raises(FirmwareError, match=f"built for the {mcu}, not the ATmega328P"):
        load_firmware(MCU / f"{mcu}.elf")


def test_the_same_program_built_for_the_atmega328p_loads():
    assert load_firmware(MCU / "atmega328p.elf").size > 0


def test_cycles_past_the_kernels_counter_are_refused_not_a_traceback(firmware, capsys):
    code = main(["run", str(firmware("blink")), "--cycles", str(2**63)])
    assert code == EXIT_USAGE
    assert "too long: the simulator counts up to 2^62 cycles" in capsys.readouterr().err


def test_exponent_notation_is_read_and_too_long_says_why():
    assert parse_time("1e3c", 16_000_000) == 1000
    assert parse_time("2.5e-3s", 16_000_000) == 40_000
    with pytest.raises(ValueError, match="too long"):
        parse_time("1e18s", 16_000_000)
    with pytest.raises(ValueError, match="exponent is out of range"):
        parse_time("1e999999s", 16_000_000)


def test_inputs_after_the_runs_end_are_warned_about(firmware, capsys):
    argv = ["run", str(firmware("blink")), "--time", "10ms", "--input", "D2=0@2s"]
    argv += ["--analog", "A0=1@1e9c"]
    assert main(argv) == EXIT_OK
    err = capsys.readouterr().err
    assert "--input D2=0@2s is after the run's end (10 ms): never applied" in err
    assert "--analog A0=1@1e9c is after the run's end" in err


def test_an_analog_value_out_of_range_is_clamped_saying_so(firmware, capsys):
    assert main(["run", str(firmware("blink")), "--time", "1ms", "--analog", "A0=99"]) == 0
    assert "A0=99 V is outside the Uno's 0-5 V: applied as 5 V" in capsys.readouterr().err
