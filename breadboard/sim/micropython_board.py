"""``MicroPythonBoard``: a MicroPython script on the Uno's pins, behind the ``Board`` interface.

It wraps ``breadboard.micropython.Runtime`` as ``Simulation`` wraps the AVR ``Mcu``: inputs go
in at exact times, the runtime's logs become the same traces (pins, interrupts = handler
entries/returns, serial_tx = the REPL console). ``cycle`` counts ticks of a 16 MHz time base.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..avr.regs import F_CPU
from ..circuit import UNO_PINS, UnoPin, uno_pin
from ..firmware import FirmwareError
from ..micropython import HALTED as MP_HALTED
from ..micropython import IDLE, LINE_TIME, Runtime
from .board import Board
from .simulation import ANALOG_INPUTS, HALTED, RUNNING, SLEEPING
from .trace import FLOATING, PinTrace, Trace


class Script:
    """A MicroPython source file (the board's program, as ``Firmware`` is the AVR's)."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source


def load_script(path: str | os.PathLike) -> Script:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise FirmwareError(f"{p}: cannot read: {e.strerror or e}") from e
    try:
        return Script(str(p), data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise FirmwareError(f"{p}: not a UTF-8 text file (byte {e.start})") from e


_NO_ROWS = np.zeros((0, 2), dtype=np.int64)


class MicroPythonBoard(Board):
    """An Uno-shaped board running a MicroPython script (see ``breadboard.micropython``)."""

    def __init__(
        self,
        script: Script | None = None,
        f_cpu: int = F_CPU,
        line_time: float = LINE_TIME,
        history: int | None = None,
    ) -> None:
        self.f_cpu = f_cpu
        self._init_history(history)
        self.line_time = line_time
        self.firmware: Script | None = None  # the name the worker and CLI know
        self.rt: Runtime | None = None
        self._clear()
        if script is not None:
            self.load(script)

    @classmethod
    def open(cls, path: str | os.PathLike, f_cpu: int = F_CPU, **kw) -> MicroPythonBoard:
        return cls(load_script(path), f_cpu=f_cpu, **kw)

    def _clear(self) -> None:
        keep = self.history
        self.pins: dict[str, PinTrace] = {p.name: PinTrace(FLOATING, keep) for p in UNO_PINS}
        self.interrupts = Trace(3, keep=keep)
        self.serial_tx = Trace(2, keep=keep)
        self.analog: dict[str, Trace] = {}
        self._volts: dict[str, float] = {}
        self._drives: dict[int, int | None] = {}
        self._base = 0

    def load(self, script: Script) -> None:
        self.firmware = script
        self.reset(power_on=True)

    def reset(self, power_on: bool = False) -> None:
        """Start the script over: power-on clears time and traces, reset keeps them."""
        base = 0 if power_on else self.cycle
        if self.rt is not None:
            self._drain()
            self.rt.stop()
        if power_on:
            self._clear()
        if self.firmware is None:
            self.rt = None
            return
        self._base = base
        self.rt = Runtime(
            self.firmware.source,
            Path(self.firmware.path).name,
            self.f_cpu,
            [p.name for p in UNO_PINS],
            {14 + i: i for i in range(6)},
            line_time=self.line_time,
        )
        for n, level in self._drives.items():
            self.rt.drive(n, level, 0)
        for name, volts in self._volts.items():
            self.rt.set_voltage(ANALOG_INPUTS[name][1], volts, 0)
        if not power_on:
            for p in UNO_PINS:  # pins float until the script sets them up again
                self.pins[p.name].append_changes(
                    np.array([base]), np.array([self.rt.level[p.number]])
                )

    def close(self) -> None:
        if self.rt is not None:
            self.rt.stop()

    stop = close

    # ---- state ------------------------------------------------------------------------------
    @property
    def program_path(self) -> str | None:
        return self.firmware.path if self.firmware else None

    @property
    def cycle(self) -> int:
        return self._base + (self.rt.now if self.rt else 0)

    @property
    def instructions(self) -> int:
        return 0

    @property
    def status(self) -> str:
        if self.rt is None:
            return HALTED
        return {MP_HALTED: HALTED, IDLE: SLEEPING}.get(self.rt.status, RUNNING)

    @property
    def halt_reason(self) -> str | None:
        return self.rt.halt_reason if self.rt else None

    def pin_trace(self, pin) -> PinTrace:
        return self.pins[self._pin(pin).name]

    def pin_level(self, pin) -> int:
        return self.rt.level[self._pin(pin).number] if self.rt else FLOATING

    def pin_mode(self, pin) -> str:
        n = self._pin(pin).number
        if self.rt is None:
            return "input"
        if self.rt.mode[n] in ("out", "od"):
            return "output"
        return "input pull-up" if self.rt.pull[n] == "up" else "input"

    def interrupt_name(self, vector: int) -> str:
        names = self.rt.vector_names if self.rt else []
        return names[vector] if 0 <= vector < len(names) else f"handler {vector}"

    def handler_latencies(self) -> list[tuple[str, int, int]]:
        """(handler name, trigger cycle, entry cycle) of every handler run so far."""
        if self.rt is None:
            return []
        return [(self.interrupt_name(v), self._base + e, self._base + t)
                for v, e, t in self.rt.handler_log]  # fmt: skip

    def serial_config(self) -> dict | None:
        return None

    @staticmethod
    def _pin(pin) -> UnoPin:
        return pin if isinstance(pin, UnoPin) else uno_pin(pin)

    # ---- inputs -------------------------------------------------------------------------------
    def drive(self, pin, level: int | None, at: int | None = None) -> None:
        p = self._pin(pin)
        if level not in (0, 1, None):
            raise ValueError(f"a pin is driven with 0, 1 or None (released), not {level!r}")
        if at is None or at <= self.cycle:
            self._drives[p.number] = level
        if self.rt is not None:
            self.rt.drive(p.number, level, (self.cycle if at is None else int(at)) - self._base)
            self._drain()

    def set_voltage(self, pin: str, volts: float, at: int | None = None) -> None:
        name = uno_pin(pin).name
        if name not in ANALOG_INPUTS or ANALOG_INPUTS[name][0] != "adc":
            raise ValueError(f"{pin!r} has no analog input: use A0-A5")
        cycle = self.cycle if at is None else int(at)
        trace = self.analog.setdefault(name, Trace(2))
        trace.extend(np.array([[cycle, round(float(volts) * 1e6)]], dtype=np.int64))
        if at is None or at <= self.cycle:
            self._volts[name] = float(volts)
        if self.rt is not None:
            self.rt.set_voltage(ANALOG_INPUTS[name][1], float(volts), cycle - self._base)

    def send_serial(self, data: bytes | str, at: int | None = None, **_) -> int:
        """Type ``data`` into the REPL console (the script's ``input()`` reads it)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.rt is not None:
            self.rt.send_serial(bytes(data))
        return self.cycle

    # ---- running ------------------------------------------------------------------------------
    def run_until(self, cycle: int) -> str:
        if self.rt is not None:
            self.rt.run_until(int(cycle) - self._base)
            self._drain()
        return self.status

    def step(self) -> str:
        return self.run_for(max(1, round(self.line_time * self.f_cpu)))

    def _drain(self) -> None:
        rt, base = self.rt, self._base
        pins: dict[str, np.ndarray] = {}
        irq = tx = _NO_ROWS
        if rt.pin_log:
            log, rt.pin_log = rt.pin_log, []
            arr = np.array(log, dtype=np.int64)
            for p in UNO_PINS:
                sel = arr[:, 1] == p.number
                if np.any(sel):
                    new = self.pins[p.name].append_changes(arr[sel, 0] + base, arr[sel, 2])
                    if new is not None:
                        pins[p.name] = new
        if rt.irq_log:
            log, rt.irq_log = rt.irq_log, []
            irq = np.array(log, dtype=np.int64)
            irq[:, 0] += base
            self.interrupts.extend(irq)
        if rt.serial_log:
            log, rt.serial_log = rt.serial_log, []
            tx = np.array(log, dtype=np.int64)
            tx[:, 0] += base
            self.serial_tx.extend(tx)
        self._publish(pins, irq, tx)


__all__ = ["MicroPythonBoard", "Script", "load_script"]
