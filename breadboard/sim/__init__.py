"""The simulation: one Mcu plus the Uno's pins, run in slices, recorded as traces.

No Qt here: the CLI, the app's worker thread and the tests all use this package.
"""

from ..avr import CACHE_DIR as KERNEL_CACHE_DIR
from ..avr import F_CPU, VECTOR_NAMES, kernel_ready, warm_up
from ..avr.warm import helper_main as kernel_compile_helper
from ..firmware import Firmware, FirmwareError, load_firmware
from .simulation import (
    FLOATING,
    HALTED,
    HIGH,
    LOW,
    RUNNING,
    SLEEPING,
    STOPPED,
    Simulation,
    SketchBuildError,
    TraceNews,
    load_sketch_or_firmware,
)
from .trace import PinTrace, Trace
from .units import format_time, parse_time
from .vcd import VcdStream, timescale_for, write_vcd

__all__ = [
    "Simulation",
    "SketchBuildError",
    "load_sketch_or_firmware",
    "Firmware",
    "FirmwareError",
    "load_firmware",
    "PinTrace",
    "Trace",
    "LOW",
    "HIGH",
    "FLOATING",
    "RUNNING",
    "SLEEPING",
    "HALTED",
    "STOPPED",
    "parse_time",
    "format_time",
    "timescale_for",
    "write_vcd",
    "VcdStream",
    "TraceNews",
    "warm_up",
    "kernel_ready",
    "kernel_compile_helper",
    "KERNEL_CACHE_DIR",
    "VECTOR_NAMES",
    "F_CPU",
]
