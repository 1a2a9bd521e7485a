"""``Board``: what the CLI, the app's worker and the scope need from a simulated board.

Two boards implement it: ``Simulation`` (an ATmega328P running AVR firmware) and
``MicroPythonBoard`` (a MicroPython script). Time is counted in ``cycle`` units at ``f_cpu``
(for the MicroPython board: ticks of a 16 MHz time base); every trace row is stamped with it.
``open_board(path)`` picks the board by the file's type, so no caller needs a case per board.

Recorded (growing ``Trace`` tables, read by the worker with ``since``):
  ``pins``        pin name -> ``PinTrace`` (cycle, LOW/HIGH/FLOATING)
  ``interrupts``  (cycle, vector, 1 = handler entry / 0 = return); ``interrupt_name(v)``
  ``serial_tx``   (cycle, byte): the serial port, or the MicroPython REPL console
  ``analog``      pin name -> (cycle, microvolts) applied to analog inputs
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod

from .trace import PinTrace, Trace


class Board(ABC):
    """A simulated Uno-shaped board: inputs in, recorded traces out, run in slices."""

    f_cpu: int
    pins: dict[str, PinTrace]
    interrupts: Trace
    serial_tx: Trace
    analog: dict[str, Trace]

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

    def close(self) -> None:
        """Release what the board holds (threads); its traces stay readable."""
        return None


def open_board(path: str | os.PathLike, f_cpu: int = 16_000_000) -> Board:
    """The board for a file: a ``.py`` script runs on ``MicroPythonBoard``, anything else is
    loaded as AVR firmware (.hex/.elf) on ``Simulation``. Raises ``FirmwareError``."""
    if str(path).lower().endswith(".py"):
        from .micropython_board import MicroPythonBoard

        return MicroPythonBoard.open(path, f_cpu=f_cpu)
    from .simulation import Simulation

    return Simulation.open(path, f_cpu=f_cpu)
