"""The ``breadboard`` command: ``breadboard run FIRMWARE`` headless; no subcommand opens the app."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from .circuit import uno_pin
from .sim import (
    HALTED,
    RUNNING,
    SLEEPING,
    STOPPED,
    FirmwareError,
    SketchBuildError,
    VcdStream,
    format_time,
    kernel_compile_helper,
    parse_time,
    warm_up,
)
from .sim.board import Board, open_board
from .sim.irqstats import format_table
from .sim.simulation import BREAK
from .sim.units import check_cycles

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BAD_FIRMWARE = 3
EXIT_HALTED = 4
EXIT_BREAK = 5  # a --break or --watch stopped the run
EXIT_BUILD_FAILED = 7  # `breadboard build` / `run SKETCH`: the sketch did not compile
EXIT_NO_TOOLCHAIN = 6  # no toolchain to build sketches with
EXIT_NO_DISPLAY = 8  # the app cannot start: Qt's platform plugin lacks system libraries

#: The summary's "status" is the CPU's state when the run ended, said in words.
STATUS_MEANING = {
    RUNNING: "the run reached its length with the CPU executing instructions",
    SLEEPING: "the run reached its length with the CPU asleep, waiting for an interrupt (or a "
    "watchdog reset)",
    STOPPED: "the CPU stopped early: SLEEP with interrupts disabled and no watchdog reset to "
    "come (only a reset would wake it)",
    HALTED: "the CPU halted early (see halt_reason)",
}

_INPUT = re.compile(r"^\s*([A-Za-z_0-9]+)\s*=\s*([01zZ])\s*@\s*(.+)$")


def _parse_input(text: str, f_cpu: int) -> tuple[str, int | None, int]:
    m = _INPUT.match(text)
    if not m:
        raise ValueError(
            f"cannot read --input {text!r}: write PIN=LEVEL@TIME, e.g. D2=0@10ms (LEVEL 0, 1 or z)"
        )
    pin = uno_pin(m.group(1)).name
    level = None if m.group(2) in "zZ" else int(m.group(2))
    return pin, level, parse_time(m.group(3), f_cpu)


_ANALOG = re.compile(r"^\s*([A-Za-z_0-9]+)\s*=\s*([-+]?[0-9]*\.?[0-9]+)\s*[vV]?\s*(?:@\s*(.+))?$")


def _parse_analog(text: str, f_cpu: int) -> tuple[str, float, int | None]:
    m = _ANALOG.match(text)
    if not m:
        raise ValueError(
            f"cannot read --analog {text!r}: write PIN=VOLTS or PIN=VOLTS@TIME, e.g. A0=2.5 or "
            "A0=3.3@10ms"
        )
    at = parse_time(m.group(3), f_cpu) if m.group(3) else None
    return m.group(1), float(m.group(2)), at


#: The voltages a pin can take: the Uno's 0-5 V supply (the chip's absolute maximum is
#: VCC + 0.5 V, where its protection diodes clamp; the ADC reads anything past AREF as 1023).
VOLTS_MIN, VOLTS_MAX = 0.0, 5.0


def _clamp_volts(pin: str, volts: float) -> float:
    if VOLTS_MIN <= volts <= VOLTS_MAX:
        return volts
    clamped = min(max(volts, VOLTS_MIN), VOLTS_MAX)
    print(
        f"breadboard: warning: --analog {pin}={volts:g} V is outside the Uno's 0-5 V: "
        f"applied as {clamped:g} V",
        file=sys.stderr,
    )
    return clamped


def _warn_past_end(args, requested: int, f_cpu: int, inputs, analog) -> None:
    """Say which inputs fall after the run's end (they would be silently never applied)."""
    end = format_time(requested / f_cpu)
    for text, (_, _, at) in zip(args.input, inputs, strict=True):
        if at > requested:
            print(
                f"breadboard: warning: --input {text} is after the run's end ({end}): "
                "never applied",
                file=sys.stderr,
            )
    for text, (_, _, at) in zip(args.analog, analog, strict=True):
        if at is not None and at > requested:
            print(
                f"breadboard: warning: --analog {text} is after the run's end ({end}): "
                "never applied",
                file=sys.stderr,
            )


_ESCAPES = {"n": 10, "r": 13, "t": 9, "0": 0, "a": 7, "b": 8, "f": 12, "v": 11, "e": 27}


def parse_escapes(text: str) -> bytes:
    """``text`` as UTF-8 bytes, with C-style escapes: \\n \\r \\t \\0 \\a \\b \\f
    \\v \\e, \\xNN (one byte), and a backslash before any other character stands for
    that character (\\\\, \\", \\')."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
        elif i + 1 == len(text):
            raise ValueError(f"cannot read {text!r}: it ends with a lone backslash")
        elif text[i + 1] == "x":
            digits = text[i + 2 : i + 4]
            if len(digits) != 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError(f"cannot read {text!r}: \\x needs two hex digits")
            out.append(int(digits, 16))
            i += 4
        else:
            esc = text[i + 1]
            out += bytes([_ESCAPES[esc]]) if esc in _ESCAPES else esc.encode("utf-8")
            i += 2
    return bytes(out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="breadboard",
        description="A virtual breadboard for the Arduino Uno. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser(
        "run",
        help="run a firmware headless, as fast as possible",
        description="Run a .hex or .elf firmware on a simulated ATmega328P at 16 MHz, headless.",
    )
    run.add_argument(
        "firmware",
        help="Intel HEX (.hex) or ELF (.elf) file, a sketch (.ino or sketch folder, built "
        "first), or a MicroPython script (.py)",
    )
    length = run.add_mutually_exclusive_group()
    length.add_argument(
        "--time", default="1s", help="simulated time to run: 2s, 500ms, 100us, 1000c (default 1s)"
    )
    length.add_argument("--cycles", type=int, help="number of CPU cycles to run")
    run.add_argument("--vcd", metavar="FILE", help="write every Uno pin's changes to a VCD file")
    run.add_argument("--serial", action="store_true", help="print what the firmware transmits")
    run.add_argument(
        "--serial-in",
        metavar="TEXT",
        help="send TEXT to the firmware's serial port (RX, D0) at its configured baud rate; "
        "escapes \\n \\r \\t \\0 \\\\ \\xNN",
    )
    run.add_argument(
        "--serial-in-at",
        metavar="TIME",
        default="1ms",
        help="simulated time the --serial-in text starts (default 1ms, after Serial.begin)",
    )
    run.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="PIN=LEVEL@TIME",
        help="drive a pin from outside at a simulated time, e.g. D2=0@10ms (LEVEL 0, 1, or z "
        "to release; TIME in c, us, ms or s); repeatable",
    )
    run.add_argument(
        "--analog",
        action="append",
        default=[],
        metavar="PIN=VOLTS[@TIME]",
        help="apply a voltage to an analog input from the start or from a simulated time, e.g. "
        "A0=2.5 or A0=3.3@10ms (A0-A5; D6/D7 = comparator AIN0/AIN1; AREF); repeatable",
    )
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run.add_argument(
        "--irq-stats",
        action="store_true",
        help="print the interrupt vector table's statistics (enabled or entered vectors)",
    )
    run.add_argument(
        "--break",
        dest="breaks",
        action="append",
        default=[],
        metavar="ADDR|SYMBOL|VECTOR",
        help="stop before the instruction at a flash byte address, an ELF function or a "
        "vector's handler (e.g. 0x1a4, loop, TIMER2_COMPA); repeatable",
    )
    run.add_argument(
        "--watch",
        action="append",
        default=[],
        metavar="ADDR|REGISTER",
        help="stop after the program writes a data address or I/O register (e.g. 0x100, "
        "OCR2A); repeatable",
    )
    build = sub.add_parser(
        "build",
        help="build an Arduino sketch for the Uno with the local toolchain",
        description="Build a sketch (.ino or sketch folder) for the Uno as the Arduino IDE does, "
        "with arduino-cli, an Arduino IDE installation or Debian's gcc-avr + arduino-core-avr "
        "(BREADBOARD_TOOLCHAIN, BREADBOARD_ARDUINO_CLI, BREADBOARD_AVR_GCC and "
        "BREADBOARD_ARDUINO_AVR choose one). Exit status 7: compile errors; 6: no toolchain.",
    )
    build.add_argument("sketch", help="a .ino file or a sketch folder")
    build.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the firmware here (.hex, or .elf for the ELF with symbols); default: print "
        "where the build put them",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="breadboard",
        description="A virtual breadboard for the Arduino Uno. 'breadboard run --help' for the "
        "headless runner.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        help="a firmware (.hex/.elf), a sketch (.ino or sketch folder), a MicroPython script "
        "(.py) or a circuit (.json) to open",
    )
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="compile the simulator into its cache and exit (done on the first launch)",
    )
    # Hidden: the packaged app's self-check (packaging/check_bundle.sh): open an example, run
    # SECONDS of simulated time flat out, print a summary and exit (0 = it ran).
    parser.add_argument("--smoke-test", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("--example", default="blink", metavar="NAME", help=argparse.SUPPRESS)
    return parser


def _summary(sim: Board, wall: float, requested: int, startup: float) -> dict:
    cycles = sim.active_cycles
    sim_s = cycles / sim.f_cpu
    summary = {
        "firmware": sim.program_path,
        "status": sim.status,
        "status_meaning": STATUS_MEANING.get(sim.status, sim.status),
        "completed": sim.status in (RUNNING, SLEEPING) and cycles >= requested,
        "simulated_seconds": sim_s,
        "cycles": cycles,
        "requested_cycles": requested,
        "instructions": getattr(sim, "instructions", 0),
        "wall_seconds": wall,
        "startup_seconds": startup,
        "simulated_mhz": cycles / wall / 1e6 if wall > 0 else None,
        "real_time_factor": sim_s / wall if wall > 0 else None,
    }
    if sim.status == HALTED:
        summary["halt_reason"] = sim.halt_reason
    return summary


def build_command(args: argparse.Namespace) -> int:
    """``breadboard build SKETCH [-o FILE]``."""
    import shutil

    from .build import NoToolchainError, SketchError, build_sketch, install_hint

    log = None if args.quiet else (lambda text: sys.stderr.write(text))
    try:
        result = build_sketch(args.sketch, log=log)
    except SketchError as e:
        print(f"breadboard: {e}", file=sys.stderr)
        return EXIT_USAGE
    except NoToolchainError:
        print(f"breadboard: {install_hint()}", file=sys.stderr)
        return EXIT_NO_TOOLCHAIN
    if not result.ok:
        if args.quiet:
            sys.stderr.write(result.output)
        return EXIT_BUILD_FAILED
    if args.output:
        src = result.elf if args.output.lower().endswith(".elf") else result.hex
        if src is None:
            print(f"breadboard: the toolchain made no {args.output[-4:]} file", file=sys.stderr)
            return EXIT_BUILD_FAILED
        try:
            shutil.copyfile(src, args.output)
        except OSError as e:
            print(f"breadboard: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
            return EXIT_USAGE
        print(args.output)
    else:
        print(result.hex)
        if result.elf:
            print(result.elf)
    return EXIT_OK


def run_command(args: argparse.Namespace, started: float) -> int:
    from .build import find_toolchain, install_hint, is_sketch_path

    if is_sketch_path(args.firmware) and find_toolchain() is None:
        print(f"breadboard: {install_hint()}", file=sys.stderr)
        return EXIT_NO_TOOLCHAIN
    try:
        # history=0: a run of any length holds only what the asked outputs need (streamed
        # through listeners below), never the whole trace.
        sim = open_board(args.firmware, history=0)
    except SketchBuildError as e:
        if e.result is not None:
            sys.stderr.write(e.result.output)
        print(f"breadboard: {e}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except FirmwareError as e:
        print(f"breadboard: {e}", file=sys.stderr)
        return EXIT_BAD_FIRMWARE
    try:
        if args.cycles is not None:
            requested = check_cycles(args.cycles)
        else:
            requested = parse_time(args.time, sim.f_cpu)
        inputs = [_parse_input(text, sim.f_cpu) for text in args.input]
        serial_in = None
        if args.serial_in is not None:
            serial_in = (parse_escapes(args.serial_in), parse_time(args.serial_in_at, sim.f_cpu))
        analog = [_parse_analog(text, sim.f_cpu) for text in args.analog]
        for pin, volts, at in analog:
            sim.set_voltage(pin, _clamp_volts(pin, volts), at)
        for text in args.breaks:
            sim.add_breakpoint(text)
        for text in args.watch:
            sim.add_watch(text)
        if args.irq_stats:
            sim.irq_stats()  # a board without them says so before the run
    except (ValueError, KeyError) as e:
        print(f"breadboard: {e.args[0] if e.args else e}", file=sys.stderr)
        return EXIT_USAGE
    if requested < 0:
        print("breadboard: the run length must not be negative", file=sys.stderr)
        return EXIT_USAGE
    _warn_past_end(args, requested, sim.f_cpu, inputs, analog)
    vcd = None
    if args.vcd:
        try:  # opened before the run: an unwritable path fails at once
            vcd = VcdStream(args.vcd, {n: t.level for n, t in sim.pins.items()}, sim.f_cpu)
        except OSError as e:
            print(f"breadboard: cannot write {args.vcd}: {e.strerror or e}", file=sys.stderr)
            return EXIT_USAGE
        sim.add_listener(vcd)
    serial = bytearray()
    if args.serial:
        sim.add_listener(lambda news: serial.extend(news.serial[:, 1].astype(np.uint8).tobytes()))
    for pin, level, at in inputs:
        sim.drive(pin, level, at=at)

    sim.prepare()  # compile what the board needs (the AVR kernel) before the clock starts
    start = time.perf_counter()
    if serial_in is not None and serial_in[1] <= requested:
        sim.run_until(serial_in[1])  # the firmware sets its baud rate first
        sim.send_serial(serial_in[0], at=serial_in[1])
    status = sim.run_until(requested)
    wall = time.perf_counter() - start
    sim.close()
    summary = _summary(sim, wall, requested, start - started)
    stop = sim.stop_reason if status == BREAK else None
    if stop is not None:
        summary["stop"] = asdict(stop)
    if args.irq_stats:
        stats = sim.irq_stats()
        if args.json:
            summary["irq_stats"] = stats.to_dict()
        else:
            print(format_table(stats))

    if vcd is not None:
        try:
            vcd.close(end_cycle=sim.active_cycles)
        except OSError as e:
            print(f"breadboard: cannot write {args.vcd}: {e.strerror or e}", file=sys.stderr)
            return EXIT_USAGE
        summary["vcd"] = args.vcd
    if args.serial:
        text = serial.decode("latin-1")
        if args.json:
            summary["serial"] = text
        else:
            sys.stdout.write(text)
            if text and not text.endswith("\n"):
                sys.stdout.write("\n")
    if args.json:
        print(json.dumps(summary))
    else:
        _print_summary(summary)
    if sim.status == HALTED:
        print(f"breadboard: {args.firmware}: halted: {sim.halt_reason}", file=sys.stderr)
        return EXIT_HALTED
    if stop is not None:
        print(
            f"breadboard: {args.firmware}: stopped at {stop.cycle / sim.f_cpu:.6f} s "
            f"(cycle {stop.cycle}): {stop.text}",
            file=sys.stderr,
        )
        return EXIT_BREAK
    return EXIT_OK


def _print_summary(s: dict) -> None:
    err = sys.stderr
    print(
        f"simulated {format_time(s['simulated_seconds'])} ({s['cycles']:,} cycles, "
        f"{s['instructions']:,} instructions) in {format_time(s['wall_seconds'])} wall time",
        file=err,
    )
    if s["simulated_mhz"] is not None:
        print(
            f"{s['simulated_mhz']:.1f} simulated MHz, real-time factor "
            f"{s['real_time_factor']:.2f}x",
            file=err,
        )
    if s["status"] == STOPPED:
        print(
            "stopped early: SLEEP with interrupts disabled (only a reset wakes the CPU)", file=err
        )


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--kernel-compile-helper"]:
        return kernel_compile_helper()  # the packaged app's compile helper (breadboard.avr.warm)
    if argv and argv[0] == "run":
        return run_command(build_parser().parse_args(argv), started)
    if argv and argv[0] == "build":
        return build_command(build_parser().parse_args(argv))
    args = build_app_parser().parse_args(argv)
    if args.warm_cache:
        report = warm_up()
        how = "loaded from the cache"
        if report["cold"]:
            how = "compiled on two cores" if report["helper"] else "compiled"
        print(f"simulator ready ({report['seconds']:.1f} s, {how})")
        return EXIT_OK
    if args.smoke_test is not None:
        return smoke_app(args.example, args.smoke_test)
    return open_app(args.file)


def _qt_can_start() -> bool:
    """Look for the system libraries Qt's platform plugin needs before Qt starts (a missing
    one makes Qt abort with a misleading hint): one line on stderr naming them and the apt
    command that installs them, and False, when some are missing."""
    from .ui.syslibs import diagnose

    problem = diagnose()
    if problem:
        print(problem, file=sys.stderr)
        return False
    return True


def open_app(path: str | None) -> int:
    """Open the desktop app (optionally with a firmware file)."""
    if not _qt_can_start():
        return EXIT_NO_DISPLAY
    try:
        from .ui.app import run_app
    except ImportError as e:
        print(f"breadboard: the desktop app cannot start: {e}", file=sys.stderr)
        return EXIT_USAGE
    return run_app(path)


def smoke_app(example: str, seconds: float) -> int:
    """The hidden ``--smoke-test SECONDS [--example NAME]``: see ``ui.app.smoke_test``."""
    if not _qt_can_start():
        return EXIT_NO_DISPLAY
    try:
        from .ui.app import smoke_test
    except ImportError as e:
        print(f"breadboard: the desktop app cannot start: {e}", file=sys.stderr)
        return EXIT_USAGE
    return smoke_test(example, seconds)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
