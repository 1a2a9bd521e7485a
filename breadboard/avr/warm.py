"""Getting the compiled kernel ready: from the disk cache, or compiled on two cores.

numba compiles one function at a time and holds the GIL while it does: about 19 s for the
whole kernel on one core of this project's 2-core machine. A function can only be compiled
once everything it calls is, so the call tree sets the order, but its branches are
independent. On a cold cache ``warm_up`` starts one helper process and the two share the
tree in stages, both writing numba's disk cache and loading what the other compiled from it:

1. the peripherals, module by module (each module's contract functions and all below them;
   the modules share little code: pins and two small helpers are compiled by both). Each
   process starts with its own part (the helper with the timers, the largest; this process
   with the pins and the CPU's rare paths), then takes the ``SHARED`` modules one at a time,
   largest first, whichever process is free first (a claim file each, created exclusively):
   the stage ends balanced however the two processes' speeds differ;
2. the dispatchers and the loop: the helper compiles ``update``, ``io_read``, the resets,
   interrupts and sleep, in the order ``run_slice`` calls them, while this process compiles
   ``io_write`` and then ``run_slice``, whose untyped passes (about a second) take the time
   the helper needs to put each callee in the cache before the typing asks for it.

The processes meet between stages over the helper's stdin/stdout: one line each way. If the
helper cannot start or dies, this process compiles what is missing itself, as a cold start
without the helper would. Each function is compiled for the exact argument types its callers
pass (``STAGES``); ``warm_up`` reports any function compiled twice, and a test checks there
are none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path

import numpy as np
from numba import config, typeof
from numba.core import types

from . import _cache
from .dispatch import DECODED_SIZE, OP_WRAP
from .isa import FLASH_WORDS
from .jit import KERNEL_FUNCTIONS
from .kernel import run_slice
from .periph import chip_reset
from .regs import DATA_ALLOC, IRQ_LOG_COLS, PERIPHERALS, PIN_LOG_COLS, STATE_SIZE, UART_LOG_COLS

#: File written into the cache directory once the kernel compiled there.
READY_MARKER = "ready"

_loaded = False  # this process has loaded (or compiled) run_slice through warm_up

_U8 = typeof(np.zeros(1, np.uint8))
_U16 = typeof(np.zeros(1, np.uint16))
_I32 = typeof(np.zeros(1, np.int32))
_I64 = typeof(np.zeros(1, np.int64))
_LOG = typeof(np.zeros((1, 1), np.int64))
_i = types.int64
_b = types.boolean

#: The argument types of a peripheral module's contract functions (see periph.py).
CONTRACT = {
    "reset": (_U8, _I64, _i),
    "read": (_U8, _I64, _i, _i),
    "write": (_U8, _I64, _i, _i, _i, _LOG, _LOG),
    "update": (_U8, _I64, _i, _LOG, _LOG),
    "pin_change": (_U8, _I64, _i, _i, _i, _i),
}


def _module(name: str, *extra: tuple[str, tuple]) -> tuple[tuple[str, str, tuple], ...]:
    """A peripheral module's contract functions, as its ``regs.PERIPHERALS`` row declares
    them, then ``extra`` (function, types) pairs."""
    row = next(p for p in PERIPHERALS if p.module == name)
    kinds = ["reset", "read", "write"] + ["update"] * row.update + ["pin_change"] * row.pin_change
    contract = tuple((name, f"{name}_{kind}", CONTRACT[kind]) for kind in kinds)
    return contract + tuple((name, fn, sig) for fn, sig in extra)


#: The peripheral modules whose contract functions the helper process compiles first.
HELPER_MODULES = ("timers",)
#: The modules either process compiles once its own part is done, in this order (largest
#: first); every other module's contract functions are compiled here, first.
SHARED_MODULES = ("usart", "adc", "wdt", "spi", "twi", "eeprom", "extint", "acomp", "sysctl")
#: The environment variable naming the directory of claim files (set for the helper).
CLAIMS_ENV = "BREADBOARD_WARM_CLAIMS"
#: Functions of peripheral modules beyond the contract that the dispatcher calls.
EXTRA = {
    "adc": (("adc_sleep", CONTRACT["reset"]),),
    "wdt": (("wdt_kick", CONTRACT["reset"]),),
    "sysctl": (("wakes", (_i, _i)), ("wake_delay", (_i,))),
    "timers": (("timers_clock", (_U8, _I64, _i, _b)),),
}
_MODULES = tuple(dict.fromkeys(p.module for p in PERIPHERALS if p.module != "pins"))


def _modules(*names: str) -> tuple[tuple[str, str, tuple], ...]:
    return tuple(fn for m in names for fn in _module(m, *EXTRA.get(m, ())))


_MAIN_MODULES = tuple(m for m in _MODULES if m not in HELPER_MODULES + SHARED_MODULES)


Part = tuple[tuple[str, str, tuple], ...]

#: Per stage, (this process's part, the helper's part): (module, function, argument types).
STAGES: tuple[tuple[Part, Part], ...] = (
    (
        _modules(*_MAIN_MODULES)
        + (
            ("slowpath", "pending_vector", (_U8, _I64)),
            ("slowpath", "spm", (_U8, _U16, _I64, _i, _i, _i)),
            ("slowpath", "flush_lost", (_I64, _LOG)),
            ("slowpath", "ioff_end", (_I64, _LOG, _i)),
            ("slowpath", "watch_hit", (_I64, _i, _i, _i, _i)),
            ("pins", "refresh", (_U8, _I64, _LOG, _i, _i)),
            ("pins", "port_read", CONTRACT["read"]),
            ("pins", "port_write", (_U8, _I64, _LOG, _i, _i, _i)),
        ),
        _modules(*HELPER_MODULES),
    ),
    (
        (
            ("periph", "io_write", (_U8, _I64, _i, _i, _i, _i, _i, _LOG, _LOG)),
            ("kernel", "run_slice", (_U8, _U16, _I32, _I32, _I32, _I64, _LOG, _LOG, _LOG, _i)),
        ),
        (  # in the order run_slice calls them: this process types run_slice meanwhile
            ("periph", "chip_reset", (_U8, _I64, _i, _LOG, _i)),
            ("periph", "update", CONTRACT["update"]),
            ("periph", "wake", CONTRACT["reset"]),
            ("periph", "io_read", (_U8, _I64, _i, _i, _i, _i)),
            ("periph", "sleep_enter", CONTRACT["reset"]),
            # then what only Python calls: the debugger's register access (after io_write,
            # which this process compiles first)
            ("slowpath", "io_access", (_U8, _I64, _i, _i, _i, _LOG, _LOG, _b)),
        ),
    ),
)


#: Stage 1's shared work: one part per module of SHARED_MODULES, taken by whichever process
#: claims it first.
SHARED: tuple[Part, ...] = tuple(_modules(m) for m in SHARED_MODULES)


def _function(module: str, name: str):  # noqa: ANN202 (a numba dispatcher)
    return getattr(import_module(f"{__package__}.{module}"), name)


def compile_part(part: Part) -> None:
    """Compile (or load from the cache) the functions of ``part``, running nothing."""
    for module, name, signature in part:
        _function(module, name).compile(signature)


def compile_shared(claims: str | None) -> list[str]:
    """Compile the ``SHARED`` parts this process claims first in the directory ``claims``
    (a file per module, created exclusively: each is compiled by one process). Returns the
    modules compiled here; none without a directory."""
    taken: list[str] = []
    if claims is None:
        return taken
    for module, part in zip(SHARED_MODULES, SHARED, strict=True):
        try:
            os.close(os.open(os.path.join(claims, module), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        except OSError:
            break  # the directory is gone: the other process has finished the stage
        compile_part(part)
        taken.append(module)
    return taken


def helper_command() -> list[str]:
    """The command that starts the helper (the frozen app is its own interpreter and takes a
    hidden option for it; see ``breadboard.cli``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--kernel-compile-helper"]
    code = f"import sys; from {__name__} import helper_main; sys.exit(helper_main())"
    return [sys.executable, "-c", code]


def helper_main() -> int:
    """The helper process: compile its part of each stage, report it on one line of JSON
    (seconds since it started, and the stage functions it compiled that it should not have:
    ``mismatched`` for a signature other than the stage's, ``raced`` for one of the parent's
    part that was not in the cache yet), and go on when the parent writes a line."""
    start = time.perf_counter()
    for i, (_, part) in enumerate(STAGES):
        if i and not sys.stdin.readline():
            return 1  # the parent is gone
        compile_part(part)
        shared = compile_shared(os.environ.get(CLAIMS_ENV)) if i == 0 else []
        report = {
            "seconds": time.perf_counter() - start,
            "stage": i + 1,
            "shared": shared,
            "mismatched": _mismatched(),
            "raced": _compiled_here(here for here, _ in STAGES[1:]),
        }
        print(json.dumps(report), flush=True)
    return 0


def _mismatched() -> list[str]:
    """Stage functions this process compiled for argument types other than their stage's,
    and kernel functions it compiled for more than one list of argument types."""
    staged = [
        f"{module}.{name}"
        for part in _all_parts()
        for module, name, signature in part
        if any(tuple(s) != signature for s in _dispatcher_signatures(module, name))
    ]
    several = [
        f"{fn.py_func.__module__.rsplit('.', 1)[-1]}.{fn.py_func.__name__}"
        for fn in KERNEL_FUNCTIONS
        if len(getattr(fn, "signatures", ())) > 1
    ]
    return staged + several


def _all_parts() -> tuple[Part, ...]:
    return tuple(p for pair in STAGES for p in pair) + SHARED


def _compiled_here(parts: Iterable[Part]) -> list[str]:
    """Functions of ``parts`` this process compiled instead of loading them from the cache."""
    return [f"{m}.{n}" for part in parts for m, n, _ in part if _cache_misses(m, n)]


def _dispatcher_signatures(module: str, name: str) -> list:
    return getattr(_function(module, name), "signatures", [])  # none with NUMBA_DISABLE_JIT


def _cache_misses(module: str, name: str) -> int:
    stats = getattr(_function(module, name), "stats", None)  # none with NUMBA_DISABLE_JIT
    return sum(stats.cache_misses.values()) if stats is not None else 0


def kernel_ready() -> bool:
    """True once the kernel has been compiled into the current cache directory."""
    return (Path(_cache.configure()) / READY_MARKER).exists()


def _mark_ready(cold: bool) -> None:
    """Write (or touch: it dates the last use) the ready marker; after a compile, remove the
    caches of kernel versions unused for a month."""
    path = Path(_cache.configure())
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / READY_MARKER).write_text("compiled\n")
        if cold:
            _cache.prune_stale(str(path), READY_MARKER)
    except OSError:
        pass  # a read-only cache still works; the next start compiles on two cores again


def _start_helper(claims: str | None) -> subprocess.Popen | None:
    env = {**os.environ, CLAIMS_ENV: claims} if claims else None  # none: the helper shares none
    try:
        return subprocess.Popen(
            helper_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
    except OSError:
        return None  # no second process: this one compiles everything


def _claims_dir() -> str | None:
    """A new directory for stage 1's claim files, or None if none can be made."""
    try:
        return tempfile.mkdtemp(prefix="breadboard-warm-")
    except OSError:
        return None


def _read_report(helper: subprocess.Popen) -> dict | None:
    """The helper's next report line, or None once it has exited (other output is skipped)."""
    for line in helper.stdout:
        try:
            report = json.loads(line)
        except ValueError:
            continue
        if isinstance(report, dict) and "stage" in report:
            return report
    return None


def warm_up() -> dict:
    """Load the compiled kernel now (compiling it first on a cold cache), so the first real
    run starts at full speed. Returns what happened: ``seconds``, ``cold``, ``helper``
    (whether a helper process shared the compile to the end), ``stages`` (per stage, seconds
    to this process's part done and the helper's own seconds to its part done), ``shared``
    (the ``SHARED_MODULES`` each process compiled: ``here`` and ``helper``),
    ``compiled_twice`` (stage functions compiled for argument types other than their
    stage's, or again although the other process had them, and any kernel function compiled
    for two lists of argument types: empty unless ``STAGES`` disagrees with the kernel's
    calls) and ``raced`` (functions of one process's part that the other needed before they
    were in the cache and compiled itself: costs time only)."""
    start = time.perf_counter()
    cold = not kernel_ready()
    claims = _claims_dir() if cold else None
    helper = _start_helper(claims) if cold and not config.DISABLE_JIT else None
    used_helper = helper is not None
    stages = []  # per stage: (seconds to this process's part done, the helper's own seconds)
    shared = {"here": [], "helper": []}  # the SHARED modules each process compiled
    twice, raced = [], []
    if helper is not None:
        try:
            for i, (part, _) in enumerate(STAGES):
                compile_part(part)
                if i == 0 and claims is not None:
                    shared["here"] = compile_shared(claims)
                elif i == 0:  # nowhere to claim: this process compiles them all
                    for p in SHARED:
                        compile_part(p)
                    shared["here"] = list(SHARED_MODULES)
                here = time.perf_counter() - start
                theirs = _read_report(helper) if helper is not None else None
                if theirs is None:
                    helper = None  # gone: whatever it did not compile gets compiled here
                    theirs = {}
                stages.append((here, theirs.get("seconds")))
                shared["helper"] += theirs.get("shared", [])
                twice += theirs.get("mismatched", [])
                raced += theirs.get("raced", [])
                if helper is not None and i + 1 < len(STAGES):
                    helper.stdin.write("next\n")
                    helper.stdin.flush()
        except BaseException:
            if helper is not None:
                helper.kill()
            raise
        finally:
            if claims is not None:
                shutil.rmtree(claims, ignore_errors=True)
        if helper is not None:
            helper.stdin.close()
            used_helper = helper.wait() == 0
        else:
            used_helper = False
    elif claims is not None:
        shutil.rmtree(claims, ignore_errors=True)
    global _loaded
    _loaded = True
    _first_run()
    _mark_ready(cold)
    return {
        "seconds": time.perf_counter() - start,
        "cold": cold,
        "helper": used_helper,
        "stages": stages,
        "shared": shared,
        "compiled_twice": sorted(set(twice + _mismatched())) if used_helper else [],
        "raced": sorted(set(raced + _compiled_here(t for _, t in STAGES[1:])))
        if used_helper
        else [],
    }


def _first_run() -> None:
    """Reset a blank chip and run it to cycle 0: the calls that load (or, without a helper,
    compile) every function the kernel calls. warm knows the kernel, not ``Mcu`` (which
    calls ``ensure_loaded``): the import goes one way."""
    data = np.zeros(DATA_ALLOC, np.uint8)
    st = np.zeros(STATE_SIZE, np.int64)
    # chip_reset logs the pins without a bounds check: give the logs room
    logs = [np.zeros((256, cols), np.int64) for cols in (PIN_LOG_COLS, IRQ_LOG_COLS, UART_LOG_COLS)]
    chip_reset(data, st, np.int64(0), logs[0], np.int64(1))
    op = np.full(DECODED_SIZE, OP_WRAP, np.int32)
    flash = np.full(FLASH_WORDS, 0xFFFF, np.uint16)
    zeros = np.zeros(DECODED_SIZE, np.int32)
    run_slice(data, flash, op, zeros, zeros, st, *logs, np.int64(0))


def ensure_loaded() -> None:
    """Run ``warm_up`` once per process (``Mcu`` calls this), so a cold cache is compiled on
    two cores by whichever caller comes first."""
    if not _loaded:
        warm_up()


__all__ = [
    "warm_up",
    "ensure_loaded",
    "kernel_ready",
    "helper_command",
    "helper_main",
    "compile_part",
    "compile_shared",
    "STAGES",
    "SHARED",
    "READY_MARKER",
]
