"""Runs a MicroPython script in a thread of its own, lock-stepped to a simulated clock.

Time is an integer tick count at ``tick_hz``. The script only runs while ``run_until`` asks the
clock to advance: its thread blocks as soon as its clock reaches the target. Each executed line
(and each backward jump that re-runs a line) costs ``line_time`` seconds, ``sleep*`` advances
the clock; so the same script and the same inputs give the same ticks every time.

Pin interrupt handlers and timer callbacks are not run at once: as MicroPython's soft
interrupts run between bytecodes, a pending handler runs between two lines of the script.
``hard=True`` handlers run before any scheduled function; soft handlers and
``micropython.schedule`` share MicroPython's queue of ``SCHEDULER_DEPTH`` entries, one entry
run per line boundary; ``machine.disable_irq`` holds them all until ``enable_irq``.
"""

from __future__ import annotations

import builtins
import heapq
import sys
import threading
import traceback
import types
from collections.abc import Sequence

LOW, HIGH, FLOATING = 0, 1, 2

#: Seconds one executed line costs: about what a simple line takes on a Raspberry Pi Pico
#: (rp2, 125 MHz). Set another with ``Runtime(line_time=...)``.
LINE_TIME = 5e-6
#: MicroPython's MICROPY_SCHEDULER_DEPTH (rp2, esp32, ...): the schedule queue's length.
SCHEDULER_DEPTH = 8
#: ticks_ms/ticks_us wrap at 2**30, as MicroPython's (MICROPY_PY_TIME_TICKS_PERIOD).
TICKS_PERIOD = 1 << 30

RUNNING, IDLE, HALTED = "running", "idle", "halted"


class _Stop(BaseException):
    """Raised inside the script thread to end it (Stop, Reset)."""


class Runtime:
    """One MicroPython script on a board with ``len(pin_names)`` numbered pins.

    Outputs are logs the owner drains: ``pin_log`` (tick, pin, level), ``irq_log``
    (tick, vector, 1 = entry / 0 = return), ``serial_log`` (tick, byte); ``vector_names``
    names each vector; ``handler_log`` holds (vector, edge tick, entry tick) per handler run.
    """

    def __init__(
        self,
        source: str,
        filename: str,
        tick_hz: int,
        pin_names: Sequence[str],
        adc_channels: dict[int, int],
        line_time: float = LINE_TIME,
    ) -> None:
        self.source = source
        self.filename = filename
        self.tick_hz = tick_hz
        self.pin_names = list(pin_names)
        self.adc_channels = dict(adc_channels)
        self.line_ticks = max(1, round(line_time * tick_hz))
        self.now = 0
        self.target = 0
        self.status = RUNNING
        self.halt_reason: str | None = None
        n = len(self.pin_names)
        self.mode = [None] * n  # None (reset: input), "in", "out", "od"
        self.pull = [None] * n  # None, "up", "down"
        self.out = [0] * n
        self.ext: list[int | None] = [None] * n
        self.level = [FLOATING] * n
        self.volts = [0.0] * 8
        self.pin_log: list[tuple[int, int, int]] = []
        self.irq_log: list[tuple[int, int, int]] = []
        self.serial_log: list[tuple[int, int]] = []
        self.handler_log: list[tuple[int, int, int]] = []
        self.vector_names: list[str] = []
        self._vectors: dict[str, int] = {}
        self._inputs: list[tuple[int, int, int, object]] = []  # (tick, seq, pin/-1-ch, value)
        self._seq = 0
        self._timers: list[tuple[int, int, object]] = []  # (tick, seq, Timer)
        self._irqs: dict[int, object] = {}  # pin -> _PinIrq
        self._hard: list[tuple[object, object, int, int]] = []  # (fn, arg, vector, edge)
        self._queue: list[tuple[object, object, int, int]] = []
        self._irq_enabled = True
        self._in_handler = False
        self._kill = False
        self._rx = bytearray()
        self._go = threading.Semaphore(0)
        self._done = threading.Semaphore(0)
        self._thread: threading.Thread | None = None
        self._last = (None, -1)  # (frame, lasti) for backward-jump detection
        self.modules = _make_modules(self)

    # ---- the owner's side ----------------------------------------------------------------
    def run_until(self, tick: int) -> str:
        """Let the script run until its clock reaches ``tick`` (or it halts)."""
        if self.status == HALTED or tick <= self.now:
            return self.status
        self.target = tick
        if self._thread is None:
            self._thread = threading.Thread(target=self._main, name="micropython", daemon=True)
            self._thread.start()
        else:
            self._go.release()
        self._done.acquire()
        return self.status

    def stop(self, timeout: float = 1.0) -> None:
        """End the script thread (wherever it is); the board keeps its traces."""
        th = self._thread
        if th is not None and th.is_alive():
            self._kill = True
            self._go.release()
            th.join(timeout)
        self._thread = None

    def drive(self, pin: int, level: int | None, at: int) -> None:
        self._push(at, pin, level)

    def set_voltage(self, channel: int, volts: float, at: int) -> None:
        self._push(at, -1 - channel, float(volts))

    def send_serial(self, data: bytes) -> None:
        self._rx += data

    def _push(self, at: int, key: int, value) -> None:
        if at <= self.now:
            self._apply(key, value, self.now)
        else:
            self._seq += 1
            heapq.heappush(self._inputs, (at, self._seq, key, value))

    # ---- the script thread ----------------------------------------------------------------
    def _main(self) -> None:
        try:
            try:
                code = compile(self.source, self.filename, "exec")
            except SyntaxError as e:
                self._print(
                    "Traceback (most recent call last):\n"
                    f'  File "{self.filename}", line {e.lineno}\n'
                    f"SyntaxError: {e.msg}\n"
                )
                self._halt(f"SyntaxError: {e.msg} ({self.filename}, line {e.lineno})")
                return
            glb = {"__name__": "__main__", "__builtins__": self._builtins()}
            sys.settrace(self._trace_call)
            try:
                exec(code, glb)
            finally:
                sys.settrace(None)
            self.status = IDLE  # the REPL: handlers and timers go on
            self._wait(None)
        except _Stop:
            pass
        except BaseException as e:  # noqa: BLE001 - the user's program ends, the board says why
            sys.settrace(None)
            self._print(self._format(e))
            self._halt(f"{type(e).__name__}: {e} ({self._where(e)})")
        finally:
            sys.settrace(None)
            self._done.release()

    def _halt(self, reason: str) -> None:
        self.status = HALTED
        self.halt_reason = reason

    def _format(self, e: BaseException) -> str:
        lines = ["Traceback (most recent call last):\n"]
        for fs in traceback.extract_tb(e.__traceback__):
            if fs.filename == self.filename:
                lines.append(f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}\n')
        msg = str(e)
        lines.append(f"{type(e).__name__}: {msg}\n" if msg else f"{type(e).__name__}:\n")
        return "".join(lines)

    def _where(self, e: BaseException) -> str:
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == self.filename]
        return f"{self.filename}, line {frames[-1].lineno}" if frames else self.filename

    def _trace_call(self, frame, event, arg):
        if frame.f_code.co_filename != self.filename:
            return None
        frame.f_trace_opcodes = True
        return self._trace_local

    def _trace_local(self, frame, event, arg):
        if event == "line":
            self._last = (frame, frame.f_lasti)
            self._tick()
        elif event == "opcode":
            f, lasti = self._last
            if f is frame and frame.f_lasti <= lasti:  # a loop that stays on one line
                self._tick()
            self._last = (frame, frame.f_lasti)
        return self._trace_local

    def _tick(self) -> None:
        """One line executed: advance the clock, then let pending handlers run."""
        if self._kill:
            raise _Stop
        self.now += self.line_ticks
        self._events(self.now)
        if self.now >= self.target:
            self._yield()
        if not self._in_handler:
            sys.call_tracing(self._dispatch, ())

    def _yield(self) -> None:
        self._done.release()
        self._go.acquire()
        if self._kill:
            raise _Stop

    def _wait(self, until: int | None) -> None:
        """Sleep (the script's sleep_ms, or the REPL after the script ends) until ``until``."""
        while True:
            if not self._in_handler:
                self._dispatch()
            if until is not None and self.now >= until:
                return
            nxt = self.target
            if until is not None:
                nxt = min(nxt, until)
            if self._inputs:
                nxt = min(nxt, self._inputs[0][0])
            if self._timers:
                nxt = min(nxt, self._timers[0][0])
            if self._hard or (self._queue and self._irq_enabled and not self._in_handler):
                nxt = self.now
            if nxt > self.now:
                self.now = nxt
            self._events(self.now)
            if self.now >= self.target and not (self._pending() and not self._in_handler):
                self._yield()

    def _pending(self) -> bool:
        return self._irq_enabled and bool(self._hard or self._queue)

    def _events(self, now: int) -> None:
        while self._inputs and self._inputs[0][0] <= now:
            t, _, key, value = heapq.heappop(self._inputs)
            self._apply(key, value, t)
        while self._timers and self._timers[0][0] <= now:
            t, _, timer = heapq.heappop(self._timers)
            timer._fire(t)

    def _apply(self, key: int, value, tick: int) -> None:
        if key < 0:
            self.volts[-1 - key] = value
        else:
            self.ext[key] = value
            self._update(key, tick)

    def _update(self, pin: int, tick: int) -> None:
        mode = self.mode[pin]
        if mode == "out" or (mode == "od" and self.out[pin] == 0):
            level = self.out[pin]
        elif self.ext[pin] is not None:
            level = self.ext[pin]
        elif self.pull[pin] == "up":
            level = HIGH
        elif self.pull[pin] == "down":
            level = LOW
        else:
            level = FLOATING
        before = self.level[pin]
        if level == before:
            return
        self.level[pin] = level
        self.pin_log.append((tick, pin, level))
        irq = self._irqs.get(pin)
        if irq is not None and irq.handler is not None:
            rising = level == HIGH and before != HIGH
            falling = level != HIGH and before == HIGH
            if (rising and irq._trigger & 8) or (falling and irq._trigger & 4):
                irq._flags = 8 if rising else 4
                self._raise_irq(irq.handler, irq.pin, irq.vector, tick, irq.hard)

    def _raise_irq(self, fn, arg, vector: int, edge: int, hard: bool) -> bool:
        if hard:
            self._hard.append((fn, arg, vector, edge))
            return True
        if len(self._queue) >= SCHEDULER_DEPTH:
            return False
        self._queue.append((fn, arg, vector, edge))
        return True

    def vector(self, name: str) -> int:
        if name not in self._vectors:
            self._vectors[name] = len(self.vector_names)
            self.vector_names.append(name)
        return self._vectors[name]

    def _dispatch(self) -> None:
        """Run the pending hard handlers, then one scheduled function (MicroPython's order)."""
        if not self._irq_enabled:
            return
        while self._hard:
            fn, arg, vector, edge = self._hard.pop(0)
            self._call(fn, arg, vector, edge, hard=True)
        if self._queue and self._irq_enabled:
            fn, arg, vector, edge = self._queue.pop(0)
            self._call(fn, arg, vector, edge, hard=False)

    def _call(self, fn, arg, vector: int, edge: int, hard: bool) -> None:
        self._in_handler = True
        self.irq_log.append((self.now, vector, 1))
        self.handler_log.append((vector, edge, self.now))
        try:
            fn(arg)
        except _Stop:
            raise
        except BaseException as e:  # noqa: BLE001 - printed as MicroPython prints it
            text = self._format(e)
            if hard:
                text = "Uncaught exception in IRQ callback handler\n" + text
                for irq in self._irqs.values():
                    if irq.handler is fn:
                        irq.handler = None
            self._print(text)
        finally:
            self.irq_log.append((self.now, vector, 0))
            self._in_handler = False

    # ---- builtins the script sees ------------------------------------------------------------
    def _print(self, text: str) -> None:
        for b in text.replace("\n", "\r\n").encode("utf-8"):
            self.serial_log.append((self.now, b))

    def _builtins(self) -> dict:
        b = dict(vars(builtins))
        out = self

        def _print(*args, sep=" ", end="\n", file=None):
            out._print(sep.join(str(a) for a in args) + end)

        def _input(prompt=""):
            out._print(str(prompt))
            while b"\n" not in out._rx and b"\r" not in out._rx:
                out._wait(out.now + out.line_ticks * 20)
            i = min(k for k in (out._rx.find(b"\n"), out._rx.find(b"\r")) if k >= 0)
            line = bytes(out._rx[:i]).decode("utf-8", "replace")
            del out._rx[: i + 1]
            return line

        def _import(name, globals=None, locals=None, fromlist=(), level=0):
            mod = out.modules.get(name)
            if mod is None:
                if name.split(".")[0] not in _REAL_MODULES:
                    raise ImportError(f"no module named '{name}'")
                return __import__(name, globals, locals, fromlist, level)
            return mod

        b.update(print=_print, input=_input, __import__=_import)
        for name in ("open", "exit", "quit", "breakpoint", "help", "copyright", "credits"):
            b.pop(name, None)
        return b


#: CPython modules a MicroPython firmware also has (their MicroPython subsets behave alike).
_REAL_MODULES = frozenset(
    "math cmath random struct json re collections array binascii hashlib heapq errno io".split()
)


class _Module(types.ModuleType):
    def __getattr__(self, name: str):
        raise AttributeError(f"'module' object has no attribute '{name}'")


def _module(name: str, **attrs) -> _Module:
    m = _Module(name)
    for k, v in attrs.items():
        setattr(m, k, v)
    return m


def _make_modules(rt: Runtime) -> dict[str, types.ModuleType]:
    from . import machine as _machine

    machine = _machine.make_module(rt, _module)
    tick_hz = rt.tick_hz

    def sleep_ticks(ticks: int) -> None:
        if ticks > 0:
            rt._wait(rt.now + ticks)

    def ticks_diff(a: int, b: int) -> int:
        half = TICKS_PERIOD // 2
        return ((a - b + half) & (TICKS_PERIOD - 1)) - half

    time_mod = _module(
        "time",
        sleep=lambda s: sleep_ticks(round(float(s) * tick_hz)),
        sleep_ms=lambda ms: sleep_ticks(int(ms) * tick_hz // 1000),
        sleep_us=lambda us: sleep_ticks(int(us) * tick_hz // 1_000_000),
        ticks_ms=lambda: (rt.now * 1000 // tick_hz) & (TICKS_PERIOD - 1),
        ticks_us=lambda: (rt.now * 1_000_000 // tick_hz) & (TICKS_PERIOD - 1),
        ticks_cpu=lambda: (rt.now * 1_000_000 // tick_hz) & (TICKS_PERIOD - 1),
        ticks_diff=ticks_diff,
        ticks_add=lambda t, d: (t + d) & (TICKS_PERIOD - 1),
        time=lambda: rt.now // tick_hz,
        time_ns=lambda: rt.now * 1_000_000_000 // tick_hz,
    )

    def schedule(func, arg):
        if not callable(func):
            raise TypeError("'function' object isn't callable")
        name = getattr(func, "__name__", "function")
        if not rt._raise_irq(func, arg, rt.vector(f"schedule {name}"), rt.now, hard=False):
            raise RuntimeError("schedule queue full")

    micropython = _module(
        "micropython",
        const=lambda x: x,
        schedule=schedule,
        alloc_emergency_exception_buf=lambda size: None,
        opt_level=lambda *a: 0,
    )
    gc = _module("gc", collect=lambda: None, mem_free=lambda: 200_000, mem_alloc=lambda: 8_000,
                 enable=lambda: None, disable=lambda: None)  # fmt: skip
    sys_mod = _module(
        "sys",
        platform="rp2",
        implementation=types.SimpleNamespace(name="micropython", version=(1, 24, 0)),
        version="3.4.0; MicroPython v1.24.0 (breadboard)",
        maxsize=2**31 - 1,
        byteorder="little",
        exit=lambda code=0: (_ for _ in ()).throw(SystemExit(code)),
        print_exception=lambda e, file=None: rt._print(rt._format(e)),
    )
    return {
        "machine": machine,
        "time": time_mod,
        "utime": time_mod,
        "micropython": micropython,
        "gc": gc,
        "sys": sys_mod,
    }


__all__ = ["Runtime", "LINE_TIME", "SCHEDULER_DEPTH", "RUNNING", "IDLE", "HALTED"]
