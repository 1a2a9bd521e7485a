"""``breadboard run``: headless runs, VCD output, inputs, summaries and errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from vcd.reader import TokenKind, tokenize

from breadboard.cli import main

# toggle_loop.S: PD2 (D2) toggles when each `sbi PIND,2` completes: first at cycle 298, then
# every 300 cycles (ldi 1 + dec/brne 3*97-1 + sbi 2 + 6 cycles of loop tail). PB5 (D13)
# toggles 4 cycles after every 4th D2 toggle: 1202, 2402, ... DDRB5 is set at cycle 2 and
# DDRD2 at cycle 4 (each sbi takes 2 cycles from reset at cycle 0).
D2_FIRST, D2_PERIOD = 298, 300
D13_FIRST, D13_PERIOD = 1202, 1200


def read_vcd(path):
    """{signal name: [(time in cycles, value), ...]} using pyvcd's reader."""
    ids, changes, scale = {}, {}, None
    time = 0
    with open(path, "rb") as f:
        for tok in tokenize(f):
            if tok.kind is TokenKind.TIMESCALE:
                scale = tok.timescale
            elif tok.kind is TokenKind.VAR:
                ids[tok.var.id_code] = tok.var.reference
                changes[tok.var.reference] = []
            elif tok.kind is TokenKind.CHANGE_TIME:
                time = tok.time_change
            elif tok.kind is TokenKind.CHANGE_SCALAR:
                changes[ids[tok.scalar_change.id_code]].append((time, tok.scalar_change.value))
    return scale, changes


def test_vcd_edges_fall_on_the_cycles_the_instruction_counts_predict(tmp_path, firmware, capsys):
    out = tmp_path / "toggle.vcd"
    code = main(["run", str(firmware("toggle_loop")), "--cycles", "20000", "--vcd", str(out)])
    assert code == 0
    scale, changes = read_vcd(out)
    assert (int(scale.magnitude), str(scale.unit.value)) == (100, "ps")  # 62.5 ns = 625 steps
    names = [f"D{i}" for i in range(14)] + [f"A{i}" for i in range(6)]
    assert set(changes) == set(names)

    def cycles(name):
        return [(t // 625, v) for t, v in changes[name] if t > 0 or v != "z"]

    assert all(t % 625 == 0 for name in names for t, _ in changes[name])
    d2 = cycles("D2")
    assert d2[0] == (4, "0")  # DDRD2 set: the pin starts driving low
    toggles = d2[1:]
    assert [t for t, _ in toggles[:5]] == [D2_FIRST + k * D2_PERIOD for k in range(5)]
    assert [v for _, v in toggles[:4]] == ["1", "0", "1", "0"]
    d13 = cycles("D13")
    assert d13[0] == (2, "0")
    assert [t for t, _ in d13[1:4]] == [D13_FIRST + k * D13_PERIOD for k in range(3)]
    assert changes["D7"] == [(0, "z")]  # an untouched input floats


def test_json_summary_reports_time_cycles_speed(firmware, capsys):
    assert main(["run", str(firmware("toggle_loop")), "--time", "10ms", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["cycles"] >= 160_000 and summary["cycles"] < 160_004
    assert summary["requested_cycles"] == 160_000
    assert summary["simulated_seconds"] == pytest.approx(0.01, abs=1e-6)
    assert summary["status"] == "running"
    # "running" is the CPU's state at the end, not an unfinished run: the summary says so.
    assert summary["completed"] is True
    assert summary["status_meaning"].startswith("the run reached its length")
    for key in ("wall_seconds", "simulated_mhz", "real_time_factor", "instructions"):
        assert summary[key] > 0


def test_plain_summary_goes_to_stderr(firmware, capsys):
    assert main(["run", str(firmware("toggle_loop")), "--time", "1ms"]) == 0
    err = capsys.readouterr().err
    assert "16,000 cycles" in err and "simulated MHz" in err and "real-time factor" in err


def test_input_drives_a_pin_at_its_simulated_time(tmp_path, firmware):
    """--input D7=1@1ms drives D7 high at cycle 16000; z releases it; units c/us/ms/s."""
    out = tmp_path / "in.vcd"
    argv = ["run", str(firmware("toggle_loop")), "--time", "3ms", "--vcd", str(out)]
    argv += ["--input", "D7=1@1ms", "--input", "D7=0@2000us", "--input", "D7=z@40000c"]
    assert main(argv) == 0
    _, changes = read_vcd(out)
    assert changes["D7"] == [
        (0, "z"),
        (16_000 * 625, "1"),
        (32_000 * 625, "0"),
        (40_000 * 625, "z"),
    ]


@pytest.mark.parametrize(
    "arg, message",
    [
        ("D2=2@1ms", "cannot read --input"),
        ("D2=1", "cannot read --input"),
        ("D99=1@1ms", "unknown Uno pin"),
        ("D2=1@10parsecs", "unknown time unit"),
    ],
)
def test_bad_input_option_is_a_usage_error(firmware, capsys, arg, message):
    assert main(["run", str(firmware("toggle_loop")), "--input", arg]) == 2
    assert message in capsys.readouterr().err


def test_serial_option_prints_transmitted_text(firmware, capsys):
    """--serial prints the bytes the firmware transmits on the USART."""
    code = main(["run", str(firmware("serial_hello")), "--time", "300ms", "--serial"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Hello, breadboard! 0\r\nHello, breadboard! 1\r\n")


def test_sleep_with_interrupts_disabled_stops_the_run_early(firmware, capsys):
    assert main(["run", str(firmware("cpu_bench_short")), "--time", "10s", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "stopped"
    assert summary["completed"] is False and "SLEEP" in summary["status_meaning"]
    assert summary["cycles"] < summary["requested_cycles"]


def test_bad_firmware_is_one_line_on_stderr_and_a_nonzero_exit(tmp_path):
    bad = tmp_path / "broken.hex"
    bad.write_text(":10000000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF01\n:00000001FF\n")
    result = subprocess.run(
        [sys.executable, "-m", "breadboard", "run", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "broken.hex" in lines[0] and "checksum" in lines[0] and "line 1" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_firmware_file_is_reported(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.hex")]) == 3
    err = capsys.readouterr().err
    assert "nope.hex" in err and "Traceback" not in err


def test_firmware_that_runs_into_erased_flash_halts_with_a_report(tmp_path, capsys):
    """A program that falls off its end executes 0xFFFF (undefined): the run reports the PC
    and the word and exits non-zero."""
    prog = tmp_path / "runaway.hex"
    # two NOPs, then erased flash (0xFFFF) at byte address 4
    prog.write_text(":0400000000000000FC\n:00000001FF\n")
    assert main(["run", str(prog), "--time", "1ms"]) == 4
    err = capsys.readouterr().err
    assert "undefined instruction 0xffff at PC 0x0004" in err
