"""Getting the compiled kernel ready: from the disk cache, or compiled on two cores.

numba compiles one function at a time and holds the GIL while it does: about 19 s for the
whole kernel on one core of this project's 2-core machine. A function can only be compiled
once everything it calls is, so the call tree sets the order, but its branches are
independent. On a cold cache ``warm_up`` starts one helper process and the two share the
tree in stages, both writing numba's disk cache and loading what the other compiled from it:

1. the peripherals, module by module (each module's contract functions and all below them;
   the modules barely share code, so little is compiled twice);
2. the dispatchers: the helper ``io_write``, this process ``io_read``, ``update``, the
   resets, interrupts and sleep;
3. ``run_slice``, here.

The processes meet between stages over the helper's stdin/stdout: one line each way. If the
helper cannot start or dies, this process compiles what is missing itself, as a cold start
without the helper would. Each function is compiled for the exact argument types its callers
pass (``STAGES``); ``warm_up`` reports any function compiled twice, and a test checks there
are none.
"""

from __future__ import annotations

import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import numpy as np
from numba import config, typeof
from numba.core import types

from . import _cache

#: File written into the cache directory once the kernel compiled there.
READY_MARKER = "ready"

_loaded = False  # this process has loaded (or compiled) run_slice through warm_up

_U8 = typeof(np.zeros(1, np.uint8))
_U16 = typeof(np.zeros(1, np.uint16))
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
}
_PIN_CHANGE = (_U8, _I64, _i, _i, _i, _i)


def _module(
    name: str, *extra: tuple[str, tuple], kinds: tuple[str, ...] = tuple(CONTRACT)
) -> tuple[tuple[str, str, tuple], ...]:
    """A peripheral module's contract functions, then ``extra`` (function, types) pairs."""
    contract = tuple((name, f"{name}_{kind}", CONTRACT[kind]) for kind in kinds)
    return contract + tuple((name, fn, sig) for fn, sig in extra)


Part = tuple[tuple[str, str, tuple], ...]

#: Per stage, (this process's part, the helper's part): (module, function, argument types).
STAGES: tuple[tuple[Part, Part], ...] = (
    (
        _module("usart")
        + _module("adc", ("adc_sleep", CONTRACT["reset"]))
        + _module("eeprom")
        + _module("wdt", ("wdt_kick", CONTRACT["reset"]))
        + _module("acomp")
        + _module("extint", ("extint_pin_change", _PIN_CHANGE))
        + _module("sysctl", kinds=("reset", "read", "write"))
        + (
            ("pins", "refresh", (_U8, _I64, _LOG, _i, _i)),
            ("pins", "port_read", CONTRACT["read"]),
            ("pins", "port_write", (_U8, _I64, _LOG, _i, _i, _i)),
        ),
        _module(
            "timers",
            ("timers_pin_change", _PIN_CHANGE),
            ("timers_clock", (_U8, _I64, _i, _b)),
        )
        + _module("twi")
        + _module("spi"),
    ),
    (
        (
            ("periph", "chip_reset", (_U8, _I64, _i, _LOG, _i)),
            ("kernel", "pending_vector", (_U8, _I64)),
            ("periph", "io_read", (_U8, _I64, _i, _i, _i, _i)),
            ("periph", "update", CONTRACT["update"]),
            ("periph", "sleep_enter", CONTRACT["reset"]),
            ("periph", "wake", CONTRACT["reset"]),
            ("sysctl", "wakes", (_i, _i)),
            ("sysctl", "wake_delay", (_i,)),
            ("kernel", "spm", (_U8, _U16, _I64, _i, _i, _i)),
        ),
        (("periph", "io_write", (_U8, _I64, _i, _i, _i, _i, _i, _LOG, _LOG)),),
    ),
)


def _function(module: str, name: str):  # noqa: ANN202 (a numba dispatcher)
    return getattr(import_module(f"{__package__}.{module}"), name)


def compile_part(part: Part) -> None:
    """Compile (or load from the cache) the functions of ``part``, running nothing."""
    for module, name, signature in part:
        _function(module, name).compile(signature)


def helper_command() -> list[str]:
    """The command that starts the helper (the frozen app is its own interpreter and takes a
    hidden option for it; see ``breadboard.cli``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--kernel-compile-helper"]
    code = f"import sys; from {__name__} import helper_main; sys.exit(helper_main())"
    return [sys.executable, "-c", code]


def helper_main() -> int:
    """The helper process: compile its part of each stage, print a line when it is done,
    and start the next stage when this process's parent writes a line."""
    start = time.perf_counter()
    for i, (_, part) in enumerate(STAGES):
        if i and not sys.stdin.readline():
            return 1  # the parent is gone
        compile_part(part)
        print(f"{time.perf_counter() - start:.3f} s: stage {i + 1} compiled", flush=True)
    return 0


def kernel_ready() -> bool:
    """True once the kernel has been compiled into the current cache directory."""
    return (Path(_cache.configure()) / READY_MARKER).exists()


def _mark_ready() -> None:
    path = Path(_cache.configure())
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / READY_MARKER).write_text("compiled\n")
    except OSError:
        pass  # a read-only cache still works; the next start compiles on two cores again


def _start_helper() -> subprocess.Popen | None:
    try:
        return subprocess.Popen(
            helper_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
    except OSError:
        return None  # no second process: this one compiles everything


def warm_up(parallel: bool = True) -> dict:
    """Load the compiled kernel now (compiling it first on a cold cache), so the first real
    run starts at full speed. Returns what happened: ``seconds``, ``cold``, ``helper``
    (whether a helper process shared the compile to the end), ``stages`` (per stage, seconds
    to this process's part done, and the helper's own seconds to its part done) and ``compiled_twice`` (kernel
    functions compiled here although the stages had them compiled already; empty unless a
    ``STAGES`` signature disagrees with a caller)."""
    from .mcu import Mcu

    start = time.perf_counter()
    cold = not kernel_ready()
    helper = _start_helper() if cold and parallel and not config.DISABLE_JIT else None
    used_helper = helper is not None
    stages = []  # per stage: (seconds to this process's part done, the helper's own seconds)
    if helper is not None:
        for i, (part, _) in enumerate(STAGES):
            compile_part(part)
            here = time.perf_counter() - start
            if helper is None:
                stages.append((here, None))
                continue
            line = helper.stdout.readline()  # the helper's part of this stage is in the cache
            if not line:
                helper = None  # it died: whatever it did not compile gets compiled here
            stages.append((here, float(line.split()[0]) if line else None))
            if helper is not None and i + 1 < len(STAGES):
                helper.stdin.write("next\n")
                helper.stdin.flush()
        if helper is not None:
            helper.stdin.close()
            used_helper = helper.wait() == 0
        else:
            used_helper = False
    global _loaded
    _loaded = True  # set first: Mcu() below calls ensure_loaded
    Mcu().run(0)
    _mark_ready()
    return {
        "seconds": time.perf_counter() - start,
        "cold": cold,
        "helper": used_helper,
        "stages": stages,
        "compiled_twice": _compiled_twice() if used_helper else [],
    }


def ensure_loaded() -> None:
    """Run ``warm_up`` once per process (``Mcu`` calls this), so a cold cache is compiled on
    two cores by whichever caller comes first."""
    if not _loaded:
        warm_up()


def _compiled_twice() -> list[str]:
    """Stage functions that were not taken as the stages compiled them: a second signature,
    or (for the helper's) a compile here instead of a load from the cache."""
    twice = []
    for here, there in STAGES:
        for part, theirs in ((here, False), (there, True)):
            for module, name, _ in part:
                fn = _function(module, name)
                if len(fn.overloads) > 1 or (theirs and fn.stats.cache_misses):
                    twice.append(f"{module}.{name}")
    return twice


__all__ = [
    "warm_up",
    "ensure_loaded",
    "kernel_ready",
    "helper_command",
    "helper_main",
    "compile_part",
    "STAGES",
    "READY_MARKER",
]
