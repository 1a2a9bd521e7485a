"""``Board``: what the CLI, the app's worker and the scope need from a simulated board.

Two boards implement it: ``Simulation`` (an ATmega328P running AVR firmware) and
``MicroPythonBoard`` (a MicroPython script). Time is counted in ``cycle`` units at ``f_cpu``
(for the MicroPython board: ticks of a 16 MHz time base); every trace row is stamped with it.
``open_board(path)`` picks the board by the file's type, so no caller needs a case per board.

Recorded (``Trace`` tables, read by the worker with ``since``; the whole run, or a window of
``history`` cycles; ``add_listener`` sees every row as it is recorded):
  ``pins``        pin name -> ``PinTrace`` (cycle, LOW/HIGH/FLOATING)
  ``interrupts``  (cycle, vector, 1 = handler entry / 0 = return, ...); ``interrupt_name(v)``
  ``serial_tx``   (cycle, byte): the serial port, or the MicroPython REPL console
  ``analog``      pin name -> (cycle, microvolts) applied to analog inputs

What only the AVR has (``irq_stats``, breakpoints, watchpoints) raises ``ValueError`` on other
boards, with a message a user can read.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..avr.regs import F_CPU
from .trace import PinTrace, Trace


@dataclass(frozen=True)
class TraceNews:
    """Rows recorded in one go: per changed pin (cycle, level), interrupts (the
    ``interrupts`` trace's rows) and transmitted serial bytes (cycle, byte)."""

    pins: dict[str, np.ndarray]
    interrupts: np.ndarray
    serial: np.ndarray


class Board(ABC):
    """A simulated Uno-shaped board: inputs in, recorded traces out, run in slices."""

    f_cpu: int
    pins: dict[str, PinTrace]
    interrupts: Trace
    serial_tx: Trace
    analog: dict[str, Trace]
    #: Why ``run_until`` stopped early (a breakpoint), None otherwise.
    stop_reason: Any = None
    #: Cycles of trace history kept (None: the whole run; 0: only the current levels).
    history: int | None

    def _init_history(self, history: int | None) -> None:
        if history is not None and history < 0:
            raise ValueError(f"history must be a number of cycles >= 0, not {history}")
        self.history = history
        self._listeners: list[Callable[[TraceNews], None]] = []

    def add_listener(self, fn: Callable[[TraceNews], None]) -> None:
        """Call ``fn(news)`` with the rows recorded since the last call, each time the board's
        logs are turned into traces (news comes in cycle order; rows are never repeated)."""
        self._listeners.append(fn)

    def _publish(self, pins: dict[str, np.ndarray], irq: np.ndarray, tx: np.ndarray) -> None:
        if self._listeners and (pins or irq.shape[0] or tx.shape[0]):
            news = TraceNews(pins, irq, tx)
            for fn in self._listeners:
                fn(news)

    @property
    @abstractmethod
    def program_path(self) -> str | None:
        """The file the board runs (firmware or script), None when empty."""

    @property
    @abstractmethod
    def cycle(self) -> int: ...

    @property
    def seconds(self) -> float:
        return self.cycle / self.f_cpu

    @property
    @abstractmethod
    def status(self) -> str:
        """running, sleeping, stopped or halted (see ``breadboard.sim.simulation``)."""

    @property
    @abstractmethod
    def halt_reason(self) -> str | None: ...

    @property
    def active_cycles(self) -> int:
        return self.cycle

    @abstractmethod
    def drive(self, pin, level: int | None, at: int | None = None) -> None: ...

    @abstractmethod
    def set_voltage(self, pin: str, volts: float, at: int | None = None) -> None: ...

    @abstractmethod
    def run_until(self, cycle: int) -> str: ...

    def run_for(self, cycles: int) -> str:
        return self.run_until(self.cycle + int(cycles))

    @abstractmethod
    def reset(self, power_on: bool = False) -> None: ...

    @abstractmethod
    def pin_mode(self, pin) -> str:
        """ "output", "input" or "input pull-up"."""

    def interrupt_name(self, vector: int) -> str:
        return f"vector {vector}"

    def serial_bytes(self) -> bytes:
        return bytes(self.serial_tx.rows[:, 1].astype("uint8").tobytes())

    def prepare(self) -> None:
        """Make ready to run at full speed (compile the AVR kernel); may take seconds once."""
        return None

    def close(self) -> None:
        """Release what the board holds (threads); its traces stay readable."""
        return None

    # ---- what only some boards have -------------------------------------------------------
    def _unsupported(self, what: str) -> ValueError:
        return ValueError(f"{what} need AVR firmware (.hex/.elf/.ino): {self.program_path}")

    def irq_stats(self, isr_limit_us: float = 100.0, ioff_limit_us: float = 100.0) -> Any:
        """Per-vector interrupt statistics (``breadboard.sim.irqstats.IrqStats``)."""
        raise self._unsupported("interrupt statistics")

    def add_breakpoint(self, where: str | int) -> int:
        raise self._unsupported("breakpoints")

    def add_watch(self, where: str | int) -> int:
        raise self._unsupported("watchpoints")


def open_board(path: str | os.PathLike, f_cpu: int = F_CPU, history: int | None = None) -> Board:
    """The board for a file: a ``.py`` script runs on ``MicroPythonBoard``, anything else is
    loaded as AVR firmware (.hex/.elf) on ``Simulation``. Raises ``FirmwareError``."""
    if str(path).lower().endswith(".py"):
        from .micropython_board import MicroPythonBoard

        return MicroPythonBoard.open(path, f_cpu=f_cpu, history=history)
    from .simulation import Simulation

    return Simulation.open(path, f_cpu=f_cpu, history=history)
